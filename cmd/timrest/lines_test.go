package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCSV(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		want   []string
		open   bool
		errAt  int // field of the error, -1 for none
		errMsg string
	}{
		{in: "a,b,c", want: []string{"a", "b", "c"}, errAt: -1},
		{in: "a,,", want: []string{"a", "", ""}, errAt: -1},
		{in: `"a ""b""",c`, want: []string{`a "b"`, "c"}, errAt: -1},
		{in: `"",""`, want: []string{"", ""}, errAt: -1},
		{in: `a,"b,c`, want: []string{"a"}, open: true, errAt: -1},
		{in: "a,\"b\nc\",d", want: []string{"a", "b\nc", "d"}, errAt: -1},
		{in: `a,b"c`, want: []string{"a"}, errAt: 1, errMsg: "double quote inside"},
		{in: `a,"b"c`, want: []string{"a", "b"}, errAt: 1, errMsg: "followed by other text"},
		{in: ` "a"`, want: nil, errAt: 0, errMsg: "double quote inside"},
	} {
		got, open, err := parseCSV([]byte(tc.in), nil)
		if len(got) == 0 {
			got = nil
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || open != tc.open {
			t.Errorf("parseCSV(%q): open %t, fields (-want +got):\n%s", tc.in, open, diff)
		}
		var se *csvSyntaxError
		switch {
		case tc.errAt < 0 && err != nil:
			t.Errorf("parseCSV(%q): %v", tc.in, err)
		case tc.errAt >= 0 && (!errors.As(err, &se) || se.field != tc.errAt || !strings.Contains(se.msg, tc.errMsg)):
			t.Errorf("parseCSV(%q): error %v, want one at field %d with %q", tc.in, err, tc.errAt+1, tc.errMsg)
		}
	}
}

// FuzzParseCSV checks parseCSV against encoding/csv on one line: both
// take it or both refuse it, with the same fields. A quote left open at
// the end of the line is refused by both (encoding/csv at the end of the
// input; parseCSV reports it open).
func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{"a,b", `"a""b",c`, `a,"b`, `a"b`, `"a"b`, ",,", `"",x`, "é,\"ü\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\r\n") || blank([]byte(line)) || len(line) > 1<<12 {
			return
		}
		got, open, err := parseCSV([]byte(line), nil)
		cr := csv.NewReader(strings.NewReader(line))
		cr.FieldsPerRecord = -1
		want, werr := cr.Read()
		if open {
			if werr == nil {
				t.Fatalf("parseCSV(%q) is open; encoding/csv read %q", line, want)
			}
			return
		}
		if (err != nil) != (werr != nil) {
			t.Fatalf("parseCSV(%q): %v; encoding/csv: %v", line, err, werr)
		}
		if err == nil && !slicesEqual(got, want) {
			t.Fatalf("parseCSV(%q) = %q; encoding/csv: %q", line, got, want)
		}
	})
}

func slicesEqual(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

// TestLineReader: lines end with \n or \r\n or the end of the input, are
// numbered, and a line over the limit is skipped without being held.
func TestLineReader(t *testing.T) {
	t.Parallel()
	const max = 1 << 10
	huge := strings.Repeat("x", 3<<20) // far over the limit, and the buffer
	in := "\ufeffone\r\ntwo\n\n" + huge + "\nthree\r\n" + strings.Repeat("y", max) + "\nlast"
	r := newLineReader(strings.NewReader(in), max)
	type got struct {
		Num     int
		Text    string
		TooLong bool
	}
	var lines []got
	for {
		l, err := r.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, got{l.num, string(l.text), l.tooLong})
		if cap(r.buf) > 2*max {
			t.Fatalf("line %d: the reader holds %d bytes, over twice the limit", l.num, cap(r.buf))
		}
	}
	want := []got{{1, "one", false}, {2, "two", false}, {3, "", false}, {4, "", true}, {5, "three", false}, {6, strings.Repeat("y", max), false}, {7, "last", false}}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if r.lines != 7 {
		t.Errorf("%d lines counted, want 7", r.lines)
	}
}

func TestCheckEncoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"\xff\xfeF\x00r\x00": "UTF-16",
		"\xfe\xff\x00F":      "UTF-16",
		"\xff\xfe\x00\x00F":  "UTF-32",
		"\ufeffFrom_Account": "",
		"From_Account":       "",
	} {
		_, err := newRecordReader(formatCSV, strings.NewReader(in), readOptions{})
		switch {
		case want == "" && err != nil && strings.Contains(err.Error(), "UTF-"):
			t.Errorf("%q: %v", in, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: %v, want an error naming %s", in, err, want)
		}
	}
}

