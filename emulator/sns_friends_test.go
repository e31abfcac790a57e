package emulator_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

var (
	anyone   = tag.String("AllowType_Type_AllowAny")
	confirm  = tag.String("AllowType_Type_NeedConfirm")
	nobody   = tag.String("AllowType_Type_DenyAny")
	web      = "AddSource_Type_Web"
	allowTag = "Tag_Profile_IM_AllowType"
	// long96 is 50 characters, 100 bytes: within the schema's maxLength
	// of 96 characters, over the service's 96 bytes.
	long96 = strings.Repeat("é", 50)
	// long30 is 16 characters, 32 bytes: a list name the schema takes
	// (at most 30 characters) and the service does not (30 bytes).
	long30 = strings.Repeat("é", 16)
)

func addItem(to string, opt ...func(*gen.FriendAddItem)) gen.FriendAddItem {
	it := gen.FriendAddItem{ToAccount: to, AddSource: web}
	for _, o := range opt {
		o(&it)
	}
	return it
}

func TestAddFriends(t *testing.T) {
	t.Parallel()
	w := newWorld("a", "b", "c", "d", "e", "x", "y", "f", "g", "h", "z", "k").
		profile("b", allowTag, anyone).profile("d", allowTag, nobody).profile("e", allowTag, confirm).
		profile("x", allowTag, anyone).profile("y", allowTag, anyone).profile("f", allowTag, anyone).
		profile("g", allowTag, anyone).profile("h", allowTag, anyone).profile("k", allowTag, anyone).
		profile("z", "Tag_Profile_IM_AdminForbidType", tag.String("AdminForbid_Type_SendOut")).
		block("a", "x").block("y", "a").friend("a", "f").
		friend("h", "a", func(it *gen.AddFriendItem) { it.AddSource = "AddSource_Type_Android" })
	f, c := startWorld(t, w.seed())
	f.clock.Advance(time.Hour)
	now := f.clock.Now().Unix()

	t.Run("a normal two-way add follows the friend-request settings and the blocklists", func(t *testing.T) {
		r := c.add(gen.AddFriendsRequest{FromAccount: "a", AddFriendItem: []gen.FriendAddItem{
			addItem("b", func(it *gen.FriendAddItem) {
				it.Remark, it.GroupName, it.AddWording = ptr("Bee"), ptr("pals"), ptr("hi")
			}),
			addItem("c"), addItem("d"), addItem("e"), addItem("x"), addItem("y"), addItem("f"), addItem("a"), addItem("ghost"), addItem("h"),
		}})
		want := []int32{0, 30539, 30516, 30539, 30515, 30525, 30001, 30001, 30003, 0}
		if diff := cmp.Diff(want, resultCodes(r.ResultItem)); diff != "" || r.ActionStatus != gen.ActionStatusOK {
			t.Errorf("codes (-want +got):\n%s\n%+v", diff, r)
		}
		if diff := cmp.Diff([]string{"c", "d", "e", "x", "y", "f", "a", "ghost"}, r.FailAccount); diff != "" {
			t.Errorf("Fail_Account (-want +got):\n%s", diff)
		}
		if got := friendOf(f.emu, "a", "b"); got == nil || !cmp.Equal(*got, emulator.Friend{ToAccount: "b", GroupName: []string{"pals"},
			Remark: "Bee", RemarkTime: now, AddSource: web, AddWording: "hi", AddTime: now}) {
			t.Errorf("a's friend b: %+v", got)
		}
		if got := friendOf(f.emu, "b", "a"); got == nil || !cmp.Equal(*got, emulator.Friend{ToAccount: "a", AddSource: web, AddWording: "hi", AddTime: now}) {
			t.Errorf("b's friend a (the other direction): %+v", got)
		}
		for _, to := range []string{"c", "d", "e", "x", "y"} {
			if rel := c.relation("a", to); rel != gen.FriendRelationNoRelation {
				t.Errorf("a and %s: %s, want no relation (refused or pending)", to, rel)
			}
		}
		// h had a already: that side is left as it was.
		if got := friendOf(f.emu, "h", "a"); got == nil || got.AddSource != "AddSource_Type_Android" || c.relation("a", "h") != gen.FriendRelationBothWay {
			t.Errorf("h's friend a: %+v", got)
		}
		lists := c.lists(gen.GetFriendListsRequest{FromAccount: "a", NeedFriend: ptr(gen.NeedFriendYes)})
		if diff := cmp.Diff(okLists(1, gen.FriendList{GroupName: "pals", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}}), *lists); diff != "" {
			t.Errorf("a's lists (-want +got):\n%s", diff)
		}
	})
	t.Run("a force-add skips the settings, not the blocklists", func(t *testing.T) {
		r := c.add(gen.AddFriendsRequest{FromAccount: "a", ForceAddFlags: ptr[int32](1), AddType: ptr(gen.AddTypeSingle),
			AddFriendItem: []gen.FriendAddItem{addItem("c"), addItem("d"), addItem("x")}})
		if diff := cmp.Diff([]int32{0, 0, 30515}, resultCodes(r.ResultItem)); diff != "" {
			t.Errorf("codes (-want +got):\n%s", diff)
		}
		if rel := c.relation("a", "d"); rel != gen.FriendRelationAWithB {
			t.Errorf("a and d after a one-way add: %s", rel)
		}
	})
	t.Run("one-way", func(t *testing.T) {
		r := c.add(gen.AddFriendsRequest{FromAccount: "a", AddType: ptr(gen.AddTypeSingle), AddFriendItem: []gen.FriendAddItem{addItem("g")}})
		if r.ResultItem[0].ResultCode != 0 || r.FailAccount != nil || c.relation("a", "g") != gen.FriendRelationAWithB {
			t.Errorf("%+v, relation %s", r, c.relation("a", "g"))
		}
	})
	t.Run("the admin forbids z to add friends, unless forced", func(t *testing.T) {
		if r := c.add(gen.AddFriendsRequest{FromAccount: "z", AddFriendItem: []gen.FriendAddItem{addItem("k")}}); r.ResultItem[0].ResultCode != 30009 {
			t.Errorf("%+v, want 30009", r.ResultItem)
		}
		if r := c.add(gen.AddFriendsRequest{FromAccount: "z", ForceAddFlags: ptr[int32](1), AddFriendItem: []gen.FriendAddItem{addItem("k")}}); r.ResultItem[0].ResultCode != 0 {
			t.Errorf("%+v, want 0", r.ResultItem)
		}
	})
	t.Run("a ForceAddFlags of 0 is a normal add", func(t *testing.T) {
		if r := c.add(gen.AddFriendsRequest{FromAccount: "k", ForceAddFlags: ptr[int32](0), AddFriendItem: []gen.FriendAddItem{addItem("e")}}); r.ResultItem[0].ResultCode != 30539 {
			t.Errorf("%+v, want 30539", r.ResultItem)
		}
	})
	t.Run("unknown From_Account", func(t *testing.T) {
		r := c.add(gen.AddFriendsRequest{FromAccount: "ghost", AddFriendItem: []gen.FriendAddItem{addItem("b")}})
		if r.ActionStatus != gen.ActionStatusFail || r.ErrorCode != 30003 {
			t.Errorf("%+v", r)
		}
	})
	t.Run("items that break the schema or a byte limit fail alone", func(t *testing.T) {
		caller := newCaller(t, f.base, f.cfg)
		_, got := caller.post("/v4/sns/friend_add", nil, `{"From_Account":"k","ForceAddFlags":1,"AddFriendItem":[`+
			`{"To_Account":"b","AddSource":"Web"},{"To_Account":"g","AddSource":"AddSource_Type_Web","Remark":"`+long96+`"},`+
			`{"To_Account":"h","AddSource":"AddSource_Type_Web","GroupName":"`+long30+`"},{"To_Account":"x","AddSource":"AddSource_Type_Web"}]}`)
		if code(t, got) != 0 {
			t.Fatalf("answer %v", got)
		}
		var codes []string
		for _, it := range got["ResultItem"].([]any) {
			codes = append(codes, fmt.Sprint(it.(map[string]any)["ResultCode"]))
		}
		if diff := cmp.Diff([]string{"30001", "30001", "30001", "0"}, codes); diff != "" {
			t.Errorf("codes (-want +got):\n%s\n%v", diff, got)
		}
	})
}

