package emulator_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

// startWithout starts an emulator with the sample data whose operations
// ops have no behaviour, so that the generic fallback serves them. Each
// of ops must have had a behaviour.
func startWithout(t *testing.T, logs *emulatortest.LogBuffer, ops ...string) (*emulator.Emulator, emulator.Config, string) {
	t.Helper()
	return startDropping(t, logs, true, ops...)
}

// startDropping is startWithout; when must is false, an operation of ops
// that has no behaviour (one knowingly served by the fallback) is
// accepted as it is.
func startDropping(t *testing.T, logs *emulatortest.LogBuffer, must bool, ops ...string) (*emulator.Emulator, emulator.Config, string) {
	t.Helper()
	cfg, _ := testConfig(t)
	if logs != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if !emu.DropBehaviour(op) && must {
			t.Fatalf("%s has no behaviour to drop", op)
		}
	}
	srv := httptest.NewServer(emu) // after DropBehaviour: nothing is served before
	t.Cleanup(srv.Close)
	return emu, cfg, srv.URL
}

// TestFallbackAnswersTheExample: every operation, without its behaviour,
// answers a valid request (its last sample request) with the document's
// first example answer, HTTP 200, whatever the state; the request and the
// answer validate against the document, and the call counts as not
// stateful in Stats and in the log.
func TestFallbackAnswersTheExample(t *testing.T) {
	t.Parallel()
	c := contract.MustLoad()
	var all []string
	for _, o := range spec.Operations {
		all = append(all, o.ID)
	}
	var logs emulatortest.LogBuffer
	// Every operation, whether it has a behaviour or is knowingly on the
	// fallback already (contractOnly).
	emu, cfg, base := startDropping(t, &logs, false, all...)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	caller := newCaller(t, base, cfg)
	caller.client = &http.Client{Transport: emulatortest.ValidatingTransport(t, tr)}
	for _, o := range spec.Operations {
		requests, answers, err := c.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		status, raw := caller.postRaw(o.Path, nil, string(requests[len(requests)-1].Value))
		if status != http.StatusOK {
			t.Errorf("%s: HTTP %d", o.ID, status)
		}
		if diff := cmp.Diff(string(answers[0].Value)+"\n", string(raw)); diff != "" {
			t.Errorf("%s: the answer is not the example %s (-want +got):\n%s", o.ID, answers[0].Name, diff)
		}
	}
	st := emu.Stats()
	for _, o := range spec.Operations {
		if st.Calls[o.ID] != 1 || st.NotStateful[o.ID] != 1 || st.Codes[o.ID][0] != 1 {
			t.Errorf("%s: calls %d, not stateful %d, codes %v; want 1, 1 and one 0", o.ID, st.Calls[o.ID], st.NotStateful[o.ID], st.Codes[o.ID])
		}
	}
	out := logs.String()
	for _, o := range spec.Operations {
		if !lineWith(out, "op="+o.ID+" ", "stateful=false") {
			t.Errorf("%s: no log line with stateful=false:\n%s", o.ID, out)
		}
	}
}

// lineWith reports whether a line of out contains both a and b.
func lineWith(out, a, b string) bool {
	for line := range strings.Lines(out) {
		if strings.Contains(line, a) && strings.Contains(line, b) {
			return true
		}
	}
	return false
}

// TestFallbackIgnoresTheState: without its behaviour, group_get answers
// the example's lists, not alice's; the other operations keep their
// behaviour and count as stateful.
func TestFallbackIgnoresTheState(t *testing.T) {
	t.Parallel()
	var logs emulatortest.LogBuffer
	emu, cfg, base := startWithout(t, &logs, spec.GetFriendLists.ID)
	client := emulatortest.NewClient(t, base, cfg)
	ctx := context.Background()
	lists, err := client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range lists.JSON200.ResultItem {
		names = append(names, l.GroupName)
	}
	if diff := cmp.Diff([]string{"group1", "group2", "group3"}, names); diff != "" {
		t.Errorf("lists (-example +got):\n%s", diff)
	}
	// A stateful operation beside it: alice's real friends.
	friends, err := client.GetFriendsWithResponse(ctx, gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob"}, TagList: []string{"Tag_SNS_IM_Remark"}})
	if err != nil {
		t.Fatal(err)
	}
	if it := friends.JSON200.InfoItem; len(it) != 1 || len(it[0].SNSProfileItem) != 1 || it[0].SNSProfileItem[0].Value.String() != "Bobby" {
		t.Errorf("GetFriends answer %s", friends.Body)
	}
	st := emu.Stats()
	if st.NotStateful[spec.GetFriendLists.ID] != 1 || st.NotStateful[spec.GetFriends.ID] != 0 || len(st.NotStateful) != 1 {
		t.Errorf("NotStateful %v, want GetFriendLists only", st.NotStateful)
	}
	if out := logs.String(); lineWith(out, "op=GetFriends ", "stateful") {
		t.Errorf("a stateful call is logged as not stateful:\n%s", out)
	}
}

// TestFallbackStillChecksTheRequest: the fallback serves requests that
// passed authentication and validation only; the others get their codes
// and are not counted as not stateful.
func TestFallbackStillChecksTheRequest(t *testing.T) {
	t.Parallel()
	emu, cfg, base := startWithout(t, nil, spec.ListGroupIDs.ID, spec.ImportFriends.ID)
	c := newCaller(t, base, cfg)
	if _, raw := c.postRaw(pathGroupList, nil, `{"Limit":0}`); codeOf(t, raw) != 10004 {
		t.Errorf("a Limit of 0: %s, want 10004", raw)
	}
	if _, raw := c.postRaw(pathFriendImpt, nil, `{"From_Account":"dave","AddFriendItem":[]}`); codeOf(t, raw) != 30001 {
		t.Errorf("an empty import: %s, want 30001", raw)
	}
	q := c.query()
	q.Set("identifier", "alice")
	if _, raw := c.postRaw(pathGroupList, q, `{}`); codeOf(t, raw) != 70013 {
		t.Errorf("another identifier: %s, want 70013", raw)
	}
	if _, raw := c.postRaw(pathGroupList, nil, `{"Limit":1}`); !bytes.Contains(raw, []byte(`"@TGS#2J4SZEAEL"`)) || codeOf(t, raw) != 0 {
		t.Errorf("a valid request: %s, want the example page", raw)
	}
	if st := emu.Stats(); st.NotStateful[spec.ListGroupIDs.ID] != 1 || st.NotStateful[spec.ImportFriends.ID] != 0 {
		t.Errorf("NotStateful %v, want 1 ListGroupIDs", st.NotStateful)
	}
	if f := emu.Friends("dave"); len(f) != 0 {
		t.Errorf("the fallback changed dave's friends: %v", f)
	}
}
