package main

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/internal/spec"
)

// deleteSeed is importSeed with the accounts d000 to d(n-1).
func deleteSeed(n int) *emulator.Seed {
	s := importSeed()
	for i := range n {
		s.Accounts = append(s.Accounts, emulator.Account{UserID: "d" + pad3(i)})
	}
	return s
}

func pad3(i int) string { return strings.Repeat("0", 3-len(itoa(i))) + itoa(i) }

// accountIDs returns the UserIDs of e's accounts.
func accountIDs(e *emulator.Emulator) map[string]bool {
	out := map[string]bool{}
	for _, a := range e.Snapshot().Accounts {
		out[a.UserID] = true
	}
	return out
}

// TestAccountsGoneCode: the code accounts delete takes for "already
// deleted" is the document's not-found code of account_delete.
func TestAccountsGoneCode(t *testing.T) {
	t.Parallel()
	if ec, ok := spec.DeleteAccounts.Lookup(codeAccountGone); !ok || ec.Class != spec.ClassNotFound {
		t.Errorf("%d: %+v, %t", codeAccountGone, ec, ok)
	}
	if spec.DeleteAccounts.Idempotent || accountsDeleteKind().idempotent {
		t.Error("account_delete is not idempotent")
	}
}

// TestAccountsDeleteNeedsYes: without --yes nothing is read or sent and
// the exit status is 2; --dry-run needs no --yes and deletes nothing;
// the confirmation is never read from stdin, which may be the input.
func TestAccountsDeleteNeedsYes(t *testing.T) {
	t.Parallel()
	e := newE2E(t, deleteSeed(3))
	in := e.file("del.csv", "UserID\nd000\nd001\n")
	before := accountIDs(e.emu)
	for _, args := range [][]string{
		{"accounts", "delete", "--file", in},
		{"accounts", "delete", "--file", in, "--yes=false"},
		{"accounts", "delete", "--file", in, "--journal", filepath.Join(e.dir, "j")},
	} {
		c := e.cli()
		c.stdin = "y\nyes\n"
		r := c.run(t, args...)
		if r.Code != exitUsage || r.Stdout != "" || !strings.Contains(r.Stderr, "pass --yes") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
	}
	if e.emu.Stats().Calls["DeleteAccounts"] != 0 || !cmp.Equal(before, accountIDs(e.emu)) {
		t.Fatalf("accounts deleted without --yes: %v", e.emu.Stats().Calls)
	}
	if names, _ := filepath.Glob(filepath.Join(e.dir, "j*")); len(names) > 0 {
		t.Errorf("a journal was made without --yes: %v", names)
	}
	r := e.cli().run(t, "accounts", "delete", "--file", in, "--dry-run", "-o", "json")
	if r.Code != exitOK || !strings.Contains(r.Stdout, `"valid": 2`) {
		t.Errorf("--dry-run: exit %d, %s %s", r.Code, r.Stdout, r.Stderr)
	}
	if e.emu.Stats().Calls["DeleteAccounts"] != 0 || !cmp.Equal(before, accountIDs(e.emu)) {
		t.Errorf("--dry-run deleted accounts")
	}
	// With --yes, the input may come from stdin.
	c := e.cli()
	c.stdin = "UserID\nd002\n"
	if r := c.run(t, "accounts", "delete", "--file", "-", "--yes"); r.Code != exitOK || accountIDs(e.emu)["d002"] {
		t.Errorf("--file - --yes: exit %d, %s", r.Code, r.Stderr)
	}
}

// TestAccountsDeleteHelp: the help says that deleting is irreversible,
// that the service may block importing a deleted UserID again and for
// how long the document says, and what a resumed run does.
func TestAccountsDeleteHelp(t *testing.T) {
	t.Parallel()
	r := cli{}.run(t, "accounts", "delete", "--help")
	for _, want := range []string{"IRREVERSIBLE", "cannot be imported again for 3 months", "--yes", "not idempotent", "70107", "ambiguous", "100 accounts a request"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("help without %q:\n%s", want, r.Stdout)
		}
	}
}

// TestAccountsDelete: accounts are deleted through account_delete in
// requests of 100; one that does not exist fails with 70107; invalid
// records are refused by line; --failures is in the accounts format; a
// UserID given twice in one request is deleted once and both records
// count as deleted.
func TestAccountsDelete(t *testing.T) {
	t.Parallel()
	e := newE2E(t, deleteSeed(250))
	var b strings.Builder
	b.WriteString("UserID,Nick\n")
	for i := range 250 {
		b.WriteString("d" + pad3(i) + ",N\n")
	}
	b.WriteString("nobody,Nobody\n")               // line 252: 70107
	b.WriteString(strings.Repeat("x", 33) + ",\n") // line 253: invalid
	b.WriteString(",\n")                           // line 254: invalid
	in := e.file("del.csv", b.String())
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "accounts", "delete", "--file", in, "--yes", "--failures", failures, "--concurrency", "1", "-o", "json")
	sum := decodeReport(t, r)
	if r.Code != exitUsage || sum.Records != 253 || sum.Imported != 250 || sum.Failed != 1 || sum.Invalid != 2 || sum.FailedByCode["70107"] != 1 || sum.Ambiguous != 0 {
		t.Fatalf("exit %d: %+v\n%s", r.Code, sum, r.Stderr)
	}
	if n := e.emu.Stats().Calls["DeleteAccounts"]; n != 3 {
		t.Errorf("%d account_delete calls, want 3 (100 a request)", n)
	}
	left := accountIDs(e.emu)
	for i := range 250 {
		if left["d"+pad3(i)] {
			t.Fatalf("d%s is still there", pad3(i))
		}
	}
	if !left["frank"] {
		t.Error("frank was deleted")
	}
	want := "UserID,Nick,FaceUrl,Line,ResultCode,Error,Input\n" +
		"nobody,Nobody,,252,70107," + csvQuote(sum.FailedRecords[0].Error) + ",\n" +
		strings.Repeat("x", 33) + ",,,253,0," + csvQuote(sum.InvalidRecords[0].Error) + ",\n" +
		",,,254,0,no UserID,\n"
	if got := e.read(failures); got != want {
		t.Errorf("failures:\n%s\nwant:\n%s", got, want)
	}

	// The same UserID twice in one request: deleted once, both done.
	twice := e.file("twice.jsonl", `{"UserID":"frank"}`+"\n"+`{"UserID":"frank","Nick":"F"}`+"\n")
	r = e.cli().run(t, "accounts", "delete", "--file", twice, "--yes", "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitOK || sum.Imported != 2 || accountIDs(e.emu)["frank"] {
		t.Errorf("twice: exit %d, %+v", r.Code, sum)
	}
}

