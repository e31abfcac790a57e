package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator/emulatortest"
)

// This file has the tests of the defects a hostile review of the import
// found after it was hardened.

// TestImportNullCustomValue: a record with a null custom tag value is
// invalid on its own; it neither stops the import nor keeps --failures
// from being written.
func TestImportNullCustomValue(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	var b strings.Builder
	b.WriteString(`{"From_Account":"frank","To_Account":"grace","AddSource":"AddSource_Type_Web"}` + "\n")
	b.WriteString(`{"From_Account":"frank","To_Account":"heidi","AddSource":"AddSource_Type_Web","CustomItem":[{"Tag":"Tag_SNS_Custom_x","Value":null}]}` + "\n")
	for _, to := range []string{"alice", "bob", "carol", "dave", "erin"} {
		fmt.Fprintf(&b, `{"From_Account":"grace","To_Account":%q,"AddSource":"AddSource_Type_Web"}`+"\n", to)
	}
	in := e.file("in.jsonl", b.String())
	failures := filepath.Join(e.dir, "f.jsonl")
	r := e.cli().run(t, "friends", "import", "--file", in, "--failures", failures, "--buffer", "1", "--concurrency", "1", "-o", "json")
	sum := decodeReport(t, r)
	checkAccounted(t, sum, 7)
	if r.Code != exitUsage || sum.Imported != 6 || sum.Invalid != 1 || sum.NotSent != 0 || sum.InvalidRecords[0].Error != "CustomItem[0].Value: want a string or an integer, got null or nothing" {
		t.Errorf("exit %d, summary %+v", r.Code, sum)
	}
	if got := e.read(failures); !strings.Contains(got, `"Value":null`) || strings.Count(got, "\n") != 1 {
		t.Errorf("failures file %q", got)
	}
}

// TestDryRunResult: a dry run reports a --failures write error even when
// records are invalid, and counts what it did not check.
func TestDryRunResult(t *testing.T) {
	t.Parallel()
	s := &importSummary{dryRun: true, records: 10, valid: 3, invalid: 2, notChecked: 5, interrupted: true, inputRead: true}
	err := s.result(nil, errors.New("cannot write --failures: no space left on device"))
	var ue *usageError
	if !errors.As(err, &ue) || err.Error() != "2 of 10 records are invalid; 5 not checked; interrupted: not every record was checked; cannot write --failures: no space left on device" {
		t.Errorf("result: %v", err)
	}
	if s.complete() {
		t.Error("complete")
	}
	im := &importer{dryRun: true, sum: s}
	im.notSent([]*record{{line: 1}, {line: 2}}, "stopped")
	if s.notChecked != 7 || s.notSent != 0 {
		t.Errorf("not checked %d, not sent %d", s.notChecked, s.notSent)
	}
}

// TestOutputsThroughLinkedFolder: two flags naming one file through a
// symbolic link to its folder are refused, before the file exists.
func TestOutputsThroughLinkedFolder(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", goodCSV)
	real := filepath.Join(e.dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(e.dir, "link")); err != nil {
		t.Fatal(err)
	}
	r := e.cli().run(t, "friends", "import", "--file", in, "--failures", filepath.Join(e.dir, "link", "x"), "--journal", filepath.Join(real, "x"))
	if r.Code != exitUsage || !strings.Contains(r.Stderr, "--failures and --journal name the same file") {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestJournalLocked: one import at a time may use a journal.
func TestJournalLocked(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	h := journalHeader{Version: journalVersion, Command: "friends import", InputBytes: 10, InputSHA256: "x"}
	j, err := openJournal(path, h, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openJournal(path, h, time.Now); err == nil || !strings.Contains(err.Error(), "in use by another import") {
		t.Errorf("second open: %v", err)
	}
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	j, err = openJournal(path, h, time.Now)
	if err != nil {
		t.Fatalf("after close: %v", err)
	}
	j.close()
}

// TestImportSuperseded: a record not imported, whose relation a later
// record set, is left out of --failures: importing the failures file
// again must not undo the later record.
func TestImportSuperseded(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", "From_Account,To_Account,AddSource,Remark\n"+
		"frank,grace,AddSource_Type_Web,first\n"+ // fails as a whole (502)
		"frank,heidi,NotASource,x\n"+ // invalid
		"grace,alice,AddSource_Type_Web,kept\n"+ // fails as a whole, nothing later
		"frank,grace,AddSource_Type_Web,last\n"+
		"frank,heidi,AddSource_Type_Web,fixed\n")
	failures := filepath.Join(e.dir, "f.csv")
	inner := emulatortest.ValidatingTransport(t, nil)
	c := e.cli()
	c.clientOpts = append(c.clientOpts, timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 1}),
		timrest.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if bytes.Contains(b, []byte(`"first"`)) || bytes.Contains(b, []byte(`"kept"`)) {
				return &http.Response{StatusCode: http.StatusBadGateway, Body: io.NopCloser(strings.NewReader("bad gateway")), Header: http.Header{}, Request: r}, nil
			}
			return inner.RoundTrip(r)
		})}))
	r := c.run(t, "friends", "import", "--file", in, "--failures", failures, "--concurrency", "1", "-o", "json")
	sum := decodeReport(t, r)
	checkAccounted(t, sum, 6)
	if sum.Failed != 2 || sum.Invalid != 1 || sum.Imported != 2 || sum.Superseded != 2 {
		t.Errorf("summary %+v", sum)
	}
	got := e.read(failures)
	if strings.Contains(got, "first") || strings.Contains(got, "NotASource") || !strings.Contains(got, "kept") || strings.Count(got, "\n") != 2 {
		t.Errorf("failures file:\n%s", got)
	}
	// Importing the failures file again keeps the later records.
	if r := e.cli().run(t, "friends", "import", "--file", failures); r.Code != exitOK {
		t.Errorf("import of the failures: exit %d, stderr %q", r.Code, r.Stderr)
	}
	for _, f := range e.emu.Friends("frank") {
		if (f.ToAccount == "grace" && f.Remark != "last") || (f.ToAccount == "heidi" && f.Remark != "fixed") {
			t.Errorf("frank → %s has remark %q", f.ToAccount, f.Remark)
		}
	}
}

