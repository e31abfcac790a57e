package emulator_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

// TestRelationshipChainScenario walks the relationship chain through
// HTTP with the generated client, every request and answer checked
// against openapi/ (emulatortest.ValidatingTransport): friends added both
// ways, the four relations, lists whose sequence moves, the friend list
// paged with friend_get, a block that ends a friendship both ways and
// refuses friend_add, the blocklist paged, an unblock, and deletes.
func TestRelationshipChainScenario(t *testing.T) {
	t.Parallel()
	w := newWorld("alice", "bob", "carol", "dave", "erin", "frank")
	for i := range 1100 {
		w.s.Accounts = append(w.s.Accounts, emulator.Account{UserID: fmt.Sprintf("pal%04d", i)})
	}
	f, c := startWorld(t, w.seed())
	force := ptr[int32](1)
	codesOK := func(what string, items []gen.FriendResult) {
		t.Helper()
		for _, it := range items {
			if it.ResultCode != 0 {
				t.Fatalf("%s: %s got %d %s", what, it.ToAccount, it.ResultCode, *it.ResultInfo)
			}
		}
	}

	// Friends: bob and carol both ways, erin one way from alice, dave
	// one way to alice.
	codesOK("add bob and carol", c.add(gen.AddFriendsRequest{FromAccount: "alice", ForceAddFlags: force,
		AddFriendItem: []gen.FriendAddItem{addItem("bob"), addItem("carol")}}).ResultItem)
	codesOK("add erin one way", c.add(gen.AddFriendsRequest{FromAccount: "alice", ForceAddFlags: force, AddType: ptr(gen.AddTypeSingle),
		AddFriendItem: []gen.FriendAddItem{addItem("erin")}}).ResultItem)
	codesOK("dave adds alice one way", c.add(gen.AddFriendsRequest{FromAccount: "dave", ForceAddFlags: force, AddType: ptr(gen.AddTypeSingle),
		AddFriendItem: []gen.FriendAddItem{addItem("alice")}}).ResultItem)

	check := func(want map[string]gen.FriendRelation) {
		t.Helper()
		tos := slices.Sorted(maps.Keys(want))
		r := c.check(gen.CheckFriendsRequest{FromAccount: "alice", ToAccount: tos, CheckType: gen.FriendCheckTypeBoth})
		got := map[string]gen.FriendRelation{}
		for _, it := range r.InfoItem {
			got[it.ToAccount] = it.Relation
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("relations of alice (-want +got):\n%s", diff)
		}
	}
	check(map[string]gen.FriendRelation{"bob": gen.FriendRelationBothWay, "carol": gen.FriendRelationBothWay,
		"erin": gen.FriendRelationAWithB, "dave": gen.FriendRelationBWithA, "frank": gen.FriendRelationNoRelation})

	// Lists: the sequence moves with each change.
	seq0 := *c.lists(gen.GetFriendListsRequest{FromAccount: "alice"}).CurrentSequence
	added := c.addLists(gen.AddFriendListsRequest{FromAccount: "alice", GroupName: []string{"team"}, ToAccount: []string{"bob", "carol"}})
	codesOK("lists", added.ResultItem)
	lists := c.lists(gen.GetFriendListsRequest{FromAccount: "alice", NeedFriend: ptr(gen.NeedFriendYes)})
	if *added.CurrentSequence != seq0+1 || *lists.CurrentSequence != seq0+1 ||
		!cmp.Equal(lists.ResultItem, []gen.FriendList{{GroupName: "team", FriendNumber: ptr[int64](2), ToAccount: []string{"bob", "carol"}}}) {
		t.Errorf("after group_add: %+v (sequence was %d)", lists, seq0)
	}

	// friend_get pages through 1103 friends.
	pals := make([]gen.AddFriendItem, 1100)
	want := []string{"bob", "carol", "erin"}
	for i := range pals {
		pals[i] = gen.AddFriendItem{ToAccount: fmt.Sprintf("pal%04d", i), AddSource: web}
		want = append(want, pals[i].ToAccount)
	}
	codesOK("import 1000", c.imp(gen.ImportFriendsRequest{FromAccount: "alice", AddFriendItem: pals[:1000]}).ResultItem)
	codesOK("import 100", c.imp(gen.ImportFriendsRequest{FromAccount: "alice", AddFriendItem: pals[1000:]}).ResultItem)
	var paged []string
	pages := 0
	for start := int64(0); ; {
		r := c.list(gen.ListFriendsRequest{FromAccount: "alice", StartIndex: start})
		pages++
		for _, it := range r.UserDataItem {
			paged = append(paged, it.ToAccount)
		}
		if *r.FriendNum != 1103 {
			t.Errorf("FriendNum %d", *r.FriendNum)
		}
		if *r.CompleteFlag == 1 {
			break
		}
		start = *r.NextStartIndex
		if pages > 10 {
			t.Fatal("friend_get never completes")
		}
	}
	if pages != 3 || !cmp.Equal(paged, want) {
		t.Errorf("%d pages, %d friends, from %v", pages, len(paged), paged[:min(5, len(paged))])
	}

	// Blocking bob ends the friendship both ways; neither can add the
	// other.
	codesOK("block bob", c.block(gen.BlockAccountsRequest{FromAccount: "alice", ToAccount: []string{"bob"}}).ResultItem)
	check(map[string]gen.FriendRelation{"bob": gen.FriendRelationNoRelation, "carol": gen.FriendRelationBothWay})
	if r := c.add(gen.AddFriendsRequest{FromAccount: "alice", ForceAddFlags: force, AddFriendItem: []gen.FriendAddItem{addItem("bob")}}); r.ResultItem[0].ResultCode != 30515 {
		t.Errorf("alice adds bob: %+v", r.ResultItem)
	}
	if r := c.add(gen.AddFriendsRequest{FromAccount: "bob", ForceAddFlags: force, AddFriendItem: []gen.FriendAddItem{addItem("alice")}}); r.ResultItem[0].ResultCode != 30525 {
		t.Errorf("bob adds alice: %+v", r.ResultItem)
	}
	if got := c.lists(gen.GetFriendListsRequest{FromAccount: "alice"}).ResultItem; *got[0].FriendNumber != 1 {
		t.Errorf("team after blocking bob: %+v", got)
	}

	// The blocklist, paged.
	codesOK("block pals", c.block(gen.BlockAccountsRequest{FromAccount: "alice", ToAccount: []string{"pal0000", "pal0001", "pal0002", "pal0003"}}).ResultItem)
	var blocked []string
	for start, n := int64(0), 0; ; n++ {
		r, _ := c.blocked(gen.ListBlockedRequest{FromAccount: "alice", StartIndex: start, MaxLimited: 2})
		for _, it := range r.BlackListItem {
			blocked = append(blocked, it.ToAccount)
		}
		if start = *r.StartIndex; start == 0 || n > 5 {
			break
		}
	}
	if want := []string{"bob", "pal0000", "pal0001", "pal0002", "pal0003"}; !cmp.Equal(blocked, want) {
		t.Errorf("blocklist %v, want %v", blocked, want)
	}

	// Unblocked, bob can be added again.
	codesOK("unblock bob", c.unblock(gen.UnblockAccountsRequest{FromAccount: "alice", ToAccount: []string{"bob"}}).ResultItem)
	if r := c.checkBlocked(gen.CheckBlockedRequest{FromAccount: "alice", ToAccount: []string{"bob", "pal0000"}, CheckType: gen.BlockCheckTypeBoth}); r.BlackListCheckItem[0].Relation != gen.BlockRelationNone ||
		r.BlackListCheckItem[1].Relation != gen.BlockRelationAWithB {
		t.Errorf("black_list_check: %+v", r.BlackListCheckItem)
	}
	codesOK("add bob again", c.add(gen.AddFriendsRequest{FromAccount: "alice", ForceAddFlags: force, AddFriendItem: []gen.FriendAddItem{addItem("bob")}}).ResultItem)
	check(map[string]gen.FriendRelation{"bob": gen.FriendRelationBothWay})

	// Deletes.
	codesOK("delete bob", c.del(gen.DeleteFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob"}, DeleteType: ptr(gen.DeleteTypeBoth)}).ResultItem)
	check(map[string]gen.FriendRelation{"bob": gen.FriendRelationNoRelation})
	seq1 := *c.lists(gen.GetFriendListsRequest{FromAccount: "alice"}).CurrentSequence
	if r := c.delLists(gen.DeleteFriendListsRequest{FromAccount: "alice", GroupName: []string{"team"}}); *r.CurrentSequence != seq1+1 {
		t.Errorf("group_delete: %+v (sequence was %d)", r, seq1)
	}
	c.delAll(gen.DeleteAllFriendsRequest{FromAccount: "alice", DeleteType: ptr(gen.DeleteTypeBoth)})
	check(map[string]gen.FriendRelation{"carol": gen.FriendRelationNoRelation, "erin": gen.FriendRelationNoRelation, "dave": gen.FriendRelationBWithA})
	if r := c.list(gen.ListFriendsRequest{FromAccount: "alice"}); *r.FriendNum != 0 || len(r.UserDataItem) != 0 || *r.CompleteFlag != 1 {
		t.Errorf("friend_get after friend_delete_all: %+v", r)
	}
	if n := len(f.emu.Friends("alice")); n != 0 {
		t.Errorf("alice has %d friends", n)
	}
}
