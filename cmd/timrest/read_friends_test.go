package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// graphAccounts are the accounts of graphSeed.
var graphAccounts = []string{"ann", "ben", "cat", "dan", "eve", "fay"}

// graphSeed is a social graph for the migration round trips: friends in
// lists, with remarks (with and without a remark time), wordings, add
// times, custom friend tags of both types, profiles and blocklists.
func graphSeed() *emulator.Seed {
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	nick := func(n string) []api.TagItem {
		return []api.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String(n)}, {Tag: "Tag_Profile_IM_Level", Value: tag.Int(int64(len(n)))}}
	}
	s := &emulator.Seed{}
	for _, id := range graphAccounts {
		s.Accounts = append(s.Accounts, emulator.Account{UserID: id, Profile: nick(strings.ToUpper(id[:1]) + id[1:])})
	}
	s.Friends = map[string][]api.AddFriendItem{
		"ann": {
			{ToAccount: "ben", AddSource: "AddSource_Type_Web", Remark: str("Benny"), RemarkTime: i64(1700000100),
				GroupName: []string{"work", "climbing"}, AddWording: str(`Hi, "Ben"`), AddTime: i64(1600000000),
				CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(3)}, {Tag: "Tag_SNS_Custom_Note", Value: tag.String("met at conf, 2019")}}},
			{ToAccount: "cat", AddSource: "AddSource_Type_Android", GroupName: []string{"family"}, AddTime: i64(1600000500)},
			{ToAccount: "dan", AddSource: "AddSource_Type_Web", Remark: str("D")},
		},
		"ben": {
			{ToAccount: "ann", AddSource: "AddSource_Type_Web", GroupName: []string{"work"}},
			{ToAccount: "cat", AddSource: "AddSource_Type_iOS", CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(5)}}},
		},
		"cat": {{ToAccount: "ann", AddSource: "AddSource_Type_Web"}},
		"eve": {{ToAccount: "fay", AddSource: "AddSource_Type_Web", Remark: str("Fäy 🌟"), GroupName: []string{"близкие"}}},
	}
	s.Blocklists = map[string][]string{"dan": {"eve"}, "fay": {"ben", "cat"}}
	return s
}

// accountsOnly is seed's accounts without profiles, friends or blocklists:
// a fresh app to import into.
func accountsOnly(seed *emulator.Seed) *emulator.Seed {
	out := &emulator.Seed{}
	for _, a := range seed.Accounts {
		out.Accounts = append(out.Accounts, emulator.Account{UserID: a.UserID})
	}
	return out
}

// sameFriends reports, for every account, how the friends of got differ
// from those of want, field by field.
func sameFriends(t *testing.T, want, got *e2e) {
	t.Helper()
	for _, id := range graphAccounts {
		if diff := cmp.Diff(want.emu.Friends(id), got.emu.Friends(id)); diff != "" {
			t.Errorf("friends of %s differ (-origin +copy):\n%s", id, diff)
		}
	}
}

// TestFriendsExportRoundTripJSONL: export -> import into a fresh emulator
// -> verify reports no difference, and the friends are equal field by
// field.
func TestFriendsExportRoundTripJSONL(t *testing.T) {
	t.Parallel()
	src := newE2E(t, graphSeed())
	dst := newE2E(t, accountsOnly(graphSeed()))
	accounts := src.file("accounts.txt", strings.Join(graphAccounts, "\n")+"\n")
	out := filepath.Join(src.dir, "friends.jsonl")
	src.golden(t, "friends-export-jsonl", src.cli(), exitOK, "friends", "export", "--accounts", accounts, "--file", out)
	checkGolden(t, "friends-export-jsonl-file", src.read(out))

	// The fresh app gets the blocklists first (blocklist import is not
	// there yet: through the emulator), then the friends.
	blocks := map[string][]string{}
	for _, id := range graphAccounts {
		for _, b := range src.emu.Blocked(id) {
			blocks[id] = append(blocks[id], b.ToAccount)
		}
	}
	if err := dst.emu.Apply(&emulator.Seed{Blocklists: blocks}); err != nil {
		t.Fatal(err)
	}
	file := dst.file("friends.jsonl", src.read(out))
	if r := dst.cli().run(t, "friends", "import", "--file", file); r.Code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	dst.golden(t, "friends-verify-roundtrip", dst.cli(), exitOK, "friends", "verify", "--file", file, "-o", "table")
	sameFriends(t, src, dst)
	for _, id := range graphAccounts {
		if diff := cmp.Diff(src.emu.Blocked(id), dst.emu.Blocked(id)); diff != "" {
			t.Errorf("blocklist of %s differs (-origin +copy):\n%s", id, diff)
		}
	}
}

