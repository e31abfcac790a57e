package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	api "github.com/timrest/timrest/gen"
)

// journalInput is an import of nFrom accounts' friends with some records
// that fail (To_Account "ghost" does not exist) and some invalid ones.
func journalInput(nFrom, nTo int) (accounts []string, csv string) {
	var b strings.Builder
	b.WriteString("From_Account,To_Account,AddSource,Remark\n")
	for i := range nFrom {
		accounts = append(accounts, fmt.Sprintf("u%02d", i))
	}
	for k := range nFrom * nTo {
		from, to := accounts[k%nFrom], fmt.Sprintf("t%03d", k/nFrom)
		switch {
		case k%97 == 5:
			to = "ghost" + fmt.Sprint(k)
		case k%89 == 7:
			fmt.Fprintf(&b, "%s,%s,NotASource,r%d\n", from, to, k)
			continue
		}
		fmt.Fprintf(&b, "%s,%s,AddSource_Type_Web,r%d\n", from, to, k)
	}
	for k := range nTo {
		accounts = append(accounts, fmt.Sprintf("t%03d", k))
	}
	return accounts, b.String()
}

// comparable returns the summary without what differs between an
// interrupted-and-resumed import and an uninterrupted one by nature: the
// time, the number of requests, and the file names.
func comparableReport(r importReport) importReport {
	r.Seconds, r.Batches, r.File, r.JournalFile, r.FailuresFile = 0, 0, "", "", ""
	return r
}

// emulatorState is every relation of accounts in e, field by field.
func emulatorState(e *emulator.Emulator, accounts []string) map[string][]emulator.Friend {
	out := map[string][]emulator.Friend{}
	for _, a := range accounts {
		if f := e.Friends(a); len(f) > 0 {
			out[a] = f
		}
	}
	return out
}

// countingTransport counts the AddFriendItem items sent through it and
// cancels cancel (Ctrl-C) when the request cancelAt is sent.
type countingTransport struct {
	inner    http.RoundTripper
	items    atomic.Int64
	requests atomic.Int64
	cancelAt int64
	cancel   context.CancelFunc
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && strings.HasSuffix(r.URL.Path, "friend_import") {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		var req api.ImportFriendsRequest
		if json.Unmarshal(b, &req) == nil {
			c.items.Add(int64(len(req.AddFriendItem)))
		}
		if n := c.requests.Add(1); n == c.cancelAt && c.cancel != nil {
			c.cancel()
		}
	}
	return c.inner.RoundTrip(r)
}

// TestImportJournalResume: an import stopped part way and run again with
// its journal sends only what was not done, and ends with the summary,
// the failures file and the service state of an uninterrupted import.
func TestImportJournalResume(t *testing.T) {
	t.Parallel()
	accounts, in := journalInput(20, 40)

	// The reference: one uninterrupted run.
	ref := newE2E(t, importSeed(accounts...))
	refIn := ref.file("in.csv", in)
	refFailures := filepath.Join(ref.dir, "failed.csv")
	r := ref.cli().run(t, "friends", "import", "--file", refIn, "--failures", refFailures, "--buffer", "60", "-o", "json")
	want := decodeReport(t, r)
	if r.Code != exitUsage || want.Failed == 0 || want.Invalid == 0 || want.Imported == 0 {
		t.Fatalf("reference run: exit %d, summary %+v", r.Code, want)
	}

	e := newE2E(t, importSeed(accounts...))
	path := e.file("in.csv", in)
	failures := filepath.Join(e.dir, "failed.csv")
	journal := filepath.Join(e.dir, "import.journal")
	args := []string{"friends", "import", "--file", path, "--failures", failures, "--journal", journal, "--buffer", "60", "--concurrency", "3", "-o", "json"}
	run := func(cancelAt int64) (importReport, result, *countingTransport) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ct := &countingTransport{inner: emulatortest.ValidatingTransport(t, nil), cancelAt: cancelAt, cancel: cancel}
		c := e.cli()
		c.ctx = ctx
		c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: ct}))
		r := c.run(t, args...)
		return decodeReport(t, r), r, ct
	}

	first, r1, _ := run(4)
	if !first.Interrupted || first.NotSent == 0 {
		t.Fatalf("first run: exit %d, summary %+v", r1.Code, first)
	}
	second, r2, ct := run(6)
	third, r3, _ := run(0)
	for i, s := range []importReport{second, third} {
		if i == 0 && !second.Interrupted {
			t.Fatalf("second run was not interrupted: %+v", second)
		}
		_ = s
	}
	if !strings.Contains(r2.Stderr, "resumed from --journal") || !strings.Contains(r3.Stderr, "resumed from --journal") {
		t.Errorf("stderr of the resumed runs: %q, %q", r2.Stderr, r3.Stderr)
	}
	// The second run sent at most what the first had not done.
	if sent := ct.items.Load(); sent > int64(first.NotSent) {
		t.Errorf("the second run sent %d items; the first left %d not sent", sent, first.NotSent)
	}
	if r3.Code != exitUsage {
		t.Errorf("last run: exit %d, stderr %q", r3.Code, r3.Stderr)
	}
	if diff := cmp.Diff(comparableReport(want), comparableReport(third)); diff != "" {
		t.Errorf("resumed summary differs from an uninterrupted run's (-want +got):\n%s", diff)
	}
	if got, want := e.read(failures), ref.read(refFailures); got != want {
		t.Errorf("failures file after resuming:\n%s\nuninterrupted:\n%s", got, want)
	}
	if diff := cmp.Diff(emulatorState(ref.emu, accounts), emulatorState(e.emu, accounts), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("service state after resuming differs (-uninterrupted +resumed):\n%s", diff)
	}

	// Once done, running again sends nothing and says the same.
	again, _, ct4 := run(0)
	if ct4.items.Load() != 0 || !cmp.Equal(comparableReport(want), comparableReport(again)) {
		t.Errorf("a run of a finished journal sent %d items; summary %+v", ct4.items.Load(), again)
	}
}

