package emulator_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

// familyCodes are the permission and bad-parameter codes the emulator
// answers for each family of the document.
var familyCodes = map[string]struct{ notAdmin, badParam int }{
	"sns":     {30004, 30001},
	"group":   {10007, 10004},
	"account": {70403, 70402},
	"profile": {40004, 40001},
}

// opCall is an operation of the document with a valid body (its first
// sample request) and the codes of its family.
type opCall struct {
	name, path, body string
	notAdmin         int
	badParam         int
}

// opCalls returns every operation of the document, as opCall.
func opCalls(t *testing.T) []opCall {
	t.Helper()
	c := contract.MustLoad()
	var out []opCall
	for _, o := range spec.Operations {
		codes, ok := familyCodes[o.Family]
		if !ok {
			t.Fatalf("%s: no codes for its family %s in familyCodes", o.ID, o.Family)
		}
		requests, _, err := c.Examples(o.ID)
		if err != nil || len(requests) == 0 {
			t.Fatalf("%s: no sample request: %v", o.ID, err)
		}
		out = append(out, opCall{o.ID, o.Path, string(requests[0].Value), codes.notAdmin, codes.badParam})
	}
	return out
}

// TestAuthErrors sends every operation with each broken set of query
// parameters and checks the documented code, HTTP 200, and that neither
// the UserSig nor the key is answered or logged.
func TestAuthErrors(t *testing.T) {
	t.Parallel()
	cfg, clock := testConfig(t)
	var logs emulatortest.LogBuffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	base, _ := emulatortest.Start(t, cfg)
	c := newCaller(t, base, cfg)
	opPaths := opCalls(t)
	now := clock.Now()
	sig := func(appID uint64, key, id string, ttl time.Duration, at time.Time) string {
		s, err := auth.GenUserSigAt(appID, key, id, ttl, at)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	set := func(k, v string) func(url.Values) { return func(q url.Values) { q.Set(k, v) } }
	del := func(k string) func(url.Values) { return func(q url.Values) { q.Del(k) } }
	tests := []struct {
		name   string
		mutate func(url.Values)
		want   int // 0: the operation's permission code
	}{
		{"sdkappid missing", del("sdkappid"), 60012},
		{"sdkappid empty", set("sdkappid", ""), 60012},
		{"sdkappid not a number", set("sdkappid", "14000x"), 60025},
		{"sdkappid zero", set("sdkappid", "0"), 60025},
		{"sdkappid of another app", set("sdkappid", "1400000002"), 60006},
		{"sdkappid twice", func(q url.Values) { q.Add("sdkappid", "1400000001") }, 60025},
		{"identifier missing", del("identifier"), 60025},
		{"identifier too long", set("identifier", strings.Repeat("a", 33)), 60025},
		{"usersig missing", del("usersig"), 70002},
		{"usersig empty", set("usersig", ""), 70002},
		{"usersig garbage", set("usersig", "not-a-usersig"), 70003},
		{"usersig expired", set("usersig", sig(testAppID, cfg.Key, "administrator", time.Hour, now.Add(-2*time.Hour))), 70001},
		{"usersig forged with another key", set("usersig", sig(testAppID, "forged-key", "administrator", time.Hour, now)), 70009},
		{"usersig expired and forged with another key", set("usersig", sig(testAppID, "forged-key", "administrator", time.Hour, now.Add(-2*time.Hour))), 70001},
		{"usersig of another app", set("usersig", sig(1400000002, cfg.Key, "administrator", time.Hour, now)), 70014},
		{"usersig of another user", set("usersig", sig(testAppID, cfg.Key, "alice", time.Hour, now)), 70013},
		{"identifier not an admin", func(q url.Values) {
			q.Set("identifier", "alice")
			q.Set("usersig", sig(testAppID, cfg.Key, "alice", time.Hour, now))
		}, 0},
		{"random missing", del("random"), 60025},
		{"random over 32 bits", set("random", "4294967296"), 60025},
		{"random negative", set("random", "-1"), 60025},
		{"contenttype missing", del("contenttype"), 60025},
		{"contenttype xml", set("contenttype", "xml"), 60025},
	}
	for _, op := range opPaths {
		for _, tt := range tests {
			t.Run(op.name+"/"+tt.name, func(t *testing.T) {
				q := c.query()
				tt.mutate(q)
				status, raw := c.postRaw(op.path, q, op.body)
				want := tt.want
				if want == 0 {
					want = op.notAdmin
				}
				if status != http.StatusOK {
					t.Errorf("HTTP %d, want 200", status)
				}
				if got := codeOf(t, raw); got != want {
					t.Errorf("ErrorCode %d, want %d; answer %s", got, want, raw)
				}
				if !bytes.Contains(raw, []byte(`"ActionStatus":"FAIL"`)) {
					t.Errorf("answer %s is not ActionStatus FAIL", raw)
				}
				if us := q.Get("usersig"); len(us) > 8 && bytes.Contains(raw, []byte(us)) {
					t.Errorf("the answer repeats the UserSig: %s", raw)
				}
			})
		}
	}
	out := logs.String()
	if strings.Contains(out, cfg.Key) || strings.Contains(out, "usersig=") {
		t.Errorf("the log shows a secret:\n%s", out)
	}
	for _, sigText := range []string{sig(testAppID, cfg.Key, "administrator", time.Hour, now), sig(testAppID, cfg.Key, "alice", time.Hour, now)} {
		if strings.Contains(out, sigText) {
			t.Errorf("the log shows a UserSig")
		}
	}
	if n, want := strings.Count(out, "msg=call"), len(opPaths)*len(tests); n != want {
		t.Errorf("%d log lines for %d calls", n, want)
	}
	if !strings.Contains(out, "op=ImportFriends identifier=alice code=30004 duration=") {
		t.Errorf("log lacks the not-admin ImportFriends line:\n%s", out)
	}
}

// TestBadRequests checks that bodies the document refuses are answered
// the vendor's way: HTTP 200, FAIL and the operation's bad-parameter code
// (60003 for bodies that are not JSON), never a bare 400.
func TestBadRequests(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t)
	base, emu := emulatortest.Start(t, cfg)
	c := newCaller(t, base, cfg)
	for _, op := range opCalls(t) {
		unknownField := strings.Replace(op.body, "{", `{"Type":"Public",`, 1)
		if op.body == "{}" {
			unknownField = `{"Type":"Public"}` // the filter sent as Type, not GroupType
		}
		for _, tt := range []struct {
			name, body string
			want       int
		}{
			{"empty body", ``, 60003},
			{"blank body", " \n", 60003},
			{"truncated JSON", op.body[:len(op.body)-1], 60003},
			{"not JSON", `From_Account=alice`, 60003},
			{"a JSON array", `[]`, op.badParam},
			{"an unknown field", unknownField, op.badParam},
		} {
			t.Run(op.name+"/"+tt.name, func(t *testing.T) {
				status, raw := c.postRaw(op.path, nil, tt.body)
				if status != http.StatusOK || codeOf(t, raw) != tt.want {
					t.Errorf("HTTP %d %s, want 200 and ErrorCode %d", status, raw, tt.want)
				}
			})
		}
	}
	for _, tt := range []struct {
		name, path, body string
		want             int
	}{
		{"group_get without From_Account", pathGroupGet, `{"NeedFriend":"Need_Friend_Type_Yes"}`, 30001},
		{"group_get bad NeedFriend", pathGroupGet, `{"From_Account":"alice","NeedFriend":"yes"}`, 30001},
		{"group_get list name over 30 characters", pathGroupGet, `{"From_Account":"alice","GroupName":["` + strings.Repeat("x", 31) + `"]}`, 30001},
		{"friend_get_list without TagList", pathFriendGet, `{"From_Account":"alice","To_Account":["bob"]}`, 30001},
		{"friend_get_list empty To_Account", pathFriendGet, `{"From_Account":"alice","To_Account":[],"TagList":["Tag_Profile_IM_Nick"]}`, 30001},
		{"friend_get_list bad tag name", pathFriendGet, `{"From_Account":"alice","To_Account":["bob"],"TagList":["Nick"]}`, 30001},
		{"get_appid_group_list unknown GroupType", pathGroupList, `{"GroupType":"Secret"}`, 10004},
		{"get_appid_group_list Limit 0", pathGroupList, `{"Limit":0}`, 10004},
		{"get_appid_group_list Limit over 10000", pathGroupList, `{"Limit":10001}`, 10004},
		{"get_appid_group_list negative Next", pathGroupList, `{"Next":-1}`, 10004},
		{"get_appid_group_list Next as a string", pathGroupList, `{"Next":"4454685361"}`, 10004},
		{"friend_import without items", pathFriendImpt, `{"From_Account":"dave","AddFriendItem":[]}`, 30001},
		{"friend_import 1001 items", pathFriendImpt, `{"From_Account":"dave","AddFriendItem":[` +
			strings.TrimSuffix(strings.Repeat(`{"To_Account":"erin","AddSource":"AddSource_Type_Web"},`, 1001), ",") + `]}`, 30001},
		{"friend_import item without To_Account", pathFriendImpt, `{"From_Account":"dave","AddFriendItem":[{"AddSource":"AddSource_Type_Web"}]}`, 30001},
		{"friend_import item with an object custom value", pathFriendImpt,
			`{"From_Account":"dave","AddFriendItem":[{"To_Account":"erin","AddSource":"AddSource_Type_Web","CustomItem":[{"Tag":"Tag_SNS_Custom_X","Value":{}}]}]}`, 30001},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := c.postRaw(tt.path, nil, tt.body)
			if status != http.StatusOK || codeOf(t, raw) != tt.want {
				t.Errorf("HTTP %d %s, want 200 and ErrorCode %d", status, raw, tt.want)
			}
		})
	}
	if f := emu.Friends("dave"); len(f) != 0 {
		t.Errorf("refused imports changed dave's friends: %v", f)
	}

	t.Run("not a POST", func(t *testing.T) {
		resp, err := http.Get(base + pathGroupGet)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if resp.StatusCode != 200 || codeOf(t, buf.Bytes()) != 60002 {
			t.Errorf("HTTP %d %s, want 200 and 60002", resp.StatusCode, buf.Bytes())
		}
	})
	t.Run("unknown API", func(t *testing.T) {
		status, raw := c.postRaw("/v4/sns/friend_nosuch", nil, `{}`)
		if status != 200 || codeOf(t, raw) != 60009 {
			t.Errorf("HTTP %d %s, want 200 and 60009", status, raw)
		}
	})
	t.Run("a form content type is read as JSON", func(t *testing.T) {
		q := c.query()
		resp, err := http.Post(base+pathGroupGet+"?"+q.Encode(), "application/x-www-form-urlencoded", strings.NewReader(`{"From_Account":"alice"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if codeOf(t, buf.Bytes()) != 0 {
			t.Errorf("answer %s", buf.Bytes())
		}
	})
}

// TestBodySizeLimit sends a valid body padded with spaces to exactly the
// emulator's limit, which it reads, and to one byte more, which gets
// 60003.
func TestBodySizeLimit(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t)
	base, _ := emulatortest.Start(t, cfg)
	c := newCaller(t, base, cfg)
	const body = `{"From_Account":"alice"}`
	padded := func(n int) string { return body + strings.Repeat(" ", n-len(body)) }
	if _, raw := c.postRaw(pathGroupGet, nil, padded(emulator.MaxBody)); codeOf(t, raw) != 0 {
		t.Errorf("a body of exactly %d bytes: %.300s, want ErrorCode 0", emulator.MaxBody, raw)
	}
	if _, raw := c.postRaw(pathGroupGet, nil, padded(emulator.MaxBody+1)); codeOf(t, raw) != 60003 {
		t.Errorf("a body of %d bytes: %.300s, want ErrorCode 60003", emulator.MaxBody+1, raw)
	}
}

func codeOf(t testing.TB, raw []byte) int {
	t.Helper()
	var m map[string]any
	if err := jsonUnmarshalNumber(raw, &m); err != nil {
		t.Fatalf("answer %q: %v", raw, err)
	}
	return code(t, m)
}

var _ = emulator.DefaultAdmin

// TestUserSigExpiresWhileInUse reuses one UserSig across its expiry: the
// emulator remembers verified UserSigs, and must still refuse it after.
func TestUserSigExpiresWhileInUse(t *testing.T) {
	t.Parallel()
	cfg, clock := testConfig(t)
	base, _ := emulatortest.Start(t, cfg)
	c := newCaller(t, base, cfg)
	q := c.query() // valid for an hour
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{0, 0}, {time.Hour, 0}, {time.Second, 70001}} {
		clock.Advance(step.advance)
		if _, raw := c.postRaw(pathGroupGet, q, `{"From_Account":"alice"}`); codeOf(t, raw) != step.want {
			t.Errorf("after +%v: %s, want ErrorCode %d", step.advance, raw, step.want)
		}
	}
}
