package timrest_test

import (
	"context"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

// TestAddFriendsDuplicateSentOnce: friend_add cannot update an existing
// friend (it answers 30001), so a To_Account that repeats in a request is
// sent once, with its first entry, and every entry gets that outcome
// (duplicates: share). Found by the issue 10 review: with split, the
// second entry always failed.
func TestAddFriendsDuplicateSentOnce(t *testing.T) {
	c, emu := startEmulator(t, emulator.Config{Seed: &emulator.Seed{
		Accounts: []emulator.Account{{UserID: "alice"}, {UserID: "bob"}},
	}}, true)
	one := int32(1)
	first, last := "first", "last"
	res, err := c.Friends.Add(context.Background(), []gen.AddFriendsRequest{{FromAccount: "alice", ForceAddFlags: &one,
		AddFriendItem: []gen.FriendAddItem{
			{ToAccount: "bob", AddSource: "AddSource_Type_Web", Remark: &first},
			{ToAccount: "bob", AddSource: "AddSource_Type_Web", Remark: &last},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range res.Items {
		if it.Err != nil || it.Index != i {
			t.Errorf("entry %d: index %d, %v; want success", i, it.Index, it.Err)
		}
	}
	if n := emu.Stats().Calls["AddFriends"]; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if fs := emu.Friends("alice"); len(fs) != 1 || fs[0].Remark != first {
		t.Errorf("alice's friends %+v, want bob with the first entry's remark", fs)
	}
}