// TestJournalRefusals: a journal is refused for another input or other
// settings, or when damaged; a last line cut off by a crash is dropped.
func TestJournalRefusals(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", goodCSV)
	journal := filepath.Join(e.dir, "j")
	c := e.cli()
	if r := c.run(t, "friends", "import", "--file", in, "--journal", journal); r.Code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	good, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(good), "\n"); lines < 2 {
		t.Fatalf("journal %q", good)
	}
	other := e.file("other.csv", strings.Replace(goodCSV, "Gracie", "Gracy", 1))
	otherJournal := filepath.Join(e.dir, "j2")
	for _, tc := range []struct {
		name    string
		journal string // content; "" for the good one
		args    []string
		code    int
		want    string
		env     map[string]string // added to the environment
	}{
		{"other app", "", []string{"--file", in}, exitUsage, "was written for the app 1400000001, not 1400000002", map[string]string{envSDKAppID: "1400000002"}},
		{"other service", "", []string{"--file", in}, exitUsage, "not http://127.0.0.1:1 (the same app through another host needs a new journal)", map[string]string{envBaseURL: "http://127.0.0.1:1"}},
		{"other input", "", []string{"--file", other}, exitUsage, "was written for another input", nil},
		{"other from", "", []string{"--file", in, "--from", "frank"}, exitUsage, `was written for --from "", not "frank"`, nil},
		{"other format", "", []string{"--file", in, "--format", "jsonl"}, exitUsage, "was written for --format csv, not jsonl", nil},
		{"multiline", "", []string{"--file", in, "--multiline"}, exitUsage, "was written for --multiline=false, not true", nil},
		{"damaged", strings.Replace(string(good), "\n", "\n{garbage}\n", 1), []string{"--file", in}, exitUsage, "is damaged at line 2", nil},
		{"not a journal", "hello\n", []string{"--file", in}, exitUsage, "is not a timrest journal", nil},
		{"torn last line", string(good) + `{"ok":[[2,`, []string{"--file", in}, exitOK, "resumed from --journal", nil},
		{"trailing data", withLine2(string(good), ` {"ok":[[3,3]]}`), []string{"--file", in}, exitUsage, "is damaged at line 2 (more than one JSON value on the line)", nil},
		{"line past the input", string(good) + `{"ok":[[1,1000000000000]]}` + "\n", []string{"--file", in}, exitUsage, "is damaged at line", nil},
		{"huge range", string(good) + `{"ok":[[9223372036854775806,9223372036854775807]]}` + "\n", []string{"--file", in}, exitUsage, "is damaged at line", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			content := string(good)
			if tc.journal != "" {
				content = tc.journal
			}
			j := filepath.Join(t.TempDir(), "journal")
			if err := os.WriteFile(j, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			before := e.emu.Stats().Calls["ImportFriends"]
			c := e.cli()
			maps.Copy(c.env, tc.env)
			r := c.run(t, append([]string{"friends", "import", "--journal", j}, tc.args...)...)
			if r.Code != tc.code || !strings.Contains(r.Stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.Code, r.Stderr, tc.code, tc.want)
			}
			if n := e.emu.Stats().Calls["ImportFriends"] - before; n != 0 {
				t.Errorf("%d imports sent", n)
			}
			if tc.code == exitOK {
				if got, _ := os.ReadFile(j); string(got) != string(good) {
					t.Errorf("the torn line was not cut off: %q", got)
				}
			}
		})
	}
	_ = otherJournal
}

