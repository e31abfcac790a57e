//go:build !race

// The crash test runs without the race detector (make test-crash): under
// it the in-process emulator takes up to seconds per 1000-item request,
// and the test takes minutes. The code it runs is covered by the race
// run through the other import tests.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
)

// envRunMain makes the test binary run the timrest command instead of the
// tests: the crash tests start it as a process of its own, to kill it.
const envRunMain = "TIMREST_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		os.Exit(runMainForTest())
	}
	os.Exit(m.Run())
}

// runMainForTest is main, with retries that outlast the tests' injected
// faults (12 attempts, short backoffs) so that every record ends up
// imported.
func runMainForTest() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now, isTerminal: isTerminal,
		clientOpts: []timrest.Option{timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 12, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond})}}
	return a.execute(ctx, os.Args[1:])
}

// importLog records what the emulator was sent: for each friend_import
// request that it answered, the run that sent it and its items.
type importLog struct {
	mu      sync.Mutex
	run     int
	applied map[[2]string]int // From→To → the first run whose request the emulator answered with it
	resent  map[int]int       // run → items it sent that an earlier run's request had already delivered
}

func (l *importLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req api.ImportFriendsRequest
		if strings.HasSuffix(r.URL.Path, "friend_import") {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			_ = json.Unmarshal(b, &req)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var ans api.ImportFriendsResponse
		if len(req.AddFriendItem) > 0 && rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &ans) == nil && ans.ActionStatus == api.ActionStatusOK {
			l.mu.Lock()
			for _, it := range req.AddFriendItem {
				k := [2]string{req.FromAccount, it.ToAccount}
				if first, ok := l.applied[k]; !ok {
					l.applied[k] = l.run
				} else if first < l.run {
					l.resent[l.run]++
				}
			}
			l.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// journalLines counts the lines of the journal at path (0 if none).
func journalLines(path string) int {
	b, _ := os.ReadFile(path)
	return bytes.Count(b, []byte("\n"))
}

// TestImportCrashResume kills "friends import --journal" with SIGKILL at
// random points of a 200,000-relation import under injected faults and
// runs it again each time. In the end the emulator holds exactly the
// input's relations, field by field; the last summary and the failures
// file are those of an uninterrupted run; and no resumed run sent again
// more than the requests that could have been in flight when it was
// killed.
func TestImportCrashResume(t *testing.T) {
	t.Parallel()
	nFrom, nTo, kills := 200, 1000, 4
	if testing.Short() {
		nFrom, kills = 20, 2
	}
	const concurrency = 4
	var accounts []emulator.Account
	for i := range nFrom {
		accounts = append(accounts, emulator.Account{UserID: fmt.Sprintf("a%03d", i)})
	}
	for i := range nTo {
		accounts = append(accounts, emulator.Account{UserID: fmt.Sprintf("f%04d", i)})
	}
	cfg := emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey, Seed: &emulator.Seed{Accounts: accounts},
		Faults: emulator.Faults{Seed: 7, Transient: 0.03, HTTP502: 0.02, Drop: 0.01, Latency: 2 * time.Millisecond}}
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := &importLog{applied: map[[2]string]int{}, resent: map[int]int{}}
	srv := httptest.NewServer(log.wrap(emu))
	defer srv.Close()

	// The input: every account's friends together, some failing (no
	// such account) and some invalid.
	dir := t.TempDir()
	in := filepath.Join(dir, "friends.csv")
	var b bytes.Buffer
	b.WriteString("From_Account,To_Account,AddSource,Remark\n")
	want := map[[2]string]string{} // From→To → Remark
	var wantFailed, wantInvalid []int
	for k := range nFrom * nTo {
		from, to, line := fmt.Sprintf("a%03d", k/nTo), fmt.Sprintf("f%04d", k%nTo), k+2
		switch {
		case k%997 == 13:
			fmt.Fprintf(&b, "%s,ghost%d,AddSource_Type_Web,r%d\n", from, k, k)
			wantFailed = append(wantFailed, line)
		case k%1009 == 17:
			fmt.Fprintf(&b, "%s,%s,Web,r%d\n", from, to, k)
			wantInvalid = append(wantInvalid, line)
		default:
			fmt.Fprintf(&b, "%s,%s,AddSource_Type_Web,r%d\n", from, to, k)
			want[[2]string{from, to}] = fmt.Sprintf("r%d", k)
		}
	}
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	records := nFrom * nTo
	journal, failures := filepath.Join(dir, "import.journal"), filepath.Join(dir, "failed.csv")

	runOnce := func(run int, killAfter int) (stdout []byte, code int, killed bool, took time.Duration) {
		t.Helper()
		log.mu.Lock()
		log.run = run
		log.mu.Unlock()
		cmd := exec.Command(os.Args[0], "friends", "import", "--file", in, "--journal", journal, "--failures", failures,
			"--concurrency", strconv.Itoa(concurrency), "-o", "json")
		cmd.Env = append(os.Environ(), envRunMain+"=1", envSDKAppID+"="+e2eAppID, envSecretKey+"="+testKey, envBaseURL+"="+srv.URL)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if killAfter > 0 {
			base := journalLines(journal)
		poll:
			for {
				select {
				case err := <-done:
					t.Logf("run %d ended before its kill: %v", run, err)
					return out.Bytes(), cmd.ProcessState.ExitCode(), false, time.Since(start)
				case <-time.After(2 * time.Millisecond):
					if journalLines(journal) >= base+killAfter {
						break poll
					}
				}
			}
			cmd.Process.Kill() // SIGKILL: no chance to clean up
			<-done
			if errOut.Len() > 0 && !strings.Contains(errOut.String(), "resuming") {
				t.Logf("run %d stderr: %s", run, errOut.String())
			}
			return out.Bytes(), -1, true, time.Since(start)
		}
		err := <-done
		if strings.Contains(errOut.String(), testKey) {
			t.Errorf("the key was printed")
		}
		_ = err
		return out.Bytes(), cmd.ProcessState.ExitCode(), false, time.Since(start)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	requests := nFrom * ((nTo + 999) / 1000)
	for run := 1; run <= kills; run++ {
		// Kill after a random number of requests have been journaled.
		n := 1 + rng.IntN(max(requests/(kills+1), 2))
		before := journalLines(journal)
		_, _, killed, took := runOnce(run, n)
		t.Logf("run %d: killed %t after %v with %d→%d journal lines", run, killed, took.Round(time.Millisecond), before, journalLines(journal))
		if partial, _ := filepath.Glob(failures); killed && len(partial) > 0 {
			t.Errorf("a killed run left a failures file: it must appear only when an import ends")
		}
	}
	linesBefore := journalLines(journal)
	stdout, code, _, took := runOnce(kills+1, 0)
	t.Logf("last run: %v for the %d of about %d requests left", took.Round(time.Millisecond), requests-(linesBefore-1), requests)

	if code != exitUsage {
		t.Fatalf("last run: exit %d, stdout %s", code, stdout)
	}
	var sum importReport
	if err := json.Unmarshal(stdout, &sum); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if sum.Records != records || sum.Lines != records+1 || sum.Imported != len(want) || sum.Failed != len(wantFailed) ||
		sum.Invalid != len(wantInvalid) || sum.NotSent != 0 || sum.FailedByCode["30003"] != len(wantFailed) || !sum.InputRead || sum.Interrupted {
		t.Errorf("last summary: %+v", sum)
	}
	var lines []int
	for _, r := range sum.FailedRecords {
		lines = append(lines, r.Line)
	}
	if fmt.Sprint(lines) != fmt.Sprint(wantFailed[:min(len(wantFailed), maxShown)]) {
		t.Errorf("failed records listed: %v, want %v", lines, wantFailed[:min(len(wantFailed), maxShown)])
	}

	// The failures file: every failed and invalid record, in input order,
	// whole rows only.
	f, err := os.Open(failures)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil {
		t.Fatalf("failures file: %v", err)
	}
	var got []int
	for _, row := range rows[1:] {
		n, _ := strconv.Atoi(row[7])
		got = append(got, n)
	}
	wantRows := append(append([]int(nil), wantFailed...), wantInvalid...)
	slices.Sort(wantRows)
	if fmt.Sprint(got) != fmt.Sprint(wantRows) {
		t.Errorf("failures file lines %v, want %v", got, wantRows)
	}

	// The emulator: exactly the input's relations, field by field.
	have := 0
	for i := range nFrom {
		from := fmt.Sprintf("a%03d", i)
		for _, fr := range emu.Friends(from) {
			have++
			if r, ok := want[[2]string{from, fr.ToAccount}]; !ok || fr.Remark != r || fr.AddSource != "AddSource_Type_Web" {
				t.Errorf("%s → %s: %+v (want remark %q)", from, fr.ToAccount, fr, r)
			}
		}
	}
	if have != len(want) {
		t.Errorf("the emulator has %d relations, want %d", have, len(want))
	}
	// A resumed run sends again at most what was in flight when the run
	// before it was killed: up to concurrency requests of 1000.
	log.mu.Lock()
	defer log.mu.Unlock()
	for run, n := range log.resent {
		if n > concurrency*1000 {
			t.Errorf("run %d sent again %d items that an earlier run had delivered", run, n)
		}
		t.Logf("run %d sent again %d delivered items", run, n)
	}
}
