package timrest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

// TestBlockShareAcrossMergedRequests: one From_Account's requests of a share
// batch that carries nothing but the account and its items are merged, and a
// To_Account repeated across them is sent once; it used to panic (nil map)
// or send the key twice. (Found by the issue 10 review.)
func TestBlockShareAcrossMergedRequests(t *testing.T) {
	var sent [][]string
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		var req gen.BlockAccountsRequest
		r.decode(t, &req)
		sent = append(sent, req.ToAccount)
		a := gen.BlockAccountsResponse{ActionStatus: gen.ActionStatusOK}
		seen := map[string]bool{}
		for _, to := range req.ToAccount {
			code := int32(0)
			if seen[to] {
				code = 30001
				a.FailAccount = append(a.FailAccount, to)
			}
			seen[to] = true
			a.ResultItem = append(a.ResultItem, gen.FriendResult{ToAccount: to, ResultCode: code})
		}
		return answerJSON(t, a), nil
	})
	c, _ := newClient(t, rt)
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Block panicked: %v", r)
		}
	}()
	res, err := c.Friends.Block(context.Background(), []gen.BlockAccountsRequest{
		{FromAccount: "alice", ToAccount: []string{"x"}},
		{FromAccount: "alice", ToAccount: []string{"x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sent {
		seen := map[string]bool{}
		for _, to := range s {
			if seen[to] {
				t.Errorf("a request named %q twice: %v (duplicates: share)", to, s)
			}
			seen[to] = true
		}
	}
	for _, it := range res.Items {
		if it.Err != nil {
			t.Errorf("item %d/%d: %v (both entries should share the one answer)", it.Request, it.Index, it.Err)
		}
	}
}

// TestUnblockShareAcrossRequests: through the emulator, an account unblocked
// in two requests of one call is sent once, and both entries succeed. (Found
// by the issue 10 review.)
func TestUnblockShareAcrossRequests(t *testing.T) {
	c, _ := startEmulator(t, emulator.Config{Seed: &emulator.Seed{
		Accounts:   []emulator.Account{{UserID: "alice"}, {UserID: "x"}},
		Blocklists: map[string][]string{"alice": {"x"}},
	}}, true)
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Unblock panicked: %v", r)
		}
	}()
	res, err := c.Friends.Unblock(context.Background(), []gen.UnblockAccountsRequest{
		{FromAccount: "alice", ToAccount: []string{"x"}},
		{FromAccount: "alice", ToAccount: []string{"x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.Err != nil {
			t.Errorf("item %d/%d: %v", it.Request, it.Index, it.Err)
		}
	}
}

// TestDeleteAccountsShareAcrossRequests: account_delete (share, not
// idempotent, no account) with one UserID in two requests sends it once: the
// second entry used to get 70107 for an account this call deleted. (Found by
// the issue 10 review.)
func TestDeleteAccountsShareAcrossRequests(t *testing.T) {
	c, emu := startEmulator(t, emulator.Config{Seed: &emulator.Seed{
		Accounts: []emulator.Account{{UserID: "x"}},
	}}, true)
	_ = emu
	res, err := c.Accounts.Delete(context.Background(), []gen.DeleteAccountsRequest{
		{DeleteItem: []gen.DeleteAccountItem{{UserID: "x"}}},
		{DeleteItem: []gen.DeleteAccountItem{{UserID: "x"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.Err != nil {
			t.Errorf("item %d/%d: %v", it.Request, it.Index, it.Err)
		}
	}
}
