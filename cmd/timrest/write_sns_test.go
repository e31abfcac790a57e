package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
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

// This file tests blocklist import, friends update, friends delete, lists
// add and lists delete against the emulator.

// blocklists returns every blocklist of e (From_Account → the accounts
// it blocks, in order).
func blocklists(e *emulator.Emulator) map[string][]string {
	out := map[string][]string{}
	for from, tos := range e.Snapshot().Blocklists {
		if len(tos) > 0 {
			out[from] = tos
		}
	}
	return out
}

// loseAnswers is a transport that delivers the requests to a path ending
// in suffix, then loses the answers of the first lose of them (an
// ambiguous failure: the service did the work, the client cannot know).
type loseAnswers struct {
	inner  http.RoundTripper
	suffix string
	lose   atomic.Int64
}

func (l *loseAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.inner.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, l.suffix) && l.lose.Add(-1) >= 0 {
		resp.Body.Close()
		return nil, errors.New("connection reset after the request was sent")
	}
	return resp, err
}

// losingCLI returns a cli against e whose first lose answers to suffix
// are lost.
func losingCLI(t *testing.T, e *e2e, suffix string, lose int64) cli {
	la := &loseAnswers{inner: emulatortest.ValidatingTransport(t, nil), suffix: suffix}
	la.lose.Store(lose)
	c := e.cli()
	c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: la}))
	return c
}

// TestBlocklistImport: every valid pair is blocked, one request per
// From_Account; records are refused by line and field; the service's
// refusals are failures by code; --failures is in the input format.
func TestBlocklistImport(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("block.csv", "To_Account,From_Account\n"+
		"bob,frank\n"+ // 2
		"carol,frank\n"+ // 3
		"frank,grace\n"+ // 4
		"ghost,frank\n"+ // 5: no such account: 30003
		"frank,frank\n"+ // 6: itself
		",grace\n"+ // 7: no To_Account
		"b\xffd,grace\n"+ // 8: not UTF-8
		"heidi,\n"+ // 9: no From_Account
		strings.Repeat("x", 33)+",grace\n"+ // 10: over 32 bytes
		"bob,frank\n") // 11: a duplicate in the same request: shares the answer
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "blocklist", "import", "--file", in, "--failures", failures, "-o", "json")
	sum := decodeReport(t, r)
	checkAccounted(t, sum, 11)
	if r.Code != exitUsage || sum.Imported != 4 || sum.Failed != 1 || sum.Invalid != 5 || sum.FailedByCode["30003"] != 1 {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	want := map[string][]string{"frank": {"bob", "carol"}, "grace": {"frank"}}
	if got := blocklists(e.emu); !cmp.Equal(got, want) {
		t.Errorf("blocklists %v, want %v", got, want)
	}
	if got := e.emu.Stats().Calls["BlockAccounts"]; got != 2 {
		t.Errorf("%d black_list_add calls, want 2 (one per From_Account)", got)
	}
	var errs []string
	for _, ir := range sum.InvalidRecords {
		errs = append(errs, fmt.Sprintf("%d %s", ir.Line, ir.Error))
	}
	wantErrs := []string{"6 To_Account: an account cannot block itself", "7 no To_Account", "8 To_Account: not valid UTF-8 (save the file as UTF-8)",
		"9 no From_Account (add it, or pass --from)"}
	if len(errs) != 5 || !cmp.Equal(errs[:4], wantErrs) || !strings.HasPrefix(errs[4], "10 To_Account") {
		t.Errorf("invalid records: %q", errs)
	}
	f := e.read(failures)
	if !strings.HasPrefix(f, "From_Account,To_Account,Line,ResultCode,Error,Input\nfrank,ghost,5,30003,") || strings.Count(f, "\n") != 7 {
		t.Errorf("failures:\n%s", f)
	}

	// JSON Lines, strictly, and --from.
	jin := e.file("block.jsonl", `{"To_Account":"frank"}`+"\n"+`{"From_Account":"grace","To_Account":"alice"}`+"\n"+
		`{"To_Account":"alice","to_account":"x"}`+"\n"+`{"To_Account":7}`+"\n")
	r = e.cli().run(t, "blocklist", "import", "--file", jin, "--from", "heidi", "-o", "json")
	sum = decodeReport(t, r)
	if r.Code != exitUsage || sum.Imported != 1 || sum.Failed != 0 || sum.Invalid != 3 ||
		sum.InvalidRecords[0].Error != `From_Account "grace" differs from --from` ||
		!strings.Contains(sum.InvalidRecords[1].Error, `unknown field "to_account"`) || sum.InvalidRecords[2].Error != "To_Account: want a string, got number" {
		t.Errorf("jsonl: exit %d: %+v", r.Code, sum)
	}
}

