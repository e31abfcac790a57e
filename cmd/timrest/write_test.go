package main

import (
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// TestFriendsCSVRemarkTimeAndTags: the CSV friends format carries
// RemarkTime and one column per custom friend tag (named by the tag), so
// that CSV holds every AddFriendItem field: an integer cell is an integer
// tag value, anything else a string, and an empty cell no tag.
func TestFriendsCSVRemarkTimeAndTags(t *testing.T) {
	t.Parallel()
	in := "From_Account,To_Account,AddSource,Tag_SNS_Custom_Rank,remarktime,Tag_SNS_Custom_Mood\n" +
		"a,b,AddSource_Type_Web,3,1700000100,happy\n" +
		"a,c,AddSource_Type_Web,,,007\n" +
		"a,d,AddSource_Type_Web,x,soon,\n" +
		"a,e,AddSource_Type_Web,,1700000000000,\n"
	rr, err := newRecordReader(formatCSV, strings.NewReader(in), readOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, rr)
	rt := int64(1700000100)
	want := []*record{
		{line: 2, from: "a", item: api.AddFriendItem{ToAccount: "b", AddSource: "AddSource_Type_Web", RemarkTime: &rt,
			CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(3)}, {Tag: "Tag_SNS_Custom_Mood", Value: tag.String("happy")}}}},
		{line: 3, from: "a", item: api.AddFriendItem{ToAccount: "c", AddSource: "AddSource_Type_Web",
			CustomItem: []api.CustomFriendItem{{Tag: "Tag_SNS_Custom_Mood", Value: tag.String("007")}}}},
	}
	if diff := cmp.Diff(want, recs, cmp.AllowUnexported(record{}), cmp.Comparer(func(x, y tag.Value) bool { return x.Equal(y) && x.Kind() == y.Kind() })); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantErrs := []string{"line 4: RemarkTime: want Unix seconds, an integer", "line 5: RemarkTime: 1700000000000 is after the year 2106: milliseconds? want Unix seconds"}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"From_Account,To_Account,AddSource,Tag_SNS_Custom_A,Tag_SNS_Custom_A\n", "From_Account,To_Account,AddSource,RemarkTime,RemarkTime\n"} {
		if _, err := newRecordReader(formatCSV, strings.NewReader(bad), readOptions{}); err == nil || !strings.Contains(err.Error(), "appears twice") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestFriendsImportTagsEndToEnd: RemarkTime and custom tags from CSV reach
// the service; a record that fails is written to --failures with the
// input's optional columns, and that file imports again (JSON Lines too).
func TestFriendsImportTagsEndToEnd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", "From_Account,To_Account,AddSource,RemarkTime,Tag_SNS_Custom_Rank,Tag_SNS_Custom_Mood,Remark\n"+
		"frank,grace,AddSource_Type_Web,1700000100,3,happy,G\n"+
		"frank,ghost,AddSource_Type_Web,1700000200,4,sad,X\n")
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "friends", "import", "--file", in, "--failures", failures, "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitFailure || sum.Imported != 1 || sum.Failed != 1 {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	var got *emulator.Friend
	for _, f := range e.emu.Friends("frank") {
		if f.ToAccount == "grace" {
			got = &f
		}
	}
	if got == nil || got.RemarkTime != 1700000100 || got.Remark != "G" || got.Custom["Tag_SNS_Custom_Rank"].Kind() != tag.KindInt ||
		got.Custom["Tag_SNS_Custom_Rank"].String() != "3" || got.Custom["Tag_SNS_Custom_Mood"].String() != "happy" {
		t.Errorf("frank → grace: %+v", got)
	}
	wantFile := "From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime,RemarkTime,Tag_SNS_Custom_Rank,Tag_SNS_Custom_Mood,Line,ResultCode,Error,Input\n" +
		`frank,ghost,AddSource_Type_Web,X,,,,1700000200,4,sad,3,30003,"To_Account ""ghost"": error 30003 (The requested account does not exist): Err_SNS_FriendImport_Account_Not_Exist",` + "\n"
	if f := e.read(failures); f != wantFile {
		t.Errorf("failures file:\n%s\nwant:\n%s", f, wantFile)
	}
	// The failures file is an input: with ghost made an account, it
	// imports with every field.
	if err := e.emu.AddAccounts("ghost"); err != nil {
		t.Fatal(err)
	}
	if r := e.cli().run(t, "friends", "import", "--file", failures); r.Code != exitOK {
		t.Fatalf("again: exit %d, %s", r.Code, r.Stderr)
	}
	for _, f := range e.emu.Friends("frank") {
		if f.ToAccount == "ghost" && (f.RemarkTime != 1700000200 || f.Custom["Tag_SNS_Custom_Rank"].String() != "4" || f.Custom["Tag_SNS_Custom_Mood"].String() != "sad") {
			t.Errorf("frank → ghost: %+v", f)
		}
	}

	// JSON Lines: RemarkTime and CustomItem go to --failures as given.
	jin := e.file("in.jsonl", `{"From_Account":"frank","To_Account":"nobody","AddSource":"AddSource_Type_Web","RemarkTime":5,"CustomItem":[{"Tag":"Tag_SNS_Custom_Rank","Value":"x"}]}`+"\n")
	jfail := filepath.Join(e.dir, "failed.jsonl")
	if r := e.cli().run(t, "friends", "import", "--file", jin, "--failures", jfail); r.Code != exitFailure {
		t.Fatalf("jsonl: exit %d, %s", r.Code, r.Stderr)
	}
	if f := e.read(jfail); !strings.HasPrefix(f, `{"From_Account":"frank","To_Account":"nobody","AddSource":"AddSource_Type_Web","RemarkTime":5,"CustomItem":[{"Tag":"Tag_SNS_Custom_Rank","Value":"x"}],"Line":1,"ResultCode":30003,`) {
		t.Errorf("jsonl failures: %s", f)
	}
}

