package redislimit_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/redistest"
	"github.com/timrest/timrest/redislimit"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// grants runs workers goroutines on each limiter, each calling Wait(op)
// until ctx ends, and returns the times Wait returned nil, per limiter.
func grants(ctx context.Context, t *testing.T, lims []*redislimit.Limiter, op string, workers int) [][]time.Time {
	t.Helper()
	out := make([][]time.Time, len(lims))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, l := range lims {
		for range workers {
			wg.Go(func() {
				for {
					err := l.Wait(ctx, op)
					if err != nil {
						if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
							t.Errorf("Wait: %v", err)
						}
						return
					}
					now := time.Now()
					mu.Lock()
					out[i] = append(out[i], now)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return out
}

// TestSharedRate: two limiters on two clients of one Redis grant, together,
// the operation's rate, one call at a time (no burst), each a share.
func TestSharedRate(t *testing.T) {
	t.Parallel()
	app := newApp()
	const op, r = "ImportFriends", 100.0 // one call per 10 ms
	var lims []*redislimit.Limiter
	for range 2 {
		l, err := redislimit.New(client(t, shared.Addr), app, redislimit.WithRates(map[string]float64{op: r}), redislimit.WithLogger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		lims = append(lims, l)
	}
	const window = 600 * time.Millisecond
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), window)
	defer cancel()
	got := grants(ctx, t, lims, op, 4)
	var all []time.Time
	for i, g := range got {
		all = append(all, g...)
		if len(g) < 10 {
			t.Errorf("limiter %d was granted %d calls: want a share of the rate", i, len(g))
		}
	}
	slices.SortFunc(all, func(a, b time.Time) int { return a.Compare(b) })
	t.Logf("granted %d calls in %v (%d and %d), rate %v/s", len(all), window, len(got[0]), len(got[1]), r)
	// At most one call per 10 ms, measured in this process after a round
	// trip to Redis: allow the jitter of a loaded 2-core machine.
	limit := int(window.Seconds()*r) + 1
	if len(all) > limit+2 {
		t.Errorf("%d calls granted in %v: want at most %d (%v/s shared by both limiters)", len(all), window, limit, r)
	}
	if len(all) < limit/2 {
		t.Errorf("%d calls granted in %v: want about %d", len(all), window, limit)
	}
	// Evenly spread: no 50 ms holds more than 5 calls (+3 for jitter); a
	// burst would put dozens in the first milliseconds.
	for i := range all {
		n := 0
		for j := i; j < len(all) && all[j].Sub(all[i]) < 50*time.Millisecond; j++ {
			n++
		}
		if n > 8 {
			t.Fatalf("%d calls within 50 ms from %v after the start: want them spread, one per 10 ms", n, all[i].Sub(start))
		}
	}
}

// TestFractionalRate: a rate below one call a second, and a rate that is
// not whole, are kept.
func TestFractionalRate(t *testing.T) {
	t.Parallel()
	app := newApp()
	const op = "ListGroupIDs"
	half, err := redislimit.New(client(t, shared.Addr), app, redislimit.WithRates(map[string]float64{op: 0.5}), redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := half.Wait(ctx, op); err != nil {
		t.Fatal(err)
	}
	// The next call is 2 s away: a Wait with 1.5 s left fails at once.
	short, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = half.Wait(short, op)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with 1.5 s left, 0.5 calls/s: %v, want an error matching context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("Wait took %v to find the next call is after the deadline: want it at once", took)
	}
	if r, ok := half.Rate(op); !ok || r != 0.5 {
		t.Errorf("Rate = %v, %v; want 0.5, true", r, ok)
	}

	// 12.5 calls/s: one per 80 ms, 4 calls take at least 240 ms.
	odd, err := redislimit.New(client(t, shared.Addr), app, redislimit.WithRates(map[string]float64{"GetFriends": 12.5}), redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	for range 4 {
		if err := odd.Wait(ctx, "GetFriends"); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 235*time.Millisecond || took > 2*time.Second {
		t.Errorf("4 calls at 12.5/s took %v, want about 240 ms", took)
	}
}

// TestRates: the document's rates, a share of them, overrides, and no
// limit for an unknown operation.
func TestRates(t *testing.T) {
	t.Parallel()
	doc, err := timrest.NewLimiter(nil)
	if err != nil {
		t.Fatal(err)
	}
	rdb := client(t, shared.Addr)
	l, err := redislimit.New(rdb, newApp(), redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	half, err := redislimit.New(rdb, newApp(), redislimit.WithShare(0.5), redislimit.WithRates(map[string]float64{"GetFriends": 10}), redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"ImportFriends", "ListGroupIDs", "CheckAccounts"} {
		want, _ := doc.Rate(op)
		if got, ok := l.Rate(op); !ok || got != want {
			t.Errorf("Rate(%s) = %v, %v; want %v, true", op, got, ok, want)
		}
		if got, ok := half.Rate(op); !ok || got != want/2 {
			t.Errorf("share 0.5: Rate(%s) = %v, %v; want %v, true", op, got, ok, want/2)
		}
	}
	if got, _ := half.Rate("GetFriends"); got != 5 {
		t.Errorf("share 0.5 of an override of 10: Rate = %v, want 5", got)
	}
	if _, ok := l.Rate("NoSuchOp"); ok {
		t.Error("Rate(NoSuchOp): want false")
	}
	// An unknown operation is not limited, and does not touch Redis.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for range 1000 {
		if err := l.Wait(ctx, "NoSuchOp"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := redislimit.New(rdb, 1, redislimit.WithRates(map[string]float64{"NoSuchOp": 1})); err == nil {
		t.Error("WithRates with an unknown operation: want an error")
	}
	for _, o := range []redislimit.Option{redislimit.WithShare(0), redislimit.WithShare(1.5), redislimit.WithFallback(0),
		redislimit.WithFallback(2), redislimit.WithTimeout(0), redislimit.WithRetryInterval(-1), redislimit.WithLogger(nil)} {
		if _, err := redislimit.New(rdb, 1, o); err == nil {
			t.Error("an invalid option: want an error")
		}
	}
	if _, err := redislimit.New(rdb, 0); err == nil {
		t.Error("SDKAppID 0: want an error")
	}
}

// TestKeyInRedis: the limit of an operation is one key per app and
// operation, and expires once idle.
func TestKeyInRedis(t *testing.T) {
	t.Parallel()
	app := newApp()
	rdb := client(t, shared.Addr)
	l, err := redislimit.New(rdb, app, redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := l.Wait(ctx, "ImportFriends"); err != nil {
		t.Fatal(err)
	}
	key := redislimit.Key(app, "ImportFriends")
	if want := "timrest:rate:" + strconv.FormatUint(app, 10) + ":ImportFriends"; key != want {
		t.Errorf("key %q, want %q", key, want)
	}
	ttl, err := rdb.TTL(ctx, key).Result()
	if err != nil || ttl <= 0 || ttl > 2*time.Second {
		t.Errorf("TTL of %s = %v, %v: want the key in Redis, expiring within about a second", key, ttl, err)
	}
}

// TestFallbackAndReturn: with Redis stopped, calls go on at the fallback
// share of the rate, and the outage is logged once; when Redis is back on
// the same port, the shared limit applies again and that is logged.
func TestFallbackAndReturn(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	app := newApp()
	const op = "GetFriends"
	var logs logBuffer
	rdb := client(t, srv.Addr)
	l, err := redislimit.New(rdb, app, redislimit.WithRates(map[string]float64{op: 100}), redislimit.WithFallback(0.5),
		redislimit.WithRetryInterval(50*time.Millisecond), redislimit.WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := l.Wait(ctx, op); err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	// 11 calls at 50/s (half of 100): at least 200 ms.
	start := time.Now()
	for range 11 {
		if err := l.Wait(ctx, op); err != nil {
			t.Fatalf("Wait with Redis down: %v", err)
		}
	}
	if took := time.Since(start); took < 190*time.Millisecond {
		t.Errorf("11 calls with Redis down took %v: want the fallback's 50/s, at least 200 ms", took)
	}
	if n := logs.count("Redis unreachable"); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "fallback=0.5") || !strings.Contains(logs.String(), "redis="+srv.Addr) {
		t.Errorf("the outage's log line does not give the fallback share and the address:\n%s", logs.String())
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	key := redislimit.Key(app, op)
	for logs.count("Redis is back") == 0 {
		if err := l.Wait(ctx, op); err != nil {
			t.Fatalf("Wait while Redis comes back: %v", err)
		}
	}
	// The next calls use Redis again: the key is there.
	for range 3 {
		if err := l.Wait(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := rdb.Exists(ctx, key).Result(); err != nil || n != 1 {
		t.Errorf("after Redis came back, EXISTS %s = %v, %v: want the shared limit used again", key, n, err)
	}
	if n := logs.count("Redis is back"); n != 1 {
		t.Errorf("the return was logged %d times, want once:\n%s", n, logs.String())
	}
	if n := logs.count("Redis unreachable"); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, logs.String())
	}
}

// TestStrict: in strict mode a Wait with Redis down fails at once with an
// UnavailableError, and succeeds again once Redis is back.
func TestStrict(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var logs logBuffer
	l, err := redislimit.New(client(t, srv.Addr), newApp(), redislimit.WithStrict(), redislimit.WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := l.Wait(ctx, "GetFriends"); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	for range 3 {
		start := time.Now()
		err := l.Wait(ctx, "GetFriends")
		var ue *redislimit.UnavailableError
		if !errors.As(err, &ue) || ue.Op != "GetFriends" {
			t.Fatalf("strict Wait with Redis down: %v, want an *UnavailableError for GetFriends", err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("strict Wait took %v to fail", took)
		}
	}
	if n := logs.count("Redis unreachable"); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, logs.String())
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx, "GetFriends"); err != nil {
		t.Fatalf("strict Wait with Redis back: %v", err)
	}
	if n := logs.count("Redis is back"); n != 1 {
		t.Errorf("the return was logged %d times, want once:\n%s", n, logs.String())
	}
}

// blackhole listens on loopback, accepts connections and never answers.
func blackhole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// TestBlackhole: a Redis that accepts and never answers holds no Wait past
// its context, in either mode, even with a client whose own timeouts are
// long and that ignores contexts; past the limiter's timeout, the default
// mode falls back and strict mode fails.
func TestBlackhole(t *testing.T) {
	t.Parallel()
	addr := blackhole(t)
	slow := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		DialTimeout: 30 * time.Second, MaxRetries: -1})
	t.Cleanup(func() { slow.Close() })
	for _, strict := range []bool{false, true} {
		opts := []redislimit.Option{redislimit.WithLogger(quiet), redislimit.WithTimeout(time.Minute)}
		if strict {
			opts = append(opts, redislimit.WithStrict())
		}
		l, err := redislimit.New(slow, newApp(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		start := time.Now()
		err = l.Wait(ctx, "GetFriends")
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("strict=%v: Wait on a blackholed Redis: %v, want the context's deadline", strict, err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("strict=%v: Wait took %v with a 150 ms context", strict, took)
		}
	}

	// The limiter's own timeout (default 250 ms) ends the exchange: the
	// default mode falls back, strict mode fails.
	fb, err := redislimit.New(slow, newApp(), redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	strict, err := redislimit.New(slow, newApp(), redislimit.WithLogger(quiet), redislimit.WithStrict())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := fb.Wait(ctx, "GetFriends"); err != nil {
		t.Errorf("default mode, blackholed Redis: %v, want the fallback's nil", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("default mode fell back after %v, want about %v", took, redislimit.DefaultTimeout)
	}
	start = time.Now()
	var ue *redislimit.UnavailableError
	if err := strict.Wait(ctx, "GetFriends"); !errors.As(err, &ue) {
		t.Errorf("strict mode, blackholed Redis: %v, want an *UnavailableError", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("strict mode failed after %v, want about %v", took, redislimit.DefaultTimeout)
	}
}

// TestNoPasswordInErrorsOrLogs: with a wrong password, neither the strict
// error nor the fallback's log line holds it.
func TestNoPasswordInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	admin := client(t, srv.Addr)
	if err := admin.ConfigSet(ctx, "requirepass", "right-password-1234").Err(); err != nil {
		t.Fatal(err)
	}
	const secret = "Wr0ngPassw0rd-xyz"
	for _, u := range []string{
		"redis://:" + secret + "@" + srv.Addr + "/0",
		"redis://default:" + secret + "@" + srv.Addr + "/0",
		"redis://:" + secret + "@127.0.0.1:1/0", // nothing listens on port 1
	} {
		var logs logBuffer
		fb, err := redislimit.NewFromURL(u, newApp(), redislimit.WithLogger(logs.logger()))
		if err != nil {
			t.Fatal(err)
		}
		if err := fb.Wait(ctx, "GetFriends"); err != nil {
			t.Errorf("default mode: %v", err)
		}
		fb.Close()
		if !strings.Contains(logs.String(), "Redis unreachable") && !strings.Contains(logs.String(), "Redis refuses") {
			t.Errorf("no fallback logged:\n%s", logs.String())
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds the password:\n%s", logs.String())
		}
		st, err := redislimit.NewFromURL(u+"?strict=true", newApp(), redislimit.WithLogger(logs.logger()))
		if err != nil {
			t.Fatal(err)
		}
		err = st.Wait(ctx, "GetFriends")
		st.Close()
		if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
			t.Errorf("strict mode: error %v (want one without the password); log:\n%s", err, logs.String())
		}
	}
}

// TestRootDoesNotLinkRedis: the client package links no Redis client; only
// a program that imports redislimit does.
func TestRootDoesNotLinkRedis(t *testing.T) {
	t.Parallel()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-deps", "github.com/timrest/timrest").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "redis") {
			t.Errorf("package timrest links %s", dep)
		}
	}
}

// TestOutageTransitions: the slots Redis gave before an outage and the
// local limit do not add up; a call queued on the local limit when Redis
// returns keeps it for the guard period, and Redis alone applies after.
func TestOutageTransitions(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const op = "GetFriends"
	var logs logBuffer
	// 10 calls/s shared (one per 100 ms); 1/s alone.
	l, err := redislimit.New(client(t, srv.Addr), newApp(), redislimit.WithRates(map[string]float64{op: 10}), redislimit.WithFallback(0.1),
		redislimit.WithRetryInterval(20*time.Millisecond), redislimit.WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Three calls take the slots 0 to 200 ms (MaxAhead is 250 ms);
	// Redis then goes: the next call, on the local limit, comes after the
	// last of them.
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if err := l.Wait(ctx, op); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // all three have their slots
	srv.Stop()
	if err := l.Wait(ctx, op); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 190*time.Millisecond {
		t.Errorf("the first call on the local limit went %v after three calls took the slots up to 200 ms", took)
	}
	wg.Wait()

	// The next local slot is 1 s away; Redis comes back meanwhile. The
	// call queued on the local limit takes a slot in Redis, and keeps its
	// local slot too: for a retry interval after the return (the guard)
	// the later of both applies, since the other processes may not have
	// found Redis back yet and still send at their fallback share.
	start = time.Now()
	done := make(chan time.Duration, 1)
	go func() {
		if err := l.Wait(ctx, op); err != nil {
			t.Error(err)
		}
		done <- time.Since(start)
	}()
	time.Sleep(100 * time.Millisecond)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if took := <-done; took < 850*time.Millisecond {
		t.Errorf("a call queued on the local limit returned %v after the previous one, when Redis came back: want the local limit kept (1 s) in the guard period after the return", took)
	}
	if n := logs.count("Redis is back"); n != 1 {
		t.Errorf("the return was logged %d times, want once:\n%s", n, logs.String())
	}
	// Past the guard period, Redis alone: 4 calls at 10/s in about 300 ms.
	start = time.Now()
	for range 4 {
		if err := l.Wait(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took > 700*time.Millisecond {
		t.Errorf("4 calls at 10/s after the guard period took %v: want the shared limit alone, about 300 ms", took)
	}
}
