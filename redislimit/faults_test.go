package redislimit_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest/internal/redistest"
	"github.com/timrest/timrest/redislimit"
)

// maxInWindow returns the most times of ts within any window of d.
func maxInWindow(ts []time.Time, d time.Duration) int {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= d {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// TestLostKey: a key lost (DEL) while calls wait for the slots it handed
// out lets through at most about MaxAhead × rate calls beyond the rate,
// not the whole queue again: Redis hands out no slot further than
// MaxAhead, and the other waiters ask again later.
func TestLostKey(t *testing.T) {
	t.Parallel()
	app := newApp()
	const op, r = "GetFriends", 50.0
	rdb := client(t, shared.Addr)
	var lims []*redislimit.Limiter
	for range 2 {
		l, err := redislimit.New(client(t, shared.Addr), app, redislimit.WithRates(map[string]float64{op: r}), redislimit.WithLogger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		lims = append(lims, l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1300*time.Millisecond)
	defer cancel()
	go func() {
		time.Sleep(200 * time.Millisecond)
		if err := rdb.Del(context.Background(), redislimit.Key(app, op)).Err(); err != nil {
			t.Error(err)
		}
	}()
	got := grants(ctx, t, lims, op, 40)
	all := append(got[0], got[1]...)
	most := maxInWindow(all, time.Second)
	// The rate, the slots handed out before the DEL (MaxAhead × rate,
	// and the one at either end), and 3 for timer jitter.
	limit := int(r+r*redislimit.MaxAhead.Seconds()) + 2 + 3
	t.Logf("%d calls in 1.3 s, at most %d in a window of 1 s (rate %v/s, limit %d)", len(all), most, r, limit)
	if most > limit {
		t.Errorf("%d calls in a window of 1 s after the key was lost: want at most %d (%v/s, and MaxAhead of slots)", most, limit, r)
	}
	if most < int(r*0.8) {
		t.Errorf("%d calls in the busiest window of 1 s: want about %v", most, r)
	}
}

// TestKeyFarAhead: a key whose time is an hour ahead of Redis's clock (a
// clock set back, a key written by something else) does not stall the
// calls: the script starts again from now.
func TestKeyFarAhead(t *testing.T) {
	t.Parallel()
	app := newApp()
	const op = "GetFriends"
	rdb := client(t, shared.Addr)
	var logs logBuffer
	l, err := redislimit.New(rdb, app, redislimit.WithRates(map[string]float64{op: 20}), redislimit.WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	key := redislimit.Key(app, op)
	if err := rdb.Set(ctx, key, now.Add(time.Hour).UnixMicro(), 0).Err(); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	start := time.Now()
	for range 3 { // 20/s: the third call 100 ms after the first
		if err := l.Wait(short, op); err != nil {
			t.Fatalf("Wait with the key an hour ahead: %v, want the limit to start again from now", err)
		}
	}
	if took := time.Since(start); took < 95*time.Millisecond || took > 800*time.Millisecond {
		t.Errorf("3 calls at 20/s took %v, want about 100 ms", took)
	}
	// Without a deadline too: no hour-long sleep.
	if err := rdb.Set(ctx, key, now.Add(time.Hour).UnixMicro(), 0).Err(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, op) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Wait without a deadline, the key an hour ahead: still waiting after 2 s")
	}
	// Redis's own limit, not the fallback: the key holds a time of now.
	if logs.String() != "" {
		t.Errorf("want no fallback, the script starting again from now:\n%s", logs.String())
	}
	if ttl, err := rdb.PTTL(ctx, key).Result(); err != nil || ttl <= 0 || ttl > 2*time.Second {
		t.Errorf("PTTL %s = %v, %v: want the key reset, expiring within about a second", key, ttl, err)
	}
}

// TestTinyRates: rates of less than one call a day (whose interval in
// microseconds overflows), and takes one call a day.
func TestTinyRates(t *testing.T) {
	t.Parallel()
	rdb := client(t, shared.Addr)
	for _, opts := range [][]redislimit.Option{
		{redislimit.WithShare(1e-13)},
		{redislimit.WithRates(map[string]float64{"GetFriends": 1e-13})},
		{redislimit.WithRates(map[string]float64{"GetFriends": 1.0 / 86400 / 2})},
	} {
		if l, err := redislimit.New(rdb, newApp(), opts...); err == nil {
			r, _ := l.Rate("GetFriends")
			t.Errorf("New with GetFriends at %v calls/s: want an error (less than one call a day)", r)
		}
	}
	l, err := redislimit.New(rdb, newApp(), redislimit.WithRates(map[string]float64{"GetFriends": 1.0 / 86400}), redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatalf("one call a day: %v", err)
	}
	defer l.Close()
	ctx := context.Background()
	if err := l.Wait(ctx, "GetFriends"); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := l.Wait(short, "GetFriends"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the second call of the day: %v, want it after the deadline", err)
	}
}

// refusing is a Redis that answers PING but refuses the limiter's script:
// the code of its refusal, the URL to use and the app whose keys to use.
type refusing struct {
	name, code, url string
	app             uint64
}

// refusingServers returns a key of another type, a read-only replica, and
// a user without the scripting commands.
func refusingServers(t *testing.T) []refusing {
	t.Helper()
	ctx := context.Background()
	var out []refusing

	app := newApp()
	admin := client(t, shared.Addr)
	if err := admin.HSet(ctx, redislimit.Key(app, "GetFriends"), "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	out = append(out, refusing{"WRONGTYPE", "WRONGTYPE", "redis://" + shared.Addr + "/0", app})

	replica, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { replica.Close() })
	if err := client(t, replica.Addr).SlaveOf(ctx, "127.0.0.1", "1").Err(); err != nil { // a primary that is not there
		t.Fatal(err)
	}
	out = append(out, refusing{"READONLY", "READONLY", replica.URL(), newApp()})

	user := "Limiter-User-" + t.Name()
	if err := admin.Do(ctx, "ACL", "SETUSER", user, "on", ">User-Passw0rd", "~*", "+@all", "-evalsha", "-eval").Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Do(context.Background(), "ACL", "DELUSER", user) })
	out = append(out, refusing{"NOPERM", "NOPERM", "redis://" + user + ":User-Passw0rd@" + shared.Addr + "/0", newApp()})
	return out
}

// TestRefusedNoFlapping: a Redis that answers PING but refuses the
// limiter's script is not "back" at each check: the limiter logs the
// refusal once, with its cause, stays on its fallback, and returns when
// the script runs again. In strict mode the error holds the cause. No
// message holds the user name or password of the URL.
func TestRefusedNoFlapping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, rs := range refusingServers(t) {
		t.Run(rs.name, func(t *testing.T) {
			var logs logBuffer
			l, err := redislimit.NewFromURL(rs.url, rs.app, redislimit.WithRates(map[string]float64{"GetFriends": 100}),
				redislimit.WithFallback(0.5), redislimit.WithRetryInterval(20*time.Millisecond), redislimit.WithLogger(logs.logger()))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			n := 0
			for wctx.Err() == nil {
				if err := l.Wait(wctx, "GetFriends"); err == nil {
					n++
				}
			}
			out := logs.String()
			if c := logs.count("Redis refuses the limiter's requests"); c != 1 || !strings.Contains(out, "("+rs.code+")") {
				t.Errorf("want the refusal logged once, with its cause %s:\n%s", rs.code, out)
			}
			if logs.count("Redis is back") != 0 || logs.count("unreachable") != 0 {
				t.Errorf("want no return and no \"unreachable\" while Redis refuses the script:\n%s", out)
			}
			if n < 5 || n > 20 {
				t.Errorf("%d calls in 300 ms, want the fallback's 50/s", n)
			}
			if strings.Contains(out, "Limiter-User") || strings.Contains(out, "User-Passw0rd") {
				t.Errorf("the log holds the user name or password:\n%s", out)
			}

			st, err := redislimit.NewFromURL(rs.url+"?strict=true", rs.app, redislimit.WithLogger(quiet))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			err = st.Wait(ctx, "GetFriends")
			re, ok := errors.AsType[*redislimit.RefusedError](err)
			if !ok || re.Code != rs.code {
				t.Errorf("strict mode: %v, want an UnavailableError caused by a RefusedError %s", err, rs.code)
			} else if strings.Contains(err.Error(), "Limiter-User") || strings.Contains(err.Error(), "User-Passw0rd") {
				t.Errorf("strict mode: the error holds the user name or password: %v", err)
			}
		})
	}
}

// TestRefusedThenBack: once the script runs again (the key of another
// type gone), the limiter finds it, says so once, and uses Redis.
func TestRefusedThenBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := newApp()
	rdb := client(t, shared.Addr)
	key := redislimit.Key(app, "GetFriends")
	if err := rdb.HSet(ctx, key, "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	l, err := redislimit.New(rdb, app, redislimit.WithRetryInterval(20*time.Millisecond), redislimit.WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Wait(ctx, "GetFriends"); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for logs.count("Redis is back") == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if logs.count("Redis refuses") != 1 || logs.count("Redis is back") != 1 {
		t.Errorf("want the refusal and the return logged once each:\n%s", logs.String())
	}
}

