package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

func TestCall(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()
	term := c
	term.stdoutIsTerminal = true
	stdin := func(body string) cli {
		s := e.cli()
		s.stdin = body
		return s
	}
	wrongKey := e.cli()
	wrongKey.env[envSecretKey] = otherKey
	noConfig := cli{} // call --list and a refused body need no settings
	groups := e.file("groups.json", `{"Limit": 3, "GroupType": "Community"}`)
	badImport := e.file("bad-import.json", `{"From_Account":"alice","AddFriendItem":[
		{"To_Account":"bob","AddSource":"Web","Remark":"Bobby"},
		{"To_Account":"`+strings.Repeat("z", 33)+`","AddSource":"AddSource_Type_Web","GroupName":["work", 7]}]}`)
	runGoldenCases(t, e, []goldenCase{
		// One valid call of each operation of the document, by
		// operationId and by path (with and without the leading slash).
		{"call-ListGroupIDs", c, []string{"call", "ListGroupIDs", "--body", groups}, exitOK},
		{"call-GetFriends", stdin(`{"From_Account":"alice","To_Account":["bob","dave"],"TagList":["Tag_SNS_IM_Remark","Tag_Profile_IM_Nick"]}`),
			[]string{"call", "v4/sns/friend_get_list", "--body", "-"}, exitOK},
		{"call-ImportFriends", stdin(`{"From_Account":"erin","AddFriendItem":[{"To_Account":"alice","AddSource":"AddSource_Type_Web","Remark":"<Al>"},{"To_Account":"nobody","AddSource":"AddSource_Type_Web"}]}`),
			[]string{"call", "/v4/sns/friend_import", "--body", "-", "-o", "json"}, exitOK},
		{"call-GetFriendLists", stdin(`{"From_Account":"alice","NeedFriend":"Need_Friend_Type_Yes"}`),
			[]string{"call", "GetFriendLists", "--body", "-", "-o", "table"}, exitOK},
		{"call-terminal", term, []string{"call", "ListGroupIDs", "--body", groups}, exitOK},
		{"call-default-body-path", c, []string{"call", "v4/group_open_http_svc/get_appid_group_list", "-o", "json"}, exitOK},
		{"call-dry-run", noConfig, []string{"call", "ImportFriends", "--dry-run", "--body",
			e.file("ok-import.json", `{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web"}]}`)}, exitOK},

		// Refused before anything is sent.
		{"call-schema-error", noConfig, []string{"call", "ImportFriends", "--body", badImport}, exitUsage},
		{"call-schema-error-root", c, []string{"call", "GetFriendLists", "--body", e.file("array.json", `[1, 2]`)}, exitUsage},
		{"call-schema-error-limit", stdin(`{"Limit": 10001}`), []string{"call", "ListGroupIDs", "--body", "-"}, exitUsage},
		{"call-not-json", stdin(`{"From_Account": "alice",}`), []string{"call", "GetFriendLists", "--body", "-"}, exitUsage},
		{"call-empty-body", stdin("\n"), []string{"call", "GetFriendLists", "--body", "-"}, exitUsage},
		{"call-no-body-file", c, []string{"call", "GetFriendLists", "--body", e.dir + "/nope.json"}, exitUsage},
		{"call-unknown", c, []string{"call", "DeleteEverything"}, exitUsage},
		{"call-unknown-close", c, []string{"call", "importfriends"}, exitUsage},
		{"call-unknown-last-segment", c, []string{"call", "friend_import"}, exitUsage},
		{"call-two-operations", c, []string{"call", "GetFriendLists", "ListGroupIDs"}, exitUsage},
		{"call-list-with-operation", c, []string{"call", "--list", "GetFriendLists"}, exitUsage},
		{"call-body-without-operation", c, []string{"call", "--body", "-"}, exitUsage},
		{"call-missing-config", cli{stdin: `{"From_Account":"alice"}`}, []string{"call", "GetFriendLists", "--body", "-"}, exitUsage},

		// Error answers: the service refused the call.
		{"call-wrong-key", wrongKey, []string{"call", "GetFriendLists", "--body", e.file("lists.json", `{"From_Account":"alice"}`)}, exitFailure},
		{"call-not-admin", c, []string{"call", "ListGroupIDs", "--admin", "bob"}, exitFailure},
		{"call-unknown-user", stdin(`{"From_Account":"nobody"}`), []string{"call", "GetFriendLists", "--body", "-"}, exitFailure},

		// The list of operations.
		{"call-list", noConfig, []string{"call", "--list"}, exitOK},
		{"call-list-table", noConfig, []string{"call", "-o", "table"}, exitOK},
	})
}

