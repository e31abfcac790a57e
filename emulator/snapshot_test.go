package emulator_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// richSeed returns a seed with something in every field a snapshot
// holds, in the form Snapshot returns it (accounts and tags sorted,
// every friend with AddTime, lists complete): accounts with standard and
// custom profile tags and none; groups; friend lists in an order that is
// not their friends' order, one without members; friends in an order
// that is not sorted, with every field, a remark with RemarkTime 0 and a
// RemarkTime without a remark; blocklists in an order that is not
// sorted.
func richSeed() *emulator.Seed {
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	p := func(t string, v tag.Value) gen.TagItem { return gen.TagItem{Tag: t, Value: v} }
	return &emulator.Seed{
		Accounts: []emulator.Account{
			{UserID: "ann", Profile: []gen.TagItem{
				p("Tag_Profile_Custom_Hobby", tag.String("chess")),
				p("Tag_Profile_Custom_Score", tag.Int(1250)),
				p("Tag_Profile_IM_AllowType", tag.String("AllowType_Type_AllowAny")),
				p("Tag_Profile_IM_BirthDay", tag.Int(19900415)),
				p("Tag_Profile_IM_Gender", tag.String("Gender_Type_Female")),
				p("Tag_Profile_IM_Level", tag.Int(3)),
				p("Tag_Profile_IM_Nick", tag.String("Ann")),
			}},
			{UserID: "ben", Profile: []gen.TagItem{
				p("Tag_Profile_IM_Image", tag.String("https://example.com/ben.png")),
				p("Tag_Profile_IM_Location", tag.String("Shenzhen")),
			}},
			{UserID: "cat"},
			{UserID: "dan"},
			{UserID: "eve", Profile: []gen.TagItem{p("Tag_Profile_Custom_Hobby", tag.String("locks"))}},
		},
		Groups: []emulator.Group{
			{GroupID: "@TGS#2J4SZEAEL", Type: gen.GroupTypePublic},
			{GroupID: "@TGS#_GOPHERCLUB", Type: gen.GroupTypeCommunity},
			{GroupID: "@TGS#1AAAAAAAA", Type: gen.GroupTypeMeeting},
		},
		Lists: map[string][]string{
			"ann": {"work", "empty", "family"},
			"ben": {"x"},
		},
		Friends: map[string][]gen.AddFriendItem{
			"ann": {
				{
					ToAccount: "ben", AddSource: "AddSource_Type_Web", GroupName: []string{"family", "work"},
					Remark: str("Benny"), RemarkTime: i64(1700000100),
					AddWording: str("hi Ben"), AddTime: i64(1700000000),
					CustomItem: []gen.CustomFriendItem{
						{Tag: "Tag_SNS_Custom_Note", Value: tag.String("owes lunch")},
						{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(1)},
					},
				},
				{ToAccount: "dan", AddSource: "AddSource_Type_iOS", RemarkTime: i64(1650000000), AddTime: i64(0)},
				{ToAccount: "cat", AddSource: "AddSource_Type_Android", GroupName: []string{"work"}, Remark: str("Cat"), RemarkTime: i64(0), AddTime: i64(1600000000)},
			},
			"ben": {
				{ToAccount: "ann", AddSource: "AddSource_Type_Web", GroupName: []string{"x"}, AddTime: i64(1700000000)},
			},
		},
		Blocklists: map[string][]string{
			"eve": {"dan", "cat"},
			"ann": {"eve"},
		},
	}
}

// freshConfig returns a config with a fresh key, a fake clock and no seed.
func freshConfig(t *testing.T) emulator.Config {
	cfg, _ := testConfig(t)
	cfg.Seed = nil
	return cfg
}

