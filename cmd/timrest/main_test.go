package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/timrest/timrest"
)

// Secret keys of the tests. Every run checks that neither appears in
// stdout or stderr.
const (
	testKey  = "test-KEY-must-never-be-printed-0123456789abcdef"
	otherKey = "other-KEY-must-never-be-printed-fedcba9876543210"
)

// t0 is the fixed clock of the tests.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// result is what one command line did.
type result struct {
	Code   int
	Stdout string
	Stderr string
}

// cli is a command-line environment for a test.
type cli struct {
	env   map[string]string // the environment; nil for none
	stdin string
	now   time.Time // the clock; zero for time.Now

	ctx              context.Context  // the context (Ctrl-C cancels it); nil for Background
	clientOpts       []timrest.Option // added to the timrest client's options
	stdoutIsTerminal bool             // stdout is a terminal: table output by default
	stderrIsTerminal bool             // stderr is a terminal: progress bars
}

// run runs args in-process through app.execute and checks that no secret
// key was printed.
func (c cli) run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{
		stdin:  strings.NewReader(c.stdin),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return c.env[k] },
		now:    time.Now,
	}
	if !c.now.IsZero() {
		a.now = func() time.Time { return c.now }
	}
	a.clientOpts = c.clientOpts
	a.isTerminal = func(w io.Writer) bool {
		return (w == &stdout && c.stdoutIsTerminal) || (w == &stderr && c.stderrIsTerminal)
	}
	ctx := c.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	r := result{a.execute(ctx, args), stdout.String(), stderr.String()}
	checkNoSecrets(t, args, r)
	return r
}

func checkNoSecrets(t *testing.T, args []string, r result) {
	t.Helper()
	for _, key := range []string{testKey, otherKey} {
		if strings.Contains(r.Stdout, key) || strings.Contains(r.Stderr, key) {
			t.Errorf("timrest %s printed a secret key:\nstdout: %q\nstderr: %q", strings.Join(args, " "), r.Stdout, r.Stderr)
		}
	}
	// A URL of a request shows its UserSig only redacted.
	for _, out := range []string{r.Stdout, r.Stderr} {
		if strings.Count(out, "usersig=") != strings.Count(out, "usersig=REDACTED") {
			t.Errorf("timrest %s printed a UserSig:\nstdout: %q\nstderr: %q", strings.Join(args, " "), r.Stdout, r.Stderr)
		}
	}
}

// TestRun goes through run, the function main calls, with the real clock.
func TestRun(t *testing.T) {
	t.Parallel()
	getenv := func(k string) string {
		if k == envSecretKey {
			return testKey
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	args := []string{"usersig", "gen", "--sdkappid", "1400000001", "--user", "admin"}
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, getenv); code != exitOK {
		t.Fatalf("gen: exit %d, stderr %q", code, stderr.String())
	}
	sig := strings.TrimSuffix(stdout.String(), "\n")
	checkNoSecrets(t, args, result{0, stdout.String(), stderr.String()})

	stdout.Reset()
	args = []string{"usersig", "verify", "--sdkappid", "1400000001", "--user", "admin", "--sig", "-"}
	if code := run(context.Background(), args, strings.NewReader(sig+"\n"), &stdout, &stderr, getenv); code != exitOK {
		t.Fatalf("verify: exit %d, stderr %q", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "valid; expires ") {
		t.Errorf("verify: stdout %q, want valid; expires ...", stdout.String())
	}
	checkNoSecrets(t, args, result{0, stdout.String(), stderr.String()})
}

func TestHelp(t *testing.T) {
	t.Parallel()
	c := cli{env: map[string]string{envSecretKey: testKey}}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"usersig"}},
		{[]string{"--help"}, []string{"usersig", "Exit status"}},
		{[]string{"help", "usersig"}, []string{"gen", "verify", envSecretKey}},
		{[]string{"usersig"}, []string{"gen", "verify"}},
		{[]string{"usersig", "gen", "--help"}, []string{"--sdkappid", "--key", "--user", "--ttl", "(default 24h)"}},
		{[]string{"usersig", "verify", "-h"}, []string{"--sdkappid", "--key", "--user", "--sig", "--now"}},
		{[]string{"call", "--help"}, []string{"OPERATION", "--body", "--list", "--dry-run", "operationId", "v4/sns/friend_import", "Exit status", "timrest call --list"}},
		{[]string{"help"}, []string{"call", "friends", "groups"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			r := c.run(t, tc.args...)
			if r.Code != exitOK || r.Stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and no stderr", r.Code, r.Stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Stdout, w) {
					t.Errorf("help does not contain %q:\n%s", w, r.Stdout)
				}
			}
		})
	}
}
