package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// readProfiles reads every record of the profiles format in in (format
// csv or jsonl): the records, the record errors as "line N: msg", and the
// lines without a record.
func readProfiles(t *testing.T, format, in string) ([]*profileRecord, []string, int) {
	t.Helper()
	rr, err := profilesSetKind().newReader(format, strings.NewReader(in), readOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var (
		recs []*profileRecord
		errs []string
	)
	for {
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			_, skipped := rr.lineCounts()
			return recs, errs, skipped
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

// profileRec is a record of the account id on line with tags (name,
// value, name, value ...): values int or string.
func profileRec(line int, id string, tags ...any) *profileRecord {
	r := &profileRecord{line: line, req: api.SetProfileRequest{FromAccount: id}}
	for i := 0; i < len(tags); i += 2 {
		var v tag.Value
		switch x := tags[i+1].(type) {
		case int:
			v = tag.Int(int64(x))
		case string:
			v = tag.String(x)
		}
		r.req.ProfileItem = append(r.req.ProfileItem, api.ProfileItem{Tag: tags[i].(string), Value: v})
	}
	return r
}

var cmpProfileRecords = []cmp.Option{cmp.AllowUnexported(profileRecord{}), cmp.Comparer(func(x, y tag.Value) bool { return x.Equal(y) && x.Kind() == y.Kind() })}

// TestProfilesSetCSV: a CSV cell is typed by its tag (the document's
// integer tags are integers, its string tags strings, a custom tag an
// integer when the cell is a canonical one); an empty cell sets nothing
// and a row without a tag to set is skipped; bad values are refused by
// line and column.
func TestProfilesSetCSV(t *testing.T) {
	t.Parallel()
	in := "UserID,tag_profile_im_nick,Tag_Profile_IM_Level,Tag_Profile_IM_Gender,Tag_Profile_Custom_Rank,Tag_Profile_Custom_Note,Tag_Profile_IM_Location\n" +
		"ann,007, 3 ,Gender_Type_Female,42,042,\n" + // line 2: Nick stays a string; Level an integer; Rank an integer, Note a string
		"ben,,,,,,\n" + // line 3: nothing to set: skipped
		"cat,Cat,abc,,,,\n" + // line 4
		"dan,Dan,,Gender_Type_Robot,,,\n" + // line 5
		"eve,,4294967296,,,,\n" + // line 6: over 32 bits
		"fay,,,,,,seventeen bytes!!\n" + // line 7: Location is at most 16 bytes
		",Nobody,,,,,\n" + // line 8
		strings.Repeat("x", 33) + ",Long,,,,,\n" + // line 9
		"gil,G\xffil,,,,,\n" + // line 10
		"hal,,-1,,,,\n" + // line 11
		"ivy,,,,+5,-5,\n" // line 12: +5 is not canonical: a string
	recs, errs, skipped := readProfiles(t, formatCSV, in)
	want := []*profileRecord{
		profileRec(2, "ann", "Tag_Profile_IM_Nick", "007", "Tag_Profile_IM_Level", 3, "Tag_Profile_IM_Gender", "Gender_Type_Female", "Tag_Profile_Custom_Rank", 42, "Tag_Profile_Custom_Note", "042"),
		profileRec(12, "ivy", "Tag_Profile_Custom_Rank", "+5", "Tag_Profile_Custom_Note", -5),
	}
	if diff := cmp.Diff(want, recs, cmpProfileRecords...); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		`line 4: Tag_Profile_IM_Level: want an integer, got "abc"`,
		`line 5: Tag_Profile_IM_Gender: is "Gender_Type_Robot", want one of Gender_Type_Unknown, Gender_Type_Female, Gender_Type_Male`,
		`line 6: Tag_Profile_IM_Level: is 4294967296, want at most 4294967295`,
		`line 7: Tag_Profile_IM_Location: is 17 bytes, want at most 16`,
		`line 8: no UserID`,
		`line 9: UserID: is 33 bytes, want at most 32`,
		`line 10: Tag_Profile_IM_Nick: not valid UTF-8 (save the file as UTF-8)`,
		`line 11: Tag_Profile_IM_Level: is -1, want at least 0`,
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if skipped != 2 { // the header and ben's empty row
		t.Errorf("%d lines without a record, want 2", skipped)
	}

	for _, bad := range []struct{ header, want string }{
		{"UserID,Nick\n", `column "Nick" of the CSV header is not a profile tag: want UserID and one column per tag`},
		{"UserID,Tag_Profile_IM_Mood\n", `column "Tag_Profile_IM_Mood" of the CSV header is not a profile tag (not a standard profile tag of the document)`},
		{"UserID,Tag_Profile_Custom_TooLongName\n", `column "Tag_Profile_Custom_TooLongName" of the CSV header is not a profile tag (a custom profile tag is Tag_Profile_Custom_ and 1 to 8 letters)`},
		{"UserID,Tag_SNS_Custom_Rank\n", `column "Tag_SNS_Custom_Rank" of the CSV header is not a profile tag`},
		{"UserID,Tag_Profile_IM_Nick,TAG_PROFILE_IM_NICK\n", "column Tag_Profile_IM_Nick appears twice"},
		{"UserID,Line,Error\n", "the CSV header has no profile tag column"},
		{"Tag_Profile_IM_Nick\n", "the CSV header has no UserID column"},
	} {
		_, err := profilesSetKind().newReader(formatCSV, strings.NewReader(bad.header+"u1,x\n"), readOptions{})
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want %q", bad.header, err, bad.want)
		}
	}
}

// TestProfilesSetJSONL: JSON Lines values keep their JSON types, checked
// against the tag's; Tags keeps its order; bad lines are refused by line
// and field, and "Tags":{} is skipped.
func TestProfilesSetJSONL(t *testing.T) {
	t.Parallel()
	in := `{"UserID":"ann","Tags":{"Tag_Profile_IM_Level":3,"Tag_Profile_IM_Nick":"","Tag_Profile_Custom_Rank":"42"}}` + "\n" + // 1
		`{"UserID":"ben","Tags":{}}` + "\n" + // 2: skipped
		`{"UserID":"cat","Tags":{"Tag_Profile_IM_Level":"3"}}` + "\n" + // 3
		`{"UserID":"dan","Tags":{"Tag_Profile_Custom_Rank":true}}` + "\n" + // 4
		`{"UserID":"eve","Tags":{"Tag_Profile_IM_Nick":null}}` + "\n" + // 5
		`{"UserID":"fay","Tags":{"Tag_Profile_IM_Nick":"a","Tag_Profile_IM_Nick":"b"}}` + "\n" + // 6
		`{"UserID":"gil"}` + "\n" + // 7
		`{"UserID":"hal","Tags":["Tag_Profile_IM_Nick"]}` + "\n" + // 8
		`{"UserID":"ivy","Tags":{"Nick":"x"}}` + "\n" + // 9
		`{"UserID":"jon","Tags":{"Tag_Profile_IM_Level":1.5}}` + "\n" + // 10
		`{"UserId":"kim","Tags":{}}` + "\n" + // 11
		`{"UserID":"lea","Tags":{"Tag_Profile_Custom_Rank":["a"]}}` + "\n" + // 12
		`{"UserID":"mia","Tags":{"Tag_Profile_IM_Mood":"x"}}` + "\n" + // 13
		`{"UserID":"max","Tags":{"Tag_Profile_IM_AllowType":"AllowType_Type_AllowAny"},"Line":3,"ResultCode":40003,"Error":"old"}` + "\n" // 14
	recs, errs, skipped := readProfiles(t, formatJSONL, in)
	want := []*profileRecord{
		profileRec(1, "ann", "Tag_Profile_IM_Level", 3, "Tag_Profile_IM_Nick", "", "Tag_Profile_Custom_Rank", "42"),
		profileRec(14, "max", "Tag_Profile_IM_AllowType", "AllowType_Type_AllowAny"),
	}
	if diff := cmp.Diff(want, recs, cmpProfileRecords...); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		`line 3: Tags.Tag_Profile_IM_Level: is string, want integer`,
		`line 4: Tags.Tag_Profile_Custom_Rank: want a string or an integer, got boolean`,
		`line 5: Tags.Tag_Profile_IM_Nick: want a string or an integer, got null`,
		`line 6: Tags.Tag_Profile_IM_Nick: appears twice`,
		`line 7: Tags: missing; ` + profilesJSONWant,
		`line 8: Tags: want an object, got array`,
		`line 9: Tags.Nick: not a profile tag: want ` + profileTagsWanted(),
		`line 10: Tags.Tag_Profile_IM_Level: want a string or an integer, got 1.5`,
		`line 11: unknown field "UserId" (names are case-sensitive: UserID)`,
		`line 12: Tags.Tag_Profile_Custom_Rank: want a string or an integer, got array`,
		`line 13: Tags.Tag_Profile_IM_Mood: not a profile tag (not a standard profile tag of the document)`,
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if skipped != 1 {
		t.Errorf("%d lines without a record, want 1", skipped)
	}
}

// profileSeed is an emulator seed of accounts with profiles: standard
// tags of both types and custom ones, an integer and a string.
func profileSeed() *emulator.Seed {
	s := importSeed()
	items := func(nick string, level int64, hobby string, rank int64) []api.TagItem {
		return []api.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String(nick)}, {Tag: "Tag_Profile_IM_Level", Value: tag.Int(level)},
			{Tag: "Tag_Profile_IM_Gender", Value: tag.String("Gender_Type_Male")}, {Tag: "Tag_Profile_Custom_Hobby", Value: tag.String(hobby)},
			{Tag: "Tag_Profile_Custom_Rank", Value: tag.Int(rank)}}
	}
	s.Accounts = append(s.Accounts,
		emulator.Account{UserID: "p1", Profile: items("Pat, \"the\" one", 7, "chess", 1)},
		emulator.Account{UserID: "p2", Profile: items("李雷", 0, "go\nand more", -3)},
		emulator.Account{UserID: "p3", Profile: []api.TagItem{{Tag: "Tag_Profile_IM_AllowType", Value: tag.String("AllowType_Type_DenyAny")}}},
		emulator.Account{UserID: "p4"}, // no profile
	)
	return s
}