// TestAccountsImport: accounts import sends every account, with its Nick
// and FaceUrl, through multiaccount_import in requests of 100; invalid
// records are refused by line and field; --failures is in the input
// format.
func TestAccountsImport(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	var b strings.Builder
	b.WriteString("UserID,Nick,FaceUrl\n")
	for i := range 250 {
		b.WriteString("acct" + itoa(i) + ",Nick " + itoa(i) + ",https://img.example/" + itoa(i) + "\n")
	}
	b.WriteString(strings.Repeat("x", 33) + ",toolong,\n") // line 252: UserID over 32 bytes
	b.WriteString(",nobody,\n")                            // line 253
	b.WriteString("acct1,Renamed,\n")                      // line 254: the last one wins for the Nick
	in := e.file("accounts.csv", b.String())
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "accounts", "import", "--file", in, "--failures", failures, "--concurrency", "1", "-o", "json")
	sum := decodeReport(t, r)
	if r.Code != exitUsage || sum.Records != 253 || sum.Imported != 251 || sum.Invalid != 2 || sum.Failed != 0 || sum.Batches < 3 {
		t.Fatalf("exit %d: %+v\n%s", r.Code, sum, r.Stderr)
	}
	if got := e.emu.Stats().Calls["ImportAccounts"]; got < 3 || got > 4 {
		t.Errorf("%d multiaccount_import calls, want 3 or 4 (100 a request)", got)
	}
	if e.emu.Stats().Calls["ImportAccount"] != 0 || e.emu.Stats().Calls["SetProfile"] != 0 {
		t.Errorf("calls: %v", e.emu.Stats().Calls)
	}
	accounts := snapshotAccounts(e.emu)
	if a := accounts["acct7"]; a.nick != "Nick 7" || a.face != "https://img.example/7" {
		t.Errorf("acct7: %+v", a)
	}
	if a := accounts["acct1"]; a.nick != "Renamed" || a.face != "https://img.example/1" {
		t.Errorf("acct1 (imported twice): %+v", a)
	}
	if len(sum.InvalidRecords) != 2 || sum.InvalidRecords[0].Line != 252 || !strings.HasPrefix(sum.InvalidRecords[0].Error, "UserID: ") ||
		sum.InvalidRecords[1].Error != "no UserID" {
		t.Errorf("invalid records: %+v", sum.InvalidRecords)
	}
	want := "UserID,Nick,FaceUrl,Line,ResultCode,Error,Input\n" + strings.Repeat("x", 33) + ",toolong,,252,0,\"" + sum.InvalidRecords[0].Error + "\",\n,nobody,,253,0,no UserID,\n"
	if got := e.read(failures); got != want {
		t.Errorf("failures:\n%s\nwant:\n%s", got, want)
	}
}

