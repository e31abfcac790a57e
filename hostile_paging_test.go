package timrest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
)

// TestListFriendsBackwardCursor: a friend_get offset that goes backwards (0,
// 2, then 1) ends the walk with ErrRepeatedCursor instead of giving friends
// twice. (Found by the issue 10 review.)
func TestListFriendsBackwardCursor(t *testing.T) {
	nexts := []int64{2, 1, 0}
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		var req gen.ListFriendsRequest
		r.decode(t, &req)
		var items []gen.FriendData
		for i := req.StartIndex; i < req.StartIndex+2 && i < 4; i++ {
			items = append(items, gen.FriendData{ToAccount: fmt.Sprintf("f%d", i)})
		}
		flag := int32(0)
		next := nexts[r.N]
		if r.N == 2 {
			flag = 1
		}
		return answerJSON(t, gen.ListFriendsResponse{ActionStatus: gen.ActionStatusOK, UserDataItem: items,
			CompleteFlag: &flag, NextStartIndex: &next}), nil
	})
	c, _ := newClient(t, rt)
	seen := map[string]int{}
	var lastErr error
	for f, err := range c.Friends.All(context.Background(), gen.ListFriendsRequest{FromAccount: "alice"}) {
		if err != nil {
			lastErr = err
			break
		}
		seen[f.ToAccount]++
	}
	for k, n := range seen {
		if n > 1 && lastErr == nil {
			t.Errorf("friend %s yielded %d times without an error (cursor went 0 -> 2 -> 1)", k, n)
		}
	}
}

// TestListBlockedHostileAnswers: black_list_get: a repeated cursor ends with
// ErrRepeatedCursor; a FAIL answer with items yields only the error. (Found
// by the issue 10 review.)
func TestListBlockedHostileAnswers(t *testing.T) {
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		next := int64(5)
		return answerJSON(t, gen.ListBlockedResponse{ActionStatus: gen.ActionStatusOK,
			BlackListItem: []gen.BlockedAccount{{ToAccount: "x"}}, StartIndex: &next}), nil
	})
	c, _ := newClient(t, rt)
	n := 0
	var got error
	for _, err := range c.Friends.AllBlocked(context.Background(), gen.ListBlockedRequest{FromAccount: "alice", MaxLimited: 10}) {
		if err != nil {
			got = err
			break
		}
		n++
	}
	if !errors.Is(got, timrest.ErrRepeatedCursor) || n != 2 {
		t.Errorf("n=%d err=%v", n, got)
	}
}
