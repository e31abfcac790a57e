package timrest_test

import (
	"context"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

// TestBlockTwoRequestsSameAccount: c.Friends.Block with two requests for one
// From_Account works (it used to panic: assignment to entry in nil map).
// (Found by the issue 10 review.)
func TestBlockTwoRequestsSameAccount(t *testing.T) {
	c, _ := startEmulator(t, emulator.Config{Seed: &emulator.Seed{
		Accounts: []emulator.Account{{UserID: "alice"}, {UserID: "x"}, {UserID: "y"}},
	}}, true)
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Block panicked: %v", r)
		}
	}()
	res, err := c.Friends.Block(context.Background(), []gen.BlockAccountsRequest{
		{FromAccount: "alice", ToAccount: []string{"x"}},
		{FromAccount: "alice", ToAccount: []string{"y"}},
	})
	if err != nil || res.Succeeded() != 2 {
		t.Fatalf("%v %+v", err, res)
	}
}

// TestUnblockTwoRequestsSameAccount: the same for c.Friends.Unblock. (Found
// by the issue 10 review.)
func TestUnblockTwoRequestsSameAccount(t *testing.T) {
	c, _ := startEmulator(t, emulator.Config{Seed: &emulator.Seed{
		Accounts:   []emulator.Account{{UserID: "alice"}, {UserID: "x"}, {UserID: "y"}},
		Blocklists: map[string][]string{"alice": {"x", "y"}},
	}}, true)
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Unblock panicked: %v", r)
		}
	}()
	res, err := c.Friends.Unblock(context.Background(), []gen.UnblockAccountsRequest{
		{FromAccount: "alice", ToAccount: []string{"x"}},
		{FromAccount: "alice", ToAccount: []string{"y"}},
	})
	if err != nil || res.Succeeded() != 2 {
		t.Fatalf("%v %+v", err, res)
	}
}