// TestCallRefusedSendsNothing checks that a body that breaks the schema,
// an unknown operation and --dry-run send nothing, even with every
// setting given.
func TestCallRefusedSendsNothing(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()
	for _, args := range [][]string{
		{"call", "ImportFriends", "--body", e.file("bad.json", `{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"Web"}]}`)},
		{"call", "ImportFriends", "--body", e.file("extra.json", `{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web"}],"Extra":1}`)},
		{"call", "GetFriends", "--body", e.file("no-tags.json", `{"From_Account":"alice","To_Account":["bob"]}`)},
		{"call", "Nope"},
		{"call", "ImportFriends", "--dry-run", "--body", e.file("ok.json", `{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web"}]}`)},
	} {
		r := c.run(t, args...)
		dryRun := slices.Contains(args, "--dry-run")
		if (dryRun && r.Code != exitOK) || (!dryRun && r.Code != exitUsage) || r.Stdout != "" {
			t.Errorf("timrest %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
		}
	}
	if calls := e.emu.Stats().Calls; len(calls) != 0 {
		t.Errorf("the emulator got calls: %v", calls)
	}
}

// TestCallEveryOperation walks the operations of the document and calls
// each through "timrest call" by its operationId and by its path (with
// and without the leading slash), with the first request example of the
// document as the body: each call must reach the emulator as that
// operation and be answered. An operation added to the document needs no
// change to the command line to be callable.
func TestCallEveryOperation(t *testing.T) {
	t.Parallel()
	if len(spec.Operations) == 0 {
		t.Fatal("the document has no operations")
	}
	doc := contract.MustLoad()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()

	list := c.run(t, "call", "--list", "-o", "json")
	var listed []operationOutput
	if list.Code != exitOK || json.Unmarshal([]byte(list.Stdout), &listed) != nil {
		t.Fatalf("call --list: exit %d, stdout %q, stderr %q", list.Code, list.Stdout, list.Stderr)
	}
	byID := map[string]operationOutput{}
	for _, o := range listed {
		byID[o.OperationID] = o
	}
	if len(listed) != len(spec.Operations) {
		t.Errorf("call --list lists %d operations, the document has %d", len(listed), len(spec.Operations))
	}

	for _, op := range spec.Operations {
		if o, ok := byID[op.ID]; !ok || o.Path != op.Path {
			t.Errorf("call --list: %s is %+v, want path %s", op.ID, o, op.Path)
		}
		requests, _, err := doc.Examples(op.ID)
		if err != nil {
			t.Fatal(err)
		}
		body := "{}"
		if len(requests) > 0 {
			body = string(requests[0].Value)
		}
		file := e.file(op.ID+".json", body)
		for _, name := range []string{op.ID, op.Path, strings.TrimPrefix(op.Path, "/")} {
			before := e.emu.Stats()
			r := c.run(t, "call", name, "--body", file, "-o", "json")
			after := e.emu.Stats()
			if r.Code == exitUsage {
				t.Errorf("timrest call %s (body %s): exit 2: %s", name, body, r.Stderr)
				continue
			}
			if n := after.Calls[op.ID] - before.Calls[op.ID]; n != 1 {
				t.Errorf("timrest call %s: the emulator got %d calls of %s, want 1 (calls before %v, after %v)", name, n, op.ID, before.Calls, after.Calls)
			}
			if answered(after.Codes[op.ID]) != answered(before.Codes[op.ID])+1 {
				t.Errorf("timrest call %s: the emulator did not answer it (codes before %v, after %v)", name, before.Codes[op.ID], after.Codes[op.ID])
			}
			if r.Code == exitOK && !json.Valid([]byte(r.Stdout)) {
				t.Errorf("timrest call %s: stdout is not JSON: %q", name, r.Stdout)
			}
			if r.Code == exitFailure && !strings.HasPrefix(r.Stderr, "timrest call: timrest: "+op.ID+": error ") {
				t.Errorf("timrest call %s: exit 1 but not for an error answer: %q", name, r.Stderr)
			}
		}
	}
}

// answered is the number of answers the emulator counted in codes.
func answered(codes map[int]int) int {
	n := 0
	for v := range maps.Values(codes) {
		n += v
	}
	return n
}

// TestCallJSONIsTheAnswer checks that json output is the service's
// answer byte for byte: the same JSON as the emulator's answer to the
// same request, keys in the service's order.
func TestCallJSONIsTheAnswer(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()
	r := c.run(t, "call", "GetFriendLists", "--body", e.file("b.json", `{"From_Account":"alice","NeedFriend":"Need_Friend_Type_Yes"}`), "-o", "json")
	if r.Code != exitOK {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	out := strings.TrimSuffix(r.Stdout, "\n")
	if strings.Contains(out, "\n") || !strings.HasPrefix(out, `{"`) {
		t.Errorf("stdout is not the answer on one line: %q", r.Stdout)
	}
	// The typed command asks the same question: the lists must agree.
	var answer struct {
		ResultItem []struct {
			GroupName string
			ToAccount []string `json:"To_Account"`
		}
	}
	if err := json.Unmarshal([]byte(out), &answer); err != nil {
		t.Fatal(err)
	}
	typed := c.run(t, "friends", "lists", "--from", "alice", "--with-friends", "-o", "json")
	var lists struct {
		Lists []struct {
			GroupName string
			ToAccount []string `json:"To_Account"`
		}
	}
	if err := json.Unmarshal([]byte(typed.Stdout), &lists); err != nil {
		t.Fatal(err)
	}
	if len(answer.ResultItem) == 0 || len(answer.ResultItem) != len(lists.Lists) {
		t.Fatalf("call: %+v; friends lists: %+v", answer.ResultItem, lists.Lists)
	}
	for i := range lists.Lists {
		if answer.ResultItem[i].GroupName != lists.Lists[i].GroupName ||
			strings.Join(answer.ResultItem[i].ToAccount, ",") != strings.Join(lists.Lists[i].ToAccount, ",") {
			t.Errorf("list %d: call %+v, friends lists %+v", i, answer.ResultItem[i], lists.Lists[i])
		}
	}
}

func TestLookupOperation(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"ImportFriends":          "ImportFriends",
		"v4/sns/friend_import":   "ImportFriends",
		"/v4/sns/friend_import":  "ImportFriends",
		" GetFriendLists ":       "GetFriendLists",
		"importfriends":          "",
		"ImportFriends/":         "",
		"v4/sns/friend_import?x": "",
		"":                       "",
	} {
		op, err := lookupOperation(name)
		switch {
		case want == "" && (op != nil || err == nil):
			t.Errorf("lookupOperation(%q) = %v, %v; want a usage error", name, op, err)
		case want != "" && (op == nil || op.ID != want):
			t.Errorf("lookupOperation(%q) = %v, %v; want %s", name, op, err, want)
		}
	}
	if _, err := lookupOperation("importfriends"); err == nil || !strings.Contains(err.Error(), "did you mean ImportFriends?") {
		t.Errorf("lookupOperation(importfriends): %v, want a suggestion", err)
	}
	if _, err := lookupOperation("s3cr3t-key-typed-here"); err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("lookupOperation repeats its argument: %v", err)
	}
}

func TestFieldPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tokens []string
		want   string
	}{
		{nil, ""},
		{[]string{"From_Account"}, "From_Account"},
		{[]string{"AddFriendItem", "3", "AddSource"}, "AddFriendItem[3].AddSource"},
		{[]string{"AddFriendItem", "0", "GroupName", "1"}, "AddFriendItem[0].GroupName[1]"},
		{[]string{"0"}, "[0]"},
	} {
		if got := fieldPath(tc.tokens); got != tc.want {
			t.Errorf("fieldPath(%q) = %q, want %q", tc.tokens, got, tc.want)
		}
	}
}

func TestPrintAnswer(t *testing.T) {
	t.Parallel()
	const sig = "eJwsylELgjAUBeD-SIGNATURE-0123456789"
	answer := json.RawMessage(`{"ErrorInfo":"bad \u001b[2J",` + "\"Nick\":\"\u202eevil\u0085\",\"Echo\":\"usersig=" + sig + "&x=1 " + testKey + "\",\"N\":1.50}")
	for _, tc := range []struct {
		format string
		want   string
	}{
		// json: the answer as it is, but for the secrets.
		{outputJSON, `{"ErrorInfo":"bad \u001b[2J","Nick":"` + "\u202eevil\u0085" + `","Echo":"usersig=REDACTED&x=1 REDACTED","N":1.50}` + "\n"},
		// table: indented, format and control characters escaped, lines kept.
		{outputTable, "{\n  \"ErrorInfo\": \"bad \\u001b[2J\",\n  \"Nick\": \"\\u202eevil\\u0085\",\n  \"Echo\": \"usersig=REDACTED&x=1 REDACTED\",\n  \"N\": 1.50\n}\n"},
	} {
		var b strings.Builder
		if err := printAnswer(&b, tc.format, answer, []string{testKey}); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.format, b.String(), tc.want)
		}
	}
}