func TestAddFriendsLimits(t *testing.T) {
	t.Parallel()
	w := newWorld("full", "p", "m", "n", "o").profile("full", allowTag, anyone).profile("p", allowTag, anyone).profile("o", allowTag, anyone)
	for i := range 3000 {
		id := fmt.Sprintf("u%04d", i)
		w.s.Accounts = append(w.s.Accounts, emulator.Account{UserID: id})
		w.friend("full", id)
	}
	lists := make([]string, 32)
	for i := range lists {
		lists[i] = fmt.Sprintf("l%02d", i)
	}
	w.friend("m", "n", func(it *gen.AddFriendItem) { it.GroupName = lists })
	_, c := startWorld(t, w.seed())
	for _, tt := range []struct {
		name string
		req  gen.AddFriendsRequest
		want int32
	}{
		{"From_Account has 3000 friends", gen.AddFriendsRequest{FromAccount: "full", AddFriendItem: []gen.FriendAddItem{addItem("p")}}, 30010},
		{"To_Account has 3000 friends, two-way", gen.AddFriendsRequest{FromAccount: "p", AddFriendItem: []gen.FriendAddItem{addItem("full")}}, 30014},
		{"a new list beyond 32", gen.AddFriendsRequest{FromAccount: "m", AddFriendItem: []gen.FriendAddItem{addItem("o", func(it *gen.FriendAddItem) { it.GroupName = ptr("l32") })}}, 30011},
		{"an existing list", gen.AddFriendsRequest{FromAccount: "m", AddFriendItem: []gen.FriendAddItem{addItem("o", func(it *gen.FriendAddItem) { it.GroupName = ptr("l31") })}}, 0},
		{"To_Account has 3000 friends, one-way", gen.AddFriendsRequest{FromAccount: "p", AddType: ptr(gen.AddTypeSingle), AddFriendItem: []gen.FriendAddItem{addItem("full")}}, 0},
	} {
		if r := c.add(tt.req); r.ResultItem[0].ResultCode != tt.want {
			t.Errorf("%s: %+v, want %d", tt.name, r.ResultItem, tt.want)
		}
	}
}

