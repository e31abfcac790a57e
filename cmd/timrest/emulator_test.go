package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest/auth"
	api "github.com/timrest/timrest/gen"
)

// syncBuffer is a strings.Builder safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningEmulator is "timrest emulator" running in-process.
type runningEmulator struct {
	baseURL string
	stderr  *syncBuffer
	stop    func() int // cancels the context and returns the exit status
}

// startEmulatorCmd runs "timrest emulator args..." until stop is called.
// It waits for the base URL on stdout; no polling.
func startEmulatorCmd(t *testing.T, env map[string]string, args ...string) *runningEmulator {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	a := &app{
		stdin:  strings.NewReader(""),
		stdout: pw,
		stderr: stderr,
		getenv: func(k string) string { return env[k] },
		now:    time.Now,
	}
	done := make(chan int, 1)
	go func() {
		code := a.execute(ctx, append([]string{"emulator"}, args...))
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no base URL on stdout (%v); exit %d, stderr:\n%s", err, <-done, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	var once sync.Once
	code := 0
	stop := func() int {
		once.Do(func() {
			cancel()
			code = <-done
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return &runningEmulator{baseURL: strings.TrimSpace(line), stderr: stderr, stop: stop}
}

func TestEmulatorCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{envSecretKey: testKey}
	r := startEmulatorCmd(t, env, "--addr", "127.0.0.1:0", "--sdkappid", "1400000001", "--groups", "100", "--rate-limits", "off",
		"--admin", "ops", "--admin", "administrator")
	if !strings.HasPrefix(r.baseURL, "http://127.0.0.1:") {
		t.Fatalf("base URL %q", r.baseURL)
	}
	signer, err := auth.NewSigner(1400000001, testKey, "ops")
	if err != nil {
		t.Fatal(err)
	}
	client, err := api.NewClientWithResponses(r.baseURL, api.WithRequestEditorFn(signer.Edit))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 { // twice: the rate limit is off
		resp, err := client.ListGroupIDsWithResponse(ctx, api.ListGroupIDsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if a := resp.JSON200; a.ErrorCode != 0 || *a.TotalCount != 125 {
			t.Fatalf("answer %s, want the 25 sample groups and 100 generated ones", resp.Body)
		}
	}
	resp, err := client.GetFriendListsWithResponse(ctx, api.GetFriendListsRequest{FromAccount: "alice"})
	if err != nil || resp.JSON200.ErrorCode != 0 || len(resp.JSON200.ResultItem) != 2 {
		t.Fatalf("group_get: %v %s", err, resp.Body)
	}
	sig, _ := signer.UserSig()
	if code := r.stop(); code != exitOK {
		t.Errorf("exit %d after the interrupt, want 0", code)
	}
	logs := r.stderr.String()
	for _, want := range []string{
		"msg=serving url=" + r.baseURL + " sdkappid=1400000001 admins=ops,administrator rate_limits=off faults=off",
		"msg=call op=ListGroupIDs identifier=ops code=0 duration=",
		"msg=call op=GetFriendLists identifier=ops code=0 duration=",
		"msg=stopped",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, logs)
		}
	}
	if n := strings.Count(logs, "msg=call"); n != 3 {
		t.Errorf("%d call lines for 3 calls:\n%s", n, logs)
	}
	if strings.Contains(logs, testKey) || strings.Contains(logs, sig) || strings.Contains(logs, "usersig") {
		t.Errorf("stderr shows a secret:\n%s", logs)
	}
}

func TestEmulatorCommandSeedAndRateLimits(t *testing.T) {
	t.Parallel()
	seed := filepath.Join(t.TempDir(), "seed.json")
	err := os.WriteFile(seed, []byte(`{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Nick","Value":"Alice"}]},{"UserID":"bob"}],
		"Groups":[{"GroupId":"@TGS#1","Type":"Public"}],
		"Friends":{"alice":[{"To_Account":"bob","AddSource":"AddSource_Type_Web","GroupName":["work"]}]}}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	r := startEmulatorCmd(t, nil, "--addr", "127.0.0.1:0", "--sdkappid", "1400000001", "--key", testKey, "--seed", seed)
	signer, _ := auth.NewSigner(1400000001, testKey, "administrator")
	client, _ := api.NewClientWithResponses(r.baseURL, api.WithRequestEditorFn(signer.Edit))
	var codes []int32
	for range 2 {
		resp, err := client.ListGroupIDsWithResponse(context.Background(), api.ListGroupIDsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.JSON200.ErrorCode)
		if resp.JSON200.ErrorCode == 0 && *resp.JSON200.TotalCount != 1 {
			t.Errorf("TotalCount %d, want the seed's one group", *resp.JSON200.TotalCount)
		}
	}
	if codes[0] != 0 || codes[1] != 60007 {
		t.Errorf("two calls in a second with rate limits on (the default): %v, want [0 60007]", codes)
	}
	friends, err := client.GetFriendsWithResponse(context.Background(), api.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob"}, TagList: []string{"Tag_SNS_IM_Group"}})
	if err != nil || friends.JSON200.InfoItem[0].ResultCode != 0 {
		t.Errorf("friend_get_list: %v %s", err, friends.Body)
	}
	if code := r.stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

func TestEmulatorCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badSeed := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badSeed, []byte(`{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Level","Value":"x"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	withKey := cli{env: map[string]string{envSecretKey: testKey}}
	for _, tt := range []struct {
		name    string
		c       cli
		args    []string
		code    int
		wantErr string
	}{
		{"no sdkappid", withKey, []string{"emulator"}, exitUsage, "missing --sdkappid"},
		{"no key", cli{}, []string{"emulator", "--sdkappid", "1"}, exitUsage, "missing secret key"},
		{"bad faults", withKey, []string{"emulator", "--sdkappid", "1", "--faults", "drop=2"}, exitUsage, "invalid --faults: drop=2 is not a probability"},
		{"bad rate-limits", withKey, []string{"emulator", "--sdkappid", "1", "--rate-limits", "maybe"}, exitUsage, "want on or off"},
		{"negative groups", withKey, []string{"emulator", "--sdkappid", "1", "--groups", "-1"}, exitUsage, "invalid --groups"},
		{"missing seed file", withKey, []string{"emulator", "--sdkappid", "1", "--seed", filepath.Join(dir, "nope.json")}, exitFailure, "cannot read --seed"},
		{"bad seed file", withKey, []string{"emulator", "--sdkappid", "1", "--seed", badSeed}, exitFailure, `Accounts[0] "alice": Profile[0]: Tag_Profile_IM_Level`},
		{"bad address", withKey, []string{"emulator", "--sdkappid", "1", "--addr", "256.0.0.1:99999"}, exitFailure, "cannot listen"},
		{"zero read timeout", withKey, []string{"emulator", "--sdkappid", "1", "--read-timeout", "0s"}, exitUsage, "invalid --read-timeout 0s: want a positive duration"},
		{"negative write timeout", withKey, []string{"emulator", "--sdkappid", "1", "--write-timeout", "-1s"}, exitUsage, "invalid --write-timeout -1s"},
		{"zero idle timeout", withKey, []string{"emulator", "--sdkappid", "1", "--idle-timeout", "0"}, exitUsage, "invalid --idle-timeout"},
		{"zero max-conns", withKey, []string{"emulator", "--sdkappid", "1", "--max-conns", "0"}, exitUsage, "invalid --max-conns 0: want a positive number"},
		{"negative max-header-bytes", withKey, []string{"emulator", "--sdkappid", "1", "--max-header-bytes", "-5"}, exitUsage, "invalid --max-header-bytes -5"},
		{"demo takes no arguments", cli{}, []string{"demo", "now"}, exitUsage, "unexpected argument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.run(t, tt.args...)
			if r.Code != tt.code || !strings.Contains(r.Stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.Code, r.Stderr, tt.code, tt.wantErr)
			}
		})
	}
}

// signedQuery returns the query of a call signed as administrator with
// testKey for app 1400000001.
func signedQuery(t *testing.T) string {
	t.Helper()
	sig, err := auth.GenUserSig(1400000001, testKey, "administrator", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"sdkappid": {"1400000001"}, "identifier": {"administrator"}, "usersig": {sig},
		"random": {"1"}, "contenttype": {"json"}}.Encode()
}

// rawCall is a complete group_get call, as its client sends it.
func rawCall(query string) string {
	body := `{"From_Account":"alice"}`
	return fmt.Sprintf("POST /v4/sns/group_get?%s HTTP/1.1\r\nHost: emulator\r\nContent-Length: %d\r\n\r\n%s", query, len(body), body)
}

// dialEmulator opens a raw connection to baseURL, closed when the test
// ends.
func dialEmulator(t *testing.T, baseURL string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedWithin reports whether the server closes c within d, and what
// it sent.
func closedWithin(c net.Conn, d time.Duration) (bool, string) {
	c.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(c)
	return !errors.Is(err, os.ErrDeadlineExceeded), string(b)
}

// TestEmulatorCommandTimeouts: --read-timeout cuts off a slow body and
// --idle-timeout closes an idle keep-alive connection (the defaults are
// 30 s and 1 min; the margins here are 10 s).
func TestEmulatorCommandTimeouts(t *testing.T) {
	t.Parallel()
	r := startEmulatorCmd(t, map[string]string{envSecretKey: testKey}, "--addr", "127.0.0.1:0", "--sdkappid", "1400000001",
		"--read-timeout", "300ms", "--idle-timeout", "300ms")
	q := signedQuery(t)

	slow := dialEmulator(t, r.baseURL)
	io.WriteString(slow, strings.SplitAfter(rawCall(q), "\r\n\r\n")[0]+`{"From`) // and no more
	if closed, got := closedWithin(slow, 10*time.Second); !closed || !strings.Contains(got, `"ErrorCode":60003`) {
		t.Errorf("slow body: closed %v, answer %q; want 60003 and the connection closed", closed, got)
	}

	idle := dialEmulator(t, r.baseURL)
	io.WriteString(idle, rawCall(q))
	idle.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if closed, _ := closedWithin(idle, 10*time.Second); !closed {
		t.Error("an idle connection is still open after 10s")
	}
	if code := r.stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// TestEmulatorCommandConnLimits: with --max-conns 1, a second client
// waits until the first closes; --max-header-bytes refuses larger
// headers with HTTP 431.
func TestEmulatorCommandConnLimits(t *testing.T) {
	t.Parallel()
	r := startEmulatorCmd(t, map[string]string{envSecretKey: testKey}, "--addr", "127.0.0.1:0", "--sdkappid", "1400000001",
		"--max-conns", "1", "--max-header-bytes", "2048")
	q := signedQuery(t)
	first := dialEmulator(t, r.baseURL)
	io.WriteString(first, rawCall(q))
	first.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(first), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	second := dialEmulator(t, r.baseURL)
	io.WriteString(second, rawCall(q+"&pad="+strings.Repeat("x", 8192)))
	br := bufio.NewReader(second)
	second.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := br.Peek(1); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a second connection was served while the first was open (%v)", err)
	}
	first.Close()
	second.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the second connection was not served after the first closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("HTTP %d for 8 KB of query, want 431", resp.StatusCode)
	}
	if code := r.stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

func TestOnOffValue(t *testing.T) {
	t.Parallel()
	var v onOffValue
	for in, want := range map[string]bool{"on": true, "OFF": false, "true": true, "0": false, " yes ": true} {
		if err := v.Set(in); err != nil || bool(v) != want {
			t.Errorf("Set(%q): %v %v", in, v, err)
		}
	}
	if v.Set("2") == nil {
		t.Error("Set(2) accepted")
	}
}