// TestWriteGoldens: the summaries of accounts import and friends add, and
// their dry runs, against the emulator.
func TestWriteGoldens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	accounts := e.file("accounts.jsonl", `{"UserID":"nora","Nick":"Nora","FaceUrl":"https://img.example/n"}`+"\n"+
		`{"UserID":"olga"}`+"\n"+`{"UserId":"x"}`+"\n")
	friends := e.file("friends.csv", "From_Account,To_Account,AddSource,Remark,GroupName\n"+
		"frank,grace,AddSource_Type_Web,Gracie,work\n"+
		"frank,ghost,AddSource_Type_Web,,\n"+
		"frank,heidi,AddSource_Type_Web,,a;b\n")
	c := e.cli()
	runGoldenCases(t, e, []goldenCase{
		{"accounts-import", c, []string{"accounts", "import", "--file", accounts}, exitUsage},
		{"accounts-import-dry-run", c, []string{"accounts", "import", "--file", accounts, "--dry-run"}, exitUsage},
		{"friends-add-table", c, []string{"friends", "add", "--file", friends, "--force", "-o", "table"}, exitUsage},
		{"friends-add-again", c, []string{"friends", "add", "--file", friends, "--force"}, exitUsage},
		{"friends-add-bad-type", c, []string{"friends", "add", "--file", friends, "--add-type", "three"}, exitUsage},
	})
}

// TestJournalBindsCommand: a journal written by one command is refused by
// another, and by the same command with other options.
func TestJournalBindsCommand(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", "From_Account,To_Account,AddSource\nfrank,grace,AddSource_Type_Web\n")
	journal := filepath.Join(e.dir, "j")
	if r := e.cli().run(t, "friends", "import", "--file", in, "--journal", journal); r.Code != exitOK {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	r := e.cli().run(t, "friends", "add", "--file", in, "--journal", journal)
	if r.Code != exitUsage || !strings.Contains(r.Stderr, `was written for "friends import", not "friends add"`) {
		t.Errorf("friends add with the journal of friends import: exit %d, %s", r.Code, r.Stderr)
	}
	addIn := e.file("add.csv", "From_Account,To_Account,AddSource\nfrank,heidi,AddSource_Type_Web\n")
	addJournal := filepath.Join(e.dir, "j2")
	if r := e.cli().run(t, "friends", "add", "--file", addIn, "--journal", addJournal, "--force"); r.Code != exitOK {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	r = e.cli().run(t, "friends", "add", "--file", addIn, "--journal", addJournal, "--force", "--add-type", "single")
	if r.Code != exitUsage || !strings.Contains(r.Stderr, `was written for the options "ForceAddFlags=1", not "AddType=Add_Type_Single,ForceAddFlags=1"`) {
		t.Errorf("other options: exit %d, %s", r.Code, r.Stderr)
	}
	accounts := e.file("accounts.csv", "UserID\nzed\n")
	r = e.cli().run(t, "accounts", "import", "--file", accounts, "--journal", journal)
	if r.Code != exitUsage || !strings.Contains(r.Stderr, `was written for "friends import", not "accounts import"`) {
		t.Errorf("accounts import with the journal of friends import: exit %d, %s", r.Code, r.Stderr)
	}
}

// lostAnswer is a transport that delivers the friend_add requests it is
// told to, then loses their answers (an ambiguous failure: the service
// did the work, the client cannot know).
type lostAnswer struct {
	inner http.RoundTripper
	lose  atomic.Int64 // friend_add answers still to lose
}

func (l *lostAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.inner.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "friend_add") && l.lose.Add(-1) >= 0 {
		resp.Body.Close()
		return nil, errors.New("connection reset after the request was sent")
	}
	return resp, err
}

// TestFriendsAddAmbiguous: friend_add is not idempotent. A request whose
// answer is lost is not sent again by the client: its records fail (code
// 0). Resumed with the journal, they are sent again; the service answers
// 30001 (already friends), and they count as added and ambiguous, not as
// failures, and are not written to --failures. A record that was not in
// doubt and gets 30001 is a failure.
func TestFriendsAddAmbiguous(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	if err := e.emu.Apply(&emulator.Seed{Friends: map[string][]api.AddFriendItem{"grace": {{ToAccount: "alice", AddSource: "AddSource_Type_Web"}}}}); err != nil {
		t.Fatal(err)
	}
	in := e.file("in.csv", "From_Account,To_Account,AddSource,Remark\n"+
		"frank,grace,AddSource_Type_Web,G\n"+
		"frank,heidi,AddSource_Type_Web,H\n"+
		"grace,alice,AddSource_Type_Web,\n") // friends already: a plain failure
	journal := filepath.Join(e.dir, "add.journal")
	failures := filepath.Join(e.dir, "failed.csv")
	args := []string{"friends", "add", "--file", in, "--journal", journal, "--failures", failures, "--force", "--add-type", "single", "--concurrency", "1", "-o", "json"}

	la := &lostAnswer{inner: emulatortest.ValidatingTransport(t, nil)}
	la.lose.Store(1)
	c := e.cli()
	c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: la}))
	r := c.run(t, args...)
	first := decodeReport(t, r)
	// frank's request lost its answer; grace's got 30001.
	if r.Code != exitFailure || first.Imported != 0 || first.Failed != 3 || first.FailedByCode["error"] != 2 || first.FailedByCode["30001"] != 1 || first.Ambiguous != 0 {
		t.Fatalf("first run: exit %d, %+v", r.Code, first)
	}
	if got := e.emu.Stats().Calls["AddFriends"]; got != 2 {
		t.Errorf("%d friend_add calls: the client must not resend after an ambiguous failure", got)
	}

	r = e.cli().run(t, args...)
	second := decodeReport(t, r)
	if r.Code != exitFailure || second.Imported != 2 || second.Ambiguous != 2 || second.Failed != 1 || second.FailedByCode["30001"] != 1 ||
		len(second.AmbiguousRecords) != 2 || second.AmbiguousRecords[0].Line != 2 || !strings.Contains(r.Stderr, "2 records were sent again") {
		t.Fatalf("resumed run: exit %d, %+v\n%s", r.Code, second, r.Stderr)
	}
	if got := e.read(failures); strings.Count(got, "\n") != 2 || !strings.Contains(got, "grace,alice") {
		t.Errorf("failures file: %s", got)
	}
	// Once more: everything is settled, nothing is sent, the same summary.
	before := e.emu.Stats().Calls["AddFriends"]
	r = e.cli().run(t, args...)
	third := decodeReport(t, r)
	if e.emu.Stats().Calls["AddFriends"] != before || !cmp.Equal(comparableReport(second), comparableReport(third)) {
		t.Errorf("third run sent %d; %+v", e.emu.Stats().Calls["AddFriends"]-before, third)
	}
}

