package main

import (
	"context"
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
// redis:// or rediss:// URL is a usage error naming both, and repeats
// neither the URL nor its password.
func TestLimiterFlagRefused(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.SampleSeed())
	for _, u := range []string{
		"http://:" + limiterPassword + "@127.0.0.1:6379/0",
		"unix://:" + limiterPassword + "@/tmp/redis.sock",
		"127.0.0.1:6379",
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
