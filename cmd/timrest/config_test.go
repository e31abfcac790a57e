package main

import (
	"net"
	"strings"
	"testing"

	"github.com/timrest/timrest/emulator"
)

// TestGlobalConfig goes through every global flag and its variable:
// missing and invalid settings are one line naming both, exit 2; a flag
// wins over its variable.
func TestGlobalConfig(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	with := func(set map[string]string, unset ...string) cli {
		c := e.cli()
		for k, v := range set {
			c.env[k] = v
		}
		for _, k := range unset {
			delete(c.env, k)
		}
		return c
	}
	lists := func(extra ...string) []string {
		return append([]string{"friends", "lists", "--from", "alice", "-o", "table"}, extra...)
	}
	// A loopback port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	runGoldenCases(t, e, []goldenCase{
		// Missing settings.
		{"config-missing-sdkappid", with(nil, envSDKAppID), lists(), exitUsage},
		{"config-missing-key", with(nil, envSecretKey), lists(), exitUsage},
		{"config-missing-region", with(nil, envBaseURL), lists(), exitUsage},
		// Invalid settings, from the variable and from the flag.
		{"config-bad-sdkappid-env", with(map[string]string{envSDKAppID: "abc"}), lists(), exitUsage},
		{"config-bad-sdkappid-flag", e.cli(), lists("--sdkappid", "abc"), exitUsage},
		{"config-bad-region-env", with(map[string]string{envRegion: "mars"}), lists(), exitUsage},
		{"config-bad-region-flag", e.cli(), lists("--region", "mars"), exitUsage},
		{"config-http-not-loopback", with(map[string]string{envBaseURL: "http://example.com"}), lists(), exitUsage},
		{"config-bad-base-url-flag", e.cli(), lists("--base-url", "ftp://example.com"), exitUsage},
		{"config-bad-admin", with(map[string]string{envAdmin: strings.Repeat("a", 33)}), lists(), exitUsage},
		{"config-bad-output-env", with(map[string]string{envOutput: "yaml"}), []string{"friends", "lists", "--from", "alice"}, exitUsage},
		{"config-bad-output-flag", e.cli(), lists("--output", "yaml"), exitUsage},
		// Precedence: the flag wins over the variable; --base-url over --region.
		{"config-flags-win", with(map[string]string{envSDKAppID: "1400000999", envSecretKey: otherKey, envAdmin: "bob", envOutput: "json"}),
			lists("--sdkappid", e2eAppID, "--key", testKey, "--admin", "administrator"), exitOK},
		{"config-base-url-over-region", with(map[string]string{envRegion: "sgp"}), lists(), exitOK},
		{"config-region-flag", with(nil, envBaseURL), lists("--region", "Singapore", "--base-url", e.baseURL), exitOK},
		{"config-output-env", with(map[string]string{envOutput: "TABLE"}), []string{"friends", "lists", "--from", "alice"}, exitOK},
		{"config-global-flags-first", with(nil, envSDKAppID, envBaseURL), []string{"--sdkappid", e2eAppID, "--base-url", e.baseURL, "-o", "json", "friends", "lists", "--from", "alice"}, exitOK},
		// Settings the service refuses, and no service at all.
		{"config-other-app", with(map[string]string{envSDKAppID: "1400000999"}), lists(), exitFailure},
		{"config-admin-env-not-admin", with(map[string]string{envAdmin: "bob"}), lists(), exitFailure},
		{"config-no-service", with(map[string]string{envBaseURL: closed}), lists(), exitFailure},
	})
}

