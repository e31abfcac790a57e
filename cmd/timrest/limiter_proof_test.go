//go:build !race

// The proof of the shared limiter runs four import processes against an
// emulator that enforces the documented rates, and reads its counts per
// second: without the race detector (make test-processes), as the crash
// test, so that the processes keep the rate and the timing is theirs, not
// the detector's.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/internal/redistest"
)

// arrivals records when the emulator received each friend_import request.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/friend_import") {
			now := time.Now()
			a.mu.Lock()
			a.times = append(a.times, now)
			a.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (a *arrivals) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.times)
}

// perSecond returns the requests received in each second of the clock
// (whole seconds from the first request's), the largest number in any
// window of one second, and the mean rate from the first to the last.
func (a *arrivals) perSecond() (seconds []int, maxWindow int, mean float64) {
	a.mu.Lock()
	ts := slices.Clone(a.times)
	a.mu.Unlock()
	slices.SortFunc(ts, func(x, y time.Time) int { return x.Compare(y) })
	if len(ts) < 2 {
		return nil, len(ts), 0
	}
	first := ts[0].Truncate(time.Second)
	for _, t := range ts {
		i := int(t.Sub(first) / time.Second)
		for len(seconds) <= i {
			seconds = append(seconds, 0)
		}
		seconds[i]++
	}
	j := 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		maxWindow = max(maxWindow, i-j+1)
	}
	return seconds, maxWindow, float64(len(ts)-1) / ts[len(ts)-1].Sub(ts[0]).Seconds()
}

// proofProcess is one "timrest friends import" process of the proof.
type proofProcess struct {
	from    []string // its From_Accounts
	in      string   // its input file
	records int
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	code    int
}

// processRun is one run of the proof: an emulator that enforces the
// documented rates, and procs import processes, each importing friends
// for perProc accounts of its own (one request per account).
type processRun struct {
	emu       *emulator.Emulator
	arrivals  *arrivals
	importers []*proofProcess
	took      time.Duration
}

// proofFriends are the friends each account imports.
var proofFriends = []string{"f1", "f2", "f3"}

func runImporters(t *testing.T, procs, perProc int, limiterURL string, midway func(*processRun)) *processRun {
	t.Helper()
	var accounts []emulator.Account
	for _, f := range proofFriends {
		accounts = append(accounts, emulator.Account{UserID: f})
	}
	run := &processRun{arrivals: &arrivals{}}
	dir := t.TempDir()
	for p := range procs {
		im := &proofProcess{in: filepath.Join(dir, fmt.Sprintf("p%d.csv", p))}
		var b bytes.Buffer
		b.WriteString("From_Account,To_Account,AddSource\n")
		for i := range perProc {
			from := fmt.Sprintf("p%d_%04d", p, i)
			im.from = append(im.from, from)
			accounts = append(accounts, emulator.Account{UserID: from})
			for _, f := range proofFriends {
				fmt.Fprintf(&b, "%s,%s,AddSource_Type_Web\n", from, f)
				im.records++
			}
		}
		if err := os.WriteFile(im.in, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		run.importers = append(run.importers, im)
	}
	emu, err := emulator.New(emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey, Seed: &emulator.Seed{Accounts: accounts}, RateLimits: true})
	if err != nil {
		t.Fatal(err)
	}
	run.emu = emu
	srv := httptest.NewServer(run.arrivals.wrap(emu))
	defer srv.Close()

	start := time.Now()
	var wg sync.WaitGroup
	for _, im := range run.importers {
		args := []string{"friends", "import", "--file", im.in, "-o", "json"}
		if limiterURL != "" {
			args = append(args, "--limiter", limiterURL)
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), envRunMain+"=1", envSDKAppID+"="+e2eAppID, envSecretKey+"="+testKey, envBaseURL+"="+srv.URL)
		cmd.Stdout, cmd.Stderr = &im.stdout, &im.stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			cmd.Wait()
			im.code = cmd.ProcessState.ExitCode()
		})
	}
	if midway != nil {
		midway(run)
	}
	wg.Wait()
	run.took = time.Since(start)
	return run
}

// checkAllImported checks that each process imported all its records and
// that the emulator holds every relation.
func (r *processRun) checkAllImported(t *testing.T) {
	t.Helper()
	for i, im := range r.importers {
		var sum importReport
		if err := json.Unmarshal(im.stdout.Bytes(), &sum); err != nil {
			t.Errorf("process %d: exit %d, %v: %s\nstderr: %s", i, im.code, err, im.stdout.String(), im.stderr.String())
			continue
		}
		if im.code != exitOK || sum.Records != im.records || sum.Imported != im.records || sum.Failed != 0 || sum.NotSent != 0 {
			t.Errorf("process %d: exit %d, %d records, %d imported, %d failed, %d not sent; want all %d imported\nstderr: %s",
				i, im.code, sum.Records, sum.Imported, sum.Failed, sum.NotSent, im.records, im.stderr.String())
		}
		for _, from := range im.from {
			if n := len(r.emu.Friends(from)); n != len(proofFriends) {
				t.Errorf("the emulator holds %d friends of %s, want %d", n, from, len(proofFriends))
			}
		}
	}
}

