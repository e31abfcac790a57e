package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	api "github.com/timrest/timrest/gen"
)

// This file has the end-to-end tests of "friends import" against input
// and command lines that have lost or leaked data before: stray quotes,
// an output file that is the input, invalid UTF-8, duplicates far apart,
// floods of invalid records.

// decodeReport decodes the JSON summary of an import.
func decodeReport(t *testing.T, r result) importReport {
	t.Helper()
	var sum importReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatalf("%v: %q (stderr %q)", err, r.Stdout, r.Stderr)
	}
	return sum
}

// checkAccounted checks that the summary accounts for every line and
// record of an input read to the end without --multiline.
func checkAccounted(t *testing.T, sum importReport, lines int) {
	t.Helper()
	if sum.Lines != lines || !sum.InputRead || sum.Records != sum.Lines-sum.SkippedLines ||
		sum.Records != sum.Imported+sum.Invalid+sum.Failed+sum.NotSent {
		t.Errorf("lines %d (want %d), skipped %d, records %d = imported %d + invalid %d + failed %d + not sent %d?",
			sum.Lines, lines, sum.SkippedLines, sum.Records, sum.Imported, sum.Invalid, sum.Failed, sum.NotSent)
	}
	if sum.Complete != (sum.Imported == sum.Records) {
		t.Errorf("complete %t with %d of %d records imported", sum.Complete, sum.Imported, sum.Records)
	}
}

// TestImportStrayQuote: a quote opened in a cell and closed 50 lines
// later swallowed those lines into one field, and the run said complete.
// Now the two lines with the quotes are refused by number, every other
// line is imported, and the run is not complete.
func TestImportStrayQuote(t *testing.T) {
	t.Parallel()
	var ids []string
	for i := range 56 {
		ids = append(ids, fmt.Sprintf("x%02d", i))
	}
	e := newE2E(t, importSeed(ids...))
	var b strings.Builder
	b.WriteString("From_Account,To_Account,AddSource,AddWording\n")
	for i := range 56 {
		wording := "hi"
		switch i {
		case 2:
			wording = `"Hey, see you`
		case 52:
			wording = `see you later"`
		}
		fmt.Fprintf(&b, "frank,x%02d,AddSource_Type_Web,%s\n", i, wording)
	}
	in := e.file("in.csv", b.String())
	failures := filepath.Join(e.dir, "failures.csv")
	r := e.cli().run(t, "friends", "import", "--file", in, "--failures", failures, "-o", "json")
	if r.Code != exitUsage {
		t.Errorf("exit %d, want %d", r.Code, exitUsage)
	}
	sum := decodeReport(t, r)
	checkAccounted(t, sum, 57)
	if sum.Imported != 54 || sum.Invalid != 2 || sum.Complete || len(sum.InvalidRecords) != 2 || sum.InvalidRecords[0].Line != 4 || sum.InvalidRecords[1].Line != 54 {
		t.Errorf("summary %+v", sum)
	}
	if n := len(e.emu.Friends("frank")); n != 54 {
		t.Errorf("frank has %d friends, want 54", n)
	}
	got := e.read(failures)
	want := "From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime,Line,ResultCode,Error,Input\n" +
		`,,,,,,,4,0,"AddWording (field 4) opens a quote that is not closed on this line: a field cannot span lines (a stray ""? quote the field and double the quote; pass --multiline if fields hold line breaks)","frank,x02,AddSource_Type_Web,""Hey, see you"` + "\n" +
		`,,,,,,,54,0,"not valid CSV: AddWording (field 4): a double quote inside a field that is not quoted (quote the field and double the quote: ""a """"b"""" c"")","frank,x52,AddSource_Type_Web,see you later"""` + "\n"
	if got != want {
		t.Errorf("failures file:\n%s\nwant:\n%s", got, want)
	}
}