// TestWritesWhileAnImportRuns: friend_add and friend_update for an
// account whose friend_import is running get 30008; other accounts are
// not held up.
func TestWritesWhileAnImportRuns(t *testing.T) {
	t.Parallel()
	f, c := startWorld(t, newWorld("s1", "s2", "t1").profile("t1", allowTag, anyone).friend("s1", "t1").seed())
	entered, release := make(chan struct{}), make(chan struct{})
	var once, releaseOnce sync.Once
	releaseImport := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(releaseImport)
	f.emu.SetImportHook(func(from string) {
		if from == "s1" {
			once.Do(func() { close(entered); <-release })
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.client.ImportFriendsWithResponse(bg, gen.ImportFriendsRequest{FromAccount: "s1", AddFriendItem: []gen.AddFriendItem{{ToAccount: "s2", AddSource: web}}})
	}()
	<-entered
	if r := c.add(gen.AddFriendsRequest{FromAccount: "s1", AddFriendItem: []gen.FriendAddItem{addItem("t1")}}); r.ErrorCode != 30008 || r.ActionStatus != gen.ActionStatusFail {
		t.Errorf("friend_add during the import: %+v", r)
	}
	if r := c.update(gen.UpdateFriendsRequest{FromAccount: "s1", UpdateItem: []gen.FriendUpdateItem{{ToAccount: "t1", SNSItem: []gen.FriendUpdateTag{{Tag: "Tag_SNS_IM_Remark", Value: tag.String("r")}}}}}); r.ErrorCode != 30008 {
		t.Errorf("friend_update during the import: %+v", r)
	}
	if r := c.add(gen.AddFriendsRequest{FromAccount: "s2", AddFriendItem: []gen.FriendAddItem{addItem("t1")}}); r.ErrorCode != 0 || r.ResultItem[0].ResultCode != 0 {
		t.Errorf("friend_add for another account: %+v", r)
	}
	releaseImport()
	<-done
	if r := c.update(gen.UpdateFriendsRequest{FromAccount: "s1", UpdateItem: []gen.FriendUpdateItem{{ToAccount: "t1", SNSItem: []gen.FriendUpdateTag{{Tag: "Tag_SNS_IM_Remark", Value: tag.String("r")}}}}}); r.ErrorCode != 0 {
		t.Errorf("friend_update after the import: %+v", r)
	}
}

func snsItem(tg string, v tag.Value) gen.FriendUpdateTag {
	return gen.FriendUpdateTag{Tag: tg, Value: v}
}

func TestUpdateFriends(t *testing.T) {
	t.Parallel()
	w := newWorld("a", "b", "c", "d").
		friend("a", "b", func(it *gen.AddFriendItem) {
			it.Remark, it.RemarkTime, it.GroupName = ptr("r"), ptr[int64](5), []string{"L1"}
			it.CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(1)}}
		}).
		friend("a", "c")
	f, c := startWorld(t, w.seed())
	f.clock.Advance(time.Minute)
	now := f.clock.Now().Unix()
	remark := func(v tag.Value) gen.FriendUpdateTag { return snsItem("Tag_SNS_IM_Remark", v) }
	group := func(v tag.Value) gen.FriendUpdateTag { return snsItem("Tag_SNS_IM_Group", v) }
	item := func(to string, tags ...gen.FriendUpdateTag) gen.FriendUpdateItem {
		return gen.FriendUpdateItem{ToAccount: to, SNSItem: tags}
	}
	before := c.list(gen.ListFriendsRequest{FromAccount: "a"})

	r := c.update(gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{
		item("b", remark(tag.String("new")), group(tag.Strings("L2", "L3", "L2")), snsItem("Tag_SNS_Custom_Note", tag.String("n")), snsItem("Tag_SNS_Custom_Rank", tag.Int(5))),
		item("c", remark(tag.Int(1))),
		item("c", group(tag.String("L4"))),
		item("c", remark(tag.String(long96))),
		item("c", group(tag.Strings(long30))),
		item("c", snsItem("Tag_SNS_Custom_X", tag.Strings("a"))),
		item("c", remark(tag.String("ok")), remark(tag.Int(7))),
		item("d", remark(tag.String("x"))),
		item("ghost", remark(tag.String("x"))),
	}})
	if diff := cmp.Diff([]int32{0, 30001, 30001, 30001, 30001, 30001, 30001, 30001, 30003}, resultCodes(r.ResultItem)); diff != "" {
		t.Errorf("codes (-want +got):\n%s\n%+v", diff, r.ResultItem)
	}
	if diff := cmp.Diff([]string{"c", "c", "c", "c", "c", "c", "d", "ghost"}, r.FailAccount); diff != "" {
		t.Errorf("Fail_Account (-want +got):\n%s", diff)
	}
	wantB := emulator.Friend{ToAccount: "b", GroupName: []string{"L2", "L3"}, Remark: "new", RemarkTime: now, AddSource: web, AddTime: t0.Unix(),
		Custom: map[string]tag.Value{"Tag_SNS_Custom_Rank": tag.Int(5), "Tag_SNS_Custom_Note": tag.String("n")}}
	if diff := cmp.Diff(&wantB, friendOf(f.emu, "a", "b"), cmp.Comparer(tag.Value.Equal)); diff != "" {
		t.Errorf("b (-want +got):\n%s", diff)
	}
	if got := friendOf(f.emu, "a", "c"); got.Remark != "" || got.GroupName != nil || got.Custom != nil {
		t.Errorf("c changed by refused items (all of an item or nothing): %+v", got)
	}
	lists := c.lists(gen.GetFriendListsRequest{FromAccount: "a", NeedFriend: ptr(gen.NeedFriendYes)})
	if diff := cmp.Diff(okLists(2, gen.FriendList{GroupName: "L1", FriendNumber: ptr[int64](0)},
		gen.FriendList{GroupName: "L2", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}},
		gen.FriendList{GroupName: "L3", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}}), *lists); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
	after := c.list(gen.ListFriendsRequest{FromAccount: "a"})
	if *after.StandardSequence != *before.StandardSequence+1 || *after.CustomSequence != *before.CustomSequence+1 {
		t.Errorf("sequences %d %d → %d %d, want each one more", *before.StandardSequence, *before.CustomSequence, *after.StandardSequence, *after.CustomSequence)
	}

	t.Run("a custom tag moves the custom sequence only, a remark the standard only", func(t *testing.T) {
		s0 := c.list(gen.ListFriendsRequest{FromAccount: "a"})
		c.update(gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{item("c", snsItem("Tag_SNS_Custom_Note", tag.Int(3)))}})
		s1 := c.list(gen.ListFriendsRequest{FromAccount: "a"})
		c.update(gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{item("c", remark(tag.String("cc")))}})
		s2 := c.list(gen.ListFriendsRequest{FromAccount: "a"})
		if *s1.StandardSequence != *s0.StandardSequence || *s1.CustomSequence != *s0.CustomSequence+1 ||
			*s2.StandardSequence != *s1.StandardSequence+1 || *s2.CustomSequence != *s1.CustomSequence {
			t.Errorf("(std, custom): (%d %d) (%d %d) (%d %d)", *s0.StandardSequence, *s0.CustomSequence, *s1.StandardSequence, *s1.CustomSequence, *s2.StandardSequence, *s2.CustomSequence)
		}
	})
	t.Run("an empty list of lists takes the friend out of every list", func(t *testing.T) {
		c.update(gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{item("b", group(tag.Strings()))}})
		if got := friendOf(f.emu, "a", "b"); got.GroupName != nil {
			t.Errorf("b's lists %v", got.GroupName)
		}
		g := c.get(gen.GetFriendsRequest{FromAccount: "a", ToAccount: []string{"b"}, TagList: []string{"Tag_SNS_IM_Group", "Tag_SNS_IM_Remark"}})
		if items := g.InfoItem[0].SNSProfileItem; len(items) != 1 || items[0].Tag != "Tag_SNS_IM_Remark" {
			t.Errorf("friend_get_list of b: %+v", items)
		}
	})
	t.Run("lists beyond 32", func(t *testing.T) {
		names := func(n int) []string {
			out := make([]string, n)
			for i := range out {
				out[i] = fmt.Sprintf("n%02d", i)
			}
			return out
		}
		// a has L1, L2, L3: 30 more are one too many, 29 fit.
		if r := c.update(gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{item("c", group(tag.Strings(names(30)...)))}}); r.ResultItem[0].ResultCode != 30011 {
			t.Errorf("%+v, want 30011", r.ResultItem)
		}
		if r := c.update(gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{item("c", group(tag.Strings(names(29)...)))}}); r.ResultItem[0].ResultCode != 0 {
			t.Errorf("%+v, want 0", r.ResultItem)
		}
	})
	t.Run("an item that breaks the schema fails alone", func(t *testing.T) {
		_, got := newCaller(t, f.base, f.cfg).post("/v4/sns/friend_update", nil, `{"From_Account":"a","UpdateItem":[`+
			`{"To_Account":"b","SnsItem":[{"Tag":"Tag_SNS_IM_AddSource","Value":"AddSource_Type_X"}]},`+
			`{"To_Account":"c","SnsItem":[{"Tag":"Tag_SNS_IM_Remark","Value":"fine"}]}]}`)
		items := got["ResultItem"].([]any)
		if code(t, got) != 0 || fmt.Sprint(items[0].(map[string]any)["ResultCode"]) != "30001" || fmt.Sprint(items[1].(map[string]any)["ResultCode"]) != "0" {
			t.Errorf("answer %v", got)
		}
	})
	t.Run("unknown From_Account", func(t *testing.T) {
		if r := c.update(gen.UpdateFriendsRequest{FromAccount: "ghost", UpdateItem: []gen.FriendUpdateItem{item("b", remark(tag.String("x")))}}); r.ErrorCode != 30003 {
			t.Errorf("%+v", r)
		}
	})
}

