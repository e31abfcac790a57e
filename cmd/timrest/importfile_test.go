package main

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

func TestDetectFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flag, path, content, want string
	}{
		{"", "a.csv", `{"x":1}`, formatCSV}, // the extension wins over the content
		{"", "a.CSV", "", formatCSV},
		{"", "a.jsonl", "From_Account", formatJSONL},
		{"", "a.ndjson", "", formatJSONL},
		{"", "a.json", "", formatJSONL},
		{"", "-", "  \n\t{\"To_Account\":1}", formatJSONL},
		{"", "-", "\ufeff{}", formatJSONL},
		{"", "-", "From_Account,To_Account", formatCSV},
		{"", "data.txt", "", formatCSV},
		{formatJSONL, "a.csv", "", formatJSONL}, // --format wins
		{formatCSV, "-", "{}", formatCSV},
	} {
		got := detectFormat(tc.flag, tc.path, bufio.NewReader(strings.NewReader(tc.content)))
		if got != tc.want {
			t.Errorf("detectFormat(%q, %q, %q) = %s, want %s", tc.flag, tc.path, tc.content, got, tc.want)
		}
	}
}

// readAll reads every record of r: the records, and the record errors
// as "line N: msg".
func readAll(t *testing.T, rr recordReader) (recs []*record, errs []string) {
	t.Helper()
	for {
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			return recs, errs
		}
		if re, ok := errors.AsType[*recordError](err); ok {
			errs = append(errs, re.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

func TestCSVReader(t *testing.T) {
	t.Parallel()
	in := "\ufeff To_Account ,ADDSOURCE,From_Account,Remark,GroupName,AddWording,AddTime,Line,Error\n" +
		"bob,AddSource_Type_Web,alice,\"two\nlines\",a;b,,42,7,old error\n" +
		"\n" + // blank lines are skipped
		"carol,AddSource_Type_Web,,,,,,,\n" +
		"dave,AddSource_Type_Web,zed,,,,,,\n"
	remark, n := "two\nlines", int64(42)
	// With --multiline, the quoted Remark spans lines 2 and 3.
	rr, err := newRecordReader(formatCSV, strings.NewReader(in), readOptions{from: "alice", multiline: true})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, rr)
	want := []*record{
		{line: 2, from: "alice", item: api.AddFriendItem{ToAccount: "bob", AddSource: "AddSource_Type_Web", Remark: &remark, GroupName: []string{"a", "b"}, AddTime: &n}},
		{line: 5, from: "alice", item: api.AddFriendItem{ToAccount: "carol", AddSource: "AddSource_Type_Web"}},
	}
	if diff := cmp.Diff(want, recs, cmp.AllowUnexported(record{})); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`line 6: From_Account "zed" differs from --from`}, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if lines, skipped := rr.lineCounts(); lines != 6 || skipped != 2 {
		t.Errorf("lineCounts() = %d, %d; want 6 lines, 2 without a record", lines, skipped)
	}

	// Without it, line 2 is refused and line 3 is read as a record of
	// its own (with too few fields): nothing is swallowed.
	rr, err = newRecordReader(formatCSV, strings.NewReader(in), readOptions{from: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs = readAll(t, rr)
	if diff := cmp.Diff(want[1:], recs, cmp.AllowUnexported(record{})); diff != "" {
		t.Errorf("records without --multiline (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		`line 2: Remark (field 4) opens a quote that is not closed on this line: a field cannot span lines (a stray "? quote the field and double the quote; pass --multiline if fields hold line breaks)`,
		`line 3: not valid CSV: To_Account (field 1): a double quote inside a field that is not quoted (quote the field and double the quote: "a ""b"" c")`,
		`line 6: From_Account "zed" differs from --from`,
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors without --multiline (-want +got):\n%s", diff)
	}
}

func TestJSONLReader(t *testing.T) {
	t.Parallel()
	in := "\ufeff{\"To_Account\":\"bob\",\"AddSource\":\"AddSource_Type_Web\",\"CustomItem\":[{\"Tag\":\"Tag_SNS_Custom_Rank\",\"Value\":1}],\"Line\":3,\"ResultCode\":30003,\"Error\":\"x\"}\r\n" +
		"   \n" +
		"[1]\n" +
		"{\"From_Account\":\"alice\",\"To_Account\":\"carol\",\"AddSource\":\"AddSource_Type_Web\"}" // no final newline
	rr, err := newRecordReader(formatJSONL, strings.NewReader(in), readOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, rr)
	want := []*record{
		{line: 4, from: "alice", item: api.AddFriendItem{ToAccount: "carol", AddSource: "AddSource_Type_Web"}},
	}
	if diff := cmp.Diff(want, recs, cmp.AllowUnexported(record{})); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		"line 1: no From_Account (add it, or pass --from)",
		"line 3: a JSON array; want an AddFriendItem object with From_Account",
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if lines, skipped := rr.lineCounts(); lines != 4 || skipped != 1 {
		t.Errorf("lineCounts() = %d, %d; want 4 lines, 1 without a record", lines, skipped)
	}
	// With --from, the first line is a record with its custom tag.
	rr, _ = newRecordReader(formatJSONL, strings.NewReader(in), readOptions{from: "alice"})
	recs, _ = readAll(t, rr)
	if len(recs) != 2 || len(recs[0].item.CustomItem) != 1 || !recs[0].item.CustomItem[0].Value.Equal(tag.Int(1)) {
		t.Errorf("records with --from: %+v", recs)
	}
}

func TestCountRecords(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100<<10) // a line longer than the read buffer
	for _, tc := range []struct {
		format, in string
		want       int64
	}{
		{formatCSV, "", 0},
		{formatCSV, "a,b\n", 0},
		{formatCSV, "a,b\n1,2\n\n3,4\n5,6", 3},
		{formatJSONL, "", 0},
		{formatJSONL, "{}\n\n{}\n  \n{}", 3},
		{formatJSONL, "{\"" + long + "\"}\n{}\n", 2},
	} {
		if got := countRecords(tc.format, strings.NewReader(tc.in)); got != tc.want {
			t.Errorf("countRecords(%s, %.20q) = %d, want %d", tc.format, tc.in, got, tc.want)
		}
	}
}

func TestOrderedTags(t *testing.T) {
	t.Parallel()
	tags := orderedTags{
		{Tag: "Tag_SNS_IM_Remark", Value: tag.String("<b>")},
		{Tag: "Tag_SNS_IM_Group", Value: tag.Strings("a", "b")},
		{Tag: "Tag_SNS_IM_AddTime", Value: tag.Int(1700000000)},
		{Tag: "Tag_SNS_IM_Remark", Value: tag.String("second")},
	}
	b, err := tags.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"Tag_SNS_IM_Remark":"\u003cb\u003e","Tag_SNS_IM_Group":["a","b"],"Tag_SNS_IM_AddTime":1700000000}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestShortTag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Tag_SNS_IM_Remark":        "Remark",
		"Tag_Profile_IM_Nick":      "Nick",
		"Tag_SNS_Custom_Rank":      "SNS_Custom_Rank",
		"Tag_Profile_Custom_Hobby": "Profile_Custom_Hobby",
		"Other":                    "Other",
	} {
		if got := shortTag(in); got != want {
			t.Errorf("shortTag(%q) = %q, want %q", in, got, want)
		}
	}
}
