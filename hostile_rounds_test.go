package timrest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
)

// TestRoundsCancelAndStop: a split batch without an account: cancelling
// during round 0 leaves round 1 unsent (ErrNotSent), and a permission error
// stops later rounds. (Found by the issue 10 review.)
func TestRoundsCancelAndStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		cancel()
		return answer(`{"ActionStatus":"OK","ErrorCode":0}`), nil
	})
	c, _ := newClient(t, rt)
	items := []gen.ImportAccountItem{{UserID: "a"}, {UserID: "b"}, {UserID: "a"}}
	res, err := c.Accounts.Import(ctx, []gen.ImportAccountsRequest{{AccountList: items}})
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests after cancel, want 1", n)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(res.Items[2].Err, timrest.ErrNotSent) || res.Items[0].Err != nil {
		t.Errorf("err %v; items %v %v", err, res.Items[0].Err, res.Items[2].Err)
	}

	rt2 := newFakeRT(t, func(r *recorded) (*http.Response, error) { return failAnswer(70403, "admin"), nil })
	c2, _ := newClient(t, rt2)
	res, err = c2.Accounts.Import(context.Background(), []gen.ImportAccountsRequest{{AccountList: items}})
	if n := len(rt2.requests()); n != 1 || !timrest.StopsBatch(errors.Unwrap(err)) && !errors.Is(err, timrest.ErrPermission) {
		t.Errorf("%d requests, err %v", n, err)
	}
	if !errors.Is(res.Items[2].Err, timrest.ErrNotSent) {
		t.Errorf("round 1 item: %v", res.Items[2].Err)
	}
}
