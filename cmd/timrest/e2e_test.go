package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
)

// This file has the helpers of the end-to-end tests: an emulator per
// test, a cli pointed at it, and golden transcripts.

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// e2eAppID is the app of the tests' emulators.
const (
	e2eAppID    = "1400000001"
	e2eAppIDNum = 1400000001
)

// e2e is an emulator for one test and what its commands need.
type e2e struct {
	t       *testing.T
	baseURL string
	emu     *emulator.Emulator
	dir     string // a temporary folder for files
}

// newE2E starts an emulator with seed (rate limits off, the clock fixed
// at t0 so that the times it records are the same in every run).
func newE2E(t *testing.T, seed *emulator.Seed) *e2e {
	t.Helper()
	cfg := emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey, Seed: seed, Now: func() time.Time { return t0 }}
	baseURL, emu := emulatortest.Start(t, cfg)
	return &e2e{t: t, baseURL: baseURL, emu: emu, dir: t.TempDir()}
}

// env is the environment of a command against the emulator.
func (e *e2e) env() map[string]string {
	return map[string]string{envSDKAppID: e2eAppID, envSecretKey: testKey, envBaseURL: e.baseURL}
}

// cli returns a command-line environment against the emulator: the
// variables set, the client's rate limit off, retries without waiting,
// and every request and answer checked against openapi/.
func (e *e2e) cli() cli {
	return cli{now: t0, env: e.env(), clientOpts: []timrest.Option{
		timrest.WithoutRateLimit(),
		timrest.WithSleeper(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		timrest.WithHTTPClient(&http.Client{Transport: emulatortest.ValidatingTransport(e.t, nil)}),
	}}
}

// file writes content to name in the test's folder and returns its path.
func (e *e2e) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// read returns the content of the file at path.
func (e *e2e) read(path string) string {
	e.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// transcript is what a golden file holds for one command: the command
// line, the environment (the key hidden), the exit status, stdout and
// stderr, with the emulator's URL and the temporary folder replaced.
func (e *e2e) transcript(c cli, args []string, r result) string {
	var b strings.Builder
	var names []string
	for k := range c.env {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := c.env[k]
		if k == envSecretKey {
			v = "***"
		}
		fmt.Fprintf(&b, "%s=%s ", k, v)
	}
	fmt.Fprintf(&b, "timrest %s\n", strings.Join(args, " "))
	if c.stdoutIsTerminal {
		b.WriteString("--- stdout is a terminal\n")
	}
	if c.stderrIsTerminal {
		b.WriteString("--- stderr is a terminal\n")
	}
	if c.stdin != "" {
		fmt.Fprintf(&b, "--- stdin\n%s", c.stdin)
	}
	fmt.Fprintf(&b, "--- exit %d\n--- stdout\n%s--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
	s := b.String()
	if e != nil {
		host := strings.TrimPrefix(e.baseURL, "http://")
		s = strings.NewReplacer(e.baseURL, "http://EMULATOR", host, "EMULATOR", e.dir, "TMP").Replace(s)
	}
	s = randomParam.ReplaceAllString(s, "random=N")
	return loopbackPort.ReplaceAllString(s, "127.0.0.1:PORT")
}

var (
	randomParam  = regexp.MustCompile(`random=[0-9]+`)
	loopbackPort = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
)

// golden runs args in c, checks the exit status and compares the
// transcript with testdata/golden/name.golden (rewritten with -update).
func (e *e2e) golden(t *testing.T, name string, c cli, wantCode int, args ...string) result {
	t.Helper()
	r := c.run(t, args...)
	if r.Code != wantCode {
		t.Errorf("timrest %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.Code, wantCode, r.Stdout, r.Stderr)
	}
	checkGolden(t, name, e.transcript(c, args, r))
	return r
}

// checkGolden compares got with testdata/golden/name.golden.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/timrest -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test ./cmd/timrest -update rewrites it):\n%s", path, diff)
	}
}

// oneErrorLine checks that stderr is one line starting with prefix.
func oneErrorLine(t *testing.T, r result, prefix string) {
	t.Helper()
	if strings.Count(r.Stderr, "\n") != 1 || !strings.HasSuffix(r.Stderr, "\n") || !strings.HasPrefix(r.Stderr, prefix) {
		t.Errorf("stderr %q, want one line starting with %q", r.Stderr, prefix)
	}
}