func TestDeleteFriends(t *testing.T) {
	t.Parallel()
	w := newWorld("a", "b", "c", "d", "e", "g").
		friend("a", "b").friend("b", "a").friend("a", "c").friend("d", "a").
		friend("a", "e", func(it *gen.AddFriendItem) { it.GroupName = []string{"L"} }).friend("e", "a").friend("a", "g")
	f, c := startWorld(t, w.seed())
	seq := *c.lists(gen.GetFriendListsRequest{FromAccount: "a"}).CurrentSequence
	del := func(typ *gen.DeleteType, tos ...string) *gen.DeleteFriendsResponse {
		return c.del(gen.DeleteFriendsRequest{FromAccount: "a", ToAccount: tos, DeleteType: typ})
	}
	single, both := ptr(gen.DeleteTypeSingle), ptr(gen.DeleteTypeBoth)

	if r := del(nil, "b"); r.ResultItem[0].ResultCode != 0 || *r.ErrorInfo != "0" || r.FailAccount != nil {
		t.Errorf("one-way delete of b: %+v", r)
	}
	if rel := c.relation("a", "b"); rel != gen.FriendRelationBWithA {
		t.Errorf("a and b after a one-way delete: %s, want b still has a", rel)
	}
	if r := del(both, "e", "c"); !cmp.Equal(resultCodes(r.ResultItem), []int32{0, 0}) {
		t.Errorf("two-way delete: %+v", r)
	}
	for _, to := range []string{"c", "e"} {
		if rel := c.relation("a", to); rel != gen.FriendRelationNoRelation {
			t.Errorf("a and %s after a two-way delete: %s", to, rel)
		}
	}
	lists := c.lists(gen.GetFriendListsRequest{FromAccount: "a"})
	if diff := cmp.Diff(okLists(seq+1, gen.FriendList{GroupName: "L", FriendNumber: ptr[int64](0)}), *lists); diff != "" {
		t.Errorf("a's lists after e left (-want +got):\n%s", diff)
	}
	r := del(single, "d", "ghost", "g", "g")
	if diff := cmp.Diff([]int32{31704, 30003, 0, 31704}, resultCodes(r.ResultItem)); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"d", "ghost", "g"}, r.FailAccount); diff != "" {
		t.Errorf("Fail_Account (-want +got):\n%s", diff)
	}
	if r := del(both, "d"); r.ResultItem[0].ResultCode != 31704 || c.relation("a", "d") != gen.FriendRelationBWithA {
		t.Errorf("two-way delete of d, who has a but is not a's friend: %+v; d's friend a must stay", r)
	}
	if len(f.emu.Friends("a")) != 0 {
		t.Errorf("a's friends %v", friendNames(f.emu.Friends("a")))
	}
	if r := c.del(gen.DeleteFriendsRequest{FromAccount: "ghost", ToAccount: []string{"a"}}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}