// lostDelete is a transport that delivers the account_delete requests,
// then loses the answers of the first lose of them.
type lostDelete struct {
	inner http.RoundTripper
	lose  atomic.Int64
}

func (l *lostDelete) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.inner.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "account_delete") && l.lose.Add(-1) >= 0 {
		resp.Body.Close()
		return nil, errors.New("connection reset after the request was sent")
	}
	return resp, err
}

// TestAccountsDeleteAmbiguous: account_delete is not idempotent. A
// request whose answer is lost is not sent again by the client: its
// records fail with code 0. Resumed with the journal, they are sent
// again, get 70107, and count as deleted and ambiguous, not as failures.
// A record that was not in doubt and gets 70107 is a failure. A third run
// sends nothing and reports the same.
func TestAccountsDeleteAmbiguous(t *testing.T) {
	t.Parallel()
	e := newE2E(t, deleteSeed(2))
	in := e.file("del.csv", "UserID\nd000\nd001\nnobody\n")
	journal := filepath.Join(e.dir, "del.journal")
	failures := filepath.Join(e.dir, "failed.csv")
	args := []string{"accounts", "delete", "--file", in, "--yes", "--journal", journal, "--failures", failures, "--concurrency", "1", "-o", "json"}

	ld := &lostDelete{inner: emulatortest.ValidatingTransport(t, nil)}
	ld.lose.Store(1)
	c := e.cli()
	c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: ld}))
	r := c.run(t, args...)
	first := decodeReport(t, r)
	if r.Code != exitFailure || first.Imported != 0 || first.Failed != 3 || first.FailedByCode["error"] != 3 {
		t.Fatalf("first run: exit %d, %+v", r.Code, first)
	}
	if n := e.emu.Stats().Calls["DeleteAccounts"]; n != 1 {
		t.Errorf("%d account_delete calls: the client must not resend after an ambiguous failure", n)
	}
	if ids := accountIDs(e.emu); ids["d000"] || ids["d001"] {
		t.Fatal("the lost request did not delete")
	}

	r = e.cli().run(t, args...)
	second := decodeReport(t, r)
	// All three were in doubt: d000 and d001 answer 70107 (deleted by the
	// lost request): ambiguous, deleted. nobody answers 70107 too, and was
	// in doubt too: the service cannot tell it from the others.
	if r.Code != exitOK || second.Imported != 3 || second.Ambiguous != 3 || second.Failed != 0 || !strings.Contains(r.Stderr, "3 records were sent again") {
		t.Fatalf("resumed run: exit %d, %+v\n%s", r.Code, second, r.Stderr)
	}
	if got := e.read(failures); got != "UserID,Nick,FaceUrl,Line,ResultCode,Error,Input\n" {
		t.Errorf("failures: %q", got)
	}
	before := e.emu.Stats().Calls["DeleteAccounts"]
	r = e.cli().run(t, args...)
	third := decodeReport(t, r)
	if e.emu.Stats().Calls["DeleteAccounts"] != before || !cmp.Equal(comparableReport(second), comparableReport(third)) {
		t.Errorf("third run sent %d; %+v", e.emu.Stats().Calls["DeleteAccounts"]-before, third)
	}

	// Without the journal, a record that gets 70107 is a failure.
	in2 := e.file("del2.csv", "UserID\nd000\n")
	r = e.cli().run(t, "accounts", "delete", "--file", in2, "--yes", "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitFailure || sum.Failed != 1 || sum.FailedByCode["70107"] != 1 || sum.Ambiguous != 0 {
		t.Errorf("again without a journal: exit %d, %+v", r.Code, sum)
	}
}

// TestAccountsDeleteGoldens: the summaries of accounts delete.
func TestAccountsDeleteGoldens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, deleteSeed(2))
	in := e.file("del.csv", "UserID,Nick,FaceUrl\nd000,,\nghost,,\n"+strings.Repeat("y", 33)+",,\n")
	c := e.cli()
	runGoldenCases(t, e, []goldenCase{
		{"accounts-delete-no-yes", c, []string{"accounts", "delete", "--file", in}, exitUsage},
		{"accounts-delete-dry-run", c, []string{"accounts", "delete", "--file", in, "--dry-run"}, exitUsage},
		{"accounts-delete", c, []string{"accounts", "delete", "--file", in, "--yes", "--concurrency", "1"}, exitUsage},
		{"accounts-delete-table", c, []string{"accounts", "delete", "--file", in, "--yes", "--concurrency", "1", "-o", "table"}, exitUsage},
	})
}
