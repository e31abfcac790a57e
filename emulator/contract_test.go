package emulator_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

func ptr[T any](v T) *T { return &v }

// fixture is a running emulator with the sample data and a validating
// generated client for it.
type fixture struct {
	client *gen.ClientWithResponses
	emu    *emulator.Emulator
	cfg    emulator.Config
	clock  *fakeClock
	base   string
}

func start(t *testing.T, mutate ...func(*emulator.Config)) *fixture {
	t.Helper()
	cfg, clock := testConfig(t)
	for _, m := range mutate {
		m(&cfg)
	}
	base, emu := emulatortest.Start(t, cfg)
	return &fixture{client: emulatortest.NewClient(t, base, cfg), emu: emu, cfg: cfg, clock: clock, base: base}
}

func TestGetFriendLists(t *testing.T) {
	t.Parallel()
	client := start(t).client
	yes := ptr(gen.NeedFriendYes)
	tests := []struct {
		name string
		req  gen.GetFriendListsRequest
		want gen.GetFriendListsResponse
	}{
		{"all lists", gen.GetFriendListsRequest{FromAccount: "alice"}, okLists(1,
			gen.FriendList{GroupName: "work", FriendNumber: ptr[int64](2)},
			gen.FriendList{GroupName: "family", FriendNumber: ptr[int64](1)})},
		{"all lists with members", gen.GetFriendListsRequest{FromAccount: "alice", NeedFriend: yes}, okLists(1,
			gen.FriendList{GroupName: "work", FriendNumber: ptr[int64](2), ToAccount: []string{"bob", "carol"}},
			gen.FriendList{GroupName: "family", FriendNumber: ptr[int64](1), ToAccount: []string{"carol"}})},
		{"named lists answer members, in the order named, unknown names left out",
			gen.GetFriendListsRequest{FromAccount: "alice", GroupName: []string{"family", "nosuch", "work", "family"}}, okLists(1,
				gen.FriendList{GroupName: "family", FriendNumber: ptr[int64](1), ToAccount: []string{"carol"}},
				gen.FriendList{GroupName: "work", FriendNumber: ptr[int64](2), ToAccount: []string{"bob", "carol"}})},
		{"NeedFriend with GroupName", gen.GetFriendListsRequest{FromAccount: "bob", NeedFriend: yes, GroupName: []string{"friends"}}, okLists(1,
			gen.FriendList{GroupName: "friends", FriendNumber: ptr[int64](1), ToAccount: []string{"alice"}})},
		{"no lists", gen.GetFriendListsRequest{FromAccount: "erin", NeedFriend: yes}, okLists(0)},
		{"unknown account", gen.GetFriendListsRequest{FromAccount: "ghost"}, gen.GetFriendListsResponse{
			ActionStatus: gen.ActionStatusFail, ErrorCode: 30003, ErrorInfo: ptr("Err_SNS_GroupGet_Account_Not_Exist")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.GetFriendListsWithResponse(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, resp.JSON200); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func okLists(seq int64, lists ...gen.FriendList) gen.GetFriendListsResponse {
	if lists == nil {
		lists = []gen.FriendList{}
	}
	return gen.GetFriendListsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""),
		ResultItem: lists, CurrentSequence: ptr(seq)}
}

func TestGetFriends(t *testing.T) {
	t.Parallel()
	client := start(t).client
	allTags := []string{
		"Tag_Profile_Custom_Hobby", "Tag_Profile_Custom_Score", "Tag_Profile_IM_Nick", "Tag_Profile_IM_Gender",
		"Tag_Profile_IM_BirthDay", "Tag_Profile_IM_Image", "Tag_Profile_IM_Level", "Tag_Profile_IM_Language",
		"Tag_SNS_Custom_Rank", "Tag_SNS_Custom_Note", "Tag_SNS_IM_Remark", "Tag_SNS_IM_Group",
		"Tag_SNS_IM_AddSource", "Tag_SNS_IM_AddWording", "Tag_SNS_IM_AddTime", "Tag_SNS_IM_RemarkTime",
		"Tag_Profile_IM_Unknown",
	}
	ti := func(t string, v tag.Value) gen.TagItem { return gen.TagItem{Tag: t, Value: v} }
	okItem := func(to string, items ...gen.TagItem) gen.FriendInfo {
		if items == nil {
			items = []gen.TagItem{}
		}
		return gen.FriendInfo{ToAccount: to, SNSProfileItem: items, ResultInfo: ptr("")}
	}
	notFriend := func(to string) gen.FriendInfo {
		return gen.FriendInfo{ToAccount: to, ResultCode: 30001, ResultInfo: ptr("Err_SNS_FriendGetList_Friend_Not_Exist")}
	}
	tests := []struct {
		name string
		req  gen.GetFriendsRequest
		want gen.GetFriendsResponse
	}{
		{"every tag family, real value types",
			gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob", "carol", "erin"}, TagList: allTags},
			gen.GetFriendsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""), InfoItem: []gen.FriendInfo{
				okItem("bob",
					ti("Tag_SNS_IM_Remark", tag.String("Bobby")),
					ti("Tag_SNS_IM_Group", tag.Strings("work")),
					ti("Tag_SNS_IM_AddSource", tag.String("AddSource_Type_Web")),
					ti("Tag_SNS_IM_AddWording", tag.String("Hi Bob, Alice from the platform team")),
					ti("Tag_SNS_IM_AddTime", tag.Int(1700000000)),
					ti("Tag_SNS_IM_RemarkTime", tag.Int(1700000100)),
					ti("Tag_Profile_IM_Nick", tag.String("Bob")),
					ti("Tag_Profile_IM_Gender", tag.String("Gender_Type_Male")),
					ti("Tag_Profile_IM_BirthDay", tag.Int(19881102)),
					ti("Tag_Profile_IM_Image", tag.String("https://example.com/avatars/bob.png")),
					ti("Tag_Profile_IM_Level", tag.Int(7)),
					ti("Tag_SNS_Custom_Rank", tag.Int(1)),
					ti("Tag_SNS_Custom_Note", tag.String("owes me lunch")),
					ti("Tag_Profile_Custom_Hobby", tag.String("climbing"))),
				okItem("carol",
					ti("Tag_SNS_IM_Remark", tag.String("Sis")),
					ti("Tag_SNS_IM_Group", tag.Strings("work", "family")),
					ti("Tag_SNS_IM_AddSource", tag.String("AddSource_Type_Android")),
					ti("Tag_SNS_IM_AddTime", tag.Int(1600000000)),
					ti("Tag_SNS_IM_RemarkTime", tag.Int(t0.Unix())), // remark without RemarkTime: the import time
					ti("Tag_Profile_IM_Nick", tag.String("Carol")),
					ti("Tag_Profile_IM_Gender", tag.String("Gender_Type_Female")),
					ti("Tag_Profile_IM_Language", tag.Int(2)),
					ti("Tag_SNS_Custom_Rank", tag.Int(2)),
					ti("Tag_Profile_Custom_Score", tag.Int(1250))),
				okItem("erin",
					ti("Tag_SNS_IM_AddSource", tag.String("AddSource_Type_iOS")),
					ti("Tag_SNS_IM_AddTime", tag.Int(1710000000)),
					ti("Tag_Profile_IM_Nick", tag.String("Erin"))),
			}}},
		{"only the requested tags",
			gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob"}, TagList: []string{"Tag_Profile_IM_Nick", "Tag_SNS_IM_Group"}},
			gen.GetFriendsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""), InfoItem: []gen.FriendInfo{
				okItem("bob", ti("Tag_SNS_IM_Group", tag.Strings("work")), ti("Tag_Profile_IM_Nick", tag.String("Bob")))}}},
		{"non-friends fail per item",
			gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"dave", "bob", "ghost"}, TagList: []string{"Tag_Profile_IM_Nick"}},
			gen.GetFriendsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""),
				InfoItem:    []gen.FriendInfo{notFriend("dave"), okItem("bob", ti("Tag_Profile_IM_Nick", tag.String("Bob"))), notFriend("ghost")},
				FailAccount: []string{"dave", "ghost"}}},
		{"unknown From_Account",
			gen.GetFriendsRequest{FromAccount: "ghost", ToAccount: []string{"bob"}, TagList: []string{"Tag_Profile_IM_Nick"}},
			gen.GetFriendsResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: 30003, ErrorInfo: ptr("Err_SNS_FriendGetList_Account_Not_Exist")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.GetFriendsWithResponse(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, resp.JSON200, cmp.Comparer(tag.Value.Equal)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListGroupIDs(t *testing.T) {
	t.Parallel()
	f := start(t)
	client, cfg := f.client, f.cfg
	var all []string
	byType := map[gen.GroupType]int{}
	for _, g := range cfg.Seed.Groups {
		all = append(all, g.GroupID)
		byType[g.Type]++
	}
	tests := []struct {
		name      string
		req       gen.ListGroupIDsRequest
		wantTotal int64
		wantIDs   []string
		wantNext  bool
	}{
		{"everything", gen.ListGroupIDsRequest{}, int64(len(all)), all, false},
		{"first page", gen.ListGroupIDsRequest{Limit: ptr[int64](3), Next: ptr[int64](0)}, int64(len(all)), all[:3], true},
		{"Limit equal to the count ends the walk", gen.ListGroupIDsRequest{Limit: ptr(int64(len(all)))}, int64(len(all)), all, false},
		{"type filter counts the type only", gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupTypeAVChatRoom)},
			int64(byType[gen.GroupTypeAVChatRoom]), idsOf(cfg.Seed.Groups, gen.GroupTypeAVChatRoom), false},
		{"old and new names match each other", gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupTypePrivate)},
			int64(byType[gen.GroupTypePrivate] + byType[gen.GroupTypeWork]), idsOf(cfg.Seed.Groups, gen.GroupTypePrivate, gen.GroupTypeWork), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.ListGroupIDsWithResponse(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			a := resp.JSON200
			if a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 {
				t.Fatalf("answer %s", resp.Body)
			}
			if *a.TotalCount != tt.wantTotal {
				t.Errorf("TotalCount %d, want %d", *a.TotalCount, tt.wantTotal)
			}
			var got []string
			for _, g := range a.GroupIDList {
				got = append(got, g.GroupID)
			}
			if diff := cmp.Diff(tt.wantIDs, got); diff != "" {
				t.Errorf("GroupIdList (-want +got):\n%s", diff)
			}
			if (*a.Next != 0) != tt.wantNext {
				t.Errorf("Next %d, want a cursor: %v", *a.Next, tt.wantNext)
			}
			if *a.Next != 0 && *a.Next <= 1<<32 {
				t.Errorf("Next %d fits in 32 bits; the service's cursors do not", *a.Next)
			}
		})
	}
	t.Run("cursors", func(t *testing.T) {
		call := func(t *testing.T, next int64) *gen.ListGroupIDsResponse {
			t.Helper()
			resp, err := client.ListGroupIDsWithResponse(context.Background(), gen.ListGroupIDsRequest{Limit: ptr[int64](3), Next: &next})
			if err != nil {
				t.Fatal(err)
			}
			return resp.JSON200
		}
		first := call(t, 0)
		if *first.Next == 0 {
			t.Fatal("the first page of 3 has no Next")
		}
		second := call(t, *first.Next)
		if second.ErrorCode != 0 || len(second.GroupIDList) != 3 || second.GroupIDList[0].GroupID != all[3] {
			t.Errorf("the issued cursor %d: %+v, want the next 3 groups from %s", *first.Next, second, all[3])
		}
		// A cursor the emulator never issued gets 10004: at most 2^32
		// (the service's cursors are larger), above 2^32 but past the
		// last group, or above 2^32 among the groups but never handed
		// out (pages of 3 end at the 3rd, 6th... group, never the 4th).
		for _, tt := range []struct {
			name string
			next int64
		}{
			{"below 2^32", 12345},
			{"exactly 2^32", 1 << 32},
			{"above 2^32, past the last group", 1<<32 + int64(len(all)) + 1000},
			{"above 2^32, at the last group", 1<<32 + int64(len(all))},
			{"above 2^32, within the groups", *first.Next + 1},
			{"the largest int64", math.MaxInt64},
		} {
			t.Run("never issued, "+tt.name, func(t *testing.T) {
				if a := call(t, tt.next); a.ErrorCode != 10004 || a.ActionStatus != gen.ActionStatusFail {
					t.Errorf("Next %d: ActionStatus %s ErrorCode %d, want FAIL 10004", tt.next, a.ActionStatus, a.ErrorCode)
				}
			})
		}
	})
}