// TestBlocklistImportAmbiguous: black_list_add is not idempotent. A
// request whose answer is lost fails (code 0); resumed with the journal,
// its records are sent again, answered 30001 (blocked already), and count
// as blocked and ambiguous. A record blocked before the command and not
// in doubt is a failure.
func TestBlocklistImportAmbiguous(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	if err := e.emu.Apply(&emulator.Seed{Blocklists: map[string][]string{"grace": {"alice"}}}); err != nil {
		t.Fatal(err)
	}
	in := e.file("in.csv", "From_Account,To_Account\nfrank,grace\nfrank,heidi\ngrace,alice\n")
	journal := filepath.Join(e.dir, "j")
	args := []string{"blocklist", "import", "--file", in, "--journal", journal, "--concurrency", "1", "-o", "json"}
	r := losingCLI(t, e, "black_list_add", 1).run(t, args...)
	first := decodeReport(t, r)
	if r.Code != exitFailure || first.Imported != 0 || first.FailedByCode["error"] != 2 || first.FailedByCode["30001"] != 1 {
		t.Fatalf("first run: exit %d, %+v", r.Code, first)
	}
	r = e.cli().run(t, args...)
	second := decodeReport(t, r)
	if r.Code != exitFailure || second.Imported != 2 || second.Ambiguous != 2 || second.Failed != 1 || second.FailedByCode["30001"] != 1 {
		t.Fatalf("resumed: exit %d, %+v", r.Code, second)
	}
	if got := blocklists(e.emu); !cmp.Equal(got, map[string][]string{"frank": {"grace", "heidi"}, "grace": {"alice"}}) {
		t.Errorf("blocklists %v", got)
	}
}

// TestBlocklistExportImportRoundTrip: what blocklist export writes,
// blocklist import reads: imported into a fresh emulator, the blocklists
// are those of the first, and blocklist check finds every pair blocked.
func TestBlocklistExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	seed := importSeed()
	seed.Blocklists = map[string][]string{"alice": {"dave", "heidi"}, "frank": {"grace", "carol", "erin"}, "heidi": {"alice"}}
	src := newE2E(t, seed)
	for _, format := range []string{"csv", "jsonl"} {
		accounts := src.file("accounts.txt", "alice\nbob\nfrank\nheidi\n")
		out := filepath.Join(src.dir, "blocklist."+format)
		if r := src.cli().run(t, "blocklist", "export", "--accounts", accounts, "--file", out); r.Code != exitOK {
			t.Fatalf("export: exit %d: %s", r.Code, r.Stderr)
		}
		dst := newE2E(t, importSeed())
		r := dst.cli().run(t, "blocklist", "import", "--file", out, "-o", "json")
		if sum := decodeReport(t, r); r.Code != exitOK || sum.Imported != 6 {
			t.Fatalf("%s import: exit %d: %+v", format, r.Code, sum)
		}
		if got, want := blocklists(dst.emu), blocklists(src.emu); !cmp.Equal(got, want) {
			t.Errorf("%s: blocklists %v, want %v", format, got, want)
		}
		if r := dst.cli().run(t, "blocklist", "check", "--file", out); r.Code != exitOK {
			t.Errorf("%s: blocklist check: exit %d: %s", format, r.Code, r.Stdout)
		}
	}
}