// TestFriendsAddRefusesWhatItCannotCarry: a record with several lists or
// custom tags is refused by line: friend_add would lose them.
func TestFriendsAddRefusesWhatItCannotCarry(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("in.csv", "From_Account,To_Account,AddSource,GroupName,Tag_SNS_Custom_A\n"+
		"frank,grace,AddSource_Type_Web,a;b,\n"+
		"frank,heidi,AddSource_Type_Web,,x\n"+
		"frank,alice,AddSource_Type_Web,a,\n")
	r := e.cli().run(t, "friends", "add", "--file", in, "--force", "-o", "json")
	sum := decodeReport(t, r)
	if r.Code != exitUsage || sum.Imported != 1 || sum.Invalid != 2 ||
		!strings.HasPrefix(sum.InvalidRecords[0].Error, "GroupName: friend_add puts a friend in one list") ||
		!strings.HasPrefix(sum.InvalidRecords[1].Error, "Tag_SNS_Custom_A: friend_add cannot set custom friend tags") {
		t.Errorf("exit %d: %+v", r.Code, sum)
	}
}

// snapshotAccount is an account's nickname and photo in an emulator.
type snapshotAccount struct{ nick, face string }

// snapshotAccounts returns every account of e with its nickname and photo.
func snapshotAccounts(e *emulator.Emulator) map[string]snapshotAccount {
	out := map[string]snapshotAccount{}
	for _, a := range e.Snapshot().Accounts {
		var s snapshotAccount
		for _, it := range a.Profile {
			switch it.Tag {
			case "Tag_Profile_IM_Nick":
				s.nick = it.Value.String()
			case "Tag_Profile_IM_Image":
				s.face = it.Value.String()
			}
		}
		out[a.UserID] = s
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestFriendsWriteFailuresKeepOptionalColumns: the --failures file of
// every friends write command (friends add and update wrap the CSV reader)
// repeats the input's optional columns, RemarkTime and custom tags, so
// that a failed record is written back whole.
func TestFriendsWriteFailuresKeepOptionalColumns(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	for _, cmd := range [][]string{{"friends", "import"}, {"friends", "add", "--force"}, {"friends", "update"}, {"friends", "delete"}} {
		// nobody does not exist: the record fails and goes to --failures.
		in := e.file(cmd[1]+".csv", "From_Account,To_Account,AddSource,Remark,RemarkTime\nfrank,nobody,AddSource_Type_Web,N,1700000000\n")
		failures := filepath.Join(e.dir, cmd[1]+"-failed.csv")
		r := e.cli().run(t, append(cmd, "--file", in, "--failures", failures, "-o", "json")...)
		if r.Code != exitFailure {
			t.Errorf("%v: exit %d\n%s%s", cmd, r.Code, r.Stdout, r.Stderr)
			continue
		}
		header, _, _ := strings.Cut(e.read(failures), "\n")
		if !strings.Contains(header, "RemarkTime") {
			t.Errorf("%v: --failures header %q lacks the input's RemarkTime column", cmd, header)
		}
	}
}