func idsOf(groups []emulator.Group, types ...gen.GroupType) []string {
	var out []string
	for _, g := range groups {
		if slices.Contains(types, g.Type) {
			out = append(out, g.GroupID)
		}
	}
	return out
}

func TestImportFriends(t *testing.T) {
	t.Parallel()
	f := start(t)
	client, emu, clock := f.client, f.emu, f.clock
	ctx := context.Background()
	if err := emu.AddAccounts("frank", "grace"); err != nil {
		t.Fatal(err)
	}
	resp, err := client.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: "dave", AddFriendItem: []gen.AddFriendItem{
		{ToAccount: "frank", AddSource: "AddSource_Type_Web", GroupName: []string{"gym"}, Remark: ptr("Frankie"),
			AddWording: ptr("hello"), CustomItem: []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Level", Value: tag.Int(3)}}},
		{ToAccount: "ghost", AddSource: "AddSource_Type_Web"},
		{ToAccount: "dave", AddSource: "AddSource_Type_Web"},
		{ToAccount: "frank", AddSource: "AddSource_Type_Web"},
		{ToAccount: "grace", AddSource: "AddSource_Type_Web", AddTime: ptr[int64](1420000001), RemarkTime: ptr[int64](1420000002)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := gen.ImportFriendsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""),
		ResultItem: []gen.FriendResult{
			{ToAccount: "frank", ResultInfo: ptr("")},
			{ToAccount: "ghost", ResultCode: 30003, ResultInfo: ptr("Err_SNS_FriendImport_Account_Not_Exist")},
			{ToAccount: "dave", ResultCode: 30001, ResultInfo: ptr("Err_SNS_FriendImport_Add_Self")},
			{ToAccount: "frank", ResultCode: 30001, ResultInfo: ptr("Err_SNS_FriendImport_Duplicate_To_Account")},
			{ToAccount: "grace", ResultInfo: ptr("")},
		},
		FailAccount: []string{"ghost", "dave", "frank"}}
	if diff := cmp.Diff(&want, resp.JSON200); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	wantFriends := []emulator.Friend{
		{ToAccount: "frank", GroupName: []string{"gym"}, Remark: "Frankie", RemarkTime: t0.Unix(), AddSource: "AddSource_Type_Web",
			AddWording: "hello", AddTime: t0.Unix(), Custom: map[string]tag.Value{"Tag_SNS_Custom_Level": tag.Int(3)}},
		{ToAccount: "grace", AddSource: "AddSource_Type_Web", AddTime: 1420000001, RemarkTime: 1420000002},
	}
	if diff := cmp.Diff(wantFriends, emu.Friends("dave"), cmp.Comparer(tag.Value.Equal)); diff != "" {
		t.Errorf("friends (-want +got):\n%s", diff)
	}

	// Re-importing updates: given fields replace, custom tags merge, the
	// rest stays. The list change moves the sequence.
	clock.Advance(60e9)
	resp, err = client.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: "dave", AddFriendItem: []gen.AddFriendItem{
		{ToAccount: "frank", AddSource: "AddSource_Type_QR", GroupName: []string{"work", "gym"}, Remark: ptr("Frank"),
			CustomItem: []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Note", Value: tag.String("new")}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200.ErrorCode != 0 || resp.JSON200.ResultItem[0].ResultCode != 0 || resp.JSON200.FailAccount != nil {
		t.Fatalf("re-import: %s", resp.Body)
	}
	wantFriends[0] = emulator.Friend{ToAccount: "frank", GroupName: []string{"work", "gym"}, Remark: "Frank", RemarkTime: t0.Unix() + 60,
		AddSource: "AddSource_Type_QR", AddWording: "hello", AddTime: t0.Unix(),
		Custom: map[string]tag.Value{"Tag_SNS_Custom_Level": tag.Int(3), "Tag_SNS_Custom_Note": tag.String("new")}}
	if diff := cmp.Diff(wantFriends, emu.Friends("dave"), cmp.Comparer(tag.Value.Equal)); diff != "" {
		t.Errorf("friends after re-import (-want +got):\n%s", diff)
	}
	lists, err := client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "dave"})
	if err != nil {
		t.Fatal(err)
	}
	wantLists := okLists(2,
		gen.FriendList{GroupName: "gym", FriendNumber: ptr[int64](1)},
		gen.FriendList{GroupName: "work", FriendNumber: ptr[int64](1)})
	if diff := cmp.Diff(&wantLists, lists.JSON200); diff != "" {
		t.Errorf("lists after re-import (-want +got):\n%s", diff)
	}

	// The unknown From_Account fails the whole call.
	resp, err = client.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: "ghost",
		AddFriendItem: []gen.AddFriendItem{{ToAccount: "bob", AddSource: "AddSource_Type_Web"}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200.ActionStatus != gen.ActionStatusFail || resp.JSON200.ErrorCode != 30003 {
		t.Errorf("unknown From_Account: %s", resp.Body)
	}
}

func TestImportFriendsLimits(t *testing.T) {
	t.Parallel()
	f := start(t)
	client, emu := f.client, f.emu
	ctx := context.Background()
	ids := make([]string, 3001)
	for i := range ids {
		ids[i] = fmt.Sprintf("user%04d", i)
	}
	if err := emu.AddAccounts(ids...); err != nil {
		t.Fatal(err)
	}
	importAll := func(from string, items []gen.AddFriendItem) *gen.ImportFriendsResponse {
		t.Helper()
		resp, err := client.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: from, AddFriendItem: items})
		if err != nil {
			t.Fatal(err)
		}
		return resp.JSON200
	}
	item := func(to string, lists ...string) gen.AddFriendItem {
		return gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Bulk", GroupName: lists}
	}

	t.Run("3000 friends, then 30010 for new ones but updates pass", func(t *testing.T) {
		from := "user3000"
		for page := range 3 {
			var items []gen.AddFriendItem
			for _, id := range ids[page*1000 : page*1000+1000] {
				items = append(items, item(id))
			}
			if a := importAll(from, items); a.FailAccount != nil {
				t.Fatalf("page %d: Fail_Account %v", page, a.FailAccount)
			}
		}
		a := importAll(from, []gen.AddFriendItem{item("alice"), item("user0000", "updated")})
		if a.ResultItem[0].ResultCode != 30010 || a.ResultItem[1].ResultCode != 0 {
			t.Errorf("answer %+v, want 30010 for the new friend and 0 for the update", a.ResultItem)
		}
		if n := len(emu.Friends(from)); n != 3000 {
			t.Errorf("%d friends, want 3000", n)
		}
	})

	t.Run("more than 32 lists gives 30011", func(t *testing.T) {
		var lists []string // bob has one list already: "friends"
		for i := range 31 {
			lists = append(lists, fmt.Sprintf("list%02d", i))
		}
		a := importAll("bob", []gen.AddFriendItem{item("carol", lists[:20]...), item("dave", lists[20:]...)})
		if a.FailAccount != nil {
			t.Fatalf("32 lists: Fail_Account %v", a.FailAccount)
		}
		if l, err := client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "bob"}); err != nil || len(l.JSON200.ResultItem) != 32 {
			t.Fatalf("bob's lists: %v %s", err, l.Body)
		}
		a = importAll("bob", []gen.AddFriendItem{item("erin", "list00", "one-too-many"), item("erin", "list01")})
		if got := []int32{a.ResultItem[0].ResultCode, a.ResultItem[1].ResultCode}; !slices.Equal(got, []int32{30011, 30001}) {
			t.Errorf("codes %v, want [30011 30001] (the duplicate fails too)", got)
		}
	})

	t.Run("items that break the schema fail one by one", func(t *testing.T) {
		c := newCaller(t, f.base, f.cfg)
		_, m := c.post(pathFriendImpt, nil, `{"From_Account":"erin","AddFriendItem":[
			{"To_Account":"alice","AddSource":"AddSource_Type_Web"},
			{"To_Account":"bob","AddSource":"Web"},
			{"To_Account":"carol","AddSource":"AddSource_Type_Web","Remark":"ééééééééééééééééééééééééééééééééééééééééééééééééé"},
			{"To_Account":"dave","AddSource":"AddSource_Type_Web","Unknown":1}]}`)
		if code(t, m) != 0 {
			t.Fatalf("answer %v", m)
		}
		var codes []int
		for _, it := range m["ResultItem"].([]any) {
			n, _ := it.(map[string]any)["ResultCode"].(interface{ Int64() (int64, error) }).Int64()
			codes = append(codes, int(n))
		}
		if !slices.Equal(codes, []int{0, 30001, 30001, 30001}) {
			t.Errorf("codes %v, want [0 30001 30001 30001] (bad AddSource, 98-byte Remark, unknown field)", codes)
		}
	})

	t.Run("byte limits fail one by one", func(t *testing.T) {
		// The schema counts characters; the service counts bytes. Each
		// string below is within its maxLength in characters; those one
		// character over the byte limit fail alone with 30001, those at
		// the limit pass.
		e, zh := "é", "中"             // 2 and 3 bytes in UTF-8
		long := strings.Repeat(e, 16) // a 32-byte UserID
		if err := emu.AddAccounts(long); err != nil {
			t.Fatal(err)
		}
		at := gen.AddFriendItem{ToAccount: "alice", AddSource: "AddSource_Type_Web",
			Remark: ptr(strings.Repeat(e, 48)), AddWording: ptr(strings.Repeat(e, 128)), GroupName: []string{strings.Repeat(zh, 10)}}
		a := importAll("carol", []gen.AddFriendItem{
			at,
			item(long),
			item(strings.Repeat(e, 17)), // 34 bytes; not an account either, but the byte check comes first
			{ToAccount: "bob", AddSource: "AddSource_Type_Web", AddWording: ptr(strings.Repeat(e, 129))},
			item("dave", "ok", strings.Repeat(zh, 11)),
			{ToAccount: "erin", AddSource: "AddSource_Type_Web", Remark: ptr(strings.Repeat(e, 49))},
		})
		var codes []int32
		for _, r := range a.ResultItem {
			codes = append(codes, r.ResultCode)
		}
		if want := []int32{0, 0, 30001, 30001, 30001, 30001}; !slices.Equal(codes, want) {
			t.Errorf("codes %v, want %v (at the limits; a 32-byte To_Account; then a 34-byte To_Account, a 258-byte AddWording, a 33-byte list name, a 98-byte Remark)", codes, want)
		}
		var got []string
		for _, fr := range emu.Friends("carol") {
			got = append(got, fr.ToAccount)
		}
		if want := []string{"alice", long}; !slices.Equal(got, want) {
			t.Errorf("carol's friends %q, want %q (failed items change nothing)", got, want)
		}
		l, err := client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "carol"})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(l.JSON200.ResultItem); n != 1 {
			t.Errorf("carol has %d lists, want 1 (the failed item's lists are not created): %s", n, l.Body)
		}
	})
}
