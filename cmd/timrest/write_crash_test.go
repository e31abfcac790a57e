//go:build !race

// Crash tests of the write commands other than friends import (which
// crash_test.go has): run without the race detector (make test-crash),
// like it.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/timrest/timrest/emulator"
)

// crashRunner runs a timrest command as a process of its own against
// baseURL, and kills it with SIGKILL once its journal has grown by a
// number of lines.
type crashRunner struct {
	t       *testing.T
	baseURL string
	journal string
	args    []string
}

// run runs the command; killAfter > 0 kills it after that many more
// journal lines. It returns stdout, the exit status (-1 when killed) and
// whether it was killed.
func (c *crashRunner) run(killAfter int) ([]byte, int, bool) {
	c.t.Helper()
	cmd := exec.Command(os.Args[0], c.args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1", envSDKAppID+"="+e2eAppID, envSecretKey+"="+testKey, envBaseURL+"="+c.baseURL)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if killAfter > 0 {
		base := journalLines(c.journal)
		for {
			select {
			case <-done:
				return out.Bytes(), cmd.ProcessState.ExitCode(), false
			case <-time.After(2 * time.Millisecond):
			}
			if journalLines(c.journal) >= base+killAfter {
				cmd.Process.Kill() // SIGKILL: no chance to clean up
				<-done
				return out.Bytes(), -1, true
			}
		}
	}
	<-done
	if strings.Contains(errOut.String(), testKey) {
		c.t.Errorf("the key was printed")
	}
	return out.Bytes(), cmd.ProcessState.ExitCode(), false
}

// crashAndResume kills the command kills times at random points, then
// runs it to the end (again while it ends with failures that a resumed
// run sends again, up to 10 times: friend_add's ambiguous failures), and
// returns the last summary and exit status. A failure key other than
// expected (the input's own failures) is one a resumed run sends again.
func (c *crashRunner) crashAndResume(kills, requests int, expected string) (importReport, int) {
	c.t.Helper()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for run := 1; run <= kills; run++ {
		n := 1 + rng.IntN(max(requests/(kills+1), 2))
		before := journalLines(c.journal)
		_, _, killed := c.run(n)
		c.t.Logf("run %d: killed %t with %d→%d journal lines", run, killed, before, journalLines(c.journal))
	}
	var sum importReport
	code := 0
	for range 10 {
		stdout, exit := func() ([]byte, int) { b, code, _ := c.run(0); return b, code }()
		code = exit
		sum = importReport{}
		if err := json.Unmarshal(stdout, &sum); err != nil {
			c.t.Fatalf("%v: %s", err, stdout)
		}
		again := false
		for k := range sum.FailedByCode {
			again = again || k != expected
		}
		if !again {
			break
		}
		c.t.Logf("failures %v: run again", sum.FailedByCode)
	}
	return sum, code
}