// profilesOf returns the profile of every account of e, by UserID.
func profilesOf(e *emulator.Emulator) map[string][]api.TagItem {
	out := map[string][]api.TagItem{}
	for _, a := range e.Snapshot().Accounts {
		out[a.UserID] = a.Profile
	}
	return out
}

var cmpTagValues = cmp.Comparer(func(x, y tag.Value) bool { return x.Equal(y) && x.Kind() == y.Kind() })

// TestProfilesGetSetRoundTrip: what "profiles get" writes, CSV or JSON
// Lines, "profiles set" reads: exported from one emulator and set into a
// fresh one that has the accounts only, the profiles are equal, tag by
// tag, type included.
func TestProfilesGetSetRoundTrip(t *testing.T) {
	t.Parallel()
	src := newE2E(t, profileSeed())
	accounts := src.file("accounts.txt", "p1\np2\np3\np4\n")
	tags := "Tag_Profile_IM_Nick,Tag_Profile_IM_Level,Tag_Profile_IM_Gender,Tag_Profile_IM_AllowType,Tag_Profile_Custom_Hobby,Tag_Profile_Custom_Rank"
	want := profilesOf(src.emu)
	for _, format := range []string{formatCSV, formatJSONL} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(src.dir, "profiles."+format)
			if r := src.cli().run(t, "profiles", "get", "--accounts", accounts, "--tags", tags, "--file", out); r.Code != exitOK {
				t.Fatalf("profiles get: exit %d, %s", r.Code, r.Stderr)
			}
			dst := newE2E(t, &emulator.Seed{Accounts: []emulator.Account{{UserID: "p1"}, {UserID: "p2"}, {UserID: "p3"}, {UserID: "p4"}}})
			args := []string{"profiles", "set", "--file", out, "-o", "json"}
			if format == formatCSV {
				// p2's Hobby has a line break: without --multiline its
				// record is refused, with the hint, rather than torn.
				r := dst.cli().run(t, args...)
				if sum := decodeReport(t, r); r.Code != exitUsage || sum.Invalid != 2 || sum.Imported != 2 ||
					!strings.Contains(sum.InvalidRecords[0].Error, "pass --multiline if fields hold line breaks") {
					t.Fatalf("without --multiline: exit %d, %+v", r.Code, sum)
				}
				args = append(args, "--multiline")
			}
			r := dst.cli().run(t, args...)
			sum := decodeReport(t, r)
			// p4 has no tag: its line is skipped.
			if r.Code != exitOK || sum.Records != 3 || sum.Imported != 3 || !sum.Complete || sum.SkippedLines != map[string]int{formatCSV: 2, formatJSONL: 1}[format] {
				t.Fatalf("profiles set: exit %d, %+v\n%s", r.Code, sum, r.Stderr)
			}
			got := profilesOf(dst.emu)
			for _, id := range []string{"p1", "p2", "p3", "p4"} {
				if diff := cmp.Diff(want[id], got[id], cmpTagValues); diff != "" {
					t.Errorf("%s (-source +copy):\n%s", id, diff)
				}
			}
			wantCalls := 3 // one per account with tags
			if format == formatCSV {
				wantCalls += 2 // p1 and p3 by the run without --multiline
			}
			if n := dst.emu.Stats().Calls["SetProfile"]; n != wantCalls {
				t.Errorf("%d portrait_set calls, want %d", n, wantCalls)
			}
		})
	}
}

