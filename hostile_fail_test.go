package timrest_test

import (
	"context"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

// TestCheckFriendsFailKeyedByAccount: friend_check's BatchItem.Account and
// Fail are keyed by the request's From_Account (x-tim-batch account), not
// mixed under "". (Found by the issue 10 review.)
func TestCheckFriendsFailKeyedByAccount(t *testing.T) {
	c, _ := startEmulator(t, emulator.Config{Seed: &emulator.Seed{
		Accounts: []emulator.Account{{UserID: "alice"}, {UserID: "bob"}},
	}}, true)
	res, err := c.Friends.Check(context.Background(), []gen.CheckFriendsRequest{
		{FromAccount: "alice", CheckType: gen.FriendCheckTypeBoth, ToAccount: []string{"ghost1"}},
		{FromAccount: "bob", CheckType: gen.FriendCheckTypeBoth, ToAccount: []string{"ghost2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Fail["alice"]; len(got) != 1 {
		t.Errorf("Fail[alice] = %v, want [ghost1]; Fail = %v", got, res.Fail)
	}
	if a := res.Items[0].Account; a != "alice" {
		t.Errorf("Items[0].Account = %q, want the request's From_Account", a)
	}
}
