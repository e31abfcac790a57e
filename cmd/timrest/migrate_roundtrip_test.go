package main

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// This file is the whole migration of the README's "Migrating to Tencent
// IM", through the commands only: export an app's accounts, profiles,
// friends, friend lists and blocklists, import them into a fresh app in
// the README's order, verify, and compare the two apps' whole states.

// migrateAccounts are the accounts of migrateSeed; gus has nothing but
// his account.
var migrateAccounts = []string{"ann", "ben", "cat", "dan", "eve", "fay", "gus"}

// migrateSeed is a rich social graph: profiles with every kind of
// standard tag and custom tags of both types; friends with remarks (with
// a remark time, without one, and a remark time without a remark),
// wordings, add times, custom friend tags of both types, in lists; lists
// without members; blocklists.
func migrateSeed() *emulator.Seed {
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	s := graphSeed()
	s.Accounts = append(s.Accounts, emulator.Account{UserID: "gus"})
	profiles := map[string][]api.TagItem{
		"ann": {
			{Tag: "Tag_Profile_IM_Gender", Value: tag.String("Gender_Type_Female")},
			{Tag: "Tag_Profile_IM_BirthDay", Value: tag.Int(19900419)},
			{Tag: "Tag_Profile_IM_Location", Value: tag.String("Lyon")},
			{Tag: "Tag_Profile_IM_SelfSignature", Value: tag.String(`carpe diem, "always"`)},
			{Tag: "Tag_Profile_IM_AllowType", Value: tag.String("AllowType_Type_NeedConfirm")},
			{Tag: "Tag_Profile_IM_Language", Value: tag.Int(2)},
			{Tag: "Tag_Profile_IM_Image", Value: tag.String("https://example.com/ann.png")},
			{Tag: "Tag_Profile_IM_AdminForbidType", Value: tag.String("AdminForbid_Type_None")},
			{Tag: "Tag_Profile_IM_Role", Value: tag.Int(7)},
			{Tag: "Tag_Profile_IM_MsgSettings", Value: tag.Int(1)},
			{Tag: "Tag_Profile_Custom_Hobby", Value: tag.String("climbing")},
			{Tag: "Tag_Profile_Custom_Score", Value: tag.Int(1200)},
		},
		"ben": {
			{Tag: "Tag_Profile_IM_Gender", Value: tag.String("Gender_Type_Male")},
			{Tag: "Tag_Profile_IM_AllowType", Value: tag.String("AllowType_Type_AllowAny")},
			{Tag: "Tag_Profile_Custom_Score", Value: tag.Int(0)},
		},
		"eve": {{Tag: "Tag_Profile_Custom_Hobby", Value: tag.String("чтение 📚")}},
	}
	for i, a := range s.Accounts {
		s.Accounts[i].Profile = append(a.Profile, profiles[a.UserID]...)
	}
	s.Friends["dan"] = []api.AddFriendItem{
		{ToAccount: "ann", AddSource: "AddSource_Type_Web", RemarkTime: i64(1700000200), AddWording: str("hello\tthere"), AddTime: i64(1650000000),
			GroupName: []string{"old friends", "work"}, CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Note", Value: tag.String("-")}}},
	}
	s.Lists = map[string][]string{"ann": {"empty one", "later"}, "dan": {"spare"}, "fay": {"solo"}}
	return s
}

// profileTagsOf returns every profile tag the accounts of seed have,
// sorted: the --tags of profiles get (custom tags cannot be listed).
func profileTagsOf(seed *emulator.Seed) []string {
	tags := map[string]bool{}
	for _, a := range seed.Accounts {
		for _, it := range a.Profile {
			tags[it.Tag] = true
		}
	}
	return slices.Sorted(maps.Keys(tags))
}

// migrationStep runs a write command of the migration and checks its
// JSON summary: every one of records records done, and nothing else;
// batches unless it is -1 (how records share requests depends on
// --concurrency, which is left to its default, auto).
func migrationStep(t *testing.T, c cli, records, batches int, args ...string) {
	t.Helper()
	r := c.run(t, args...)
	if r.Code != exitOK {
		t.Fatalf("timrest %s: exit %d\n%s%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	var got importReport
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("timrest %s: %v\n%s", strings.Join(args, " "), err, r.Stdout)
	}
	got.Seconds = 0
	if batches < 0 {
		batches = got.Batches
	}
	want := importReport{File: got.File, Format: got.Format, Lines: records + got.SkippedLines, SkippedLines: got.SkippedLines,
		Records: records, Imported: records, FailedByCode: map[string]int{}, Batches: batches, Complete: true, InputRead: true,
		InvalidRecords: []invalidRecord{}, FailedRecords: []failedRecord{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timrest %s: summary (-want +got):\n%s", strings.Join(args, " "), diff)
	}
}

// TestMigrationRoundTrip: the whole migration, through the commands
// only, in CSV and in JSON Lines. The origin app is exported (accounts:
// the file written from the UserIDs; profiles get --tags with every tag
// used; friends export; lists export --empty-only; blocklist export), and
// imported into an app without accounts in the README's order (accounts
// import, profiles set, friends import, lists add, blocklist import).
// accounts check, friends verify and blocklist check then report no
// difference, and the two apps' states are equal field by field.
//
// What the formats do not carry, and the comparison leaves aside:
//   - the time each account was blocked: neither the blocklist format nor
//     a Snapshot holds it (the import blocks at its own time);
//   - the order in which an account's lists were created: friends import
//     creates the lists that have members, in the order the friends name
//     them, and lists add the lists without members after them, so the
//     copy has those first and the empty lists last, each part in the
//     origin's order; the comparison expects exactly that order.
//
// The relationship chain's sequences are in no Snapshot. The seed has no
// AddTime or RemarkTime of 0: friend_get answers no tag for a time of 0,
// so an export cannot tell it from no time, and import stamps its own.
//
// The lists step adds only the lists without members (lists export
// --empty-only): the friends file carries the others, which friends
// import creates, and group_add cannot create a list again (30001 for
// every row of it: TestListsExportAfterFriendsImport).
func TestMigrationRoundTrip(t *testing.T) {
	t.Parallel()
	for _, format := range []string{formatCSV, formatJSONL} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			src := newE2E(t, migrateSeed())
			dst := newE2E(t, &emulator.Seed{})
			ext := "." + format
			users := src.file("users.txt", strings.Join(migrateAccounts, "\n")+"\n")
			path := func(name string) string { return filepath.Join(src.dir, name+ext) }

			// Export.
			var accounts strings.Builder
			if format == formatCSV {
				accounts.WriteString("UserID\n")
			}
			for _, a := range src.emu.Snapshot().Accounts {
				if format == formatCSV {
					accounts.WriteString(a.UserID + "\n")
				} else {
					b, _ := json.Marshal(map[string]string{"UserID": a.UserID})
					accounts.WriteString(string(b) + "\n")
				}
			}
			src.file("accounts"+ext, accounts.String())
			tags := profileTagsOf(migrateSeed())
			for _, args := range [][]string{
				{"profiles", "get", "--accounts", users, "--tags", strings.Join(tags, ","), "--file", path("profiles")},
				{"friends", "export", "--accounts", users, "--file", path("friends")},
				{"lists", "export", "--accounts", users, "--empty-only", "--file", path("lists")},
				{"blocklist", "export", "--accounts", users, "--file", path("blocklist")},
			} {
				if r := src.cli().run(t, args...); r.Code != exitOK {
					t.Fatalf("timrest %s: exit %d\n%s%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
				}
			}

			// Import, in the README's order.
			c := dst.cli()
			migrationStep(t, c, 7, -1, "accounts", "import", "--file", path("accounts"))
			// gus has no profile tag: his record is an empty line (CSV:
			// UserID only) or has no tags, which profiles set skips.
			migrationStep(t, c, 6, -1, "profiles", "set", "--file", path("profiles"))
			migrationStep(t, c, 8, -1, "friends", "import", "--file", path("friends"))
			// Only the empty lists: ann's two, dan's and fay's, a batch per
			// account.
			migrationStep(t, c, 4, 3, "lists", "add", "--file", path("lists"))
			migrationStep(t, c, 3, -1, "blocklist", "import", "--file", path("blocklist"))

			// Verify.
			for _, args := range [][]string{
				{"accounts", "check", "--file", path("accounts")},
				{"friends", "verify", "--file", path("friends")},
				{"blocklist", "check", "--file", path("blocklist")},
			} {
				if r := c.run(t, args...); r.Code != exitOK {
					t.Errorf("timrest %s: exit %d\n%s%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
				}
			}

			// Compare the whole states.
			want := src.emu.Snapshot()
			for id, lists := range want.Lists {
				members := map[string]bool{}
				for _, f := range want.Friends[id] {
					for _, g := range f.GroupName {
						members[g] = true
					}
				}
				withMembers := slices.DeleteFunc(slices.Clone(lists), func(l string) bool { return !members[l] })
				empty := slices.DeleteFunc(slices.Clone(lists), func(l string) bool { return members[l] })
				want.Lists[id] = append(withMembers, empty...)
			}
			if diff := cmp.Diff(want, dst.emu.Snapshot()); diff != "" {
				t.Errorf("the copy differs from the origin (-origin +copy):\n%s", diff)
			}
		})
	}
}