// TestProfilesSetEndToEnd: records go through portrait_set one account a
// request; an account that does not exist fails with 40003 and goes to
// --failures with the input's columns, which is an input again; the same
// UserID twice: the later value of a tag wins, and the tags of both are
// set.
func TestProfilesSetEndToEnd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("profiles.csv", "UserID,Tag_Profile_IM_Nick,Tag_Profile_IM_Level,Tag_Profile_Custom_Hobby\n"+
		"frank,Frank,3,chess\n"+
		"ghost,Ghost,1,\n"+
		"grace,Grace,,\n"+
		"frank,Franky,,\n"+ // the later Nick wins; Level and Hobby stay
		"heidi,,x,\n")
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "profiles", "set", "--file", in, "--failures", failures, "--concurrency", "4", "-o", "json")
	sum := decodeReport(t, r)
	if r.Code != exitUsage || sum.Records != 5 || sum.Imported != 3 || sum.Failed != 1 || sum.Invalid != 1 || sum.FailedByCode["40003"] != 1 || sum.Batches != 4 {
		t.Fatalf("exit %d: %+v\n%s", r.Code, sum, r.Stderr)
	}
	got := profilesOf(e.emu)
	wantFrank := []api.TagItem{{Tag: "Tag_Profile_Custom_Hobby", Value: tag.String("chess")}, {Tag: "Tag_Profile_IM_Level", Value: tag.Int(3)}, {Tag: "Tag_Profile_IM_Nick", Value: tag.String("Franky")}}
	if diff := cmp.Diff(wantFrank, got["frank"], cmpTagValues); diff != "" {
		t.Errorf("frank (-want +got):\n%s", diff)
	}
	wantFile := "UserID,Tag_Profile_IM_Nick,Tag_Profile_IM_Level,Tag_Profile_Custom_Hobby,Line,ResultCode,Error,Input\n" +
		"ghost,Ghost,1,,3,40003," + csvQuote(sum.FailedRecords[0].Error) + ",\n" +
		`heidi,,x,,6,0,"Tag_Profile_IM_Level: want an integer, got ""x""",` + "\n"
	if f := e.read(failures); f != wantFile {
		t.Errorf("failures:\n%s\nwant:\n%s", f, wantFile)
	}
	if !strings.Contains(sum.FailedRecords[0].Error, "40003") || sum.FailedRecords[0].ID[0].Value != "ghost" {
		t.Errorf("failed records: %+v", sum.FailedRecords)
	}
	// The failures file is an input: with ghost imported and heidi's
	// Level fixed, it sets both.
	if err := e.emu.AddAccounts("ghost"); err != nil {
		t.Fatal(err)
	}
	again := e.file("again.csv", strings.Replace(e.read(failures), "heidi,,x,", "heidi,,5,", 1))
	if r := e.cli().run(t, "profiles", "set", "--file", again); r.Code != exitOK {
		t.Fatalf("again: exit %d, %s", r.Code, r.Stderr)
	}
	got = profilesOf(e.emu)
	if diff := cmp.Diff([]api.TagItem{{Tag: "Tag_Profile_IM_Level", Value: tag.Int(1)}, {Tag: "Tag_Profile_IM_Nick", Value: tag.String("Ghost")}}, got["ghost"], cmpTagValues); diff != "" {
		t.Errorf("ghost (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]api.TagItem{{Tag: "Tag_Profile_IM_Level", Value: tag.Int(5)}}, got["heidi"], cmpTagValues); diff != "" {
		t.Errorf("heidi (-want +got):\n%s", diff)
	}
}

