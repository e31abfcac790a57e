package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/internal/redistest"
	"github.com/timrest/timrest/redislimit"
)

// limiterPassword is the Redis password of the tests' URLs: no output may
// show it.
const limiterPassword = "R3dis-Passw0rd"

// TestLimiterFlagRefused: a --limiter or $TIM_LIMITER that is not a usable
// redis://, rediss:// or unix:// URL is a usage error naming both, and
// repeats no part of the URL (password, user name, path).
func TestLimiterFlagRefused(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	for _, u := range []string{
		"http://:" + limiterPassword + "@127.0.0.1:6379/0",
		"ftp://:" + limiterPassword + "@127.0.0.1/0",
		"unix://:" + limiterPassword + "@host/tmp/redis.sock",
		"127.0.0.1:6379",
		"redis://127.0.0.1:6379/-1",
		"redis://127.0.0.1:6379/" + limiterPassword,
		"redis://" + limiterPassword + "@127.0.0.1:6379/x" + limiterPassword,
		"redis://:" + limiterPassword + "@127.0.0.1:port/0",
		"redis://:" + limiterPassword + "@127.0.0.1:6379/x" + limiterPassword,
		"redis://:" + limiterPassword + "@127.0.0.1:6379/0?fallback=7",
	} {
		for _, viaEnv := range []bool{false, true} {
			c := e.cli()
			args := []string{"friends", "lists", "--from", "alice"}
			if viaEnv {
				c.env[envLimiter] = u
			} else {
				args = append(args, "--limiter", u)
			}
			r := c.run(t, args...)
			if r.Code != exitUsage {
				t.Errorf("%q (env %v): exit %d, want %d; stderr %q", u, viaEnv, r.Code, exitUsage, r.Stderr)
			}
			if !strings.Contains(r.Stderr, "--limiter / "+envLimiter) {
				t.Errorf("%q: stderr %q does not name --limiter and %s", u, r.Stderr, envLimiter)
			}
			if strings.Contains(r.Stderr+r.Stdout, limiterPassword) || strings.Contains(r.Stderr, u) {
				t.Errorf("%q: the output repeats the URL or its password: %q", u, r.Stderr)
			}
		}
	}
}

// TestLimiterFlag: with --limiter (or $TIM_LIMITER) the API commands take
// their calls from the budget in Redis; with the Redis gone they go on at
// the fallback rate, and say so once on stderr, without the password.
func TestLimiterFlag(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.ConfigSet(ctx, "requirepass", limiterPassword).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Close(); err != nil {
		t.Fatal(err)
	}
	rdb = redis.NewClient(&redis.Options{Addr: srv.Addr, Password: limiterPassword})
	defer rdb.Close()
	u := "redis://:" + limiterPassword + "@" + srv.Addr + "/0"

	e := newE2E(t, emulator.SampleSeed())
	key := redislimit.Key(e2eAppIDNum, "GetFriendLists")
	for _, viaEnv := range []bool{false, true} {
		if err := rdb.Del(ctx, key).Err(); err != nil {
			t.Fatal(err)
		}
		c := e.cli() // the client's own rate limit is off: --limiter turns one on
		args := []string{"friends", "lists", "--from", "alice", "-o", "json"}
		if viaEnv {
			c.env[envLimiter] = u
		} else {
			args = append(args, "--limiter", u)
		}
		r := c.run(t, args...)
		if r.Code != exitOK {
			t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
		}
		if n, err := rdb.Exists(ctx, key).Result(); err != nil || n != 1 {
			t.Errorf("env %v: EXISTS %s = %v, %v: want the call counted in Redis", viaEnv, key, n, err)
		}
		if r.Stderr != "" {
			t.Errorf("env %v: stderr %q, want nothing with Redis up", viaEnv, r.Stderr)
		}
	}

	// Redis gone: the command succeeds on the fallback limit and says so
	// once.
	srv.Stop()
	r := e.cli().run(t, "friends", "lists", "--from", "alice", "-o", "json", "--limiter", u)
	if r.Code != exitOK {
		t.Fatalf("Redis down: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if n := strings.Count(r.Stderr, "Redis unreachable"); n != 1 {
		t.Errorf("Redis down: stderr says %d times that Redis is unreachable, want once: %q", n, r.Stderr)
	}
	if strings.Contains(r.Stderr+r.Stdout, limiterPassword) {
		t.Errorf("Redis down: the output holds the password: %q", r.Stderr)
	}
}

// TestLimiterFlagConfigErrors: a Redis that refuses the URL for a reason
// that does not pass by itself (a wrong or missing password, a database
// out of range, a user without the scripting commands) is a usage error
// at start, naming --limiter and the cause, without the password or user
// name; the command does not run on a permanent fallback.
func TestLimiterFlagConfigErrors(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer admin.Close()
	const user = "Limiter-User-Name"
	if err := admin.Do(ctx, "ACL", "SETUSER", user, "on", ">"+limiterPassword, "~*", "+@all", "-evalsha", "-eval").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.ConfigSet(ctx, "requirepass", limiterPassword).Err(); err != nil {
		t.Fatal(err)
	}
	e := newE2E(t, emulator.SampleSeed())
	for _, c := range []struct{ url, cause string }{
		{"redis://:Wrong-" + limiterPassword + "@" + srv.Addr + "/0", "WRONGPASS"},
		{"redis://" + srv.Addr + "/0", "NOAUTH"},
		{"redis://:" + limiterPassword + "@" + srv.Addr + "/" + strconv.Itoa(redistest.Databases), "database number is out of range"},
		{"redis://" + user + ":" + limiterPassword + "@" + srv.Addr + "/0", "NOPERM"},
	} {
		r := e.cli().run(t, "friends", "lists", "--from", "alice", "--limiter", c.url)
		if r.Code != exitUsage {
			t.Errorf("%s: exit %d, want %d; stderr %q", c.cause, r.Code, exitUsage, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "--limiter / "+envLimiter) || !strings.Contains(r.Stderr, c.cause) {
			t.Errorf("%s: stderr %q, want it to name --limiter / %s and the cause", c.cause, r.Stderr, envLimiter)
		}
		if strings.Contains(r.Stderr+r.Stdout, limiterPassword) || strings.Contains(r.Stderr, user) {
			t.Errorf("%s: the output holds the password or user name: %q", c.cause, r.Stderr)
		}
	}
	// The right password: the command runs.
	r := e.cli().run(t, "friends", "lists", "--from", "alice", "--limiter", "redis://:"+limiterPassword+"@"+srv.Addr+"/0")
	if r.Code != exitOK || r.Stderr != "" {
		t.Errorf("the right password: exit %d, stderr %q; want 0 and nothing", r.Code, r.Stderr)
	}
}