// applied returns a new emulator without state to which s has been
// applied.
func applied(t *testing.T, s *emulator.Seed) *emulator.Emulator {
	t.Helper()
	emu, err := emulator.New(freshConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Apply(s); err != nil {
		t.Fatalf("Apply(snapshot): %v", err)
	}
	return emu
}

// checkRoundTrip checks that the snapshot s of emu, applied to a new
// emulator, in Go and through its JSON form, gives the same snapshot and
// the same friends, field by field.
func checkRoundTrip(t *testing.T, emu *emulator.Emulator, s *emulator.Seed) {
	t.Helper()
	again := applied(t, s)
	if diff := cmp.Diff(s, again.Snapshot()); diff != "" {
		t.Errorf("snapshot after New+Apply(snapshot) (-before +after):\n%s", diff)
	}
	for _, a := range s.Accounts {
		if diff := cmp.Diff(emu.Friends(a.UserID), again.Friends(a.UserID)); diff != "" {
			t.Errorf("friends of %s after the round trip (-before +after):\n%s", a.UserID, diff)
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := emulator.LoadSeed(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("LoadSeed(snapshot's JSON): %v\n%s", err, b)
	}
	cfg := freshConfig(t)
	cfg.Seed = loaded
	viaJSON, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, viaJSON.Snapshot()); diff != "" {
		t.Errorf("snapshot after its JSON form was loaded (-before +after):\n%s", diff)
	}
}

func TestSnapshotOfASeedIsTheSeed(t *testing.T) {
	t.Parallel()
	cfg := freshConfig(t)
	cfg.Seed = richSeed()
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := emu.Snapshot()
	if diff := cmp.Diff(richSeed(), s); diff != "" {
		t.Errorf("snapshot (-seed +snapshot):\n%s", diff)
	}
	checkRoundTrip(t, emu, s)
}

func TestSnapshotOfNothing(t *testing.T) {
	t.Parallel()
	emu, err := emulator.New(freshConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&emulator.Seed{}, emu.Snapshot()); diff != "" {
		t.Errorf("snapshot of an empty emulator (-want +got):\n%s", diff)
	}
}

// TestSnapshotSeesEveryChange changes one thing through the API in an
// emulator seeded with richSeed and checks that the snapshot differs
// where it should, and that the changed state still round-trips.
func TestSnapshotSeesEveryChange(t *testing.T) {
	t.Parallel()
	upd := func(a api, to string, tags ...gen.FriendUpdateTag) {
		a.t.Helper()
		r := a.update(gen.UpdateFriendsRequest{FromAccount: "ann", UpdateItem: []gen.FriendUpdateItem{{ToAccount: to, SNSItem: tags}}})
		if len(r.ResultItem) != 1 || r.ResultItem[0].ResultCode != 0 {
			a.t.Fatalf("friend_update: %+v", r)
		}
	}
	imp := func(a api, it gen.AddFriendItem) {
		a.t.Helper()
		r := a.imp(gen.ImportFriendsRequest{FromAccount: "ann", AddFriendItem: []gen.AddFriendItem{it}})
		if len(r.ResultItem) != 1 || r.ResultItem[0].ResultCode != 0 {
			a.t.Fatalf("friend_import: %+v", r)
		}
	}
	setProfile := func(t *testing.T, f *fixture, id string, items ...gen.ProfileItem) {
		t.Helper()
		r, err := f.client.SetProfileWithResponse(bg, gen.SetProfileRequest{FromAccount: id, ProfileItem: items})
		if err != nil || r.JSON200 == nil || r.JSON200.ErrorCode != 0 {
			t.Fatalf("portrait_set: %v %s", err, r.Body)
		}
	}
	// ben as ann has him in richSeed, with another value of each field.
	benAgain := func() gen.AddFriendItem { return richSeed().Friends["ann"][0] }
	for _, tt := range []struct {
		name   string
		change func(t *testing.T, f *fixture, a api)
		want   string // in the diff
	}{
		{"standard profile tag", func(t *testing.T, f *fixture, _ api) {
			setProfile(t, f, "ann", gen.ProfileItem{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Annie")})
		}, "Annie"},
		{"new standard profile tag", func(t *testing.T, f *fixture, _ api) {
			setProfile(t, f, "cat", gen.ProfileItem{Tag: "Tag_Profile_IM_Role", Value: tag.Int(2)})
		}, "Tag_Profile_IM_Role"},
		{"custom profile tag", func(t *testing.T, f *fixture, _ api) {
			setProfile(t, f, "eve", gen.ProfileItem{Tag: "Tag_Profile_Custom_Hobby", Value: tag.String("safes")})
		}, "safes"},
		{"new account", func(t *testing.T, f *fixture, _ api) {
			r, err := f.client.ImportAccountWithResponse(bg, gen.ImportAccountRequest{UserID: "fay"})
			if err != nil || r.JSON200 == nil || r.JSON200.ErrorCode != 0 {
				t.Fatalf("account_import: %v %s", err, r.Body)
			}
		}, `"fay"`},
		{"deleted account", func(t *testing.T, f *fixture, _ api) {
			r, err := f.client.DeleteAccountsWithResponse(bg, gen.DeleteAccountsRequest{DeleteItem: []gen.DeleteAccountItem{{UserID: "cat"}}})
			if err != nil || r.JSON200 == nil || r.JSON200.ErrorCode != 0 {
				t.Fatalf("account_delete: %v %s", err, r.Body)
			}
		}, `"cat"`},
		{"remark", func(t *testing.T, _ *fixture, a api) {
			upd(a, "ben", gen.FriendUpdateTag{Tag: "Tag_SNS_IM_Remark", Value: tag.String("B")})
		}, `"B"`},
		{"remark cleared", func(t *testing.T, _ *fixture, a api) {
			upd(a, "cat", gen.FriendUpdateTag{Tag: "Tag_SNS_IM_Remark", Value: tag.String("")})
		}, "Remark:"},
		{"remark time alone", func(t *testing.T, f *fixture, a api) {
			f.clock.Advance(time.Hour)
			upd(a, "ben", gen.FriendUpdateTag{Tag: "Tag_SNS_IM_Remark", Value: tag.String("Benny")})
		}, "RemarkTime"},
		{"friend's lists", func(t *testing.T, _ *fixture, a api) {
			upd(a, "ben", gen.FriendUpdateTag{Tag: "Tag_SNS_IM_Group", Value: tag.Strings("work", "family")})
		}, "GroupName"},
		{"friend taken out of every list", func(t *testing.T, _ *fixture, a api) {
			upd(a, "cat", gen.FriendUpdateTag{Tag: "Tag_SNS_IM_Group", Value: tag.Strings()})
		}, "GroupName"},
		{"custom friend tag", func(t *testing.T, _ *fixture, a api) {
			upd(a, "ben", gen.FriendUpdateTag{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(9)})
		}, "Tag_SNS_Custom_Rank"},
		{"new custom friend tag", func(t *testing.T, _ *fixture, a api) {
			upd(a, "dan", gen.FriendUpdateTag{Tag: "Tag_SNS_Custom_Mood", Value: tag.String("ok")})
		}, "Tag_SNS_Custom_Mood"},
		{"add wording", func(t *testing.T, _ *fixture, a api) {
			it := benAgain()
			it.AddWording = ptr("hello again")
			imp(a, it)
		}, "hello again"},
		{"add source", func(t *testing.T, _ *fixture, a api) {
			it := benAgain()
			it.AddSource = "AddSource_Type_Other"
			imp(a, it)
		}, "AddSource_Type_Other"},
		{"add time", func(t *testing.T, _ *fixture, a api) {
			it := benAgain()
			it.AddTime = ptr[int64](1234)
			imp(a, it)
		}, "1234"},
		{"new friend", func(t *testing.T, _ *fixture, a api) {
			r := a.add(gen.AddFriendsRequest{FromAccount: "dan", AddFriendItem: []gen.FriendAddItem{{ToAccount: "ann", AddSource: "AddSource_Type_Web"}}})
			if len(r.ResultItem) != 1 || r.ResultItem[0].ResultCode != 0 {
				t.Fatalf("friend_add: %+v", r)
			}
		}, `"dan"`},
		{"deleted friend", func(t *testing.T, _ *fixture, a api) {
			a.del(gen.DeleteFriendsRequest{FromAccount: "ann", ToAccount: []string{"dan"}})
		}, "iOS"},
		{"friends' order", func(t *testing.T, _ *fixture, a api) {
			a.del(gen.DeleteFriendsRequest{FromAccount: "ann", ToAccount: []string{"ben"}})
			imp(a, benAgain())
		}, "Benny"},
		{"new list without members", func(t *testing.T, _ *fixture, a api) {
			a.addLists(gen.AddFriendListsRequest{FromAccount: "cat", GroupName: []string{"new"}})
		}, `"new"`},
		{"deleted list without members", func(t *testing.T, _ *fixture, a api) {
			a.delLists(gen.DeleteFriendListsRequest{FromAccount: "ann", GroupName: []string{"empty"}})
		}, `"empty"`},
		{"lists' order", func(t *testing.T, _ *fixture, a api) {
			a.delLists(gen.DeleteFriendListsRequest{FromAccount: "ann", GroupName: []string{"empty"}})
			a.addLists(gen.AddFriendListsRequest{FromAccount: "ann", GroupName: []string{"empty"}})
		}, "Lists"},
		{"block", func(t *testing.T, _ *fixture, a api) {
			a.block(gen.BlockAccountsRequest{FromAccount: "cat", ToAccount: []string{"dan"}})
		}, `"cat"`},
		{"unblock", func(t *testing.T, _ *fixture, a api) {
			a.unblock(gen.UnblockAccountsRequest{FromAccount: "ann", ToAccount: []string{"eve"}})
		}, `"eve"`},
		{"blocklist's order", func(t *testing.T, _ *fixture, a api) {
			a.unblock(gen.UnblockAccountsRequest{FromAccount: "eve", ToAccount: []string{"dan"}})
			a.block(gen.BlockAccountsRequest{FromAccount: "eve", ToAccount: []string{"dan"}})
		}, "Blocklists"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, a := startWorld(t, richSeed())
			before := f.emu.Snapshot()
			tt.change(t, f, api{t, a.c})
			after := f.emu.Snapshot()
			diff := cmp.Diff(before, after)
			switch {
			case diff == "":
				t.Fatal("the snapshot did not change")
			case !strings.Contains(diff, tt.want):
				t.Errorf("the diff does not mention %s:\n%s", tt.want, diff)
			}
			checkRoundTrip(t, f.emu, after)
		})
	}
}