// TestAccountsImportCrashResume kills "accounts import --journal" with
// SIGKILL at random points of a 60,000-account import under injected
// faults, and runs it again each time. In the end the emulator holds
// exactly the input's accounts, nickname and photo included, and the
// last summary is that of an uninterrupted run.
func TestAccountsImportCrashResume(t *testing.T) {
	t.Parallel()
	n, kills := 60000, 4
	if testing.Short() {
		n, kills = 5000, 2
	}
	emu, err := emulator.New(emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey,
		Faults: emulator.Faults{Seed: 11, Transient: 0.03, HTTP502: 0.02, Drop: 0.01, Latency: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()

	dir := t.TempDir()
	in := filepath.Join(dir, "accounts.csv")
	var b bytes.Buffer
	b.WriteString("UserID,Nick,FaceUrl\n")
	want := map[string]snapshotAccount{}
	invalid := 0
	for k := range n {
		switch {
		case k%1009 == 17:
			fmt.Fprintf(&b, "%s%d,bad,\n", strings.Repeat("x", 32), k) // UserID over 32 bytes
			invalid++
		case k%7 == 3: // no profile
			fmt.Fprintf(&b, "u%06d,,\n", k)
			want[fmt.Sprintf("u%06d", k)] = snapshotAccount{}
		default:
			fmt.Fprintf(&b, "u%06d,Nick %d,https://img.example/%d.png\n", k, k, k)
			want[fmt.Sprintf("u%06d", k)] = snapshotAccount{fmt.Sprintf("Nick %d", k), fmt.Sprintf("https://img.example/%d.png", k)}
		}
	}
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "accounts.journal")
	c := &crashRunner{t: t, baseURL: srv.URL, journal: journal,
		args: []string{"accounts", "import", "--file", in, "--journal", journal, "--failures", filepath.Join(dir, "failed.csv"), "--concurrency", "4", "-o", "json"}}
	sum, code := c.crashAndResume(kills, n/100, "")

	if code != exitUsage || sum.Records != n || sum.Imported != len(want) || sum.Invalid != invalid || sum.Failed != 0 || sum.NotSent != 0 ||
		len(sum.FailedByCode) != 0 || !sum.InputRead || sum.Interrupted || sum.Ambiguous != 0 {
		t.Errorf("last summary: exit %d, %+v", code, sum)
	}
	got := snapshotAccounts(emu)
	if len(got) != len(want) {
		t.Errorf("the emulator has %d accounts, want %d", len(got), len(want))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || g != w {
			t.Errorf("%s: %+v (present %t), want %+v", id, g, ok, w)
			break
		}
	}
}

// TestFriendsAddCrashResume kills "friends add --journal" with SIGKILL at
// random points of a 50,000-relation add under injected faults, and runs
// it again each time (friend_add is not idempotent: the records in flight
// at a kill are sent again, and answered 30001 when the killed run's
// request was done). In the end the emulator holds exactly the input's
// relations, field by field, and the last summary's counts are those of an
// uninterrupted run (the records done by a killed run's request count as
// added, and as ambiguous).
func TestFriendsAddCrashResume(t *testing.T) {
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
		accounts = append(accounts, emulator.Account{UserID: fmt.Sprintf("f%04d", i)})
	}
	emu, err := emulator.New(emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey, Seed: &emulator.Seed{Accounts: accounts},
		Faults: emulator.Faults{Seed: 5, Transient: 0.03, HTTP502: 0.02, Drop: 0.01, Latency: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()

	dir := t.TempDir()
	in := filepath.Join(dir, "friends.csv")
	var b bytes.Buffer
	b.WriteString("From_Account,To_Account,AddSource,Remark,GroupName,AddWording\n")
	type rel struct{ remark, list, wording string }
	want := map[[2]string]rel{}
	var failed, invalid int
	for k := range nFrom * nTo {
		from, to := fmt.Sprintf("a%03d", k/nTo), fmt.Sprintf("f%04d", k%nTo)
		switch {
		case k%997 == 13:
			fmt.Fprintf(&b, "%s,ghost%d,AddSource_Type_Web,r%d,,\n", from, k, k)
			failed++
		case k%1009 == 17:
			fmt.Fprintf(&b, "%s,%s,Web,r%d,,\n", from, to, k)
			invalid++
		default:
			r := rel{fmt.Sprintf("r%d", k), fmt.Sprintf("l%d", k%3), fmt.Sprintf("hi %d", k)}
			fmt.Fprintf(&b, "%s,%s,AddSource_Type_Web,%s,%s,%s\n", from, to, r.remark, r.list, r.wording)
			want[[2]string{from, to}] = r
		}
	}
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "add.journal")
	c := &crashRunner{t: t, baseURL: srv.URL, journal: journal,
		args: []string{"friends", "add", "--file", in, "--journal", journal, "--failures", filepath.Join(dir, "failed.csv"),
			"--force", "--add-type", "single", "--concurrency", "4", "-o", "json"}}
	// Each request is journaled twice (its intent, then its outcome).
	sum, code := c.crashAndResume(kills, 2*nFrom, "30003")
	t.Logf("ambiguous: %d", sum.Ambiguous)
	if sum.Ambiguous > kills*4*nTo {
		t.Errorf("%d ambiguous records: more than the %d requests of %d that %d kills could cut off", sum.Ambiguous, kills*4, nTo, kills)
	}

	if code != exitUsage || sum.Records != nFrom*nTo || sum.Imported != len(want) || sum.Invalid != invalid || sum.Failed != failed ||
		sum.NotSent != 0 || sum.FailedByCode["30003"] != failed || len(sum.FailedByCode) != 1 || !sum.InputRead || sum.Interrupted {
		t.Errorf("last summary: exit %d, %+v", code, sum)
	}
	have := 0
	for i := range nFrom {
		from := fmt.Sprintf("a%03d", i)
		for _, f := range emu.Friends(from) {
			have++
			w, ok := want[[2]string{from, f.ToAccount}]
			if !ok || f.Remark != w.remark || f.AddWording != w.wording || fmt.Sprint(f.GroupName) != "["+w.list+"]" || f.AddSource != "AddSource_Type_Web" {
				t.Errorf("%s → %s: %+v, want %+v", from, f.ToAccount, f, w)
			}
		}
	}
	if have != len(want) {
		t.Errorf("the emulator has %d relations, want %d", have, len(want))
	}
}
