package emulator_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

func TestBlockAccounts(t *testing.T) {
	t.Parallel()
	w := newWorld("a", "b", "c", "d", "full", "v").
		friend("a", "b", func(it *gen.AddFriendItem) { it.GroupName = []string{"L"} }).friend("b", "a").friend("a", "c")
	for i := range 1000 {
		id := fmt.Sprintf("w%04d", i)
		w.s.Accounts = append(w.s.Accounts, emulator.Account{UserID: id})
		w.block("full", id)
	}
	f, c := startWorld(t, w.seed())
	f.clock.Advance(time.Minute)
	now := f.clock.Now().Unix()
	seq := *c.lists(gen.GetFriendListsRequest{FromAccount: "a"}).CurrentSequence

	r := c.block(gen.BlockAccountsRequest{FromAccount: "a", ToAccount: []string{"b", "b", "a", "ghost", "c"}})
	if diff := cmp.Diff([]int32{0, 30001, 30001, 30003, 0}, resultCodes(r.ResultItem)); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b", "a", "ghost"}, r.FailAccount); diff != "" {
		t.Errorf("Fail_Account (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]emulator.Block{{ToAccount: "b", Time: now}, {ToAccount: "c", Time: now}}, f.emu.Blocked("a")); diff != "" {
		t.Errorf("a's blocklist (-want +got):\n%s", diff)
	}
	// Blocking a friend removes the friendship both ways.
	for _, to := range []string{"b", "c"} {
		if rel := c.relation("a", to); rel != gen.FriendRelationNoRelation {
			t.Errorf("a and %s after blocking: %s", to, rel)
		}
	}
	lists := c.lists(gen.GetFriendListsRequest{FromAccount: "a"})
	if diff := cmp.Diff(okLists(seq+1, gen.FriendList{GroupName: "L", FriendNumber: ptr[int64](0)}), *lists); diff != "" {
		t.Errorf("a's lists (-want +got):\n%s", diff)
	}
	// Neither can add the other, even by force; neither can be imported.
	force := ptr[int32](1)
	if r := c.add(gen.AddFriendsRequest{FromAccount: "a", ForceAddFlags: force, AddFriendItem: []gen.FriendAddItem{addItem("b")}}); r.ResultItem[0].ResultCode != 30515 {
		t.Errorf("a adds b: %+v, want 30515", r.ResultItem)
	}
	if r := c.add(gen.AddFriendsRequest{FromAccount: "b", ForceAddFlags: force, AddFriendItem: []gen.FriendAddItem{addItem("a")}}); r.ResultItem[0].ResultCode != 30525 {
		t.Errorf("b adds a: %+v, want 30525", r.ResultItem)
	}
	for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
		r := c.imp(gen.ImportFriendsRequest{FromAccount: pair[0], AddFriendItem: []gen.AddFriendItem{{ToAccount: pair[1], AddSource: web}}})
		if r.ResultItem[0].ResultCode != 30001 {
			t.Errorf("%s imports %s: %+v, want 30001", pair[0], pair[1], r.ResultItem)
		}
	}
	if got := f.emu.Friends("b"); len(got) != 0 {
		t.Errorf("b's friends %v", friendNames(got))
	}
	if r := c.block(gen.BlockAccountsRequest{FromAccount: "full", ToAccount: []string{"v"}}); r.ResultItem[0].ResultCode != 30013 {
		t.Errorf("a full blocklist: %+v, want 30013", r.ResultItem)
	}
	if r := c.block(gen.BlockAccountsRequest{FromAccount: "ghost", ToAccount: []string{"a"}}); r.ErrorCode != 30003 || r.ActionStatus != gen.ActionStatusFail {
		t.Errorf("unknown From_Account: %+v", r)
	}
}

func TestUnblockAccounts(t *testing.T) {
	t.Parallel()
	f, c := startWorld(t, newWorld("a", "b", "c", "d").block("a", "b", "c").seed())
	r := c.unblock(gen.UnblockAccountsRequest{FromAccount: "a", ToAccount: []string{"b", "b", "d", "ghost"}})
	if diff := cmp.Diff([]int32{0, 30001, 30001, 30003}, resultCodes(r.ResultItem)); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"c"}, blockNames(f.emu.Blocked("a"))); diff != "" {
		t.Errorf("a's blocklist (-want +got):\n%s", diff)
	}
	if r := c.add(gen.AddFriendsRequest{FromAccount: "a", ForceAddFlags: ptr[int32](1), AddFriendItem: []gen.FriendAddItem{addItem("b")}}); r.ResultItem[0].ResultCode != 0 || c.relation("a", "b") != gen.FriendRelationBothWay {
		t.Errorf("adding b after unblocking: %+v", r.ResultItem)
	}
	if r := c.unblock(gen.UnblockAccountsRequest{FromAccount: "ghost", ToAccount: []string{"a"}}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}