// friendOf returns from's relation to to in e, or nil.
func friendOf(e *emulator.Emulator, from, to string) *emulator.Friend {
	for _, f := range e.Friends(from) {
		if f.ToAccount == to {
			return &f
		}
	}
	return nil
}

// TestFriendsUpdate: friend_update sets Remark, GroupName and custom
// tags, and leaves the rest; a record setting none of them is refused by
// line; a non-friend fails with 30001; in JSON Lines an empty Remark or
// GroupName clears it; a friends export file is an update file.
func TestFriendsUpdate(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("update.csv", "From_Account,To_Account,Remark,GroupName,Tag_SNS_Custom_Rank,AddWording\n"+
		"alice,bob,Robert,home;climbing,7,ignored\n"+ // 2
		"alice,carol,,,,\n"+ // 3: nothing
		"alice,dave,D,,,\n"+ // 4: not a friend: 30001
		"alice,erin,,,x,\n"+ // 5: a custom tag only
		"alice,bob,Bob,,,\n") // 6: the last one wins for Remark
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "friends", "update", "--file", in, "--failures", failures, "-o", "json")
	sum := decodeReport(t, r)
	checkAccounted(t, sum, 6)
	if r.Code != exitUsage || sum.Imported != 3 || sum.Invalid != 1 || sum.Failed != 1 || sum.FailedByCode["30001"] != 1 ||
		!strings.HasPrefix(sum.InvalidRecords[0].Error, "nothing to update: friend_update sets Remark, GroupName and custom friend tags") {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	bob := friendOf(e.emu, "alice", "bob")
	if bob == nil || bob.Remark != "Bob" || !cmp.Equal(bob.GroupName, []string{"home", "climbing"}) || bob.Custom["Tag_SNS_Custom_Rank"].String() != "7" ||
		bob.Custom["Tag_SNS_Custom_Note"].String() != "owes me lunch" || bob.AddWording != "Hi Bob, Alice from the platform team" || bob.AddSource != "AddSource_Type_Web" {
		t.Errorf("alice → bob: %+v", bob)
	}
	if erin := friendOf(e.emu, "alice", "erin"); erin == nil || erin.Custom["Tag_SNS_Custom_Rank"].String() != "x" {
		t.Errorf("alice → erin: %+v", erin)
	}
	if f := e.read(failures); !strings.HasPrefix(f, "From_Account,To_Account,AddSource,Remark,GroupName,AddWording,AddTime,Tag_SNS_Custom_Rank,Line,ResultCode,Error,Input\n") ||
		!strings.Contains(f, `alice,carol,,,,,,,3,0,"nothing to update`) || !strings.Contains(f, "alice,dave,,D,,,,,4,30001,") {
		t.Errorf("failures:\n%s", f)
	}

	// JSON Lines: a field present is set, empty included.
	jin := e.file("update.jsonl", `{"From_Account":"alice","To_Account":"bob","Remark":"","GroupName":[]}`+"\n"+
		`{"From_Account":"alice","To_Account":"carol","AddSource":"AddSource_Type_Web"}`+"\n")
	r = e.cli().run(t, "friends", "update", "--file", jin, "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitUsage || sum.Imported != 1 || sum.Invalid != 1 {
		t.Errorf("jsonl: exit %d: %+v", r.Code, sum)
	}
	if bob := friendOf(e.emu, "alice", "bob"); bob == nil || bob.Remark != "" || len(bob.GroupName) != 0 {
		t.Errorf("alice → bob after clearing: %+v", bob)
	}

	// What friends export writes, friends update reads: exported from one
	// emulator and applied to a fresh one whose relations have no fields,
	// the remarks, lists and tags are those of the first.
	src := newE2E(t, importSeed())
	out := filepath.Join(src.dir, "alice.csv")
	if r := src.cli().run(t, "friends", "export", "--from", "alice", "--file", out); r.Code != exitOK {
		t.Fatalf("export: exit %d: %s", r.Code, r.Stderr)
	}
	dst := newE2E(t, nil)
	if err := dst.emu.Apply(&emulator.Seed{Accounts: []emulator.Account{{UserID: "alice"}, {UserID: "bob"}, {UserID: "carol"}, {UserID: "erin"}},
		Friends: map[string][]api.AddFriendItem{"alice": {{ToAccount: "bob", AddSource: "AddSource_Type_X"}, {ToAccount: "carol", AddSource: "AddSource_Type_X"}, {ToAccount: "erin", AddSource: "AddSource_Type_X"}}}}); err != nil {
		t.Fatal(err)
	}
	r = dst.cli().run(t, "friends", "update", "--file", out, "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitUsage || sum.Imported != 2 || sum.Invalid != 1 { // erin has nothing to update
		t.Fatalf("update from export: exit %d: %+v", r.Code, sum)
	}
	for _, to := range []string{"bob", "carol"} {
		s, d := friendOf(src.emu, "alice", to), friendOf(dst.emu, "alice", to)
		if s.Remark != d.Remark || !cmp.Equal(s.GroupName, d.GroupName) || !cmp.Equal(s.Custom, d.Custom, cmp.Comparer(func(x, y tag.Value) bool { return x.Equal(y) })) {
			t.Errorf("alice → %s: %+v, want the fields of %+v", to, d, s)
		}
	}
}