// TestImportOutputIsInput: an output file that is the input, by any
// name or through stdin, is refused before anything is written.
func TestImportOutputIsInput(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("big.csv", goodCSV)
	link := filepath.Join(e.dir, "other-name.csv")
	if err := os.Link(in, link); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(e.dir, "j.journal")
	for _, tc := range []struct {
		name  string
		stdin bool // the input is stdin, redirected from in
		args  []string
		want  string
	}{
		{"failures on stdin", true, []string{"--file", "-", "--failures", in}, "--failures names the input file"},
		{"failures by another name", false, []string{"--file", in, "--failures", link}, "--failures names the input file"},
		{"journal is input", false, []string{"--file", in, "--journal", link}, "--journal names the input file"},
		{"journal on stdin", true, []string{"--file", "-", "--journal", in}, "--journal names the input file"},
		{"failures is journal", false, []string{"--file", in, "--failures", journal, "--journal", journal}, "--failures and --journal name the same file"},
		{"failures on stdout", false, []string{"--file", in, "--failures", "-"}, "--failures -: stdout carries the summary"},
		{"journal with dry run", false, []string{"--file", in, "--journal", journal, "--dry-run"}, "--journal with --dry-run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			a := &app{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return e.env()[k] }, now: time.Now, clientOpts: e.cli().clientOpts}
			a.stdin = strings.NewReader("")
			if tc.stdin {
				f, err := os.Open(in)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				a.stdin = f
			}
			code := a.execute(context.Background(), append([]string{"friends", "import"}, tc.args...))
			if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), exitUsage, tc.want)
			}
		})
	}
	if e.read(in) != goodCSV {
		t.Errorf("the input was changed")
	}
	if n := e.emu.Stats().Calls["ImportFriends"]; n != 0 {
		t.Errorf("%d imports sent", n)
	}
	// stdout redirected to the input (a ">>" in the shell) is refused too.
	f, err := os.OpenFile(in, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: f, stderr: &stderr, getenv: func(k string) string { return e.env()[k] }, now: time.Now, clientOpts: e.cli().clientOpts}
	if code := a.execute(context.Background(), []string{"friends", "import", "--file", in}); code != exitUsage || !strings.Contains(stderr.String(), "stdout is the input file") {
		t.Errorf("stdout appending to the input: exit %d, stderr %q", code, stderr.String())
	}
	if e.read(in) != goodCSV {
		t.Errorf("the input was changed")
	}
}

// TestImportInvalidUTF8: bytes that are not UTF-8 are refused with the
// line and the field, not rewritten to U+FFFD and imported.
func TestImportInvalidUTF8(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	csvIn := e.file("in.csv", "From_Account,To_Account,AddSource,Remark\nfrank,grace,AddSource_Type_Web,\xff\xfe\nfrank,heid\xffi,AddSource_Type_Web,\nfrank,alice,AddSource_Type_Web,ok\n")
	jsonIn := e.file("in.jsonl", `{"From_Account":"grace","To_Account":"alice","AddSource":"AddSource_Type_Web","Remark":"\ud800"}`+"\n"+`{"From_Account":"grace","To_Account":"bob","AddSource":"AddSource_Type_Web"}`+"\n")
	r := e.cli().run(t, "friends", "import", "--file", csvIn, "-o", "json")
	sum := decodeReport(t, r)
	checkAccounted(t, sum, 4)
	if r.Code != exitUsage || sum.Imported != 1 || sum.Invalid != 2 || sum.InvalidRecords[0].Error != "Remark: not valid UTF-8 (save the file as UTF-8)" || sum.InvalidRecords[1].Error != "To_Account: not valid UTF-8 (save the file as UTF-8)" {
		t.Errorf("CSV: exit %d, summary %+v", r.Code, sum)
	}
	r = e.cli().run(t, "friends", "import", "--file", jsonIn, "-o", "json")
	sum = decodeReport(t, r)
	if r.Code != exitUsage || sum.Imported != 1 || sum.Invalid != 1 || !strings.HasPrefix(sum.InvalidRecords[0].Error, "Remark: not valid UTF-8") {
		t.Errorf("JSON Lines: exit %d, summary %+v", r.Code, sum)
	}
	for _, f := range append(e.emu.Friends("frank"), e.emu.Friends("grace")...) {
		if f.ToAccount != "alice" && f.ToAccount != "bob" || strings.ContainsRune(f.Remark, '\uFFFD') {
			t.Errorf("imported %+v", f)
		}
	}
}

