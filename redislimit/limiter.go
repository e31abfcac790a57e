package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/spec"
)

// Defaults of the options.
const (
	// DefaultFallback is the fraction of each operation's rate a process
	// allows itself while Redis is unreachable: 1/4, so that up to four
	// processes sharing an app stay within its budget. More processes
	// overrun it until Redis returns, and the service refuses the excess
	// with 60007, which the client retries after a backoff; a larger
	// share would only make that sooner.
	DefaultFallback = 0.25
	// DefaultTimeout bounds each exchange with Redis (a Wait's script
	// call, a background check while Redis is down): a Redis that has not
	// answered by then counts as unreachable.
	DefaultTimeout = 250 * time.Millisecond
	// DefaultRetryInterval is how often the limiter checks whether Redis
	// is back, while it is down.
	DefaultRetryInterval = time.Second
)

// Option configures a [Limiter].
type Option func(*config) error

type config struct {
	rates    map[string]float64
	share    float64
	fallback float64
	strict   bool
	log      *slog.Logger
	timeout  time.Duration
	retry    time.Duration
	addr     string // for the log lines; "" when unknown
	secret   string // the Redis password, scrubbed from logged errors
}

// WithRates sets the calls per second of single operations, by
// operationId, instead of the document's rates (as the overrides of
// [timrest.NewLimiter], which checks them).
func WithRates(overrides map[string]float64) Option {
	return func(c *config) error {
		c.rates = overrides
		return nil
	}
}

// WithShare limits the processes that use this limiter's keys to a
// fraction (0 < share ≤ 1) of each operation's rate, leaving the rest of
// the app's budget to callers that do not use them.
func WithShare(share float64) Option {
	return func(c *config) error {
		if !(share > 0 && share <= 1) {
			return fmt.Errorf("redislimit: WithShare(%v): want a fraction above 0 and at most 1", share)
		}
		c.share = share
		return nil
	}
}

// WithFallback sets the fraction (0 < fraction ≤ 1) of each operation's
// rate that the process allows itself while Redis is unreachable
// (default [DefaultFallback]). With n processes sharing the app, 1/n keeps
// them within the budget.
func WithFallback(fraction float64) Option {
	return func(c *config) error {
		if !(fraction > 0 && fraction <= 1) {
			return fmt.Errorf("redislimit: WithFallback(%v): want a fraction above 0 and at most 1", fraction)
		}
		c.fallback = fraction
		return nil
	}
}

// WithStrict makes Wait fail with an [*UnavailableError] when Redis is
// unreachable, instead of falling back to a local limit.
func WithStrict() Option {
	return func(c *config) error {
		c.strict = true
		return nil
	}
}

// WithLogger sets the logger of the limiter's two messages: Redis
// unreachable (once per outage) and Redis back. The default is
// slog.Default(); a logger with a discarding handler turns them off.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("redislimit: WithLogger(nil): want a logger")
		}
		c.log = l
		return nil
	}
}

// WithTimeout bounds each exchange with Redis (default
// [DefaultTimeout]); one that takes longer counts as Redis unreachable.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: WithTimeout(%v): want a positive duration", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetryInterval sets how often the limiter checks, while Redis is
// unreachable, whether it is back (default [DefaultRetryInterval]).
func WithRetryInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: WithRetryInterval(%v): want a positive duration", d)
		}
		c.retry = d
		return nil
	}
}

// Limiter is a [timrest.Limiter] whose budget lives in Redis and is shared
// by every Limiter of the same SDKAppID on the same Redis. It is safe for
// concurrent use. See the package documentation.
type Limiter struct {
	rdb     redis.UniversalClient
	ops     map[string]*opLimit
	cfg     config
	closeDB bool // the client is the limiter's own (NewFromURL)

	mu        sync.Mutex
	down      bool          // the last exchange with Redis failed
	back      chan struct{} // closed when Redis is back; nil when up
	downSince time.Time     // when it went down
	nextProbe time.Time     // when the next background check may start
	probing   bool          // a background check is running
}

// opLimit is one operation's limit.
type opLimit struct {
	rate     float64
	key      string
	interval int64         // microseconds between two calls: 1/rate, rounded up
	local    *rate.Limiter // the fallback
	lastSlot atomic.Int64  // the latest slot Redis gave this process, in Unix nanoseconds of the local clock
}

var _ timrest.Limiter = (*Limiter)(nil)

// New returns a Limiter for the app sdkAppID on the Redis of rdb (a
// *redis.Client, *redis.ClusterClient, ...), at the document's rates
// unless the options say otherwise. rdb stays the caller's: Close does not
// close it. Exchanges are bounded by [WithTimeout] and the context even if
// rdb's own timeouts are long; still, give rdb short dial and read
// timeouts and few retries, as [NewFromURL] does, so that abandoned
// exchanges do not hold its connections long.
func New(rdb redis.UniversalClient, sdkAppID uint64, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: New: nil Redis client")
	}
	cfg := config{share: 1, fallback: DefaultFallback, timeout: DefaultTimeout, retry: DefaultRetryInterval}
	if c, ok := rdb.(*redis.Client); ok {
		cfg.addr = c.Options().Addr
		cfg.secret = c.Options().Password
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return newLimiter(rdb, sdkAppID, cfg)
}