// TestFriendsDelete: friend_delete one way or (--both) both; a non-friend
// fails with 31704; AddSource is not needed; resumed after a lost answer,
// the records in doubt are answered "not a friend" and count as deleted
// and ambiguous.
func TestFriendsDelete(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("delete.csv", "From_Account,To_Account\nalice,carol\nalice,dave\n")
	r := e.cli().run(t, "friends", "delete", "--file", in, "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitFailure || sum.Imported != 1 || sum.FailedByCode["31704"] != 1 {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	if friendOf(e.emu, "alice", "carol") != nil || friendOf(e.emu, "alice", "bob") == nil {
		t.Errorf("alice's friends: %v", friendNames(e, "alice"))
	}

	both := e.file("both.jsonl", `{"From_Account":"alice","To_Account":"bob"}`+"\n")
	journal := filepath.Join(e.dir, "j")
	args := []string{"friends", "delete", "--file", both, "--both", "--journal", journal, "-o", "json"}
	r = losingCLI(t, e, "friend_delete", 1).run(t, args...)
	if sum := decodeReport(t, r); r.Code != exitFailure || sum.FailedByCode["error"] != 1 {
		t.Fatalf("lost answer: exit %d: %+v", r.Code, sum)
	}
	if friendOf(e.emu, "alice", "bob") != nil || friendOf(e.emu, "bob", "alice") != nil {
		t.Errorf("--both: alice → bob or bob → alice left")
	}
	if r := e.cli().run(t, "friends", "delete", "--file", both, "--journal", journal); r.Code != exitUsage || !strings.Contains(r.Stderr, `was written for the options "DeleteType=Delete_Type_Both"`) {
		t.Errorf("without --both: exit %d: %s", r.Code, r.Stderr)
	}
	r = e.cli().run(t, args...)
	if sum := decodeReport(t, r); r.Code != exitOK || sum.Imported != 1 || sum.Ambiguous != 1 {
		t.Errorf("resumed: exit %d: %+v", r.Code, sum)
	}
}

// listMembers returns the lists of from in e, each with its members.
func listMembers(e *emulator.Emulator, from string) map[string][]string {
	out := map[string][]string{}
	for _, name := range e.Snapshot().Lists[from] {
		out[name] = []string{}
	}
	for _, f := range e.Friends(from) {
		for _, g := range f.GroupName {
			out[g] = append(out[g], f.ToAccount)
		}
	}
	for _, m := range out {
		slices.Sort(m)
	}
	return out
}

