//go:build !race

package main

import (
	"bytes"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// TestProfilesSetCrashResume kills "profiles set --journal" with SIGKILL
// at random points of a large input (one portrait_set per record) under
// injected faults, and runs it again each time. In the end the emulator
// holds exactly the input's profiles, tag by tag and type by type (for an
// account set twice, the later value of each tag), and the last summary
// and --failures file are those of an uninterrupted run of the same input.
func TestProfilesSetCrashResume(t *testing.T) {
	t.Parallel()
	n, kills := 4000, 4
	if testing.Short() {
		n, kills = 800, 2
	}
	var accounts []emulator.Account
	for k := range n {
		accounts = append(accounts, emulator.Account{UserID: fmt.Sprintf("p%05d", k)})
	}
	emu, err := emulator.New(emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey, Seed: &emulator.Seed{Accounts: accounts},
		Faults: emulator.Faults{Seed: 7, Transient: 0.03, HTTP502: 0.02, Drop: 0.01, Latency: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()

	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString("UserID,Tag_Profile_IM_Nick,Tag_Profile_IM_Level,Tag_Profile_IM_Gender,Tag_Profile_Custom_Hobby,Tag_Profile_Custom_Rank\n")
	want := map[string]map[string]tag.Value{}
	set := func(id, name string, v tag.Value) {
		if want[id] == nil {
			want[id] = map[string]tag.Value{}
		}
		want[id][name] = v
	}
	genders := []string{"Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male"}
	records, failed, invalid := 0, 0, 0
	for k := range n {
		id := fmt.Sprintf("p%05d", k)
		switch {
		case k%997 == 13: // no such account: 40003
			fmt.Fprintf(&b, "ghost%d,Ghost,1,,,\n", k)
			records++
			failed++
		case k%1009 == 17: // not an integer: invalid
			fmt.Fprintf(&b, "%s,Bad,x%d,,,\n", id, k)
			records++
			invalid++
		case k%401 == 7: // nothing to set: skipped
			fmt.Fprintf(&b, "%s,,,,,\n", id)
		case k%5 == 1: // a Nick and a custom integer only
			fmt.Fprintf(&b, "%s,\"N, %d\",,,,%d\n", id, k, -k)
			set(id, "Tag_Profile_IM_Nick", tag.String(fmt.Sprintf("N, %d", k)))
			set(id, "Tag_Profile_Custom_Rank", tag.Int(int64(-k)))
			records++
		default:
			fmt.Fprintf(&b, "%s,Nick %d,%d,%s,h%d,%d\n", id, k, k%100, genders[k%3], k, k)
			set(id, "Tag_Profile_IM_Nick", tag.String(fmt.Sprintf("Nick %d", k)))
			set(id, "Tag_Profile_IM_Level", tag.Int(int64(k%100)))
			set(id, "Tag_Profile_IM_Gender", tag.String(genders[k%3]))
			set(id, "Tag_Profile_Custom_Hobby", tag.String(fmt.Sprintf("h%d", k)))
			set(id, "Tag_Profile_Custom_Rank", tag.Int(int64(k)))
			records++
		}
		if k%50 == 49 && want[fmt.Sprintf("p%05d", k-25)] != nil { // an account set again: the later Nick wins
			again := fmt.Sprintf("p%05d", k-25)
			fmt.Fprintf(&b, "%s,Again %d,,,,\n", again, k)
			set(again, "Tag_Profile_IM_Nick", tag.String(fmt.Sprintf("Again %d", k)))
			records++
		}
	}
	in := filepath.Join(dir, "profiles.csv")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// The uninterrupted run, in-process against an emulator without
	// faults: the summary and --failures file the crashed runs must end
	// with.
	ref := newE2E(t, &emulator.Seed{Accounts: accounts})
	refFailures := filepath.Join(dir, "ref-failed.csv")
	r := ref.cli().run(t, "profiles", "set", "--file", in, "--failures", refFailures, "-o", "json")
	refSum := decodeReport(t, r)
	if r.Code != exitUsage || refSum.Records != records || refSum.Imported != records-failed-invalid || refSum.Failed != failed ||
		refSum.Invalid != invalid || refSum.FailedByCode["40003"] != failed {
		t.Fatalf("uninterrupted run: exit %d, %+v", r.Code, refSum)
	}

	journal := filepath.Join(dir, "profiles.journal")
	failures := filepath.Join(dir, "failed.csv")
	c := &crashRunner{t: t, baseURL: srv.URL, journal: journal,
		args: []string{"profiles", "set", "--file", in, "--journal", journal, "--failures", failures, "--concurrency", "4", "-o", "json"}}
	sum, code := c.crashAndResume(kills, records, "40003")

	if code != exitUsage || !cmp.Equal(comparableReport(refSum), comparableReport(sum)) {
		t.Errorf("last summary: exit %d, %s", code, cmp.Diff(comparableReport(refSum), comparableReport(sum)))
	}
	if got, wantFile := readFile(t, failures), readFile(t, refFailures); got != wantFile {
		t.Errorf("failures file:\n%s\nwant (uninterrupted):\n%s", got, wantFile)
	}
	got := map[string]map[string]tag.Value{}
	for _, a := range emu.Snapshot().Accounts {
		for _, it := range a.Profile {
			if got[a.UserID] == nil {
				got[a.UserID] = map[string]tag.Value{}
			}
			got[a.UserID][it.Tag] = it.Value
		}
	}
	if diff := cmp.Diff(want, got, cmpTagValues); diff != "" {
		t.Errorf("profiles (-input +emulator):\n%s", diff)
	}
	// And the uninterrupted run set the same.
	refGot := profilesOf(ref.emu)
	for _, id := range slices.Sorted(maps.Keys(want)) {
		var items []api.TagItem
		for _, name := range slices.Sorted(maps.Keys(want[id])) {
			items = append(items, api.TagItem{Tag: name, Value: want[id][name]})
		}
		if diff := cmp.Diff(items, refGot[id], cmpTagValues); diff != "" {
			t.Fatalf("uninterrupted run, %s (-input +emulator):\n%s", id, diff)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