// TestImportManyInvalid: a flood of invalid records is counted, the
// summary lists the first 20 by line, and --failures gets them all.
func TestImportManyInvalid(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	n := 50000
	if testing.Short() {
		n = 5000
	}
	var b strings.Builder
	b.WriteString("From_Account,To_Account,AddSource\n")
	for i := range n {
		fmt.Fprintf(&b, "frank,u%d,NotAnAddSource\n", i)
	}
	in := e.file("in.csv", b.String())
	failures := filepath.Join(e.dir, "failures.csv")
	r := cli{now: t0}.run(t, "friends", "import", "--file", in, "--dry-run", "--failures", failures, "-o", "json")
	var sum checkReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if r.Code != exitUsage || sum.Records != n || sum.Invalid != n || len(sum.InvalidRecords) != maxShown || sum.InvalidRecordsOmitted != n-maxShown || sum.InvalidRecords[maxShown-1].Line != maxShown+1 {
		t.Errorf("exit %d; records %d, invalid %d, %d listed, %d omitted", r.Code, sum.Records, sum.Invalid, len(sum.InvalidRecords), sum.InvalidRecordsOmitted)
	}
	if len(r.Stdout) > 8<<10 {
		t.Errorf("the summary is %d bytes", len(r.Stdout))
	}
	if got := strings.Count(e.read(failures), "\n"); got != n+1 {
		t.Errorf("the failures file has %d lines, want %d", got, n+1)
	}
	r = e.cli().run(t, "friends", "import", "--file", in, "-o", "table")
	if r.Code != exitUsage || !strings.Contains(r.Stdout, fmt.Sprintf("... and %d more invalid records\n", n-maxShown)) || strings.Count(r.Stdout, ": invalid: ") != maxShown {
		t.Errorf("table: exit %d\n%s", r.Code, r.Stdout)
	}
}

// TestImportFlagBounds: flags that would exhaust memory or make no sense.
func TestImportFlagBounds(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", goodCSV)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--buffer", "1000001"}, "invalid --buffer: want 1 to 1000000"},
		{[]string{"--concurrency", "100000"}, "invalid --concurrency: want auto or 1 to 256"},
		{[]string{"--concurrency", "many"}, "invalid --concurrency: want auto or 1 to 256"},
		{[]string{"--concurrency", "-1"}, "invalid --concurrency: want auto or 1 to 256"},
		{[]string{"--max-line-bytes", "10"}, "invalid --max-line-bytes"},
		{[]string{"--max-line-bytes", "1000000000"}, "invalid --max-line-bytes"},
		{[]string{"--journal", "-"}, "--journal -: the journal must be a file"},
	} {
		r := e.cli().run(t, append([]string{"friends", "import", "--file", in}, tc.args...)...)
		if r.Code != exitUsage || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, r.Code, r.Stderr)
		}
	}
	// A journal needs a file it can match: not a pipe.
	c := e.cli()
	c.stdin = goodCSV
	if r := c.run(t, "friends", "import", "--file", "-", "--journal", filepath.Join(e.dir, "j")); r.Code != exitUsage || !strings.Contains(r.Stderr, "--journal needs --file to be a regular file") {
		t.Errorf("journal on a pipe: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

func TestSafeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":                 "plain",
		"Grüße, 你好 😀":           "Grüße, 你好 😀",
		"\x1b[2J\rEVIL":         `\x1b[2J\rEVIL`,
		"a\tb\nc\x7f":           `a\tb\nc\x7f`,
		"\u202eevil\u200b":      `\u202eevil\u200b`,
		"\xff\xfe":              `\xff\xfe`,
		"\u0085next\u2028":      `\u0085next\u2028`,
		`back\slash \x1b stays`: `back\slash \x1b stays`,
	} {
		if got := safeText(in); got != want {
			t.Errorf("safeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTableEscapes: any user can set a remark or a list name; an
// operator's table output must not carry terminal escapes.
func TestTableEscapes(t *testing.T) {
	t.Parallel()
	seed := importSeed()
	evil := "\x1b[2J\x1b]0;pwned\x07\rEVIL\u202e"
	seed.Friends = map[string][]api.AddFriendItem{"frank": {{ToAccount: "grace", AddSource: "AddSource_Type_Web", Remark: &evil, GroupName: []string{"list\x1b[31m"}}}}
	e := newE2E(t, seed)
	c := e.cli()
	for _, args := range [][]string{
		{"friends", "get", "--from", "frank", "--to", "grace", "--tag", "Tag_SNS_IM_Remark", "--tag", "Tag_SNS_IM_Group", "-o", "table"},
		{"friends", "lists", "--from", "frank", "--with-friends", "-o", "table"},
	} {
		r := c.run(t, args...)
		if r.Code != exitOK {
			t.Fatalf("%v: exit %d, stderr %q", args, r.Code, r.Stderr)
		}
		if strings.ContainsAny(r.Stdout, "\x1b\r\x07\u202e") || !strings.Contains(r.Stdout, `\x1b`) {
			t.Errorf("%v: table output %q", args, r.Stdout)
		}
	}
	// JSON output keeps the data exactly.
	r := c.run(t, "friends", "get", "--from", "frank", "--to", "grace", "--tag", "Tag_SNS_IM_Remark", "-o", "json")
	if !strings.Contains(r.Stdout, `\u001b[2J\u001b]0;pwned\u0007\rEVIL`) {
		t.Errorf("json output %q", r.Stdout)
	}
}