func newLimiter(rdb redis.UniversalClient, sdkAppID uint64, cfg config) (*Limiter, error) {
	if sdkAppID == 0 {
		return nil, errors.New("redislimit: the SDKAppID is 0")
	}
	if cfg.log == nil {
		cfg.log = slog.Default()
	}
	doc, err := timrest.NewLimiter(cfg.rates)
	if err != nil {
		return nil, fmt.Errorf("redislimit: WithRates: %w", err)
	}
	l := &Limiter{rdb: rdb, ops: map[string]*opLimit{}, cfg: cfg}
	for _, o := range spec.Operations {
		r, ok := doc.Rate(o.ID)
		if !ok {
			continue
		}
		r *= cfg.share
		l.ops[o.ID] = &opLimit{
			rate:     r,
			key:      Key(sdkAppID, o.ID),
			interval: int64(math.Ceil(1e6 / r)),
			local:    rate.NewLimiter(rate.Limit(r*cfg.fallback), 1),
		}
	}
	return l, nil
}

// Key returns the Redis key of op's limit for the app sdkAppID:
// timrest:rate:{sdkappid}:{operationId}. It holds the time, in
// microseconds of Redis's clock, from which the next call may go, and
// expires once that time has passed.
func Key(sdkAppID uint64, op string) string {
	return "timrest:rate:" + strconv.FormatUint(sdkAppID, 10) + ":" + op
}

// Rate returns the calls per second the limiter allows op (all processes
// together), and false for an operation it does not limit.
func (l *Limiter) Rate(op string) (float64, bool) {
	o, ok := l.ops[op]
	if !ok {
		return 0, false
	}
	return o.rate, true
}

// Close closes the Redis client when the limiter made it ([NewFromURL]);
// a client given to [New] stays open.
func (l *Limiter) Close() error {
	if l.closeDB {
		return l.rdb.Close()
	}
	return nil
}