// TestListsAdd: the rows of a list become one list entry with its
// members; lists with the same members share a call, lists with other
// members get calls of their own (group_add puts its To_Account in every
// list it creates); a list that exists fails its rows with 30001 without
// failing the others; a member that is not a friend fails its row with
// 32216.
func TestListsAdd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("lists.csv", "From_Account,GroupName,To_Account\n"+
		"alice,team,bob\n"+ // 2
		"alice,team,carol\n"+ // 3
		"alice,team,bob\n"+ // 4: a repeat
		"alice,empty1,\n"+ // 5
		"alice,empty2,\n"+ // 6
		"alice,pals,erin\n"+ // 7
		"alice,pals,dave\n"+ // 8: not a friend: 32216
		"alice,work,\n"+ // 9: exists: 30001
		"alice,empty3,\n"+ // 10
		"alice,"+strings.Repeat("x", 31)+",\n"+ // 11: too long
		"bob,mine,alice\n") // 12
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "lists", "add", "--file", in, "--failures", failures, "-o", "json")
	sum := decodeReport(t, r)
	checkAccounted(t, sum, 12)
	if r.Code != exitUsage || sum.Imported != 8 || sum.Invalid != 1 || sum.Failed != 2 || sum.FailedByCode["30001"] != 1 || sum.FailedByCode["32216"] != 1 ||
		!strings.HasPrefix(sum.InvalidRecords[0].Error, "GroupName: ") {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	want := map[string][]string{"work": {"bob", "carol"}, "family": {"carol"}, "team": {"bob", "carol"}, "pals": {"erin"},
		"empty1": {}, "empty2": {}, "empty3": {}}
	if got := listMembers(e.emu, "alice"); !cmp.Equal(got, want) {
		t.Errorf("alice's lists %v, want %v", got, want)
	}
	if got := listMembers(e.emu, "bob"); !cmp.Equal(got, map[string][]string{"friends": {"alice"}, "mine": {"alice"}}) {
		t.Errorf("bob's lists %v", got)
	}
	// alice: team; empty1, empty2, work (fails: 30001), empty3 in one call,
	// then one a list; pals. bob: mine.
	if got := e.emu.Stats().Calls["AddFriendLists"]; got != 3+4+1 {
		t.Errorf("%d group_add calls, want 8", got)
	}
	f := e.read(failures)
	if !strings.HasPrefix(f, "From_Account,GroupName,To_Account,Line,ResultCode,Error,Input\n") || !strings.Contains(f, "alice,pals,dave,8,32216,") ||
		!strings.Contains(f, "alice,work,,9,30001,") || strings.Count(f, "\n") != 4 {
		t.Errorf("failures:\n%s", f)
	}
}

// TestListsAddKeepsAListTogether: the rows of one list reach one call even
// when the batch is cut before they end (--buffer 1 cuts a batch at every
// row): a list cut in two would fail its second part with 30001.
func TestListsAddKeepsAListTogether(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("lists.jsonl", `{"From_Account":"alice","GroupName":"team","To_Account":"bob"}`+"\n"+
		`{"From_Account":"alice","GroupName":"team","To_Account":"carol"}`+"\n"+
		`{"From_Account":"alice","GroupName":"team","To_Account":"erin"}`+"\n"+
		`{"From_Account":"bob","GroupName":"mine","To_Account":"alice"}`+"\n"+
		`{"From_Account":"alice","GroupName":"solo"}`+"\n")
	r := e.cli().run(t, "lists", "add", "--file", in, "--buffer", "1", "--concurrency", "1", "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitOK || sum.Imported != 5 {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	if got := listMembers(e.emu, "alice")["team"]; !cmp.Equal(got, []string{"bob", "carol", "erin"}) {
		t.Errorf("team: %v", got)
	}
}

