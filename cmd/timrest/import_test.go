package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
)

// importSeed is the sample data with the accounts the import tests use.
func importSeed(extra ...string) *emulator.Seed {
	s := emulator.SampleSeed()
	for _, id := range append([]string{"frank", "grace", "heidi"}, extra...) {
		s.Accounts = append(s.Accounts, emulator.Account{UserID: id})
	}
	return s
}

// friendNames returns the To_Accounts of from's friends in the emulator.
func friendNames(e *e2e, from string) []string {
	var out []string
	for _, f := range e.emu.Friends(from) {
		out = append(out, f.ToAccount)
	}
	return out
}

const goodCSV = `From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime
frank,grace,AddSource_Type_Web,Gracie,work;climbing,"Hi, Grace",1700000000
frank,heidi,AddSource_Type_Web,,,,
grace,frank,AddSource_Type_Android,,work,,
frank,alice,AddSource_Type_Web,"Alice ""the boss""",,,
`

const goodJSONL = `{"To_Account":"grace","AddSource":"AddSource_Type_Web","GroupName":["work"],"Remark":"G","RemarkTime":1700000100,"CustomItem":[{"Tag":"Tag_SNS_Custom_Rank","Value":3}]}

{"From_Account":"frank","To_Account":"heidi","AddSource":"AddSource_Type_Web","AddTime":1600000000}
`

func TestImportOK(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	c := e.cli()
	csvFile := e.file("friends.csv", goodCSV)
	jsonlFile := e.file("frank.jsonl", goodJSONL)
	stdinJSONL := e.cli()
	stdinJSONL.stdin = goodJSONL
	stdinCSV := e.cli()
	stdinCSV.stdin = "\ufeffto_account , AddSource\nheidi,AddSource_Type_Web\r\nalice,AddSource_Type_Web\r\n"
	runGoldenCases(t, e, []goldenCase{
		{"import-csv", c, []string{"friends", "import", "--file", csvFile}, exitOK},
		{"import-csv-table", c, []string{"friends", "import", "--file", csvFile, "-o", "table"}, exitOK},
		{"import-jsonl-from", c, []string{"friends", "import", "--file", jsonlFile, "--from", "frank", "-o", "table"}, exitOK},
		{"import-stdin-jsonl", stdinJSONL, []string{"friends", "import", "--file", "-", "--from", "frank", "-o", "table"}, exitOK},
		{"import-stdin-csv-from", stdinCSV, []string{"friends", "import", "--file", "-", "--from", "grace", "-o", "table"}, exitOK},
	})
	if got, want := friendNames(e, "frank"), []string{"alice", "grace", "heidi"}; !equalStrings(got, want) {
		t.Errorf("frank's friends: %v, want %v", got, want)
	}
	for _, f := range e.emu.Friends("frank") {
		if f.ToAccount == "grace" && (f.Remark != "G" || f.RemarkTime != 1700000100 || fmt.Sprint(f.GroupName) != "[work]" || f.Custom["Tag_SNS_Custom_Rank"].String() != "3") {
			t.Errorf("frank → grace after the JSON Lines import: %+v", f)
		}
	}
	if got, want := friendNames(e, "grace"), []string{"alice", "frank", "heidi"}; !equalStrings(got, want) {
		t.Errorf("grace's friends: %v, want %v", got, want)
	}
}