// TestCSVHostile reads CSV that breaks readers: every line is accounted
// for, and nothing after a stray quote is lost.
func TestCSVHostile(t *testing.T) {
	t.Parallel()
	read := func(in string, o readOptions) ([]int, []string, int, int) {
		t.Helper()
		rr, err := newRecordReader(formatCSV, strings.NewReader(in), o)
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := readAll(t, rr)
		var lines []int
		for _, r := range recs {
			lines = append(lines, r.line)
		}
		n, skipped := rr.lineCounts()
		return lines, errs, n, skipped
	}
	const head = "From_Account,To_Account,AddSource,AddWording\n"

	// A stray quote, then records, then a line whose quote would close
	// the field encoding/csv kept open.
	in := head + "a,b,AddSource_Type_Web,\"Hey, see you\n" + "a,c,AddSource_Type_Web,\n" + "a,d,AddSource_Type_Web,\n" + "a,e,AddSource_Type_Web,bye\"\n" + "a,f,AddSource_Type_Web,ok\n"
	lines, errs, n, skipped := read(in, readOptions{})
	if diff := cmp.Diff([]int{3, 4, 6}, lines); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if len(errs) != 2 || !strings.HasPrefix(errs[0], "line 2: AddWording (field 4) opens a quote") || !strings.HasPrefix(errs[1], "line 5: not valid CSV: AddWording (field 4): a double quote") {
		t.Errorf("errors: %q", errs)
	}
	if n != 6 || skipped != 1 || n != skipped+len(lines)+len(errs) {
		t.Errorf("%d lines, %d skipped, %d records, %d refused: not every line is accounted for", n, skipped, len(lines), len(errs))
	}

	// --multiline: a field that closes on a later line is one record; one
	// that never closes (within the limit, or before the end) is refused,
	// and the lines after it are read again as records.
	lines, errs, n, _ = read(head+"a,b,AddSource_Type_Web,\"two\nlines\"\na,c,AddSource_Type_Web,\"never closed\na,d,AddSource_Type_Web,\na,e,AddSource_Type_Web,x\n", readOptions{multiline: true})
	if diff := cmp.Diff([]int{2, 5, 6}, lines); diff != "" || len(errs) != 1 || !strings.HasPrefix(errs[0], "line 4: AddWording (field 4) opens a quote that is not closed within") || n != 6 {
		t.Errorf("--multiline: records %v (diff %s), errors %q, %d lines", lines, diff, errs, n)
	}
	long := head + "a,b,AddSource_Type_Web,\"" + strings.Repeat("many words\n", 200) + "a,c,AddSource_Type_Web,\n"
	lines, errs, _, _ = read(long, readOptions{multiline: true, maxLine: minMaxLineBytes})
	if len(errs) != 1+199 || !slicesEqualInts(lines, []int{202}) {
		t.Errorf("--multiline with an unclosed quote over the limit: records %v, %d errors", lines, len(errs))
	}

	// Invalid UTF-8 in any field is refused, naming the field.
	_, errs, _, _ = read(head+"a,b,AddSource_Type_Web,\xff\xfe\na,b\xc3,AddSource_Type_Web,\n", readOptions{})
	if diff := cmp.Diff([]string{"line 2: AddWording: not valid UTF-8 (save the file as UTF-8)", "line 3: To_Account: not valid UTF-8 (save the file as UTF-8)"}, errs); diff != "" {
		t.Errorf("invalid UTF-8 (-want +got):\n%s", diff)
	}

	// Windows PowerShell's Export-Csv: a #TYPE line, a BOM, every field quoted.
	ps := "\ufeff#TYPE System.Management.Automation.PSCustomObject\r\n\"From_Account\",\"To_Account\",\"AddSource\",\"AddWording\"\r\n\"a\",\"b\",\"AddSource_Type_Web\",\"\"\r\n"
	lines, errs, n, skipped = read(ps, readOptions{})
	if !slicesEqualInts(lines, []int{3}) || len(errs) != 0 || n != 3 || skipped != 2 {
		t.Errorf("PowerShell CSV: records %v, errors %q, %d lines, %d skipped", lines, errs, n, skipped)
	}
	// A quoted header after a BOM alone (PowerShell 7).
	lines, errs, _, _ = read("\ufeff\"From_Account\",\"To_Account\",\"AddSource\"\n\"a\",\"b\",\"AddSource_Type_Web\"\n", readOptions{})
	if !slicesEqualInts(lines, []int{2}) || len(errs) != 0 {
		t.Errorf("BOM and a quoted header: records %v, errors %q", lines, errs)
	}

	// List names are trimmed: "work; family" is two lists.
	rr, err := newRecordReader(formatCSV, strings.NewReader("From_Account,To_Account,AddSource,GroupName\na,b,AddSource_Type_Web,work; family \n"), readOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if recs, _ := readAll(t, rr); len(recs) != 1 || !slicesEqual(recs[0].item.GroupName, []string{"work", "family"}) {
		t.Errorf("GroupName: %+v", recs)
	}

	// Times: negative, absurd and milliseconds are refused.
	_, errs, _, _ = read("From_Account,To_Account,AddSource,AddTime\na,b,AddSource_Type_Web,-1\na,c,AddSource_Type_Web,1700000000000\na,d,AddSource_Type_Web,99999999999999\na,e,AddSource_Type_Web,4294967295\n", readOptions{})
	want := []string{
		"line 2: AddTime: -1 is negative; want Unix seconds",
		"line 3: AddTime: 1700000000000 is after the year 2106: milliseconds? want Unix seconds",
		"line 4: AddTime: 99999999999999 is after the year 2106; want Unix seconds",
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("times (-want +got):\n%s", diff)
	}
}

func slicesEqualInts(a, b []int) bool { return cmp.Equal(a, b) }

// TestJSONLHostile: JSON Lines is read strictly, each refusal naming the
// line and the field.
func TestJSONLHostile(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web","Remark":"\ud800"}`,
		"{\"From_Account\":\"a\",\"To_Account\":\"b\",\"AddSource\":\"AddSource_Type_Web\",\"Remark\":\"x\xff\xfe\"}",
		"{\"From_Account\":\"a\",\"To_Account\":\"b\xc3\",\"AddSource\":\"AddSource_Type_Web\"}",
		`{"From_Account":"a","To_Account":"b","To_Account":"c","AddSource":"AddSource_Type_Web"}`,
		`{"from_account":"a","To_Account":"b","AddSource":"AddSource_Type_Web"}`,
		`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web","CustomItem":[{"tag":"Tag_SNS_Custom_X","Value":1}]}`,
		`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web","AddTime":-5}`,
		`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web","RemarkTime":1700000000000}`,
		`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":["x",3]}`,
		`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web"} {}`,
		`{"From_Account":"a","To_Account":"ok","AddSource":"AddSource_Type_Web","Remark":"\ud83d\ude00 \ufffd"}`,
	}, "\n")
	rr, err := newRecordReader(formatJSONL, strings.NewReader(in), readOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, rr)
	want := []string{
		`line 1: Remark: not valid UTF-8 (a lone UTF-16 surrogate escape such as \ud800)`,
		"line 2: Remark: not valid UTF-8",
		"line 3: To_Account: not valid UTF-8",
		"line 4: To_Account: appears twice",
		`line 5: unknown field "from_account" (names are case-sensitive: From_Account)`,
		`line 6: unknown field "tag" (names are case-sensitive: Tag)`,
		"line 7: AddTime: -5 is negative; want Unix seconds",
		"line 8: RemarkTime: 1700000000000 is after the year 2106: milliseconds? want Unix seconds",
		"line 9: GroupName[1]: want a string, got number",
		"line 10: not valid JSON: more than one JSON value on the line",
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(recs) != 1 || recs[0].line != 11 || *recs[0].item.Remark != "\U0001F600 \uFFFD" {
		t.Errorf("records: %+v", recs)
	}
}