// TestSharedLimiterProcesses is the proof of the limiter shared through
// Redis: four "timrest friends import" processes into one emulator that
// enforces the documented rate of friend_import (200 calls/s per app).
//
//   - With --limiter on one Redis: the emulator receives at most the rate in
//     every second of the clock (with 2% for the processes' scheduling
//     jitter) and at least 95% of it overall, and refuses no call (60007);
//     every record is imported.
//   - Without it, each process keeps the rate alone: together they overrun
//     it, and the emulator refuses calls.
//   - With Redis killed midway and started again 2 s later: no record
//     fails, no second of the clock holds more than the rate and 10%,
//     each process logs the fallback and the return once, and every
//     record is imported.
func TestSharedLimiterProcesses(t *testing.T) {
	const procs = 4
	doc, err := timrest.NewLimiter(nil)
	if err != nil {
		t.Fatal(err)
	}
	rate, _ := doc.Rate("ImportFriends")
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	t.Run("shared", func(t *testing.T) {
		r := runImporters(t, procs, 300, srv.URL(), nil)
		seconds, maxWindow, mean := r.arrivals.perSecond()
		st := r.emu.Stats()
		t.Logf("%d processes, %d calls in %v: per second %v, at most %d in any window of 1 s, mean %.1f/s (%.1f%% of %v/s), %d refused (60007)",
			procs, r.arrivals.count(), r.took.Round(time.Millisecond), seconds, maxWindow, mean, 100*mean/rate, rate, st.RateLimited["ImportFriends"])
		r.checkAllImported(t)
		// Redis grants the calls one interval apart on its clock; between
		// the grant and the emulator, four processes on a loaded machine
		// are not all scheduled on time, and a late call can land in the
		// next second: allow that jitter, 2% of the rate.
		for i, n := range seconds {
			if float64(n) > rate*1.02 {
				t.Errorf("second %d of the run: the emulator received %d calls, over the rate %v/s (+2%% for jitter)", i, n, rate)
			}
		}
		if mean < 0.95*rate {
			t.Errorf("mean rate %.1f/s: want at least 95%% of %v/s", mean, rate)
		}
		if n := st.RateLimited["ImportFriends"]; n != 0 {
			t.Errorf("the emulator refused %d calls for their rate (60007), want none", n)
		}
	})

	t.Run("not-shared", func(t *testing.T) {
		r := runImporters(t, procs, 100, "", nil)
		seconds, maxWindow, mean := r.arrivals.perSecond()
		refused := r.emu.Stats().RateLimited["ImportFriends"]
		t.Logf("without --limiter: %d calls in %v: per second %v, at most %d in any window of 1 s, mean %.1f/s, %d refused (60007)",
			r.arrivals.count(), r.took.Round(time.Millisecond), seconds, maxWindow, mean, refused)
		if refused == 0 {
			t.Errorf("without --limiter the emulator refused no call: want the four processes to overrun the rate")
		}
	})

	t.Run("redis-restarted", func(t *testing.T) {
		const perProc = 300
		var stopped, restarted time.Time
		r := runImporters(t, procs, perProc, srv.URL(), func(r *processRun) {
			for r.arrivals.count() < procs*perProc/4 {
				time.Sleep(5 * time.Millisecond)
			}
			srv.Stop()
			stopped = time.Now()
			time.Sleep(2 * time.Second)
			if err := srv.Restart(); err != nil {
				t.Error(err)
			}
			restarted = time.Now()
		})
		seconds, maxWindow, mean := r.arrivals.perSecond()
		refused := r.emu.Stats().RateLimited["ImportFriends"]
		t.Logf("Redis down for %v: %d calls in %v: per second %v, at most %d in any window of 1 s, mean %.1f/s, %d refused (60007)",
			restarted.Sub(stopped).Round(time.Millisecond), r.arrivals.count(), r.took.Round(time.Millisecond), seconds, maxWindow, mean, refused)
		r.checkAllImported(t)
		// Every second of the clock, the outage and the return included,
		// holds at most the rate and 10%: the 2% of the shared run's
		// scheduling jitter, and what the switches add, each at most a few
		// calls a process: the local limits start with a token each (4),
		// and at the return the processes back first keep their fallback
		// share (the guard period) until the others have found Redis
		// back. Without the guard, the processes back first took the
		// whole rate from the empty key while the others still sent their
		// share: 256 calls in a second.
		for i, n := range seconds {
			if float64(n) > rate*1.1 {
				t.Errorf("second %d of the run: the emulator received %d calls, over the rate %v/s (+10%%)", i, n, rate)
			}
		}
		for i, im := range r.importers {
			errOut := im.stderr.String()
			if strings.Count(errOut, "Redis unreachable") != 1 || strings.Count(errOut, "Redis is back") != 1 {
				t.Errorf("process %d: want the fallback and the return logged once each; stderr:\n%s", i, errOut)
			}
			if i == 0 {
				t.Logf("process 0's stderr:\n%s", errOut)
			}
		}
	})
}