func equalStrings(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// TestImportFailures: records the service refuses fail alone (exit 1);
// --failures holds them in the input format, ready to import again.
func TestImportFailures(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", `From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime
frank,grace,AddSource_Type_Web,,,,
frank,ghost,AddSource_Type_Web,Boo,lists;of;names,hello,1700000000
nobody,alice,AddSource_Type_Web,,,,
frank,heidi,AddSource_Type_Web,,,,
nobody,bob,AddSource_Type_Web,,,,
`)
	failures := filepath.Join(e.dir, "failed.csv")
	c := e.cli()
	e.golden(t, "import-failed", c, exitFailure, "friends", "import", "--file", in, "--failures", failures, "--concurrency", "1")
	checkGolden(t, "import-failed-file", e.read(failures))

	// The missing accounts are imported; the failures file goes through.
	if err := e.emu.AddAccounts("ghost", "nobody"); err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(e.dir, "again.csv")
	e.golden(t, "import-failed-again", c, exitOK, "friends", "import", "--file", failures, "--failures", again, "-o", "table")
	if got := e.read(again); got != strings.Join(append(csvColumns, infoColumns...), ",")+"\n" {
		t.Errorf("second failures file %q, want the header alone", got)
	}
	if got, want := friendNames(e, "frank"), []string{"ghost", "grace", "heidi"}; !equalStrings(got, want) {
		t.Errorf("frank's friends: %v, want %v", got, want)
	}
	for _, f := range e.emu.Friends("frank") {
		if f.ToAccount == "ghost" && (f.Remark != "Boo" || f.AddWording != "hello" || f.AddTime != 1700000000 || len(f.GroupName) != 3) {
			t.Errorf("frank → ghost lost fields through the failures file: %+v", f)
		}
	}
	if got, want := friendNames(e, "nobody"), []string{"alice", "bob"}; !equalStrings(got, want) {
		t.Errorf("nobody's friends: %v, want %v", got, want)
	}
}

// TestImportInvalid: invalid records are reported by line and not sent;
// the valid ones are imported; exit 2.
func TestImportInvalid(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	long := strings.Repeat("r", 97)
	csvIn := e.file("in.csv", `From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime
frank,grace,AddSource_Type_Web,,,,
frank,heidi,AddSource_Type_X1,,,,
frank,alice,AddSource_Type_Web,`+long+`,,,
frank,bob,AddSource_Type_Web,,a;;b,,
frank,carol,AddSource_Type_Web,,,,yesterday
,dave,AddSource_Type_Web,,,,
frank,erin,AddSource_Type_Web,,,
frank,grace,AddSource_Type_Web,,,,
frank,grace,AddSource_Type_Web,other,,,
"frank,grace,AddSource_Type_Web,,,,
`)
	jsonIn := e.file("in.jsonl", `{"From_Account":"grace","To_Account":"alice","AddSource":"AddSource_Type_Web"}
{"From_Account":"grace","To_Account":"bob","AddSource":"AddSource_Type_Web","Nick":"x"}
{"From_Account":"grace","To_Account":"carol","AddSource":"AddSource_Type_Web","AddTime":1.5}
not json
{"From_Account":"grace","To_Account":"dave","AddSource":"AddSource_Type_Web"} {}
{"From_Account":"heidi","To_Account":"erin","AddSource":"AddSource_Type_Web"}
{"From_Account":"`+strings.Repeat("h", 33)+`","To_Account":"erin","AddSource":"AddSource_Type_Web"}
{"From_Account":"grace","To_Account":"erin","AddSource":"AddSource_Type_Web","CustomItem":[{"Tag":"Tag_SNS_Custom_1","Value":"x"}]}
`)
	csvFailures := filepath.Join(e.dir, "csv-failures.csv")
	jsonFailures := filepath.Join(e.dir, "json-failures.jsonl")
	c := e.cli()
	e.golden(t, "import-invalid-csv", c, exitUsage, "friends", "import", "--file", csvIn, "--failures", csvFailures, "--concurrency", "1")
	checkGolden(t, "import-invalid-csv-failures", e.read(csvFailures))
	e.golden(t, "import-invalid-jsonl", c, exitUsage, "friends", "import", "--file", jsonIn, "--failures", jsonFailures, "--concurrency", "1", "-o", "table")
	checkGolden(t, "import-invalid-jsonl-failures", e.read(jsonFailures))
	if got, want := friendNames(e, "frank"), []string{"grace"}; !equalStrings(got, want) {
		t.Errorf("frank's friends: %v, want %v", got, want)
	}
	if got, want := friendNames(e, "grace"), []string{"alice"}; !equalStrings(got, want) {
		t.Errorf("grace's friends: %v, want %v", got, want)
	}
	if got, want := friendNames(e, "heidi"), []string{"erin"}; !equalStrings(got, want) {
		t.Errorf("heidi's friends: %v, want %v", got, want)
	}
}

// TestImportDryRun: --dry-run checks with the client's rules, needs no
// configuration and sends nothing.
func TestImportDryRun(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	good := e.file("good.csv", goodCSV)
	bad := e.file("bad.csv", "From_Account,To_Account,AddSource\nfrank,grace,AddSource_Type_Web\nfrank,heidi,Web\nfrank,grace,AddSource_Type_App\nfrank,ghost,AddSource_Type_Web\n")
	failures := filepath.Join(e.dir, "invalid.csv")
	none := cli{now: t0} // no configuration at all
	runGoldenCases(t, e, []goldenCase{
		{"import-dry-run-ok", none, []string{"friends", "import", "--file", good, "--dry-run"}, exitOK},
		{"import-dry-run-invalid", none, []string{"friends", "import", "--file", bad, "--dry-run", "--failures", failures}, exitUsage},
		{"import-dry-run-invalid-table", e.cli(), []string{"friends", "import", "--file", bad, "--dry-run", "-o", "table"}, exitUsage},
	})
	checkGolden(t, "import-dry-run-invalid-failures", e.read(failures))
	if n := e.emu.Stats().Calls["ImportFriends"]; n != 0 {
		t.Errorf("a dry run called friend_import %d times", n)
	}
}

func TestImportUsageErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	c := e.cli()
	good := e.file("good.csv", goodCSV)
	empty := e.file("empty.csv", "")
	headerOnly := e.file("header.csv", "From_Account,To_Account,AddSource\n")
	emptyJSONL := e.file("empty.jsonl", "\n\n")
	runGoldenCases(t, e, []goldenCase{
		{"import-missing-file", c, []string{"friends", "import"}, exitUsage},
		{"import-no-such-file", c, []string{"friends", "import", "--file", filepath.Join(e.dir, "nope.csv")}, exitUsage},
		{"import-bad-format", c, []string{"friends", "import", "--file", good, "--format", "xml"}, exitUsage},
		{"import-unknown-column", c, []string{"friends", "import", "--file", e.file("u.csv", "From_Account,To_Account,AddSource,Nick\n")}, exitUsage},
		{"import-duplicate-column", c, []string{"friends", "import", "--file", e.file("d.csv", "From_Account,To_Account,AddSource,to_account\n")}, exitUsage},
		{"import-no-to-column", c, []string{"friends", "import", "--file", e.file("t.csv", "From_Account,AddSource\nfrank,AddSource_Type_Web\n")}, exitUsage},
		{"import-no-addsource-column", c, []string{"friends", "import", "--file", e.file("s.csv", "From_Account,To_Account\n")}, exitUsage},
		{"import-no-from-column", c, []string{"friends", "import", "--file", e.file("f.csv", "To_Account,AddSource\ngrace,AddSource_Type_Web\n")}, exitUsage},
		{"import-empty", c, []string{"friends", "import", "--file", empty}, exitUsage},
		{"import-jsonl-as-csv", c, []string{"friends", "import", "--file", e.file("j.txt", goodJSONL), "--format", "csv"}, exitUsage},
		{"import-failures-is-input", c, []string{"friends", "import", "--file", good, "--failures", good}, exitUsage},
		{"import-failures-bad-path", c, []string{"friends", "import", "--file", good, "--failures", filepath.Join(e.dir, "no", "such", "dir.csv")}, exitUsage},
		{"import-bad-concurrency", c, []string{"friends", "import", "--file", good, "--concurrency", "0"}, exitUsage},
		{"import-bad-buffer", c, []string{"friends", "import", "--file", good, "--buffer", "0"}, exitUsage},
		{"import-missing-config", cli{now: t0}, []string{"friends", "import", "--file", good}, exitUsage},
		{"import-header-only", c, []string{"friends", "import", "--file", headerOnly, "-o", "table"}, exitOK},
		{"import-blank-jsonl", c, []string{"friends", "import", "--file", emptyJSONL, "-o", "table"}, exitOK},
	})
	if n := e.emu.Stats().Calls["ImportFriends"]; n != 0 {
		t.Errorf("friend_import called %d times", n)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "good.csv")); err != nil || e.read(good) != goodCSV {
		t.Errorf("the input file was changed")
	}
}

// TestImportWrongKey: a UserSig error, which every request would get,
// stops the import: the rest is not sent, and --failures has it all.
func TestImportWrongKey(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	c := e.cli()
	c.env[envSecretKey] = otherKey
	var b strings.Builder
	b.WriteString("From_Account,To_Account,AddSource\n")
	for i := range 30 {
		fmt.Fprintf(&b, "%s,alice,AddSource_Type_Web\n", []string{"frank", "grace", "heidi"}[i%3])
	}
	in := e.file("in.csv", b.String())
	failures := filepath.Join(e.dir, "failures.csv")
	e.golden(t, "import-wrong-key", c, exitFailure, "friends", "import", "--file", in, "--failures", failures, "--concurrency", "1", "-o", "json")
	if n := e.emu.Stats().Calls["ImportFriends"]; n != 1 {
		t.Errorf("%d friend_import calls, want 1: the first UserSig error stops the import", n)
	}
	if got := strings.Count(e.read(failures), "\n"); got != 31 {
		t.Errorf("failures file has %d lines, want the header and 30 records", got)
	}
}

// TestImportInterrupted cancels the context (Ctrl-C) after some
// requests: the import stops at once, the summary accounts for every
// record, and --failures holds exactly those not imported.
func TestImportInterrupted(t *testing.T) {
	t.Parallel()
	var accounts []string
	for i := range 20 {
		accounts = append(accounts, fmt.Sprintf("u%02d", i))
	}
	e := newE2E(t, importSeed(accounts...))
	var b strings.Builder
	n := 0
	for i := range 20 {
		for _, to := range []string{"alice", "bob", "carol", "dave", "erin"} {
			fmt.Fprintf(&b, `{"From_Account":%q,"To_Account":%q,"AddSource":"AddSource_Type_Web"}`+"\n", accounts[(i+1)%20], to)
			n++
		}
	}
	in := e.file("in.jsonl", b.String())
	failures := filepath.Join(e.dir, "failures.jsonl")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	c := e.cli()
	c.ctx = ctx
	inner := emulatortest.ValidatingTransport(t, nil)
	c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 4 {
			cancel() // Ctrl-C while the fourth request is on its way
		}
		return inner.RoundTrip(r)
	})}))
	r := c.run(t, "friends", "import", "--file", in, "--failures", failures, "--concurrency", "2", "--buffer", "5")
	if r.Code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %q", r.Code, exitFailure, r.Stderr)
	}
	var sum importReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatalf("%v: %s", err, r.Stdout)
	}
	if !sum.Interrupted || !sum.InputRead || sum.Records != n || sum.Imported+sum.Failed+sum.Invalid+sum.NotSent != n || sum.NotSent == 0 || sum.Imported == 0 {
		t.Errorf("summary %+v for %d records", sum, n)
	}
	if !strings.Contains(r.Stderr, "interrupted") || !strings.Contains(r.Stderr, fmt.Sprintf("%d of %d records imported", sum.Imported, n)) {
		t.Errorf("stderr %q", r.Stderr)
	}
	// Every record is imported, or in the failures file.
	imported := 0
	for _, a := range accounts {
		imported += len(e.emu.Friends(a))
	}
	lines := strings.Split(strings.TrimSpace(e.read(failures)), "\n")
	if len(lines) != sum.NotSent+sum.Failed {
		t.Errorf("%d lines in the failures file; %d not sent, %d failed", len(lines), sum.NotSent, sum.Failed)
	}
	// A record cut off in flight may have been imported all the same.
	if imported < sum.Imported || imported > n-len(lines)+2*5 {
		t.Errorf("%d relations in the emulator; summary says %d imported, %d not", imported, sum.Imported, len(lines))
	}
	// Importing the failures file finishes the job.
	again := e.cli()
	if r := again.run(t, "friends", "import", "--file", failures); r.Code != exitOK {
		t.Fatalf("import of the failures file: exit %d, stderr %q", r.Code, r.Stderr)
	}
	imported = 0
	for _, a := range accounts {
		imported += len(e.emu.Friends(a))
	}
	if imported != n {
		t.Errorf("%d relations after importing the failures, want %d", imported, n)
	}
}

// TestImportScheduling imports interleaved accounts through a small
// buffer with many workers: every record arrives, no account ever has
// two imports at once (the emulator would answer 30008), and batches are
// as full as the buffer allows.
func TestImportScheduling(t *testing.T) {
	t.Parallel()
	const nFrom, nTo = 40, 150
	var ids []string
	for i := range nFrom {
		ids = append(ids, fmt.Sprintf("f%02d", i))
	}
	for i := range nTo {
		ids = append(ids, fmt.Sprintf("t%03d", i))
	}
	e := newE2E(t, importSeed(ids...))
	var b strings.Builder
	b.WriteString("To_Account,From_Account,AddSource\n")
	for k := range nFrom * nTo {
		fmt.Fprintf(&b, "t%03d,f%02d,AddSource_Type_Web\n", k/nFrom, k%nFrom)
	}
	in := e.file("in.csv", b.String())
	c := e.cli()
	c.clientOpts = c.clientOpts[:2] // no validating transport: faster
	c.stderrIsTerminal = true
	r := c.run(t, "friends", "import", "--file", in, "--buffer", "1000", "--concurrency", "8", "-o", "json")
	if r.Code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	var sum importReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Imported != nFrom*nTo {
		t.Errorf("imported %d of %d", sum.Imported, nFrom*nTo)
	}
	st := e.emu.Stats()
	if n := st.Codes["ImportFriends"][30008]; n != 0 {
		t.Errorf("%d write conflicts: an account had two imports at once", n)
	}
	// The buffer (1000) fills with 25 records for each of 40 accounts;
	// the largest half is sent each time: batches of about 25 records.
	if calls := st.Calls["ImportFriends"]; calls != sum.Batches || calls > nFrom*nTo/20 {
		t.Errorf("%d calls, %d batches for %d records", calls, sum.Batches, nFrom*nTo)
	}
	for _, f := range ids[:nFrom] {
		if n := len(e.emu.Friends(f)); n != nTo {
			t.Errorf("%s has %d friends, want %d", f, n, nTo)
		}
	}
	// The progress bar went to stderr (a terminal here).
	if !strings.Contains(r.Stderr, "importing") || !strings.Contains(r.Stderr, fmt.Sprintf("(%d/%d", nFrom*nTo, nFrom*nTo)) || !strings.Contains(r.Stderr, "100%") {
		t.Errorf("no progress bar on stderr: %q", r.Stderr)
	}
}

// TestImport100k imports 100,000 relations (100 accounts × 1000 friends,
// interleaved line by line) into an emulator with its rate limits off,
// through the client with its own rate limit on, as a user would.
// With -short it imports 20,000.
func TestImport100k(t *testing.T) {
	t.Parallel()
	nFrom, nTo := 100, 1000
	if testing.Short() {
		nTo = 200
	}
	var ids []string
	for i := range nFrom {
		ids = append(ids, fmt.Sprintf("user%03d", i))
	}
	for i := range nTo {
		ids = append(ids, fmt.Sprintf("friend%04d", i))
	}
	e := newE2E(t, importSeed(ids...))
	path := filepath.Join(e.dir, "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime")
	for k := range nFrom * nTo {
		fmt.Fprintf(f, "user%03d,friend%04d,AddSource_Type_Web,r%d,all;batch%d,,1700000000\n", k%nFrom, k/nFrom, k, k/5000)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	c := cli{now: time.Time{}, env: e.env()} // the client's defaults: rate limit on
	began := time.Now()
	r := c.run(t, "friends", "import", "--file", path, "-o", "json")
	took := time.Since(began)
	if r.Code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	var sum importReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatal(err)
	}
	total := nFrom * nTo
	if sum.Records != total || sum.Imported != total || !sum.Complete {
		t.Errorf("summary %+v", sum)
	}
	friends := 0
	for _, id := range ids[:nFrom] {
		friends += len(e.emu.Friends(id))
	}
	if friends != total {
		t.Errorf("%d relations in the emulator, want %d", friends, total)
	}
	t.Logf("%d records in %v (%.0f records/s), %d requests", total, took.Round(time.Millisecond), float64(total)/took.Seconds(), sum.Batches)
}

// TestImportStreams: the input is read as the import goes, not at once:
// while the first request is held, the reader has handed over only a
// bounded number of records (the buffer, the batches waiting, and the
// read-ahead), far fewer than the input has.
func TestImportStreams(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed("ivan"))
	const total = 20000
	in := &recordSource{n: total}
	release := make(chan struct{})
	var first atomic.Bool
	inner := http.DefaultTransport
	c := e.cli()
	c.clientOpts = append(c.clientOpts[:2], timrest.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if first.CompareAndSwap(false, true) {
			<-release
		}
		return inner.RoundTrip(r)
	})}))
	done := make(chan result, 1)
	go func() {
		var stdout, stderr strings.Builder
		a := &app{stdin: in, stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return c.env[k] }, now: time.Now, clientOpts: c.clientOpts}
		code := a.execute(context.Background(), []string{"friends", "import", "--file", "-", "--from", "ivan", "--buffer", "100", "--concurrency", "1", "-o", "json"})
		done <- result{code, stdout.String(), stderr.String()}
	}()
	for !first.Load() {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the reader run ahead as far as it may
	read := in.read()
	close(release)
	r := <-done
	if r.Code != exitFailure { // ivan's friends do not exist: every record fails with 30003
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	// 2 × buffer, the reader's channel (256) and 64 KiB of read-ahead
	// (about 1200 lines here).
	if read > 3000 {
		t.Errorf("%d of %d lines read while the first request was held", read, total)
	}
	var sum importReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Records != total || sum.Failed != total || sum.FailedByCode["30003"] != total || len(sum.FailedRecords) != maxShown || sum.FailedRecordsOmitted != total-maxShown {
		t.Errorf("summary: records %d, failed %d, by code %v, %d failed records shown, %d omitted", sum.Records, sum.Failed, sum.FailedByCode, len(sum.FailedRecords), sum.FailedRecordsOmitted)
	}
	t.Logf("%d of %d lines read while the first request was held", read, total)
}

// recordSource is an io.Reader of n JSON Lines records made on the fly,
// which counts the lines it has handed out.
type recordSource struct {
	mu   sync.Mutex
	n, i int
	buf  []byte
}

func (s *recordSource) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.buf) < len(p) && s.i < s.n {
		s.buf = fmt.Appendf(s.buf, `{"To_Account":"nobody%06d","AddSource":"AddSource_Type_Web"}`+"\n", s.i)
		s.i++
	}
	if len(s.buf) == 0 {
		return 0, io.EOF
	}
	k := copy(p, s.buf)
	s.buf = s.buf[k:]
	return k, nil
}

func (s *recordSource) read() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.i
}