// UnavailableError is the error of Wait in strict mode when Redis could
// not be reached.
type UnavailableError struct {
	// Op is the operationId of the call.
	Op string
	// Err is the cause, without the Redis password.
	Err error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("redislimit: %s: Redis unreachable (strict mode): %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Wait blocks until an attempt of op may be sent, or returns an error when
// ctx ends first or would end before then (an error that matches
// context.DeadlineExceeded with errors.Is). An operation the limiter does
// not know is not limited. When Redis is unreachable it waits on the local
// fallback limit, or in strict mode returns an [*UnavailableError].
//
// Wait reserves the next free slot in Redis and sleeps until it comes; a
// Wait whose ctx ends while it sleeps leaves its slot unused (the budget
// is under-used, never overrun).
func (l *Limiter) Wait(ctx context.Context, op string) error {
	o, ok := l.ops[op]
	if !ok {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !l.cfg.strict {
		if back := l.isDown(); back != nil {
			return l.fallback(ctx, op, o, back)
		}
	}
	maxWait := int64(-1) // microseconds; -1: no deadline
	if dl, ok := ctx.Deadline(); ok {
		maxWait = max(time.Until(dl).Microseconds(), 0)
	}
	granted, wait, err := l.reserve(ctx, o, maxWait)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		err = l.scrub(err)
		l.setDown(err)
		if l.cfg.strict {
			return &UnavailableError{Op: op, Err: err}
		}
		if back := l.isDown(); back != nil {
			return l.fallback(ctx, op, o, back)
		}
		return l.Wait(ctx, op) // back already
	}
	l.setUp()
	if !granted {
		return fmt.Errorf("redislimit: %s: the next call is allowed in %v, after the context's deadline: %w", op, wait, context.DeadlineExceeded)
	}
	slot := time.Now().Add(wait).UnixNano()
	for {
		last := o.lastSlot.Load()
		if slot <= last || o.lastSlot.CompareAndSwap(last, slot) {
			break
		}
	}
	if wait <= 0 {
		return nil
	}
	return sleep(ctx, wait)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fallback waits on o's local limit while Redis is unreachable. It first
// lets the slots Redis gave this process before the outage pass, so that
// they and the local limit do not add up; when Redis is back (back is
// closed) while it waits, it gives up its local slot and asks Redis.
func (l *Limiter) fallback(ctx context.Context, op string, o *opLimit, back chan struct{}) error {
	if d := time.Until(time.Unix(0, o.lastSlot.Load())); d > 0 {
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
	r := o.local.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		r.Cancel()
		return fmt.Errorf("redislimit: %s: the next call is allowed in %v, after the context's deadline: %w", op, d, context.DeadlineExceeded)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	case <-back:
		r.Cancel()
		return l.Wait(ctx, op)
	}
}

// reserveScript takes the next slot of a limit: the GCRA (generic cell
// rate algorithm) with a burst of one, as a reservation. The key holds
// the theoretical arrival time (TAT) of the next call, in microseconds of
// Redis's clock; a call is given max(TAT, now), and TAT moves one interval
// past it. So calls are granted one interval apart, whichever process
// asks, and a queue of waiters loses no time between two slots.
//
// KEYS[1]: the key. ARGV[1]: the interval in microseconds. ARGV[2]: the
// longest wait the caller accepts, in microseconds, or -1 for any; a slot
// further away is not taken. Returns {1 if taken else 0, wait in
// microseconds}. The key expires a second after its TAT.
var reserveScript = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local maxwait = tonumber(ARGV[2])
local tat = tonumber(redis.call("GET", KEYS[1]) or "0") or 0
if tat < now then tat = now end
local wait = tat - now
if maxwait >= 0 and wait > maxwait then
  return {0, wait}
end
local next = tat + interval
redis.call("SET", KEYS[1], string.format("%.0f", next), "PX", math.ceil((next - now) / 1000) + 1000)
return {1, wait}
`)

// reserve asks Redis for a slot of o, within the limiter's timeout and
// ctx whatever the client's own timeouts: the exchange runs in a goroutine
// that is abandoned, to end with the client's timeout, when they pass.
func (l *Limiter) reserve(ctx context.Context, o *opLimit, maxWait int64) (granted bool, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.timeout)
	defer cancel()
	type result struct {
		v   []int64
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := reserveScript.Run(ctx, l.rdb, []string{o.key}, o.interval, maxWait).Int64Slice()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return false, 0, r.err
		}
		if len(r.v) != 2 {
			return false, 0, fmt.Errorf("the script answered %d values, want 2", len(r.v))
		}
		return r.v[0] == 1, time.Duration(r.v[1]) * time.Microsecond, nil
	case <-ctx.Done():
		return false, 0, fmt.Errorf("no answer within %v: %w", l.cfg.timeout, ctx.Err())
	}
}

// isDown returns, when Redis is considered unreachable, a channel closed
// when it is back, and starts a background check when one is due; nil
// when Redis is up.
func (l *Limiter) isDown() chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.down {
		return nil
	}
	if !l.probing && !time.Now().Before(l.nextProbe) {
		l.probing = true
		go l.probe()
	}
	return l.back
}

// probe checks whether Redis answers again.
func (l *Limiter) probe() {
	ctx, cancel := context.WithTimeout(context.Background(), l.cfg.timeout)
	defer cancel()
	ch := make(chan error, 1)
	go func() { ch <- l.rdb.Ping(ctx).Err() }()
	var err error
	select {
	case err = <-ch:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err == nil {
		l.setUp()
	}
	l.mu.Lock()
	l.probing = false
	l.nextProbe = time.Now().Add(l.cfg.retry)
	l.mu.Unlock()
}

// setDown records a failed exchange; the first one of an outage is logged.
func (l *Limiter) setDown(err error) {
	l.mu.Lock()
	if l.down {
		l.mu.Unlock()
		return
	}
	l.down, l.downSince, l.back = true, time.Now(), make(chan struct{})
	l.nextProbe = l.downSince.Add(l.cfg.retry)
	l.mu.Unlock()
	attrs := []any{"redis", l.cfg.addr, "error", err.Error()}
	if l.cfg.strict {
		l.cfg.log.Error("redislimit: Redis unreachable; calls fail until it is back (strict mode)", attrs...)
		return
	}
	attrs = append(attrs, "fallback", l.cfg.fallback, "retry_every", l.cfg.retry)
	l.cfg.log.Warn("redislimit: Redis unreachable; limiting this process alone to a fraction of each rate until it is back", attrs...)
}

// setUp records a successful exchange; the first one after an outage is
// logged.
func (l *Limiter) setUp() {
	l.mu.Lock()
	if !l.down {
		l.mu.Unlock()
		return
	}
	l.down = false
	close(l.back)
	l.back = nil
	since := l.downSince
	l.mu.Unlock()
	l.cfg.log.Info("redislimit: Redis is back; the shared limit applies again", "redis", l.cfg.addr,
		"down_for", time.Since(since).Round(time.Millisecond))
}

// scrub removes the Redis password from err's text.
func (l *Limiter) scrub(err error) error {
	if l.cfg.secret == "" || !strings.Contains(err.Error(), l.cfg.secret) {
		return err
	}
	return &scrubbed{msg: strings.ReplaceAll(err.Error(), l.cfg.secret, "REDACTED"), err: err}
}

// scrubbed is an error whose text had the password removed. It does not
// unwrap: the cause's text holds the password.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
