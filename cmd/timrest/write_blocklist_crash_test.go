//go:build !race

package main

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
)

// TestBlocklistImportCrashResume kills "blocklist import --journal" with
// SIGKILL at random points of a 50,000-pair import under injected faults,
// and runs it again each time (black_list_add is not idempotent: the
// records in flight at a kill are sent again, and answered 30001 when the
// killed run's request was done). In the end the emulator holds exactly
// the input's blocklists, in order, and the last summary is that of an
// uninterrupted run against a fresh emulator, but for the records a
// killed run's request did, which count as blocked and as ambiguous.
func TestBlocklistImportCrashResume(t *testing.T) {
	t.Parallel()
	nFrom, nTo, kills := 100, 500, 4
	if testing.Short() {
		nFrom, kills = 8, 2
	}
	var accounts []emulator.Account
	for i := range nFrom {
		accounts = append(accounts, emulator.Account{UserID: fmt.Sprintf("a%03d", i)})
	}
	for i := range nTo {
		accounts = append(accounts, emulator.Account{UserID: fmt.Sprintf("b%04d", i)})
	}
	newEmu := func(faults emulator.Faults) *emulator.Emulator {
		emu, err := emulator.New(emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey, Seed: &emulator.Seed{Accounts: accounts}, Faults: faults})
		if err != nil {
			t.Fatal(err)
		}
		return emu
	}
	emu := newEmu(emulator.Faults{Seed: 7, Transient: 0.03, HTTP502: 0.02, Drop: 0.01, Latency: 2 * time.Millisecond})
	srv := httptest.NewServer(emu)
	defer srv.Close()

	dir := t.TempDir()
	in := filepath.Join(dir, "blocklist.csv")
	var b bytes.Buffer
	b.WriteString("From_Account,To_Account\n")
	want := map[string][]string{}
	var failed, invalid int
	for k := range nFrom * nTo {
		from, to := fmt.Sprintf("a%03d", k/nTo), fmt.Sprintf("b%04d", k%nTo)
		switch {
		case k%997 == 13:
			fmt.Fprintf(&b, "%s,ghost%d\n", from, k) // 30003
			failed++
		case k%1009 == 17:
			fmt.Fprintf(&b, "%s,%s%s\n", from, to, strings.Repeat("x", 30)) // over 32 bytes
			invalid++
		default:
			fmt.Fprintf(&b, "%s,%s\n", from, to)
			want[from] = append(want[from], to)
		}
	}
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "block.journal")
	c := &crashRunner{t: t, baseURL: srv.URL, journal: journal,
		args: []string{"blocklist", "import", "--file", in, "--journal", journal, "--failures", filepath.Join(dir, "failed.csv"), "--concurrency", "4", "-o", "json"}}
	// Each request is journaled twice (its intent, then its outcome).
	sum, code := c.crashAndResume(kills, 2*nFrom, "30003")
	t.Logf("ambiguous: %d", sum.Ambiguous)
	if sum.Ambiguous > kills*4*nTo {
		t.Errorf("%d ambiguous records: more than the %d requests of %d that %d kills could cut off", sum.Ambiguous, kills*4, nTo, kills)
	}
	if code != exitUsage || sum.Records != nFrom*nTo || sum.Imported != nFrom*nTo-failed-invalid || sum.Invalid != invalid || sum.Failed != failed ||
		sum.NotSent != 0 || sum.FailedByCode["30003"] != failed || len(sum.FailedByCode) != 1 || !sum.InputRead || sum.Interrupted {
		t.Errorf("last summary: exit %d, %+v", code, sum)
	}
	if got := blocklists(emu); !cmp.Equal(got, want) {
		t.Errorf("the emulator's blocklists differ from the input's (%d and %d accounts)", len(got), len(want))
	}

	// An uninterrupted run against a fresh emulator without faults.
	fresh := httptest.NewServer(newEmu(emulator.Faults{}))
	defer fresh.Close()
	once := &crashRunner{t: t, baseURL: fresh.URL, journal: filepath.Join(dir, "once.journal"),
		args: []string{"blocklist", "import", "--file", in, "--journal", filepath.Join(dir, "once.journal"), "--failures", filepath.Join(dir, "once.csv"), "--concurrency", "4", "-o", "json"}}
	ref, refCode := once.crashAndResume(0, 0, "30003")
	sum.Ambiguous, sum.AmbiguousRecords, sum.AmbiguousRecordsOmitted = 0, nil, 0
	if diff := cmp.Diff(comparableReport(ref), comparableReport(sum)); diff != "" || refCode != code {
		t.Errorf("the last summary differs from an uninterrupted run's (exit %d, %d) (-uninterrupted +resumed):\n%s", refCode, code, diff)
	}
	if a, b := readBlockFile(t, filepath.Join(dir, "once.csv")), readBlockFile(t, filepath.Join(dir, "failed.csv")); a != b {
		t.Errorf("the failures files differ")
	}
}

func readBlockFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
