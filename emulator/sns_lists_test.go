package emulator_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/gen"
)

func TestAddFriendLists(t *testing.T) {
	t.Parallel()
	f, c := startWorld(t, newWorld("a", "b", "c", "d").friend("a", "b").friend("a", "c").seed())
	seq := func() int64 { return *c.lists(gen.GetFriendListsRequest{FromAccount: "a"}).CurrentSequence }
	s0 := seq()

	r := c.addLists(gen.AddFriendListsRequest{FromAccount: "a", GroupName: []string{"L1", "L2"}})
	if r.ErrorCode != 0 || *r.CurrentSequence != s0+1 || r.ResultItem != nil || r.FailAccount != nil {
		t.Errorf("two lists without members: %+v", r)
	}
	r = c.addLists(gen.AddFriendListsRequest{FromAccount: "a", GroupName: []string{"L3", "L4"}, ToAccount: []string{"b", "d", "ghost", "b"}})
	if diff := cmp.Diff([]int32{0, 32216, 30003, 0}, resultCodes(r.ResultItem)); diff != "" || *r.CurrentSequence != s0+2 {
		t.Errorf("codes (-want +got):\n%s\n%+v", diff, r)
	}
	if diff := cmp.Diff([]string{"d", "ghost"}, r.FailAccount); diff != "" {
		t.Errorf("Fail_Account (-want +got):\n%s", diff)
	}
	lists := c.lists(gen.GetFriendListsRequest{FromAccount: "a", NeedFriend: ptr(gen.NeedFriendYes)})
	want := okLists(s0+2,
		gen.FriendList{GroupName: "L1", FriendNumber: ptr[int64](0)}, gen.FriendList{GroupName: "L2", FriendNumber: ptr[int64](0)},
		gen.FriendList{GroupName: "L3", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}},
		gen.FriendList{GroupName: "L4", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}})
	if diff := cmp.Diff(want, *lists); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
	if got := friendOf(f.emu, "a", "b").GroupName; !cmp.Equal(got, []string{"L3", "L4"}) {
		t.Errorf("b's lists %v", got)
	}

	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("m%02d", i)
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		names []string
		want  int32
	}{
		{"a list that exists", []string{"L9", "L1"}, 30001},
		{"a name twice", []string{"L9", "L9"}, 30001},
		{"a name over 30 bytes", []string{long30}, 30001},
		{"one list too many (4 + 29)", many(29), 30011},
	} {
		r := c.addLists(gen.AddFriendListsRequest{FromAccount: "a", GroupName: tt.names, ToAccount: []string{"c"}})
		if r.ErrorCode != tt.want || r.ActionStatus != gen.ActionStatusFail {
			t.Errorf("%s: %+v, want FAIL %d", tt.name, r, tt.want)
		}
	}
	if got := c.lists(gen.GetFriendListsRequest{FromAccount: "a", NeedFriend: ptr(gen.NeedFriendYes)}); !cmp.Equal(want, *got) {
		t.Errorf("refused calls changed the lists: %+v", got)
	}
	if r := c.addLists(gen.AddFriendListsRequest{FromAccount: "a", GroupName: many(28)}); r.ErrorCode != 0 {
		t.Errorf("up to 32 lists: %+v", r)
	}
	if r := c.addLists(gen.AddFriendListsRequest{FromAccount: "ghost", GroupName: []string{"x"}}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}

func TestDeleteFriendLists(t *testing.T) {
	t.Parallel()
	w := newWorld("a", "b", "c").
		friend("a", "b", func(it *gen.AddFriendItem) { it.GroupName = []string{"L1", "L2"} }).
		friend("a", "c", func(it *gen.AddFriendItem) { it.GroupName = []string{"L2", "L3"} })
	f, c := startWorld(t, w.seed())
	s0 := *c.lists(gen.GetFriendListsRequest{FromAccount: "a"}).CurrentSequence

	r := c.delLists(gen.DeleteFriendListsRequest{FromAccount: "a", GroupName: []string{"L2", "L3", "L2"}})
	if r.ErrorCode != 0 || *r.ErrorInfo != "0" || *r.CurrentSequence != s0+1 {
		t.Errorf("%+v", r)
	}
	if diff := cmp.Diff(okLists(s0+1, gen.FriendList{GroupName: "L1", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}}),
		*c.lists(gen.GetFriendListsRequest{FromAccount: "a", NeedFriend: ptr(gen.NeedFriendYes)})); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
	if b, cc := friendOf(f.emu, "a", "b"), friendOf(f.emu, "a", "c"); !cmp.Equal(b.GroupName, []string{"L1"}) || cc.GroupName != nil {
		t.Errorf("b's lists %v, c's %v", b.GroupName, cc.GroupName)
	}
	g := c.get(gen.GetFriendsRequest{FromAccount: "a", ToAccount: []string{"c"}, TagList: []string{"Tag_SNS_IM_Group"}})
	if len(g.InfoItem[0].SNSProfileItem) != 0 {
		t.Errorf("friend_get_list of c: %+v", g.InfoItem[0])
	}
	// A list that does not exist: nothing changes.
	if r := c.delLists(gen.DeleteFriendListsRequest{FromAccount: "a", GroupName: []string{"L1", "L2"}}); r.ErrorCode != 30001 || r.ActionStatus != gen.ActionStatusFail {
		t.Errorf("deleting a deleted list: %+v", r)
	}
	if got := c.lists(gen.GetFriendListsRequest{FromAccount: "a"}); len(got.ResultItem) != 1 || *got.CurrentSequence != s0+1 {
		t.Errorf("a refused call changed the lists: %+v", got)
	}
	if r := c.delLists(gen.DeleteFriendListsRequest{FromAccount: "ghost", GroupName: []string{"L1"}}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}