// withLine2 appends tail to the second line of text.
func withLine2(text, tail string) string {
	lines := strings.SplitN(text, "\n", 3)
	lines[1] += tail
	return strings.Join(lines, "\n")
}

// TestFailuresFileAtomic: the failures file is never partial: it appears
// whole when the import ends, and an earlier one stays until then.
func TestFailuresFileAtomic(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", "From_Account,To_Account,AddSource\nfrank,ghost1,AddSource_Type_Web\nfrank,ghost2,AddSource_Type_Web\n")
	failures := e.file("failed.csv", "an earlier run's file\n")
	var during []string
	var mu sync.Mutex
	inner := emulatortest.ValidatingTransport(t, nil)
	c := e.cli()
	c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := os.ReadFile(failures)
		mu.Lock()
		during = append(during, string(b))
		mu.Unlock()
		return inner.RoundTrip(r)
	})}))
	r := c.run(t, "friends", "import", "--file", in, "--failures", failures)
	if r.Code != exitFailure {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	for _, d := range during {
		if d != "an earlier run's file\n" {
			t.Errorf("during the import the failures file held %q", d)
		}
	}
	if got := e.read(failures); strings.Count(got, "\n") != 3 || !strings.Contains(got, "ghost2") {
		t.Errorf("failures file %q", got)
	}
	left, _ := filepath.Glob(failures + ".tmp-*")
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestJournalKeepsInputOrder: a request that failed as a whole is not
// settled, and a resumed run sends it again; the later records of its
// From_Account are sent again after it, even those an earlier run
// imported, so that the last record of a relation still wins.
func TestJournalKeepsInputOrder(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", "From_Account,To_Account,AddSource,Remark\nfrank,grace,AddSource_Type_Web,first\ngrace,heidi,AddSource_Type_Web,x\nfrank,grace,AddSource_Type_Web,second\n")
	journal := filepath.Join(e.dir, "j")
	var failOnce atomic.Bool
	inner := emulatortest.ValidatingTransport(t, nil)
	c := e.cli()
	c.clientOpts = append(c.clientOpts, timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 1}),
		timrest.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if bytes.Contains(b, []byte(`"first"`)) && failOnce.CompareAndSwap(false, true) {
				return &http.Response{StatusCode: http.StatusBadGateway, Body: io.NopCloser(strings.NewReader("bad gateway")), Header: http.Header{}, Request: r}, nil
			}
			return inner.RoundTrip(r)
		})}))
	r := c.run(t, "friends", "import", "--file", in, "--journal", journal, "-o", "json")
	sum := decodeReport(t, r)
	if r.Code != exitFailure || sum.Failed != 1 || sum.Imported != 2 {
		t.Fatalf("first run: exit %d, %+v", r.Code, sum)
	}
	remark := func() string {
		for _, f := range e.emu.Friends("frank") {
			if f.ToAccount == "grace" {
				return f.Remark
			}
		}
		return ""
	}
	if got := remark(); got != "second" {
		t.Fatalf("after the first run frank → grace has remark %q", got)
	}
	before := e.emu.Stats().Calls["ImportFriends"]
	r = c.run(t, "friends", "import", "--file", in, "--journal", journal, "-o", "json")
	sum = decodeReport(t, r)
	if r.Code != exitOK || sum.Imported != 3 || sum.Failed != 0 {
		t.Errorf("resumed run: exit %d, %+v", r.Code, sum)
	}
	if got := remark(); got != "second" {
		t.Errorf("after resuming frank → grace has remark %q, want the last record's", got)
	}
	if n := e.emu.Stats().Calls["ImportFriends"] - before; n != 2 {
		t.Errorf("the resumed run sent %d requests, want 2 (frank's two records, in order; not grace's)", n)
	}
}