// TestCheck: Check tells a configuration mistake (a wrong password, a
// database out of range, a user without the scripting commands) from an
// outage, without the password, user name or URL in its error.
func TestCheck(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	admin := client(t, srv.Addr)
	const pw, user = "Right-Passw0rd", "Check-User-Name"
	if err := admin.Do(ctx, "ACL", "SETUSER", user, "on", ">"+pw, "~*", "+@all", "-evalsha", "-eval").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.ConfigSet(ctx, "requirepass", pw).Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		url, code string // code "": no error; "-": not a refusal
	}{
		{"redis://:" + pw + "@" + srv.Addr + "/3", ""},
		{"redis://:Wrong-" + pw + "@" + srv.Addr + "/0", "WRONGPASS"},
		{"redis://" + srv.Addr + "/0", "NOAUTH"},
		{"redis://:" + pw + "@" + srv.Addr + "/" + "99", "ERR"},
		{"redis://" + user + ":" + pw + "@" + srv.Addr + "/0", "NOPERM"},
		{"redis://:" + pw + "@127.0.0.1:1/0", "-"},
	} {
		l, err := redislimit.NewFromURL(c.url, newApp(), redislimit.WithLogger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = l.Check(cctx)
		cancel()
		l.Close()
		re, refused := errors.AsType[*redislimit.RefusedError](err)
		switch {
		case c.code == "" && err != nil:
			t.Errorf("Check: %v, want nil", err)
		case c.code == "-" && (err == nil || refused):
			t.Errorf("Check with nothing listening: %v, want a network error", err)
		case c.code != "" && c.code != "-" && (!refused || re.Code != c.code || !re.Config):
			t.Errorf("Check: %v, want a configuration RefusedError %s", err, c.code)
		}
		if err != nil && (strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), user)) {
			t.Errorf("Check: the error holds the password or user name: %v", err)
		}
	}
}

