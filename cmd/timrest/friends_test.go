package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
)

// goldenCase is one command of a golden test.
type goldenCase struct {
	name string
	c    cli
	args []string
	code int
}

// runGoldenCases runs each case against e and compares its transcript.
func runGoldenCases(t *testing.T, e *e2e, cases []goldenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.golden(t, tc.name, tc.c, tc.code, tc.args...)
			if tc.code != exitOK {
				oneErrorLine(t, r, "timrest ")
			}
		})
	}
}

func TestFriendsLists(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()
	term := c
	term.stdoutIsTerminal = true
	wrongKey := e.cli()
	wrongKey.env[envSecretKey] = otherKey
	runGoldenCases(t, e, []goldenCase{
		{"friends-lists-table", c, []string{"friends", "lists", "--from", "alice", "--with-friends", "-o", "table"}, exitOK},
		{"friends-lists-json", c, []string{"friends", "lists", "--from", "alice"}, exitOK},
		{"friends-lists-terminal", term, []string{"friends", "lists", "--from", "alice"}, exitOK},
		{"friends-lists-named", c, []string{"friends", "lists", "--from", "alice", "--list", "family", "--list", "work", "--output", "json"}, exitOK},
		{"friends-lists-none", c, []string{"friends", "lists", "--from", "erin", "-o", "table"}, exitOK},
		{"friends-lists-unknown-user", c, []string{"friends", "lists", "--from", "nobody"}, exitFailure},
		{"friends-lists-wrong-key", wrongKey, []string{"friends", "lists", "--from", "alice"}, exitFailure},
		{"friends-lists-not-admin", c, []string{"friends", "lists", "--from", "alice", "--admin", "bob"}, exitFailure},
		{"friends-lists-missing-from", c, []string{"friends", "lists"}, exitUsage},
		{"friends-lists-bad-list", c, []string{"friends", "lists", "--from", "alice", "--list", "work", "--list", strings.Repeat("x", 31)}, exitUsage},
		{"friends-lists-bad-from", c, []string{"friends", "lists", "--from", strings.Repeat("a", 33)}, exitUsage},
	})
}

func TestFriendsGet(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()
	stdin := e.cli()
	stdin.stdin = "bob\n\n  carol \n"
	wrongKey := e.cli()
	wrongKey.env[envSecretKey] = otherKey
	runGoldenCases(t, e, []goldenCase{
		{"friends-get-table", c, []string{"friends", "get", "--from", "alice", "--to", "bob,carol", "--to", "erin", "-o", "table"}, exitOK},
		{"friends-get-json", c, []string{"friends", "get", "--from", "alice", "--to", "bob,carol,erin"}, exitOK},
		{"friends-get-tags", c, []string{"friends", "get", "--from", "alice", "--to", "bob,carol", "-o", "table",
			"--tag", "Tag_Profile_IM_Nick", "--tag", "Tag_Profile_IM_Level,Tag_SNS_IM_Group", "--tag", "Tag_SNS_Custom_Rank", "--tag", "Tag_Profile_Custom_Hobby"}, exitOK},
		{"friends-get-tags-json", c, []string{"friends", "get", "--from", "alice", "--to", "bob", "--tag", "Tag_Profile_IM_Level,Tag_SNS_IM_Group,Tag_SNS_Custom_Note"}, exitOK},
		{"friends-get-to-file", stdin, []string{"friends", "get", "--from", "alice", "--to-file", "-", "--tag", "Tag_SNS_IM_Remark", "-o", "table"}, exitOK},
		{"friends-get-not-friend", c, []string{"friends", "get", "--from", "alice", "--to", "bob,dave,bob", "-o", "table"}, exitFailure},
		{"friends-get-not-friend-json", c, []string{"friends", "get", "--from", "alice", "--to", "dave," + strings.Repeat("z", 33)}, exitFailure},
		{"friends-get-wrong-key", wrongKey, []string{"friends", "get", "--from", "alice", "--to", "bob,carol", "-o", "table"}, exitFailure},
		{"friends-get-missing-to", c, []string{"friends", "get", "--from", "alice"}, exitUsage},
		{"friends-get-missing-from", c, []string{"friends", "get", "--to", "bob"}, exitUsage},
		{"friends-get-bad-tag", c, []string{"friends", "get", "--from", "alice", "--to", "bob", "--tag", "Tag_SNS_IM_Remark,Tag_Bogus"}, exitUsage},
		{"friends-get-missing-to-file", c, []string{"friends", "get", "--from", "alice", "--to-file", e.dir + "/nope.txt"}, exitUsage},
	})
}