func TestDeleteAllFriends(t *testing.T) {
	t.Parallel()
	w := func() *emulator.Seed {
		return newWorld("a", "b", "c", "d").
			friend("a", "b", func(it *gen.AddFriendItem) { it.GroupName = []string{"L"} }).friend("b", "a").
			friend("a", "c", func(it *gen.AddFriendItem) {
				it.CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_X", Value: tag.Int(1)}}
			}).friend("d", "a").seed()
	}
	for _, tt := range []struct {
		name string
		typ  *gen.DeleteType
		// b's relation to a afterwards
		bWithA bool
	}{{"one-way by default", nil, true}, {"two-way", ptr(gen.DeleteTypeBoth), false}} {
		t.Run(tt.name, func(t *testing.T) {
			f, c := startWorld(t, w())
			for range 2 { // repeating it answers as the first did
				if r := c.delAll(gen.DeleteAllFriendsRequest{FromAccount: "a", DeleteType: tt.typ}); r.ActionStatus != gen.ActionStatusOK || r.ErrorCode != 0 {
					t.Errorf("%+v", r)
				}
			}
			if got := f.emu.Friends("a"); len(got) != 0 {
				t.Errorf("a's friends %v", friendNames(got))
			}
			if got := friendOf(f.emu, "b", "a") != nil; got != tt.bWithA {
				t.Errorf("b has a: %v, want %v", got, tt.bWithA)
			}
			if friendOf(f.emu, "d", "a") == nil {
				t.Error("d, not a's friend, lost its friend a")
			}
			lists := c.lists(gen.GetFriendListsRequest{FromAccount: "a"})
			if len(lists.ResultItem) != 1 || *lists.ResultItem[0].FriendNumber != 0 {
				t.Errorf("a's lists: %+v (the list stays, empty)", lists.ResultItem)
			}
		})
	}
	_, c := startWorld(t, w())
	if r := c.delAll(gen.DeleteAllFriendsRequest{FromAccount: "ghost"}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}

func TestCheckFriends(t *testing.T) {
	t.Parallel()
	_, c := startWorld(t, newWorld("a", "b", "c", "d", "e").friend("a", "b").friend("b", "a").friend("a", "c").friend("d", "a").seed())
	relations := func(r *gen.CheckFriendsResponse) (rels []gen.FriendRelation, codes []int32) {
		for _, it := range r.InfoItem {
			rels, codes = append(rels, it.Relation), append(codes, it.ResultCode)
		}
		return rels, codes
	}
	r := c.check(gen.CheckFriendsRequest{FromAccount: "a", ToAccount: []string{"b", "c", "d", "e", "ghost"}, CheckType: gen.FriendCheckTypeBoth})
	rels, codes := relations(r)
	if diff := cmp.Diff([]gen.FriendRelation{gen.FriendRelationBothWay, gen.FriendRelationAWithB, gen.FriendRelationBWithA, gen.FriendRelationNoRelation, gen.FriendRelationNoRelation}, rels); diff != "" {
		t.Errorf("Both (-want +got):\n%s", diff)
	}
	if !cmp.Equal(codes, []int32{0, 0, 0, 0, 30003}) || !cmp.Equal(r.FailAccount, []string{"ghost"}) {
		t.Errorf("codes %v, Fail_Account %v", codes, r.FailAccount)
	}
	r = c.check(gen.CheckFriendsRequest{FromAccount: "a", ToAccount: []string{"b", "c", "d", "e"}, CheckType: gen.FriendCheckTypeSingle})
	rels, _ = relations(r)
	if diff := cmp.Diff([]gen.FriendRelation{gen.FriendRelationAWithB, gen.FriendRelationAWithB, gen.FriendRelationNoRelation, gen.FriendRelationNoRelation}, rels); diff != "" {
		t.Errorf("Single (-want +got):\n%s", diff)
	}
	if r.FailAccount != nil {
		t.Errorf("Fail_Account %v", r.FailAccount)
	}
	if r := c.check(gen.CheckFriendsRequest{FromAccount: "ghost", ToAccount: []string{"a"}, CheckType: gen.FriendCheckTypeBoth}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
}

func TestListFriends(t *testing.T) {
	t.Parallel()
	w := newWorld("a")
	for i := range 1100 {
		id := fmt.Sprintf("u%04d", i)
		w.s.Accounts = append(w.s.Accounts, emulator.Account{UserID: id})
		w.friend("a", id)
	}
	first := &w.s.Friends["a"][0]
	first.Remark, first.RemarkTime, first.GroupName = ptr("R"), ptr[int64](7), []string{"G1", "G2"}
	first.AddWording, first.AddTime = ptr("hello"), ptr[int64](9)
	first.CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_B", Value: tag.Int(2)}, {Tag: "Tag_SNS_Custom_A", Value: tag.String("a")}}
	_, c := startWorld(t, w.seed())

	var all []string
	for _, want := range []struct {
		start, n, next int64
		complete       int32
	}{{0, 500, 500, 0}, {500, 500, 1000, 0}, {1000, 100, 0, 1}, {1100, 0, 0, 1}, {5000, 0, 0, 1}} {
		r := c.list(gen.ListFriendsRequest{FromAccount: "a", StartIndex: want.start})
		if int64(len(r.UserDataItem)) != want.n || *r.NextStartIndex != want.next || *r.CompleteFlag != want.complete || *r.FriendNum != 1100 {
			t.Errorf("StartIndex %d: %d friends, NextStartIndex %d, CompleteFlag %d, FriendNum %d; want %+v",
				want.start, len(r.UserDataItem), *r.NextStartIndex, *r.CompleteFlag, *r.FriendNum, want)
		}
		for _, it := range r.UserDataItem {
			all = append(all, it.ToAccount)
		}
	}
	if len(all) != 1100 || all[0] != "u0000" || all[1099] != "u1099" {
		t.Errorf("%d friends paged, from %v", len(all), all[:min(3, len(all))])
	}

	r := c.list(gen.ListFriendsRequest{FromAccount: "a", StartIndex: 0})
	std := []gen.TagItem{
		{Tag: "Tag_SNS_IM_AddSource", Value: tag.String(web)}, {Tag: "Tag_SNS_IM_AddWording", Value: tag.String("hello")},
		{Tag: "Tag_SNS_IM_Remark", Value: tag.String("R")}, {Tag: "Tag_SNS_IM_RemarkTime", Value: tag.Int(7)},
		{Tag: "Tag_SNS_IM_Group", Value: tag.Strings("G1", "G2")}, {Tag: "Tag_SNS_IM_AddTime", Value: tag.Int(9)},
	}
	custom := []gen.TagItem{{Tag: "Tag_SNS_Custom_A", Value: tag.String("a")}, {Tag: "Tag_SNS_Custom_B", Value: tag.Int(2)}}
	eq := cmp.Comparer(tag.Value.Equal)
	if diff := cmp.Diff(append(append([]gen.TagItem{}, std...), custom...), r.UserDataItem[0].ValueItem, eq); diff != "" {
		t.Errorf("u0000's tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]gen.TagItem{{Tag: "Tag_SNS_IM_AddSource", Value: tag.String(web)}, {Tag: "Tag_SNS_IM_AddTime", Value: tag.Int(t0.Unix())}}, r.UserDataItem[1].ValueItem, eq); diff != "" {
		t.Errorf("u0001's tags (-want +got):\n%s", diff)
	}
	stdSeq, custSeq := *r.StandardSequence, *r.CustomSequence
	if stdSeq == 0 || custSeq == 0 {
		t.Errorf("sequences %d %d after the seed's import", stdSeq, custSeq)
	}
	for _, tt := range []struct {
		name      string
		std, cust *int64
		want      []gen.TagItem
	}{
		{"both sequences current: no data", &stdSeq, &custSeq, nil},
		{"standard current: custom data only", &stdSeq, nil, custom},
		{"custom current: standard data only", ptr[int64](0), &custSeq, std},
		{"an old standard sequence: all data", ptr(stdSeq - 1), ptr[int64](0), append(append([]gen.TagItem{}, std...), custom...)},
	} {
		r := c.list(gen.ListFriendsRequest{FromAccount: "a", StandardSequence: tt.std, CustomSequence: tt.cust})
		if diff := cmp.Diff(tt.want, r.UserDataItem[0].ValueItem, eq); diff != "" || r.UserDataItem[0].ToAccount != "u0000" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	c.update(gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{{ToAccount: "u0001", SNSItem: []gen.FriendUpdateTag{snsItem("Tag_SNS_IM_Remark", tag.String("x"))}}}})
	// The standard data changed since stdSeq: it comes again, all of
	// it; the custom data did not.
	r = c.list(gen.ListFriendsRequest{FromAccount: "a", StandardSequence: &stdSeq, CustomSequence: &custSeq})
	if *r.StandardSequence != stdSeq+1 || *r.CustomSequence != custSeq || len(r.UserDataItem[1].ValueItem) != 4 {
		t.Errorf("after a remark: sequences %d %d, u0001 %v", *r.StandardSequence, *r.CustomSequence, r.UserDataItem[1].ValueItem)
	}
	if diff := cmp.Diff(std, r.UserDataItem[0].ValueItem, eq); diff != "" {
		t.Errorf("after a remark, u0000 (-want +got):\n%s", diff)
	}
	if r := c.list(gen.ListFriendsRequest{FromAccount: "ghost"}); r.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %+v", r)
	}
	// An account without friends: one empty, last page.
	_, c2 := startWorld(t, newWorld("lonely").seed())
	if r := c2.list(gen.ListFriendsRequest{FromAccount: "lonely"}); len(r.UserDataItem) != 0 || *r.CompleteFlag != 1 || *r.FriendNum != 0 || *r.NextStartIndex != 0 {
		t.Errorf("no friends: %+v", r)
	}
}
