package main

import (
	"encoding/json"
	"fmt"
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

// verifyCounts decodes the JSON summary of "friends verify" and checks
// that every record is counted once.
func verifyCounts(t *testing.T, r result) verifyReport {
	t.Helper()
	var sum verifyReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, r.Stdout)
	}
	if n := sum.OK + sum.Missing + sum.Differ + sum.Errors + sum.Invalid + sum.Superseded; n != sum.Records {
		t.Errorf("the counts add up to %d, not the %d records: %+v", n, sum.Records, sum)
	}
	return sum
}

// failureRows returns the data rows of a CSV --failures file.
func failureRows(t *testing.T, e *e2e, path string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(e.read(path)), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "From_Account,To_Account,") {
		t.Fatalf("--failures %s has no header:\n%s", path, e.read(path))
	}
	return lines[1:]
}

// TestFriendsVerifySupersededAcrossBlocks: a relation set twice, the lines
// in different --buffer blocks, is in the service with the later line's
// values after an import; verify finds nothing to report (the earlier
// line is superseded), exits 0 and writes no --failures row, whatever
// --buffer, the format and the input (a file or stdin). Importing a
// --failures row of the earlier line would put the old values back.
func TestFriendsVerifySupersededAcrossBlocks(t *testing.T) {
	t.Parallel()
	e := newE2E(t, accountsOnly(graphSeed()))
	csvText := "From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime\n" +
		"dan,ben,AddSource_Type_Web,old,,,\ndan,cat,AddSource_Type_Web,x,,,\ndan,ben,AddSource_Type_Web,new,,,\n"
	file := e.file("vb.csv", csvText)
	if r := e.cli().run(t, "friends", "import", "--file", file); r.Code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	jsonlText := `{"From_Account":"dan","To_Account":"ben","AddSource":"AddSource_Type_Web","Remark":"old"}` + "\n" +
		`{"From_Account":"dan","To_Account":"cat","AddSource":"AddSource_Type_Web","Remark":"x"}` + "\n" +
		`{"From_Account":"dan","To_Account":"ben","AddSource":"AddSource_Type_Web","Remark":"new"}` + "\n"
	jsonlFile := e.file("vb.jsonl", jsonlText)
	// A file beyond the default --buffer: the two lines of dan -> ben are
	// 5001 records apart.
	big := strings.Builder{}
	big.WriteString("From_Account,To_Account,AddSource,Remark\ndan,ben,AddSource_Type_Web,old\n")
	for range defaultVerifyBuffer {
		big.WriteString("dan,cat,AddSource_Type_Web,x\n")
	}
	big.WriteString("dan,ben,AddSource_Type_Web,new\n")
	bigFile := e.file("big.csv", big.String())
	for i, tc := range []struct {
		stdin string
		args  []string
		jsonl bool
		ok    int
	}{
		{"", []string{"--file", file, "--buffer", "2"}, false, 2},
		{"", []string{"--file", file, "--buffer", "1"}, false, 2},
		{"", []string{"--file", file}, false, 2},
		{"", []string{"--file", jsonlFile, "--buffer", "1"}, true, 2},
		{csvText, []string{"--file", "-", "--format", "csv", "--buffer", "1"}, false, 2},
		// dan -> cat is the last of its block in both blocks: ok twice.
		{"", []string{"--file", bigFile}, false, 3},
	} {
		failures := filepath.Join(e.dir, fmt.Sprintf("failures%d", i))
		c := e.cli()
		c.stdin = tc.stdin
		r := c.run(t, append(append([]string{"friends", "verify"}, tc.args...), "--failures", failures)...)
		if r.Code != exitOK {
			t.Errorf("%v: exit %d, want 0\n%s%s", tc.args, r.Code, r.Stdout, r.Stderr)
		}
		sum := verifyCounts(t, r)
		if sum.OK != tc.ok || sum.Superseded != sum.Records-tc.ok || len(sum.Differences) != 0 || !sum.Complete {
			t.Errorf("%v: summary %+v, want %d ok and the rest superseded", tc.args, sum, tc.ok)
		}
		if tc.jsonl {
			if got := e.read(failures); got != "" {
				t.Errorf("%v: --failures %q, want it empty", tc.args, got)
			}
		} else if rows := failureRows(t, e, failures); len(rows) != 0 {
			t.Errorf("%v: --failures rows %q, want none", tc.args, rows)
		}
	}
	if got := e.emu.Friends("dan"); len(got) != 2 || got[0].ToAccount != "ben" || got[0].Remark != "new" {
		t.Errorf("friends of dan: %+v, want ben with the remark new", got)
	}
}

// TestFriendsVerifyLaterLineReported: when the last line of a relation is
// not ok, it alone is reported and written to --failures, the earlier
// line (in another --buffer block) counting as superseded: whether the
// relation differs (the service holds other values than both lines) or
// is missing. Importing --failures then brings the service to the file's
// last values, and verify is clean.
func TestFriendsVerifyLaterLineReported(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	text := "From_Account,To_Account,AddSource,Remark,AddTime\n" +
		"dan,ben,AddSource_Type_Web,old,1600000000\ndan,cat,AddSource_Type_Web,x,\ndan,ben,AddSource_Type_Web,new,1600000001\n"
	for _, tc := range []struct {
		name    string
		service []api.AddFriendItem // dan's friends
		golden  string
		differ  int
		missing int
	}{
		{"differs", []api.AddFriendItem{
			{ToAccount: "ben", AddSource: "AddSource_Type_Web", Remark: str("other"), AddTime: i64(1500000000)},
			{ToAccount: "cat", AddSource: "AddSource_Type_Web", Remark: str("x")},
		}, "friends-verify-superseded-differs", 1, 0},
		{"missing", []api.AddFriendItem{
			{ToAccount: "cat", AddSource: "AddSource_Type_Web", Remark: str("x")},
		}, "friends-verify-superseded-missing", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seed := accountsOnly(graphSeed())
			seed.Friends = map[string][]api.AddFriendItem{"dan": tc.service}
			e := newE2E(t, seed)
			file := e.file("vb.csv", text)
			failures := filepath.Join(e.dir, "failures.csv")
			r := e.golden(t, tc.golden, e.cli(), exitFailure, "friends", "verify", "--file", file, "--buffer", "2", "--failures", failures)
			sum := verifyCounts(t, r)
			if sum.OK != 1 || sum.Superseded != 1 || sum.Differ != tc.differ || sum.Missing != tc.missing ||
				len(sum.Differences) != 1 || sum.Differences[0].Line != 4 {
				t.Errorf("summary %+v, want line 4 alone reported and line 2 superseded", sum)
			}
			checkGolden(t, tc.golden+"-failures", e.read(failures))
			rows := failureRows(t, e, failures)
			if len(rows) != 1 || !strings.HasPrefix(rows[0], "dan,ben,AddSource_Type_Web,new,") {
				t.Fatalf("--failures rows %q, want the line of the remark new alone", rows)
			}
			if r := e.cli().run(t, "friends", "import", "--file", failures); r.Code != exitOK {
				t.Fatalf("import of the failures: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
			}
			if r := e.cli().run(t, "friends", "verify", "--file", file, "--buffer", "2"); r.Code != exitOK {
				t.Errorf("verify after importing the failures: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
			}
			if got := e.emu.Friends("dan"); len(got) != 2 || got[0].ToAccount != "ben" || got[0].Remark != "new" || got[0].AddTime != 1600000001 {
				t.Errorf("friends of dan: %+v, want ben with the remark new", got)
			}
		})
	}
}