// TestFriendsGetMany asks for more accounts than one request takes: the
// client sends 100 a request and the output keeps the order.
func TestFriendsGetMany(t *testing.T) {
	t.Parallel()
	seed := emulator.SampleSeed()
	var to []string
	for i := range 250 {
		id := fmt.Sprintf("user%03d", i)
		seed.Accounts = append(seed.Accounts, emulator.Account{UserID: id})
		to = append(to, id)
	}
	e := newE2E(t, seed)
	// bob and carol are alice's friends; the 250 others are not.
	to = append(append([]string{"carol"}, to...), "bob")
	r := e.cli().run(t, "friends", "get", "--from", "alice", "--to", strings.Join(to, ","), "-o", "json")
	if r.Code != exitFailure || r.Stderr != "timrest friends get: 250 of 252 accounts were not returned\n" {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	var raw struct {
		Friends []struct {
			ToAccount  string `json:"To_Account"`
			ResultCode int
		}
		FailAccount []string `json:"Fail_Account"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Friends) != len(to) || len(raw.FailAccount) != 250 {
		t.Fatalf("%d friends, %d Fail_Account; want %d and 250", len(raw.Friends), len(raw.FailAccount), len(to))
	}
	for i, f := range raw.Friends {
		wantCode := 30001
		if f.ToAccount == "bob" || f.ToAccount == "carol" {
			wantCode = 0
		}
		if f.ToAccount != to[i] || f.ResultCode != wantCode {
			t.Errorf("Friends[%d] = %s %d, want %s %d", i, f.ToAccount, f.ResultCode, to[i], wantCode)
		}
	}
	if n := e.emu.Stats().Calls["GetFriends"]; n != 3 {
		t.Errorf("%d friend_get_list calls for 251 accounts, want 3", n)
	}
}

func TestGroupsIDs(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()
	runGoldenCases(t, e, []goldenCase{
		{"groups-ids-json", c, []string{"groups", "ids", "--page-size", "10"}, exitOK},
		{"groups-ids-table", c, []string{"groups", "ids", "--type", "public", "-o", "table"}, exitOK},
		{"groups-ids-community", c, []string{"groups", "ids", "--type", "COMMUNITY", "--page-size", "1", "-o", "json"}, exitOK},
		{"groups-ids-not-admin", c, []string{"groups", "ids", "--admin", "bob"}, exitFailure},
		{"groups-ids-bad-page-size", c, []string{"groups", "ids", "--page-size", "10001"}, exitUsage},
		{"groups-ids-zero-page-size", c, []string{"groups", "ids", "--page-size", "0"}, exitUsage},
		{"groups-ids-bad-type", c, []string{"groups", "ids", "--type", "Bogus"}, exitUsage},
	})
}

// TestGroupsIDsStreams checks that each page is written out before the
// next one is asked for.
func TestGroupsIDsStreams(t *testing.T) {
	t.Parallel()
	seed := emulator.SampleSeed()
	seed.Groups = emulator.GenerateGroups(95, 3)
	e := newE2E(t, seed)
	var (
		out    lineCounter
		stderr bytes.Buffer
		seen   []int // lines written when each call was made
	)
	c := e.cli()
	hook := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		seen = append(seen, out.lines())
		return emulatortest.ValidatingTransport(t, nil).RoundTrip(req)
	})
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &stderr, getenv: func(k string) string { return c.env[k] }, now: time.Now,
		clientOpts: append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: hook}))}
	if code := a.execute(context.Background(), []string{"groups", "ids", "--page-size", "20", "-o", "table"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := []int{0, 20, 40, 60, 80}; !slices.Equal(seen, want) {
		t.Errorf("lines written before each of the calls: %v, want %v", seen, want)
	}
	if got := out.lines(); got != 95 {
		t.Errorf("%d lines, want 95", got)
	}
}

// lineCounter is an io.Writer that counts the lines written to it.
type lineCounter struct {
	mu sync.Mutex
	n  int
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

func (l *lineCounter) lines() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestGroupsIDsRepeatedCursor checks that "groups ids" stops, with exit
// status 1 and the pages so far printed, when the service gives a Next
// it gave before (following it would loop forever).
func TestGroupsIDsRepeatedCursor(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	c := e.cli()
	var (
		mu    sync.Mutex
		calls int
	)
	// Pages answer Next 7, 8, 7, ...: the third names a page seen before.
	c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n > 10 {
			t.Errorf("call %d: the command follows a repeated cursor", n)
			return nil, fmt.Errorf("stop")
		}
		next := 7 + (n+1)%2
		body := fmt.Sprintf(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","TotalCount":9,"GroupIdList":[{"GroupId":"g%d"}],"Next":%d}`, n, next)
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	})}))
	r := c.run(t, "groups", "ids", "-o", "table")
	if r.Code != exitFailure || r.Stdout != "g1\ng2\ng3\n" || !strings.Contains(r.Stderr, "repeated a paging cursor") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, three IDs and the repeated cursor", r.Code, r.Stdout, r.Stderr)
	}
	oneErrorLine(t, r, "timrest groups ids: ")
	mu.Lock()
	defer mu.Unlock()
	if calls != 3 {
		t.Errorf("%d calls, want 3", calls)
	}
}
