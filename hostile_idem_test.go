package timrest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/timrest/timrest/gen"
)

// TestDeleteAccountsNotRetriedAfterServiceTimeout: account_delete is not
// idempotent: a transient code (a service timeout, which may come after the
// deletion) is not retried. (Found by the issue 10 review.)
func TestDeleteAccountsNotRetriedAfterServiceTimeout(t *testing.T) {
	for _, code := range []int{70169, 70202, 60008} {
		deleted := false
		rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
			if r.N == 0 {
				deleted = true // done, then the service timed out answering
				return failAnswer(code, "internal timeout"), nil
			}
			rc := int32(0)
			if deleted {
				rc = 70107
			}
			return answerJSON(t, gen.DeleteAccountsResponse{ActionStatus: gen.ActionStatusOK,
				ResultItem: []gen.AccountDeleteResult{{UserID: "x", ResultCode: rc}}}), nil
		})
		c, _ := newClient(t, rt)
		res, _ := c.Accounts.Delete(context.Background(), []gen.DeleteAccountsRequest{{DeleteItem: []gen.DeleteAccountItem{{UserID: "x"}}}})
		if n := len(rt.requests()); n != 1 {
			t.Errorf("code %d: a not-idempotent delete was sent %d times; item: %v", code, n, res.Items[0].Err)
		}
	}
}

// TestAddFriendsNotRetriedAfterServiceTimeout: friend_add after 30007 (a
// network timeout of the service) is not sent again. (Found by the issue 10
// review.)
func TestAddFriendsNotRetriedAfterServiceTimeout(t *testing.T) {
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		if r.N == 0 {
			return failAnswer(30007, "network timeout"), nil
		}
		return answerJSON(t, gen.AddFriendsResponse{ActionStatus: gen.ActionStatusOK,
			ResultItem: []gen.FriendResult{{ToAccount: "bob", ResultCode: 30001}}, FailAccount: []string{"bob"}}), nil
	})
	c, _ := newClient(t, rt)
	res, _ := c.Friends.Add(context.Background(), []gen.AddFriendsRequest{{FromAccount: "alice",
		AddFriendItem: []gen.FriendAddItem{{ToAccount: "bob", AddSource: "AddSource_Type_Web"}}}})
	if n := len(rt.requests()); n != 1 {
		t.Errorf("a not-idempotent friend_add was sent %d times; item: %v", n, res.Items[0].Err)
	}
}