// csvQuote is s as a CSV field.
func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// TestProfilesSetSupersedes: a record that was not set is left out of
// --failures when a later record of the same account set the same tags
// (sending it again would undo the later one), and kept when the later
// one set other tags (its tags would be lost). JSON Lines too.
func TestProfilesSetSupersedes(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	for _, tc := range []struct{ name, in, want string }{
		{"in.csv", "UserID,Tag_Profile_IM_Level,Tag_Profile_IM_Nick\n" +
			"frank,x,\n" + // superseded by line 4
			"grace,y,G\n" + // kept: line 5 sets Nick only
			"frank,3,\n" +
			"grace,,Gracie\n",
			"UserID,Tag_Profile_IM_Level,Tag_Profile_IM_Nick,Line,ResultCode,Error,Input\n" +
				`grace,y,G,3,0,"Tag_Profile_IM_Level: want an integer, got ""y""",` + "\n"},
		{"in.jsonl", `{"UserID":"frank","Tags":{"Tag_Profile_IM_Gender":"x","Tag_Profile_IM_Nick":"F"}}` + "\n" +
			`{"UserID":"grace","Tags":{"Tag_Profile_IM_Gender":"y"}}` + "\n" +
			`{"UserID":"frank","Tags":{"Tag_Profile_IM_Nick":"F","Tag_Profile_IM_Gender":"Gender_Type_Male"}}` + "\n" +
			`{"UserID":"grace","Tags":{"Tag_Profile_IM_Gender":"Gender_Type_Female","Tag_Profile_IM_Nick":"G"}}` + "\n",
			`{"UserID":"grace","Tags":{"Tag_Profile_IM_Gender":"y"},"Line":2,"ResultCode":0,"Error":"Tags.Tag_Profile_IM_Gender: is \"y\", want one of Gender_Type_Unknown, Gender_Type_Female, Gender_Type_Male"}` + "\n"},
	} {
		in := e.file(tc.name, tc.in)
		failures := filepath.Join(e.dir, "failed-"+tc.name)
		r := e.cli().run(t, "profiles", "set", "--file", in, "--failures", failures, "--concurrency", "4", "-o", "json")
		sum := decodeReport(t, r)
		if r.Code != exitUsage || sum.Invalid != 2 || sum.Imported != 2 || sum.Superseded != 1 {
			t.Errorf("%s: exit %d, %+v", tc.name, r.Code, sum)
		}
		if got := e.read(failures); got != tc.want {
			t.Errorf("%s: failures:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
}

// TestProfilesSetLanes: records of one account go in one lane (so in
// input order) whatever tags they set, though their keys differ.
func TestProfilesSetLanes(t *testing.T) {
	t.Parallel()
	im := &engine[*profileRecord]{kind: profilesSetKind(), workers: 8}
	for i := range 200 {
		id := fmt.Sprintf("u%d", i)
		a, b := profileRec(1, id, "Tag_Profile_IM_Nick", "a"), profileRec(2, id, "Tag_Profile_IM_Level", 1, "Tag_Profile_IM_Nick", "b")
		if im.kind.supersedeKey(a) == im.kind.supersedeKey(b) {
			t.Fatalf("%s: the same key for other tags", id)
		}
		if im.group(a) != im.group(b) {
			t.Fatalf("%s: records of one account in lanes %q and %q", id, im.group(a), im.group(b))
		}
	}
}

// TestProfilesSetGoldens: the summaries of profiles set, its dry run and
// its refusals.
func TestProfilesSetGoldens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	csvIn := e.file("profiles.csv", "UserID,Tag_Profile_IM_Nick,Tag_Profile_IM_Gender,Tag_Profile_Custom_Hobby\n"+
		"frank,Frank,Gender_Type_Male,chess\n"+
		"ghost,Ghost,,\n"+
		"grace,,Female,\n")
	jsonIn := e.file("profiles.jsonl", `{"UserID":"heidi","Tags":{"Tag_Profile_IM_Nick":"Heidi","Tag_Profile_IM_Level":2}}`+"\n"+
		`{"UserID":"heidi","Tags":{"Tag_Profile_IM_Level":"2"}}`+"\n")
	badHeader := e.file("bad.csv", "UserID,Nick\nfrank,Frank\n")
	c := e.cli()
	runGoldenCases(t, e, []goldenCase{
		{"profiles-set-csv", c, []string{"profiles", "set", "--file", csvIn}, exitUsage},
		{"profiles-set-table", c, []string{"profiles", "set", "--file", csvIn, "-o", "table"}, exitUsage},
		{"profiles-set-dry-run", c, []string{"profiles", "set", "--file", jsonIn, "--dry-run"}, exitUsage},
		{"profiles-set-jsonl", c, []string{"profiles", "set", "--file", jsonIn}, exitUsage},
		{"profiles-set-bad-header", c, []string{"profiles", "set", "--file", badHeader}, exitUsage},
	})
}

// TestProfilesSetWrongKey: a UserSig error, which every portrait_set
// would get, stops the run: the rest is not sent (and not settled: a run
// with the right key sends it), and --failures has it all.
func TestProfilesSetWrongKey(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	var b strings.Builder
	b.WriteString("UserID,Tag_Profile_IM_Level\n")
	for i := range 12 {
		fmt.Fprintf(&b, "%s,%d\n", []string{"frank", "grace", "heidi"}[i%3], i)
	}
	in := e.file("in.csv", b.String())
	failures := filepath.Join(e.dir, "failures.csv")
	journal := filepath.Join(e.dir, "j")
	c := e.cli()
	c.env[envSecretKey] = otherKey
	args := []string{"profiles", "set", "--file", in, "--failures", failures, "--journal", journal, "--concurrency", "1", "-o", "json"}
	r := c.run(t, args...)
	sum := decodeReport(t, r)
	if r.Code != exitFailure || sum.Imported != 0 || sum.Failed != 1 || sum.NotSent != 11 || !strings.Contains(sum.Stopped, "an earlier request failed") {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	if n := e.emu.Stats().Calls["SetProfile"]; n != 1 {
		t.Errorf("%d portrait_set calls, want 1: the first UserSig error stops the run", n)
	}
	if got := strings.Count(e.read(failures), "\n"); got != 13 {
		t.Errorf("failures file has %d lines, want the header and 12 records", got)
	}
	r = e.cli().run(t, args...)
	if sum := decodeReport(t, r); r.Code != exitOK || sum.Imported != 12 || sum.Failed != 0 {
		t.Errorf("with the right key: exit %d, %+v", r.Code, sum)
	}
	if n := e.emu.Stats().Calls["SetProfile"]; n != 13 {
		t.Errorf("%d portrait_set calls, want 1 and then 12: the record that met the UserSig error is sent again", n)
	}
}

// TestProfilesGetCSVLeavesOutChangingValues: profiles get does not write
// in CSV a value that profiles set would read back otherwise (a custom
// tag's string "42", which reads as an integer; an empty string, which
// reads as no tag): the account is reported incomplete (exit 1) and the
// cell is left empty; JSON Lines keeps both.
func TestProfilesGetCSVLeavesOutChangingValues(t *testing.T) {
	t.Parallel()
	e := newE2E(t, &emulator.Seed{Accounts: []emulator.Account{{UserID: "p1", Profile: []api.TagItem{
		{Tag: "Tag_Profile_Custom_Hobby", Value: tag.String("42")},
		{Tag: "Tag_Profile_IM_Nick", Value: tag.String("")},
		{Tag: "Tag_Profile_Custom_Rank", Value: tag.Int(42)},
	}}}})
	args := []string{"profiles", "get", "--from", "p1", "--tags", "Tag_Profile_IM_Nick,Tag_Profile_Custom_Hobby,Tag_Profile_Custom_Rank"}
	out := filepath.Join(e.dir, "p.csv")
	r := e.cli().run(t, append(args, "--file", out, "-o", "json")...)
	if r.Code != exitFailure || !strings.Contains(r.Stdout, "written without Tag_Profile_IM_Nick, Tag_Profile_Custom_Hobby") {
		t.Errorf("CSV: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if got, want := e.read(out), "UserID,Tag_Profile_IM_Nick,Tag_Profile_Custom_Hobby,Tag_Profile_Custom_Rank\np1,,,42\n"; got != want {
		t.Errorf("CSV file:\n%s\nwant:\n%s", got, want)
	}
	r = e.cli().run(t, append(args, "--format", "jsonl")...)
	if r.Code != exitOK || !strings.Contains(r.Stdout, `"Tag_Profile_Custom_Hobby":"42"`) || !strings.Contains(r.Stdout, `"Tag_Profile_IM_Nick":""`) {
		t.Errorf("JSON Lines: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}