func TestListBlocked(t *testing.T) {
	t.Parallel()
	f, c := startWorld(t, newWorld("a", "v0", "v1", "v2", "v3", "v4").seed())
	for i := range 5 {
		f.clock.Advance(time.Second)
		c.block(gen.BlockAccountsRequest{FromAccount: "a", ToAccount: []string{fmt.Sprintf("v%d", i)}})
	}
	var got []gen.BlockedAccount
	for _, want := range []struct{ start, n, next int64 }{{0, 2, 2}, {2, 2, 4}, {4, 1, 0}, {10, 0, 0}} {
		r, raw := c.blocked(gen.ListBlockedRequest{FromAccount: "a", StartIndex: want.start, MaxLimited: 2})
		if int64(len(r.BlackListItem)) != want.n || *r.StartIndex != want.next || *r.CurrentSequence != 5 || r.CurruentSequence != nil {
			t.Errorf("StartIndex %d: %s; want %d accounts, next %d, CurrentSequence 5 only", want.start, raw, want.n, want.next)
		}
		if !bytes.Contains(raw, []byte(`"StartIndex":`)) || bytes.Contains(raw, []byte("Curruent")) {
			t.Errorf("answer %s", raw)
		}
		got = append(got, r.BlackListItem...)
	}
	var want []gen.BlockedAccount
	for i := range 5 {
		want = append(want, gen.BlockedAccount{ToAccount: fmt.Sprintf("v%d", i), AddBlackTimeStamp: ptr(t0.Unix() + int64(i) + 1)})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the pages (-want +got):\n%s", diff)
	}
	c.unblock(gen.UnblockAccountsRequest{FromAccount: "a", ToAccount: []string{"v1"}})
	if r, _ := c.blocked(gen.ListBlockedRequest{FromAccount: "a", MaxLimited: 1000}); *r.CurrentSequence != 6 || len(r.BlackListItem) != 4 || *r.StartIndex != 0 {
		t.Errorf("after unblocking v1: %+v", r)
	}
	if r, _ := c.blocked(gen.ListBlockedRequest{FromAccount: "ghost", MaxLimited: 10}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}

func TestCheckBlocked(t *testing.T) {
	t.Parallel()
	_, c := startWorld(t, newWorld("a", "b", "c", "d", "e").block("a", "b", "c").block("b", "a").block("d", "a").seed())
	relations := func(r *gen.CheckBlockedResponse) (rels []gen.BlockRelation, codes []int32) {
		for _, it := range r.BlackListCheckItem {
			rels, codes = append(rels, it.Relation), append(codes, it.ResultCode)
		}
		return rels, codes
	}
	r := c.checkBlocked(gen.CheckBlockedRequest{FromAccount: "a", ToAccount: []string{"b", "c", "d", "e", "ghost"}, CheckType: gen.BlockCheckTypeBoth})
	rels, codes := relations(r)
	if diff := cmp.Diff([]gen.BlockRelation{gen.BlockRelationBothWay, gen.BlockRelationAWithB, gen.BlockRelationBWithA, gen.BlockRelationNone, gen.BlockRelationNone}, rels); diff != "" {
		t.Errorf("Both (-want +got):\n%s", diff)
	}
	if !cmp.Equal(codes, []int32{0, 0, 0, 0, 30003}) || !cmp.Equal(r.FailAccount, []string{"ghost"}) {
		t.Errorf("codes %v, Fail_Account %v", codes, r.FailAccount)
	}
	r = c.checkBlocked(gen.CheckBlockedRequest{FromAccount: "a", ToAccount: []string{"b", "c", "d", "e"}, CheckType: gen.BlockCheckTypeSingle})
	rels, _ = relations(r)
	if diff := cmp.Diff([]gen.BlockRelation{gen.BlockRelationAWithB, gen.BlockRelationAWithB, gen.BlockRelationNone, gen.BlockRelationNone}, rels); diff != "" {
		t.Errorf("Single (-want +got):\n%s", diff)
	}
	if r := c.checkBlocked(gen.CheckBlockedRequest{FromAccount: "ghost", ToAccount: []string{"a"}, CheckType: gen.BlockCheckTypeBoth}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}