// TestListsAddLimits: at most 1000 rows of one list in a row are read; the
// rows after are refused by line.
func TestListsAddLimits(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	var b strings.Builder
	b.WriteString("From_Account,GroupName,To_Account\n")
	for i := range 1001 {
		fmt.Fprintf(&b, "alice,big,u%d\n", i)
	}
	r := e.cli().run(t, "lists", "add", "--file", e.file("big.csv", b.String()), "--dry-run", "-o", "json")
	var sum checkReport
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil || r.Code != exitUsage || sum.Valid != 1000 || sum.Invalid != 1 || sum.InvalidRecords[0].Line != 1002 ||
		!strings.Contains(sum.InvalidRecords[0].Error, "more than 1000 rows of this list in a row") {
		t.Errorf("exit %d, %v: %+v", r.Code, err, sum)
	}
}

// TestListsAmbiguous: group_add and group_delete are not idempotent. A
// call whose answer is lost fails (code 0); resumed with the journal, its
// rows are sent again and answered 30001 (the list exists; the list does
// not exist), and count as done and ambiguous.
func TestListsAmbiguous(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("lists.csv", "From_Account,GroupName,To_Account\nalice,team,bob\nalice,team,carol\nalice,solo,\nbob,mine,\n")
	for _, c := range []struct{ cmd, path string }{{"add", "group_add"}, {"delete", "group_delete"}} {
		journal := filepath.Join(e.dir, c.cmd+".journal")
		args := []string{"lists", c.cmd, "--file", in, "--journal", journal, "--concurrency", "1", "-o", "json"}
		r := losingCLI(t, e, c.path, 3).run(t, args...)
		if sum := decodeReport(t, r); r.Code != exitFailure || sum.FailedByCode["error"] != 4 {
			t.Fatalf("%s, answers lost: exit %d: %+v", c.cmd, r.Code, sum)
		}
		r = e.cli().run(t, args...)
		if sum := decodeReport(t, r); r.Code != exitOK || sum.Imported != 4 || sum.Ambiguous != 4 {
			t.Errorf("%s, resumed: exit %d: %+v", c.cmd, r.Code, sum)
		}
	}
	if got := listMembers(e.emu, "alice"); !cmp.Equal(got, map[string][]string{"work": {"bob", "carol"}, "family": {"carol"}}) {
		t.Errorf("alice's lists after add and delete: %v", got)
	}
}

// TestListsDelete: the lists named go (each once, however many rows name
// it), and leave their friends' lists; a list that does not exist fails
// its rows with 30001 without failing the others of its call.
func TestListsDelete(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("lists.csv", "From_Account,GroupName,To_Account\nalice,work,bob\nalice,work,carol\nalice,nope,\nalice,family,\nbob,friends,\n")
	failures := filepath.Join(e.dir, "failed.csv")
	r := e.cli().run(t, "lists", "delete", "--file", in, "--failures", failures, "--format", "csv", "-o", "json")
	if sum := decodeReport(t, r); r.Code != exitFailure || sum.Imported != 4 || sum.Failed != 1 || sum.FailedByCode["30001"] != 1 {
		t.Fatalf("exit %d: %+v", r.Code, sum)
	}
	if got := listMembers(e.emu, "alice"); len(got) != 0 {
		t.Errorf("alice's lists: %v", got)
	}
	if got := e.emu.Stats().Calls["DeleteFriendLists"]; got != 1+3+1 {
		t.Errorf("%d group_delete calls, want 5 (alice's three lists in one, then one a list; bob's)", got)
	}
}