// TestBoundedLines: a 300 MB line is refused by its number while the
// reader holds no more than the limit.
func TestBoundedLines(t *testing.T) {
	t.Parallel()
	src := io.MultiReader(strings.NewReader(`{"From_Account":"a","To_Account":"`), &repeatReader{b: 'x', n: 300 << 20}, strings.NewReader("\"}\n"+`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web"}`+"\n"))
	if testing.Short() {
		src = io.MultiReader(strings.NewReader(`{"From_Account":"a","To_Account":"`), &repeatReader{b: 'x', n: 8 << 20}, strings.NewReader("\"}\n"+`{"From_Account":"a","To_Account":"b","AddSource":"AddSource_Type_Web"}`+"\n"))
	}
	rr, err := newRecordReader(formatJSONL, src, readOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, rr)
	if len(recs) != 1 || recs[0].line != 2 || len(errs) != 1 || errs[0] != "line 1: longer than 65536 bytes, the longest line read (--max-line-bytes); not read" {
		t.Errorf("records %v, errors %q", recs, errs)
	}
	if c := cap(rr.(*jsonlReader).lines.buf); c > 2*defaultMaxLineBytes {
		t.Errorf("the reader grew to %d bytes", c)
	}
}

// repeatReader reads n bytes b.
type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	copy(p, bytes.Repeat([]byte{r.b}, k))
	r.n -= k
	return k, nil
}