// TestImportInterruptHeader: Ctrl-C while the header is awaited on a
// pipe ends the command at once.
func TestImportInterruptHeader(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	a := &app{stdin: pr, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now}
	done := make(chan int, 1)
	go func() { done <- a.execute(ctx, []string{"friends", "import", "--file", "-", "--dry-run"}) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != exitFailure || !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not end after Ctrl-C")
	}
}

// TestMultilineLinear: a quote left open over many lines costs time in
// proportion to the lines, not their square.
func TestMultilineLinear(t *testing.T) {
	t.Parallel()
	in := "From_Account,To_Account,AddSource,Remark\nu1,u2,AddSource_Type_Web,\"x" + strings.Repeat("\n", 4<<20)
	start := time.Now()
	rr, err := newRecordReader(formatCSV, strings.NewReader(in), readOptions{multiline: true, maxLine: maxMaxLineBytes})
	if err != nil {
		t.Fatal(err)
	}
	_, errs := readAll(t, rr)
	if took := time.Since(start); took > 20*time.Second { // linear: well under a second; quadratic: minutes
		t.Errorf("%v for a quote open over 4 Mi lines", took)
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "line 2: Remark (field 4) opens a quote that is not closed within") {
		t.Errorf("errors: %.200q", errs)
	}
}

// TestFailuresInputCarried: a line that could not be read stays in the
// failures file, with its text, round after round until it is fixed.
func TestFailuresInputCarried(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", "From_Account,To_Account,AddSource\nfrank,\"grace,AddSource_Type_Web\nfrank,heidi,AddSource_Type_Web\n")
	f1, f2 := filepath.Join(e.dir, "f1.csv"), filepath.Join(e.dir, "f2.csv")
	e.cli().run(t, "friends", "import", "--file", in, "--failures", f1)
	r := e.cli().run(t, "friends", "import", "--file", f1, "--failures", f2, "-o", "json")
	sum := decodeReport(t, r)
	if sum.Invalid != 1 || !strings.Contains(sum.InvalidRecords[0].Error, "its text is in Input") {
		t.Errorf("summary %+v", sum)
	}
	if got := e.read(f2); !strings.Contains(got, `"frank,""grace,AddSource_Type_Web"`) {
		t.Errorf("second failures file lost the line's text:\n%s", got)
	}
}

// TestStderrIsInput: with stderr appended to the input, the refusal is
// not written into the input.
func TestStderrIsInput(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", goodCSV)
	f, err := os.OpenFile(in, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stdout bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: f, getenv: func(k string) string { return e.env()[k] }, now: time.Now, clientOpts: e.cli().clientOpts}
	if code := a.execute(context.Background(), []string{"friends", "import", "--file", in}); code != exitUsage || !strings.Contains(stdout.String(), "stderr is the input file") {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
	if e.read(in) != goodCSV {
		t.Errorf("the input was changed: %q", e.read(in))
	}
}

// TestStaleFailureTemps: the temporary files of killed runs are removed
// by the next run; those of running processes are not.
func TestStaleFailureTemps(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", goodCSV)
	failures := filepath.Join(e.dir, "f.csv")
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := cmd.ProcessState.Pid()
	stale := e.file(fmt.Sprintf("f.csv.tmp-%d-123", dead), "partial")
	live := e.file(fmt.Sprintf("f.csv.tmp-%d-456", os.Getppid()), "another run's")
	if r := e.cli().run(t, "friends", "import", "--file", in, "--failures", failures); r.Code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the live run's temporary file was removed: %v", err)
	}
}