// TestShortPasswordNotRedacted: a password that is a common word ("tcp")
// does not mangle the messages, and so does not show through them: the
// messages never held it, nothing is replaced.
func TestShortPasswordNotRedacted(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	l, err := redislimit.NewFromURL("redis://:tcp@127.0.0.1:1/0", newApp(), redislimit.WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Wait(context.Background(), "GetFriends"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "dial tcp") || strings.Contains(logs.String(), "REDACTED") {
		t.Errorf("want the dial error as it is:\n%s", logs.String())
	}
}

// TestReturnGuard: two processes (limiters) whose checks find Redis back
// at different times do not overrun the rate meanwhile: the one back
// first keeps its fallback share too until the other has had time to find
// Redis back.
func TestReturnGuard(t *testing.T) {
	t.Parallel()
	srv, err := redistest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const op, r = "GetFriends", 100.0
	const retry = 500 * time.Millisecond
	app := newApp()
	var mu sync.Mutex
	var backs []time.Time
	logger := slog.New(handlerFunc(func(msg string) {
		if strings.Contains(msg, "Redis is back") {
			mu.Lock()
			backs = append(backs, time.Now())
			mu.Unlock()
		}
	}))
	var lims []*redislimit.Limiter
	for range 2 {
		l, err := redislimit.New(client(t, srv.Addr), app, redislimit.WithRates(map[string]float64{op: r}), redislimit.WithFallback(0.5),
			redislimit.WithRetryInterval(retry), redislimit.WithLogger(logger))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		lims = append(lims, l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2200*time.Millisecond)
	defer cancel()
	srv.Stop()
	// The first limiter finds Redis down now, the second 250 ms later:
	// their checks are 250 ms apart. Redis returns 350 ms from now.
	var mu2 sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for i, l := range lims {
		for range 8 {
			wg.Go(func() {
				if i == 1 {
					time.Sleep(250 * time.Millisecond)
				}
				for l.Wait(ctx, op) == nil {
					mu2.Lock()
					times = append(times, time.Now())
					mu2.Unlock()
				}
			})
		}
	}
	time.Sleep(350 * time.Millisecond)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(backs) != 2 {
		t.Fatalf("%d returns logged, want 2", len(backs))
	}
	slices.SortFunc(backs, func(a, b time.Time) int { return a.Compare(b) })
	// Between the two returns, the first back may take the whole rate
	// from Redis while the second still sends at its share: the guard
	// keeps the first to its share.
	n := 0
	for _, ts := range times {
		if ts.After(backs[0]) && ts.Before(backs[1]) {
			n++
		}
	}
	gap := backs[1].Sub(backs[0])
	limit := int(gap.Seconds()*r) + 3
	t.Logf("returns %v apart: %d calls between them (limit %d at %v/s); %d calls in all", gap.Round(time.Millisecond), n, limit, r, len(times))
	if gap < 100*time.Millisecond {
		t.Fatalf("the returns were %v apart, want the checks' 250 ms: the test does not test", gap)
	}
	if n > limit {
		t.Errorf("%d calls in the %v between the two returns: over the rate %v/s", n, gap.Round(time.Millisecond), r)
	}
	if most := maxInWindow(times, time.Second); most > int(r)+5 {
		t.Errorf("%d calls in a window of 1 s: want at most the rate, %v", most, r)
	}
}

// handlerFunc is a slog handler that calls f with each record's message.
type handlerFunc func(msg string)

func (h handlerFunc) Enabled(context.Context, slog.Level) bool { return true }
func (h handlerFunc) Handle(_ context.Context, r slog.Record) error {
	h(r.Message)
	return nil
}
func (h handlerFunc) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h handlerFunc) WithGroup(string) slog.Handler      { return h }
