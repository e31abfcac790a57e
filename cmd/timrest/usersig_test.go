package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/auth"
)

const (
	appID    = "1400000001"
	appIDNum = 1400000001
	user     = "administrator"
)

// gen runs "usersig gen" and returns the UserSig, failing the test unless
// it printed exactly the UserSig and a newline.
func gen(t *testing.T, c cli, extra ...string) string {
	t.Helper()
	args := append([]string{"usersig", "gen", "--sdkappid", appID, "--user", user}, extra...)
	r := c.run(t, args...)
	if r.Code != exitOK || r.Stderr != "" {
		t.Fatalf("timrest %s: exit %d, stderr %q", strings.Join(args, " "), r.Code, r.Stderr)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9*_-]+\n$`).MatchString(r.Stdout) {
		t.Fatalf("timrest %s: stdout %q, want one UserSig and a newline", strings.Join(args, " "), r.Stdout)
	}
	return strings.TrimSuffix(r.Stdout, "\n")
}

func verifyArgs(sig string, extra ...string) []string {
	return append([]string{"usersig", "verify", "--sdkappid", appID, "--user", user, "--sig", sig}, extra...)
}

func valid(expires time.Time) result {
	return result{Code: exitOK, Stdout: "valid; expires " + expires.UTC().Format(time.RFC3339) + "\n"}
}

func TestUserSigRoundTrip(t *testing.T) {
	t.Parallel()
	c := cli{now: t0}
	sig := gen(t, c, "--key", testKey)

	// The UserSig is the one auth makes for the same inputs.
	want, err := auth.GenUserSigAt(appIDNum, testKey, user, 24*time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	if sig != want {
		t.Errorf("gen printed %q, want auth.GenUserSigAt's %q", sig, want)
	}

	for _, tc := range []struct {
		name string
		c    cli
		args []string
	}{
		{"at issue", c, verifyArgs(sig, "--key", testKey)},
		{"clock later", cli{now: t0.Add(23 * time.Hour)}, verifyArgs(sig, "--key", testKey)},
		{"--now", cli{now: t0.Add(100 * day)}, verifyArgs(sig, "--key", testKey, "--now", "2025-06-02T11:59:59Z")},
		{"--now last second", c, verifyArgs(sig, "--key", testKey, "--now", "2025-06-02T12:00:00Z")},
		{"--now with offset", c, verifyArgs(sig, "--key", testKey, "--now", "2025-06-02T20:00:00+08:00")},
		{"--sig -", cli{now: t0, stdin: sig + "\n"}, verifyArgs("-", "--key", testKey)},
		{"--sig with spaces", c, verifyArgs(" "+sig+"\n", "--key", testKey)},
		{"env key", cli{now: t0, env: map[string]string{envSecretKey: testKey}}, verifyArgs(sig)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.c.run(t, tc.args...)
			if diff := cmp.Diff(valid(t0.Add(24*time.Hour)), got); diff != "" {
				t.Errorf("verify (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenTTL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ttl  string
		want time.Duration
	}{
		{"1s", time.Second},
		{"90m", 90 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"3600s", time.Hour},
		{"24h", 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"180d", 180 * day},
		{" 7d ", 7 * day},
	} {
		t.Run(tc.ttl, func(t *testing.T) {
			t.Parallel()
			c := cli{now: t0}
			sig := gen(t, c, "--key", testKey, "--ttl", tc.ttl)
			got := c.run(t, verifyArgs(sig, "--key", testKey)...)
			if diff := cmp.Diff(valid(t0.Add(tc.want)), got); diff != "" {
				t.Errorf("verify (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVerifyFailures(t *testing.T) {
	t.Parallel()
	c := cli{now: t0}
	sig := gen(t, c, "--key", testKey, "--ttl", "1h")
	otherSig := gen(t, cli{now: t0}, "--key", otherKey, "--ttl", "1h")

	for _, tc := range []struct {
		name   string
		args   []string
		want   string // the reason: the start of the error line after "timrest usersig verify: invalid UserSig: "
		detail string // and a detail the line contains, if not empty
	}{
		{"expired", verifyArgs(sig, "--key", testKey, "--now", "2025-06-01T13:00:01Z"),
			"expired", "2025-06-01T13:00:00Z"},
		{"wrong SDKAppID", []string{"usersig", "verify", "--sdkappid", "1400000002", "--user", user, "--key", testKey, "--sig", sig},
			"wrong SDKAppID", "1400000001"},
		{"wrong user", []string{"usersig", "verify", "--sdkappid", appID, "--user", "someone", "--key", testKey, "--sig", sig},
			"wrong user", `"administrator"`},
		{"wrong key", verifyArgs(sig, "--key", otherKey),
			"bad signature (wrong key, or the UserSig was altered)", ""},
		{"signed with another key", verifyArgs(otherSig, "--key", testKey),
			"bad signature (wrong key, or the UserSig was altered)", ""},
		{"not base64", verifyArgs("this is not a UserSig!", "--key", testKey),
			"malformed", ""},
		{"truncated", verifyArgs(sig[:len(sig)/2], "--key", testKey),
			"malformed", ""},
		{"not zlib", verifyArgs("AAAAAAAA", "--key", testKey),
			"malformed", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := c.run(t, tc.args...)
			if got.Code != exitFailure || got.Stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and no stdout", got.Code, got.Stdout, exitFailure)
			}
			prefix := "timrest usersig verify: invalid UserSig: "
			line, ok := strings.CutPrefix(got.Stderr, prefix)
			if !ok || strings.Count(got.Stderr, "\n") != 1 || !strings.HasSuffix(got.Stderr, "\n") {
				t.Fatalf("stderr %q, want one line starting with %q", got.Stderr, prefix)
			}
			if !strings.HasPrefix(line, tc.want) {
				t.Errorf("reason %q, want it to start with %q", strings.TrimSpace(line), tc.want)
			}
			if !strings.Contains(line, tc.detail) {
				t.Errorf("reason %q does not contain %q", strings.TrimSpace(line), tc.detail)
			}
			for _, s := range []string{sig, otherSig} {
				if strings.Contains(got.Stderr, s) {
					t.Errorf("stderr repeats a UserSig: %q", got.Stderr)
				}
			}
		})
	}
}

func TestKeyFromEnv(t *testing.T) {
	t.Parallel()
	want := gen(t, cli{now: t0}, "--key", testKey)
	got := gen(t, cli{now: t0, env: map[string]string{envSecretKey: testKey}})
	if got != want {
		t.Errorf("gen with %s = %q, want %q (as with --key)", envSecretKey, got, want)
	}
}

func TestKeyFlagOverridesEnv(t *testing.T) {
	t.Parallel()
	env := cli{now: t0, env: map[string]string{envSecretKey: otherKey}}
	want := gen(t, cli{now: t0}, "--key", testKey)
	if got := gen(t, env, "--key", testKey); got != want {
		t.Errorf("gen --key with %s set = %q, want %q (signed with --key)", envSecretKey, got, want)
	}

	if got := env.run(t, verifyArgs(want, "--key", testKey)...); got.Code != exitOK {
		t.Errorf("verify --key with %s set to another key: exit %d, stderr %q; want 0", envSecretKey, got.Code, got.Stderr)
	}
	got := env.run(t, verifyArgs(want)...)
	if got.Code != exitFailure || !strings.Contains(got.Stderr, "bad signature") {
		t.Errorf("verify with only %s (another key): exit %d, stderr %q; want 1, bad signature", envSecretKey, got.Code, got.Stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	g := func(extra ...string) []string { return append([]string{"usersig", "gen"}, extra...) }
	v := func(extra ...string) []string { return append([]string{"usersig", "verify"}, extra...) }
	ok := []string{"--sdkappid", appID, "--user", user, "--key", testKey}
	okv := append([]string{"--sig", "AAAA"}, ok...)
	noEnv := cli{now: t0}
	emptyEnv := cli{now: t0, env: map[string]string{envSecretKey: ""}}

	for _, tc := range []struct {
		name string
		c    cli
		args []string
		want []string // substrings of the one error line
	}{
		{"gen missing key", noEnv, g("--sdkappid", appID, "--user", user), []string{"--key", envSecretKey}},
		{"gen empty env key", emptyEnv, g("--sdkappid", appID, "--user", user), []string{"--key", envSecretKey}},
		{"gen empty --key", noEnv, g("--sdkappid", appID, "--user", user, "--key", ""), []string{"--key", envSecretKey}},
		{"verify missing key", noEnv, v("--sdkappid", appID, "--user", user, "--sig", "AAAA"), []string{"--key", envSecretKey}},
		{"gen missing sdkappid", noEnv, g("--user", user, "--key", testKey), []string{"--sdkappid"}},
		{"verify missing sdkappid", noEnv, v("--user", user, "--key", testKey, "--sig", "AAAA"), []string{"--sdkappid"}},
		{"gen missing user", noEnv, g("--sdkappid", appID, "--key", testKey), []string{"--user"}},
		{"verify missing user", noEnv, v("--sdkappid", appID, "--key", testKey, "--sig", "AAAA"), []string{"--user"}},
		{"verify missing sig", noEnv, v(ok...), []string{"--sig"}},
		{"verify empty sig", noEnv, v(append(ok, "--sig", " ")...), []string{"--sig"}},
		{"verify empty stdin", noEnv, v(append(ok, "--sig", "-")...), []string{"--sig"}},
		{"sdkappid abc", noEnv, g("--sdkappid", "abc", "--user", user, "--key", testKey), []string{"--sdkappid"}},
		{"sdkappid 0", noEnv, g("--sdkappid", "0", "--user", user, "--key", testKey), []string{"--sdkappid"}},
		{"sdkappid negative", noEnv, g("--sdkappid=-1", "--user", user, "--key", testKey), []string{"--sdkappid"}},
		{"sdkappid fraction", noEnv, v("--sdkappid", "1.5", "--user", user, "--key", testKey, "--sig", "AAAA"), []string{"--sdkappid"}},
		{"sdkappid overflow", noEnv, g("--sdkappid", "18446744073709551616", "--user", user, "--key", testKey), []string{"--sdkappid"}},
		{"sdkappid no value", noEnv, g("--user", user, "--key", testKey, "--sdkappid"), []string{"--sdkappid"}},
		{"ttl abc", noEnv, g(append(ok, "--ttl", "abc")...), []string{"--ttl"}},
		{"ttl empty", noEnv, g(append(ok, "--ttl", "")...), []string{"--ttl"}},
		{"ttl zero", noEnv, g(append(ok, "--ttl", "0")...), []string{"--ttl"}},
		{"ttl zero days", noEnv, g(append(ok, "--ttl", "0d")...), []string{"--ttl"}},
		{"ttl negative", noEnv, g(append(ok, "--ttl=-1h")...), []string{"--ttl"}},
		{"ttl negative days", noEnv, g(append(ok, "--ttl=-2d")...), []string{"--ttl"}},
		{"ttl sub-second", noEnv, g(append(ok, "--ttl", "500ms")...), []string{"--ttl"}},
		{"ttl fraction of a second", noEnv, g(append(ok, "--ttl", "1.5s")...), []string{"--ttl"}},
		{"ttl fractional days", noEnv, g(append(ok, "--ttl", "1.5d")...), []string{"--ttl"}},
		{"ttl huge", noEnv, g(append(ok, "--ttl", "999999999d")...), []string{"--ttl"}},
		{"ttl no unit", noEnv, g(append(ok, "--ttl", "86400")...), []string{"--ttl"}},
		{"now bad", noEnv, v(append(okv, "--now", "yesterday")...), []string{"--now", "RFC 3339"}},
		{"now no zone", noEnv, v(append(okv, "--now", "2025-06-01T12:00:00")...), []string{"--now"}},
		{"unknown flag", noEnv, g(append(ok, "--bogus")...), []string{"--bogus"}},
		{"ttl on verify", noEnv, v(append(okv, "--ttl", "1h")...), []string{"--ttl"}},
		{"positional argument", noEnv, g("--sdkappid", appID, "--user", user, testKey), []string{"argument"}},
		{"unknown subcommand", noEnv, []string{"usersig", "bogus"}, []string{"unknown command", "gen", "verify"}},
		{"unknown command", noEnv, []string{"bogus"}, []string{"unknown command", "usersig"}},
		// Text typed on the command line is not repeated: it could be the
		// key in the wrong place (run checks the key never appears).
		{"key as a subcommand", noEnv, []string{"usersig", testKey}, []string{"unknown command"}},
		{"key as a command", noEnv, []string{testKey}, []string{"unknown command"}},
		{"key glued to an unknown shorthand", noEnv, g("--sdkappid", appID, "--user", user, "-k"+testKey), []string{"unknown shorthand flag: 'k'"}},
		{"key as the sdkappid", noEnv, g("--sdkappid", testKey, "--user", user), []string{"--sdkappid"}},
		{"unknown root flag", noEnv, []string{"--bogus"}, []string{"--bogus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.c.run(t, tc.args...)
			if got.Code != exitUsage || got.Stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and no stdout", got.Code, got.Stdout, exitUsage)
			}
			if strings.Count(got.Stderr, "\n") != 1 || !strings.HasSuffix(got.Stderr, "\n") || !strings.HasPrefix(got.Stderr, "timrest") {
				t.Errorf("stderr %q, want one line starting with timrest", got.Stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.Stderr, w) {
					t.Errorf("stderr %q does not contain %q", got.Stderr, w)
				}
			}
		})
	}
}

func TestTTLValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{time.Second, "1s"},
		{90 * time.Second, "1m30s"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{day, "24h"},
		{25 * time.Hour, "25h"},
		{2 * day, "2d"},
		{180 * day, "180d"},
	} {
		v := ttlValue(tc.d)
		got := v.String()
		if got != tc.want {
			t.Errorf("ttlValue(%v).String() = %q, want %q", tc.d, got, tc.want)
		}
		var back ttlValue
		if err := back.Set(got); err != nil || time.Duration(back) != tc.d {
			t.Errorf("Set(%q) = %v, %v; want %v, nil", got, time.Duration(back), err, tc.d)
		}
	}
}