// TestFriendsVerifyDiffers: the fresh app lacks a relation, has another
// remark and lacks a list membership; verify names each line and field,
// exits 1, and its failures file re-imports to the state of the file.
func TestFriendsVerifyDiffers(t *testing.T) {
	t.Parallel()
	src := newE2E(t, graphSeed())
	dst := newE2E(t, accountsOnly(graphSeed()))
	accounts := src.file("accounts.txt", strings.Join(graphAccounts, "\n")+"\n")
	out := filepath.Join(src.dir, "friends.jsonl")
	if r := src.cli().run(t, "friends", "export", "--accounts", accounts, "--file", out); r.Code != exitOK {
		t.Fatalf("export: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	// Change the copy: no ann -> cat, another remark for eve -> fay, and
	// ann -> ben out of the list "climbing".
	var changed []string
	for _, line := range strings.Split(strings.TrimSpace(src.read(out)), "\n") {
		var f exportedFriend
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatal(err)
		}
		switch {
		case f.FromAccount == "ann" && f.ToAccount == "cat":
			continue
		case f.FromAccount == "eve" && f.ToAccount == "fay":
			other := "Fay"
			f.Remark = &other
		case f.FromAccount == "ann" && f.ToAccount == "ben":
			f.GroupName = slices.DeleteFunc(f.GroupName, func(g string) bool { return g == "climbing" })
		}
		b, _ := json.Marshal(f)
		changed = append(changed, string(b))
	}
	if r := dst.cli().run(t, "friends", "import", "--file", dst.file("changed.jsonl", strings.Join(changed, "\n")+"\n")); r.Code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	file := dst.file("friends.jsonl", src.read(out))
	failures := filepath.Join(dst.dir, "failures.jsonl")
	r := dst.golden(t, "friends-verify-differs", dst.cli(), exitFailure, "friends", "verify", "--file", file, "--failures", failures)
	oneErrorLine(t, r, "timrest friends verify: ")
	dst.golden(t, "friends-verify-differs-table", dst.cli(), exitFailure, "friends", "verify", "--file", file, "-o", "table")
	var sum verifyReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Missing != 1 || sum.Differ != 2 || sum.OK != sum.Records-3 {
		t.Errorf("summary %+v, want 1 missing and 2 differ", sum)
	}
	got := map[string]string{}
	for _, d := range sum.Differences {
		var fields []string
		for _, f := range d.Fields {
			fields = append(fields, f.Field)
		}
		got[d.From+"->"+d.To] = d.Status + " " + strings.Join(fields, ",")
	}
	want := map[string]string{"ann->cat": "missing ", "eve->fay": "differ Remark", "ann->ben": "differ GroupName"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("differences (-want +got):\n%s", diff)
	}
	checkGolden(t, "friends-verify-differs-failures", dst.read(failures))

	// The failures file imports the three back; verify is then clean.
	if r := dst.cli().run(t, "friends", "import", "--file", failures); r.Code != exitOK {
		t.Fatalf("import of the failures: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := dst.cli().run(t, "friends", "verify", "--file", file); r.Code != exitOK {
		t.Errorf("verify after importing the failures: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	sameFriends(t, src, dst)
}

// TestFriendsExportRoundTripCSV: the same round trip through CSV, with
// RemarkTime and the custom tags as columns; the blocklists go through
// "blocklist export" and are seeded from its file.
func TestFriendsExportRoundTripCSV(t *testing.T) {
	t.Parallel()
	src := newE2E(t, graphSeed())
	dst := newE2E(t, accountsOnly(graphSeed()))
	accounts := src.file("accounts.txt", strings.Join(graphAccounts, "\n")+"\n")
	out := filepath.Join(src.dir, "friends.csv")
	src.golden(t, "friends-export-csv", src.cli(), exitOK, "friends", "export", "--accounts", accounts, "--file", out, "-o", "table")
	checkGolden(t, "friends-export-csv-file", src.read(out))
	blocks := filepath.Join(src.dir, "blocklist.jsonl")
	src.golden(t, "blocklist-export-jsonl", src.cli(), exitOK, "blocklist", "export", "--accounts", accounts, "--file", blocks)
	checkGolden(t, "blocklist-export-jsonl-file", src.read(blocks))

	seed := &emulator.Seed{Blocklists: map[string][]string{}}
	for _, line := range strings.Split(strings.TrimSpace(src.read(blocks)), "\n") {
		var b blockRow
		if err := json.Unmarshal([]byte(line), &b); err != nil {
			t.Fatal(err)
		}
		seed.Blocklists[b.FromAccount] = append(seed.Blocklists[b.FromAccount], b.ToAccount)
	}
	if err := dst.emu.Apply(seed); err != nil {
		t.Fatal(err)
	}
	file := dst.file("friends.csv", src.read(out))
	if r := dst.cli().run(t, "friends", "import", "--file", file); r.Code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := dst.cli().run(t, "friends", "verify", "--file", file); r.Code != exitOK {
		t.Errorf("verify: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	sameFriends(t, src, dst)
	for _, id := range graphAccounts {
		if diff := cmp.Diff(src.emu.Blocked(id), dst.emu.Blocked(id)); diff != "" {
			t.Errorf("blocklist of %s differs (-origin +copy):\n%s", id, diff)
		}
	}
	// blocklist check of the exported file on the copy: every pair blocked.
	if r := dst.cli().run(t, "blocklist", "check", "--file", dst.file("blocklist.jsonl", src.read(blocks))); r.Code != exitOK {
		t.Errorf("blocklist check: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestReadCommands: every read-only command, its outputs and exit codes.
func TestReadCommands(t *testing.T) {
	t.Parallel()
	e := newE2E(t, graphSeed())
	c := e.cli()
	accounts := e.file("accounts.txt", "ann\n\n  ben \nnobody\n")
	pairs := e.file("pairs.csv", "From_Account,To_Account,AddSource,Tag_SNS_Custom_Rank\nann,ben,AddSource_Type_Web,1\nann,eve,,\nben,ann,,\n\"bad,\n")
	blocked := e.file("blocked.jsonl", `{"From_Account":"dan","To_Account":"eve"}`+"\n"+`{"From_Account":"fay","To_Account":"ann"}`+"\n")
	accountsCSV := e.file("accounts.csv", "UserID,Nick\nann,Ann\nghost,\n")
	badHeader := e.file("bad.csv", "From,To\na,b\n")
	runGoldenCases(t, e, []goldenCase{
		{"friends-export-from-stdout", c, []string{"friends", "export", "--from", "ann", "--format", "jsonl"}, exitOK},
		{"friends-export-failed-account", c, []string{"friends", "export", "--accounts", accounts, "--file", filepath.Join(e.dir, "f.csv"), "--failures", filepath.Join(e.dir, "failed.txt")}, exitFailure},
		{"friends-export-no-account", c, []string{"friends", "export"}, exitUsage},
		{"friends-export-both", c, []string{"friends", "export", "--from", "ann", "--accounts", accounts}, exitUsage},
		{"friends-export-over-input", c, []string{"friends", "export", "--accounts", accounts, "--file", accounts}, exitUsage},
		{"friends-verify-missing-file", c, []string{"friends", "verify"}, exitUsage},
		{"friends-check", c, []string{"friends", "check", "--file", pairs}, exitUsage},
		{"friends-check-table", c, []string{"friends", "check", "--file", pairs, "--both", "-o", "table"}, exitUsage},
		{"friends-check-bad-header", c, []string{"friends", "check", "--file", badHeader}, exitUsage},
		{"blocklist-check", c, []string{"blocklist", "check", "--file", blocked, "-o", "table"}, exitFailure},
		{"blocklist-export-stdout", c, []string{"blocklist", "export", "--from", "fay"}, exitOK},
		{"accounts-check-list", c, []string{"accounts", "check", "--accounts", accounts}, exitFailure},
		{"accounts-check-file", c, []string{"accounts", "check", "--file", accountsCSV, "-o", "table"}, exitFailure},
		{"accounts-check-none", c, []string{"accounts", "check"}, exitUsage},
		{"profiles-get-csv", c, []string{"profiles", "get", "--from", "ann", "--tags", "Tag_Profile_IM_Nick,Tag_Profile_IM_Level,Tag_Profile_IM_Gender"}, exitOK},
		{"profiles-get-jsonl", c, []string{"profiles", "get", "--accounts", e.file("two.txt", "ann\nben\n"), "--format", "jsonl", "--tags", "Tag_Profile_IM_Nick,Tag_Profile_IM_Level"}, exitOK},
		{"profiles-get-missing", c, []string{"profiles", "get", "--accounts", accounts, "--file", filepath.Join(e.dir, "p.csv"), "--tags", "Tag_Profile_IM_Nick"}, exitFailure},
	})
	if got, want := e.read(filepath.Join(e.dir, "failed.txt")), "nobody\n"; got != want {
		t.Errorf("--failures of the export: %q, want %q", got, want)
	}
}

// TestFriendsExportCSVRefusesTypedStrings: a custom tag holding a string
// that CSV import would read as an integer (or as no tag) is not written
// in CSV, where it would come back changed; JSON Lines keeps it.
func TestFriendsExportCSVRefusesTypedStrings(t *testing.T) {
	t.Parallel()
	seed := accountsOnly(graphSeed())
	seed.Friends = map[string][]api.AddFriendItem{"ann": {
		{ToAccount: "ben", AddSource: "AddSource_Type_Web", CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Note", Value: tag.String("123")}}},
		{ToAccount: "cat", AddSource: "AddSource_Type_Web", CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Note", Value: tag.String("")}}},
		{ToAccount: "dan", AddSource: "AddSource_Type_Web", CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Note", Value: tag.String("0123")}}},
	}}
	e := newE2E(t, seed)
	out := filepath.Join(e.dir, "f.csv")
	r := e.cli().run(t, "friends", "export", "--from", "ann", "--file", out)
	if r.Code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", r.Code, exitFailure, r.Stdout, r.Stderr)
	}
	for _, want := range []string{`Tag_SNS_Custom_Note is the string \"123\"`, "Tag_SNS_Custom_Note is an empty string"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.Stdout)
		}
	}
	got := e.read(out)
	if strings.Contains(got, "ben") || strings.Contains(got, "cat") || !strings.Contains(got, "ann,dan") {
		t.Errorf("CSV export:\n%s\nwant only ann,dan (a string that is not a canonical integer)", got)
	}
	if r := e.cli().run(t, "friends", "export", "--from", "ann", "--format", "jsonl"); r.Code != exitOK || !strings.Contains(r.Stdout, `"Value":"123"`) {
		t.Errorf("JSON Lines export: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestExportUnreadableAccountListWritesNoFile: an --accounts file that
// cannot be read to its end (a line over the limit) fails the export with
// exit 2 and leaves no partial --file behind.
func TestExportUnreadableAccountListWritesNoFile(t *testing.T) {
	t.Parallel()
	e := newE2E(t, graphSeed())
	accounts := e.file("accounts.txt", "ann\n"+strings.Repeat("x", 64<<10)+"\nben\n")
	for _, args := range [][]string{
		{"friends", "export"},
		{"blocklist", "export"},
		{"profiles", "get", "--tags", "Tag_Profile_IM_Nick"},
	} {
		out := filepath.Join(e.dir, strings.Join(args[:2], "-")+".out")
		r := e.cli().run(t, append(args, "--accounts", accounts, "--file", out)...)
		if r.Code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s%s", args, r.Code, exitUsage, r.Stdout, r.Stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: --file %s exists after a failed account list (err %v)", args, out, err)
		}
	}
}