// TestConfigNoSecretInErrors: a key typed in the wrong place is not
// repeated (run checks the key never appears).
func TestConfigNoSecretInErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	for _, c := range []cli{
		func() cli { c := e.cli(); c.env[envSDKAppID] = testKey; return c }(),
		func() cli { c := e.cli(); c.env[envRegion] = testKey; delete(c.env, envBaseURL); return c }(),
		func() cli { c := e.cli(); c.env[envOutput] = testKey; return c }(),
		func() cli { c := e.cli(); c.env[envBaseURL] = "http://" + testKey + ".example.com"; return c }(),
	} {
		r := c.run(t, "friends", "lists", "--from", "alice")
		if r.Code != exitUsage {
			t.Errorf("exit %d, want %d; stderr %q", r.Code, exitUsage, r.Stderr)
		}
	}
	for _, args := range [][]string{
		{"friends", "lists", "--from", "alice", "--sdkappid", testKey},
		{"friends", "lists", "--from", "alice", "--output", testKey},
		{"groups", "ids", "--type", testKey},
		{"friends", "get", "--from", "alice", testKey},
	} {
		if r := e.cli().run(t, args...); r.Code != exitUsage {
			t.Errorf("timrest %v: exit %d, want %d; stderr %q", args, r.Code, exitUsage, r.Stderr)
		}
	}
}

// TestUserSigAndEmulatorVariables: usersig and emulator keep their own
// --sdkappid and --key (shadowing the global ones, same meaning) and read
// $TIM_SDKAPPID too; the emulator takes its admin from $TIM_ADMIN.
func TestUserSigAndEmulatorVariables(t *testing.T) {
	t.Parallel()
	env := cli{now: t0, env: map[string]string{envSDKAppID: appID, envSecretKey: testKey}}
	fromEnv := gen(t, env)
	fromFlags := gen(t, cli{now: t0}, "--key", testKey) // gen passes --sdkappid
	if fromEnv != fromFlags {
		t.Errorf("usersig gen with %s = %q, with --sdkappid %q", envSDKAppID, fromEnv, fromFlags)
	}
	// The global flags may come first.
	r := cli{now: t0}.run(t, "--sdkappid", appID, "--key", testKey, "usersig", "gen", "--user", user)
	if r.Code != exitOK || strings.TrimSpace(r.Stdout) != fromFlags {
		t.Errorf("global flags before usersig gen: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	bad := cli{now: t0, env: map[string]string{envSDKAppID: "x1", envSecretKey: testKey}}
	r = bad.run(t, "usersig", "gen", "--user", user)
	if r.Code != exitUsage || !strings.Contains(r.Stderr, envSDKAppID) || !strings.Contains(r.Stderr, "--sdkappid") {
		t.Errorf("bad %s: exit %d, stderr %q", envSDKAppID, r.Code, r.Stderr)
	}
	r = cli{now: t0, env: map[string]string{envSecretKey: testKey}}.run(t, "usersig", "gen", "--user", user)
	if r.Code != exitUsage || !strings.Contains(r.Stderr, envSDKAppID) || !strings.Contains(r.Stderr, "--sdkappid") {
		t.Errorf("no SDKAppID: exit %d, stderr %q", r.Code, r.Stderr)
	}

	em := startEmulatorCmd(t, map[string]string{envSDKAppID: e2eAppID, envSecretKey: testKey, envAdmin: "ops"}, "--addr", "127.0.0.1:0", "--rate-limits", "off")
	c := cli{env: map[string]string{envSDKAppID: e2eAppID, envSecretKey: testKey, envAdmin: "ops", envBaseURL: em.baseURL}}
	if r := c.run(t, "friends", "lists", "--from", "alice", "-o", "table"); r.Code != exitOK || !strings.Contains(r.Stdout, "work") {
		t.Errorf("friends lists against the emulator command: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if r := c.run(t, "friends", "lists", "--from", "alice", "--admin", "administrator"); r.Code != exitFailure || !strings.Contains(r.Stderr, "30004") {
		t.Errorf("as administrator, which the emulator does not accept: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if code := em.stop(); code != exitOK {
		t.Errorf("emulator exit %d", code)
	}
	if !strings.Contains(em.stderr.String(), "sdkappid=1400000001 admins=ops ") {
		t.Errorf("emulator log: %s", em.stderr.String())
	}
}
