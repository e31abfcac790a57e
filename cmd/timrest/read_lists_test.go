package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
)

// listsSeed is graphSeed with lists without members: two of ann's
// (created before the lists of her friends) and one of fay's.
func listsSeed() *emulator.Seed {
	s := graphSeed()
	s.Lists = map[string][]string{"ann": {"empty one", "later"}, "fay": {"solo"}}
	return s
}

// withoutLists returns snap with no list anywhere: no Lists, and no
// friend in a list. It is an app that has the friends but not the lists.
func withoutLists(snap *emulator.Seed) *emulator.Seed {
	snap.Lists = nil
	for from, fs := range snap.Friends {
		for i := range fs {
			fs[i].GroupName = nil
		}
		snap.Friends[from] = fs
	}
	return snap
}

// TestListsExport: the export's outputs in both formats, --empty-only,
// a failed account and the command-line errors.
func TestListsExport(t *testing.T) {
	t.Parallel()
	e := newE2E(t, listsSeed())
	c := e.cli()
	accounts := e.file("accounts.txt", strings.Join(append(graphAccounts, "nobody"), "\n")+"\n")
	csvOut := filepath.Join(e.dir, "lists.csv")
	jsonlOut := filepath.Join(e.dir, "lists.jsonl")
	emptyOut := filepath.Join(e.dir, "empty.csv")
	failed := filepath.Join(e.dir, "failed.txt")
	runGoldenCases(t, e, []goldenCase{
		{"lists-export-csv", c, []string{"lists", "export", "--accounts", accounts, "--file", csvOut, "--failures", failed, "-o", "table"}, exitFailure},
		{"lists-export-jsonl", c, []string{"lists", "export", "--accounts", accounts, "--file", jsonlOut}, exitFailure},
		{"lists-export-empty-only", c, []string{"lists", "export", "--accounts", accounts, "--file", emptyOut, "--empty-only"}, exitFailure},
		{"lists-export-from-stdout", c, []string{"lists", "export", "--from", "ann"}, exitOK},
		{"lists-export-no-lists", c, []string{"lists", "export", "--from", "dan", "--format", "jsonl"}, exitOK},
		{"lists-export-no-account", c, []string{"lists", "export"}, exitUsage},
		{"lists-export-both", c, []string{"lists", "export", "--from", "ann", "--accounts", accounts}, exitUsage},
	})
	checkGolden(t, "lists-export-csv-file", e.read(csvOut))
	checkGolden(t, "lists-export-jsonl-file", e.read(jsonlOut))
	checkGolden(t, "lists-export-empty-only-file", e.read(emptyOut))
	if got, want := e.read(failed), "nobody\n"; got != want {
		t.Errorf("--failures: %q, want %q", got, want)
	}
}

// TestListsExportRoundTrip: lists export, then lists add into an app
// that has the same accounts, profiles, friends and blocklists but no
// lists, makes the whole state equal to the origin's: every list (the
// empty ones too, in the same order) and every friend in its lists.
func TestListsExportRoundTrip(t *testing.T) {
	t.Parallel()
	for _, format := range []string{formatCSV, formatJSONL} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			src := newE2E(t, listsSeed())
			dst := newE2E(t, withoutLists(src.emu.Snapshot()))
			accounts := src.file("accounts.txt", strings.Join(graphAccounts, "\n")+"\n")
			out := filepath.Join(src.dir, "lists."+format)
			if r := src.cli().run(t, "lists", "export", "--accounts", accounts, "--file", out); r.Code != exitOK {
				t.Fatalf("export: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
			}
			file := dst.file("lists."+format, src.read(out))
			r := dst.cli().run(t, "lists", "add", "--file", file)
			if r.Code != exitOK {
				t.Fatalf("lists add: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
			}
			if diff := cmp.Diff(src.emu.Snapshot(), dst.emu.Snapshot()); diff != "" {
				t.Errorf("state after lists add differs (-origin +copy):\n%s", diff)
			}
		})
	}
}

// TestListsExportAfterFriendsImport: the whole export, added to an app
// whose friends import already created the lists that have members,
// adds the empty lists and fails every row of the others with 30001 (the
// list exists): why the migration step takes --empty-only.
func TestListsExportAfterFriendsImport(t *testing.T) {
	t.Parallel()
	src := newE2E(t, listsSeed())
	snap := src.emu.Snapshot()
	snap.Lists = nil // the friends' GroupName makes the lists with members
	dst := newE2E(t, snap)
	out := filepath.Join(src.dir, "lists.csv")
	if r := src.cli().run(t, "lists", "export", "--accounts", src.file("accounts.txt", strings.Join(graphAccounts, "\n")+"\n"), "--file", out); r.Code != exitOK {
		t.Fatalf("export: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	file := dst.file("lists.csv", src.read(out))
	dst.golden(t, "lists-add-whole-export-after-friends", dst.cli(), exitFailure, "lists", "add", "--file", file)
	var lists map[string][]string
	for id, names := range dst.emu.Snapshot().Lists {
		if lists == nil {
			lists = map[string][]string{}
		}
		lists[id] = names
	}
	want := map[string][]string{
		"ann": {"work", "climbing", "family", "empty one", "later"},
		"ben": {"work"},
		"eve": {"близкие"},
		"fay": {"solo"},
	}
	if diff := cmp.Diff(want, lists); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
}

// TestListsExportUnwritable: a list name with a space at an end is not
// written in CSV (lists add would read it trimmed) but is in JSON Lines;
// a list of more members than lists add reads is written in neither.
func TestListsExportUnwritable(t *testing.T) {
	t.Parallel()
	seed := &emulator.Seed{Accounts: []emulator.Account{{UserID: "ann"}}, Lists: map[string][]string{"ann": {" padded", "ok"}}}
	big := make([]api.AddFriendItem, listMaxRows+1)
	for i := range big {
		id := fmt.Sprintf("f%04d", i)
		seed.Accounts = append(seed.Accounts, emulator.Account{UserID: id})
		big[i] = api.AddFriendItem{ToAccount: id, AddSource: "AddSource_Type_Web", GroupName: []string{"big"}}
	}
	seed.Friends = map[string][]api.AddFriendItem{"ann": big}
	e := newE2E(t, seed)
	r := e.golden(t, "lists-export-unwritable-csv", e.cli(), exitFailure, "lists", "export", "--from", "ann", "--file", filepath.Join(e.dir, "l.csv"), "-o", "table")
	oneErrorLine(t, r, "timrest lists export: ")
	if got, want := e.read(filepath.Join(e.dir, "l.csv")), "From_Account,GroupName,To_Account\nann,ok,\n"; got != want {
		t.Errorf("CSV file %q, want %q", got, want)
	}
	r = e.cli().run(t, "lists", "export", "--from", "ann", "--format", "jsonl")
	if r.Code != exitFailure {
		t.Errorf("JSON Lines: exit %d, want %d\n%s", r.Code, exitFailure, r.Stderr)
	}
	var rows []listRow
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		var row listRow
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if diff := cmp.Diff([]listRow{{"ann", " padded", ""}, {"ann", "ok", ""}}, rows); diff != "" {
		t.Errorf("JSON Lines rows (-want +got):\n%s", diff)
	}
}