// TestListsAddMembersOfTheirListOnly: group_add puts its To_Account in
// every list it creates, so lists with other members never share a call;
// lists with the same members do.
func TestListsAddMembersOfTheirListOnly(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	in := e.file("lists.csv", "From_Account,GroupName,To_Account\nalice,team,bob\nalice,team,carol\nalice,none,\nalice,crew,carol\nalice,crew,bob\nalice,zero,\n")
	if r := e.cli().run(t, "lists", "add", "--file", in); r.Code != exitOK {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	want := map[string][]string{"work": {"bob", "carol"}, "family": {"carol"}, "team": {"bob", "carol"}, "crew": {"bob", "carol"}, "none": {}, "zero": {}}
	if got := listMembers(e.emu, "alice"); !cmp.Equal(got, want) {
		t.Errorf("alice's lists %v, want %v", got, want)
	}
	if got := e.emu.Stats().Calls["AddFriendLists"]; got != 2 {
		t.Errorf("%d group_add calls, want 2 (team and crew; none and zero)", got)
	}
}

// TestSNSWriteGoldens: the summaries of blocklist import, friends update,
// friends delete, lists add and lists delete, with dry runs and usage
// errors, against the emulator.
func TestSNSWriteGoldens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, importSeed())
	block := e.file("block.csv", "From_Account,To_Account\nfrank,grace\nfrank,ghost\nfrank,frank\n")
	update := e.file("update.csv", "From_Account,To_Account,Remark,GroupName\nalice,bob,Bobby2,work;gym\nalice,dave,D,\nalice,carol,,\n")
	del := e.file("delete.jsonl", `{"From_Account":"alice","To_Account":"erin"}`+"\n"+`{"From_Account":"alice","To_Account":"dave"}`+"\n")
	lists := e.file("lists.csv", "From_Account,GroupName,To_Account\nalice,team,bob\nalice,team,carol\nalice,work,\nalice,pals,dave\n")
	badHeader := e.file("bad.csv", "From_Account,List,To_Account\nalice,x,bob\n")
	c := e.cli()
	runGoldenCases(t, e, []goldenCase{
		{"blocklist-import", c, []string{"blocklist", "import", "--file", block}, exitUsage},
		{"blocklist-import-dry-run", c, []string{"blocklist", "import", "--file", block, "--dry-run", "-o", "table"}, exitUsage},
		{"friends-update-table", c, []string{"friends", "update", "--file", update, "-o", "table"}, exitUsage},
		{"friends-delete", c, []string{"friends", "delete", "--file", del, "--both"}, exitFailure},
		{"lists-add", c, []string{"lists", "add", "--file", lists}, exitFailure},
		{"lists-add-again-table", c, []string{"lists", "add", "--file", lists, "-o", "table"}, exitFailure},
		{"lists-add-bad-header", c, []string{"lists", "add", "--file", badHeader}, exitUsage},
		{"lists-delete", c, []string{"lists", "delete", "--file", lists}, exitOK},
	})
}

// TestListsRowsMustBeTogether: a list whose rows come apart in the file
// (another list's rows between) is refused from the row that comes back,
// by line, whatever --buffer is: sent in two parts, the second part would
// fail as "list exists" and its members would depend on the buffer.
func TestListsRowsMustBeTogether(t *testing.T) {
	t.Parallel()
	in := "From_Account,GroupName,To_Account\n" +
		"alice,team,bob\n" + // 2
		"bob,mine,alice\n" + // 3
		"alice,team,carol\n" + // 4: team came apart
		"alice,solo,\n" // 5
	for _, buffer := range []string{"1", "50000"} {
		e := newE2E(t, importSeed())
		r := e.cli().run(t, "lists", "add", "--file", e.file("lists.csv", in), "--buffer", buffer, "-o", "json")
		sum := decodeReport(t, r)
		checkAccounted(t, sum, 5)
		if r.Code != exitUsage || sum.Imported != 3 || sum.Invalid != 1 || sum.Failed != 0 || sum.InvalidRecords[0].Line != 4 ||
			!strings.Contains(sum.InvalidRecords[0].Error, "the rows of a list must be together in the file") {
			t.Errorf("--buffer %s: exit %d: %+v", buffer, r.Code, sum)
		}
		if got := listMembers(e.emu, "alice")["team"]; !cmp.Equal(got, []string{"bob"}) {
			t.Errorf("--buffer %s: team: %v", buffer, got)
		}
	}
}
