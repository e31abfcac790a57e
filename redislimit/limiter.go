package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
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

// Bounds of the reservations.
const (
	// MaxAhead bounds how far ahead Redis hands out a slot: at most
	// max(MaxAhead, one interval) from now. A Wait whose slot would be
	// further away sleeps and asks again. So a key lost while slots are
	// reserved (DEL, FLUSHDB, eviction, a failover to a replica that had
	// not received it) lets through at most about MaxAhead × rate calls
	// (one call, for an operation slower than 4 a second) beyond the rate,
	// instead of every call queued.
	MaxAhead = 250 * time.Millisecond
	// saneFloor is the least distance of a key's time beyond which the
	// script takes it for garbage (a clock of Redis set back, a key
	// written by something else) and starts again from now: with
	// MaxAhead, no limiter ever writes a time more than max(MaxAhead, one
	// interval) + one interval ahead, so max(saneFloor, 4 intervals) is
	// twice that at least.
	saneFloor = 5 * time.Second
	// MaxInterval is the longest interval between two calls the limiter
	// keeps: a rate (after WithShare) of less than one call a day is
	// refused.
	MaxInterval = 24 * time.Hour
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
	addr     string   // for the log lines; "" when unknown
	secrets  []string // the Redis user name and password: a reply that holds one is not shown
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
	rdb      redis.UniversalClient
	ops      map[string]*opLimit
	cfg      config
	checkKey string
	closeDB  bool // the client is the limiter's own (NewFromURL)

	closeOnce sync.Once
	closed    chan struct{} // closed by Close: ends the background checks

	mu         sync.Mutex
	down       bool          // the last exchange with Redis failed
	back       chan struct{} // closed when Redis is back; nil when up
	downSince  time.Time     // when it went down
	guardUntil time.Time     // until then, after an outage, the local limit applies too
}

// opLimit is one operation's limit.
type opLimit struct {
	rate     float64
	key      string
	interval int64         // microseconds between two calls: 1/rate, rounded up
	ahead    int64         // microseconds: the furthest slot Redis hands out, max(MaxAhead, interval)
	sane     int64         // microseconds: a key's time further ahead is garbage
	local    *rate.Limiter // the fallback
	lastSlot atomic.Int64  // the latest slot Redis gave this process, in Unix nanoseconds of the local clock
}

var _ timrest.Limiter = (*Limiter)(nil)

// New returns a Limiter for the app sdkAppID on the Redis of rdb (a
// *redis.Client, *redis.ClusterClient, ...), at the document's rates
// unless the options say otherwise. rdb stays the caller's: Close does not
// close it, but stops the limiter's background checks. Exchanges are
// bounded by [WithTimeout] and the context even if rdb's own timeouts are
// long; still, give rdb short dial and read timeouts and few retries, as
// [NewFromURL] does, so that abandoned exchanges do not hold its
// connections long.
func New(rdb redis.UniversalClient, sdkAppID uint64, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: New: nil Redis client")
	}
	cfg := config{share: 1, fallback: DefaultFallback, timeout: DefaultTimeout, retry: DefaultRetryInterval}
	if c, ok := rdb.(*redis.Client); ok {
		cfg.addr = c.Options().Addr
		cfg.secrets = nonEmpty(c.Options().Username, c.Options().Password)
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
	l := &Limiter{rdb: rdb, ops: map[string]*opLimit{}, cfg: cfg, checkKey: Key(sdkAppID, "check"), closed: make(chan struct{})}
	for _, o := range spec.Operations {
		r, ok := doc.Rate(o.ID)
		if !ok {
			continue
		}
		r *= cfg.share
		// Compared as floats: 1e6/r of a tiny rate does not fit an int64.
		iv := math.Ceil(1e6 / r)
		if !(iv <= float64(MaxInterval.Microseconds())) {
			return nil, fmt.Errorf("redislimit: %s: %v calls/s (after the share %v) is less than one call in %v", o.ID, r, cfg.share, MaxInterval)
		}
		interval := int64(iv)
		l.ops[o.ID] = &opLimit{
			rate:     r,
			key:      Key(sdkAppID, o.ID),
			interval: interval,
			ahead:    max(MaxAhead.Microseconds(), interval),
			sane:     max(saneFloor.Microseconds(), 4*interval),
			local:    rate.NewLimiter(rate.Limit(r*cfg.fallback), 1),
		}
	}
	return l, nil
}

// Key returns the Redis key of op's limit for the app sdkAppID:
// timrest:rate:{sdkappid}:{operationId}. It holds the time, in
// microseconds of Redis's clock, from which the next call may go, and
// expires once that time has passed. ([Limiter.Check] writes the key of
// the operation "check", which no operation has.)
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

// Close stops the limiter's background checks of Redis and closes the
// Redis client when the limiter made it ([NewFromURL]); a client given to
// [New] stays open.
func (l *Limiter) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	if l.closeDB {
		return l.rdb.Close()
	}
	return nil
}

// Check makes one exchange with Redis, the one a Wait makes, without
// taking a slot of any operation (it writes the key of the operation
// "check"), within ctx, and returns its error: nil when Redis runs the
// limiter's script, a [*RefusedError] when Redis answers with an error
// (a wrong password, a database number out of range, a missing
// permission, a read-only replica, ...), another error when Redis cannot
// be reached. It does not change the limiter's state, nor log. A program
// calls it at start to tell a configuration mistake (RefusedError.Config)
// from an outage, which the limiter rides out.
func (l *Limiter) Check(ctx context.Context) error {
	_, _, err := l.run(ctx, 0, l.checkKey, 0, -1, -1, saneFloor.Microseconds())
	return err
}

// UnavailableError is the error of Wait in strict mode when Redis could
// not be reached or refused the limiter's request.
type UnavailableError struct {
	// Op is the operationId of the call.
	Op string
	// Err is the cause: a [*RefusedError] when Redis answered with an
	// error, else the network's error. Its text never holds the Redis
	// password or user name.
	Err error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("redislimit: %s: Redis unavailable (strict mode): %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *UnavailableError) Unwrap() error { return e.Err }

// RefusedError is the cause of an exchange that Redis answered with an
// error reply: Redis is reachable but refuses the limiter's requests. Its
// text is a fixed description of the reply's code, or the reply itself
// when it holds neither the Redis password nor its user name.
type RefusedError struct {
	// Code is the reply's first word: WRONGPASS, NOAUTH, NOPERM, READONLY,
	// OOM, WRONGTYPE, LOADING, ERR, ...
	Code string
	// Reason says what the reply means.
	Reason string
	// Config is true for a reply that does not pass by itself: a wrong
	// password or user, a missing permission, a database number out of
	// range, a command Redis does not run, a key of another type.
	Config bool
}

func (e *RefusedError) Error() string { return "Redis refused the request: " + e.Reason }

func isRefused(err error) bool {
	_, ok := errors.AsType[*RefusedError](err)
	return ok
}

// refusal turns an error reply of Redis (a redis.Error) into a
// *RefusedError, and returns any other error as it is (a network error's
// text holds no secret).
func (l *Limiter) refusal(err error) error {
	re, ok := errors.AsType[redis.Error](err)
	if !ok {
		return err
	}
	msg := strings.TrimSpace(re.Error())
	code, rest, _ := strings.Cut(msg, " ")
	lower := strings.ToLower(rest)
	fixed := func(reason string, config bool) error {
		return &RefusedError{Code: code, Reason: reason + " (" + code + ")", Config: config}
	}
	switch {
	case code == "WRONGPASS":
		return fixed("wrong user name or password", true)
	case code == "NOAUTH":
		return fixed("Redis wants a password", true)
	case code == "NOPERM":
		return fixed("the Redis user lacks a permission the limiter needs: EVALSHA, EVAL, and GET and SET on the keys timrest:rate:*", true)
	case code == "WRONGTYPE":
		return fixed("a limiter's key holds a value of another type", true)
	case code == "READONLY":
		return fixed("a read-only replica: the limiter needs the primary", false)
	case code == "OOM":
		return fixed("Redis is out of memory", false)
	case code == "NOSCRIPT":
		return fixed("Redis does not keep the limiter's script", false)
	case code == "LOADING" || code == "BUSY" || code == "MASTERDOWN" || code == "TRYAGAIN" || code == "CLUSTERDOWN":
		return fixed("Redis is not ready", false)
	case strings.Contains(lower, "db index"):
		return fixed("the database number is out of range", true)
	case strings.Contains(lower, "password") || strings.Contains(lower, "auth"):
		return fixed("authentication failed", true)
	case strings.Contains(lower, "unknown command") || strings.Contains(lower, "disabled"):
		return fixed("Redis does not run a command the limiter uses (EVALSHA, EVAL, TIME, GET, SET)", true)
	}
	for _, s := range l.cfg.secrets {
		if strings.Contains(msg, s) {
			return fixed("an error reply (not shown: it holds the Redis password or user name)", false)
		}
	}
	return &RefusedError{Code: code, Reason: msg}
}

// Wait blocks until an attempt of op may be sent, or returns an error when
// ctx ends first or would end before then (an error that matches
// context.DeadlineExceeded with errors.Is). An operation the limiter does
// not know is not limited. When Redis is unreachable or refuses the
// limiter's requests it waits on the local fallback limit, or in strict
// mode returns an [*UnavailableError].
//
// Wait reserves the next free slot in Redis, at most [MaxAhead] (or one
// interval) away, and sleeps until it comes; a Wait whose ctx ends while
// it sleeps leaves its slot unused (the budget is under-used, never
// overrun). For one retry interval after an outage, it waits on the local
// fallback limit first, then on Redis.
func (l *Limiter) Wait(ctx context.Context, op string) error {
	o, ok := l.ops[op]
	if !ok {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	guardDone := false
	for {
		if !l.cfg.strict {
			if back := l.isDown(); back != nil {
				return l.fallback(ctx, op, o, back)
			}
		}
		if !guardDone && l.guarded() {
			if err := l.waitLocal(ctx, op, o); err != nil {
				return err
			}
			guardDone = true
			continue
		}
		maxWait := int64(-1) // microseconds; -1: no deadline
		if dl, ok := ctx.Deadline(); ok {
			maxWait = max(time.Until(dl).Microseconds(), 0)
		}
		status, wait, err := l.run(ctx, l.cfg.timeout, o.key, o.interval, maxWait, o.ahead, o.sane)
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			l.setDown(o, err)
			if l.cfg.strict {
				return &UnavailableError{Op: op, Err: err}
			}
			continue // to the fallback, or back to Redis if it is back already
		}
		l.setUp()
		switch status {
		case statusLate:
			return fmt.Errorf("redislimit: %s: the next call is allowed in %v, after the context's deadline: %w", op, wait, context.DeadlineExceeded)
		case statusAhead:
			// The queue holds MaxAhead of slots: come back when it is
			// down to between a half and the whole of it, at a random
			// point so that the waiters of several processes do not all
			// ask at once.
			ahead := time.Duration(o.ahead) * time.Microsecond
			d := wait - ahead + rand.N(ahead/2+1)
			if err := sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		return l.await(ctx, o, wait)
	}
}

// await sleeps until the slot Redis gave, wait from now.
func (l *Limiter) await(ctx context.Context, o *opLimit, wait time.Duration) error {
	slot := time.Now().Add(wait).UnixNano()
	for {
		last := o.lastSlot.Load()
		if slot <= last || o.lastSlot.CompareAndSwap(last, slot) {
			break
		}
	}
	return sleep(ctx, wait)
}

// waitLocal waits on o's local limit (in the guard period after an
// outage, before asking Redis: a slot of Redis is never used late, which
// would let a window hold more than the rate).
func (l *Limiter) waitLocal(ctx context.Context, op string, o *opLimit) error {
	r := o.local.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		r.Cancel()
		return fmt.Errorf("redislimit: %s: the next call is allowed in %v, after the context's deadline: %w", op, d, context.DeadlineExceeded)
	}
	if err := sleep(ctx, d); err != nil {
		r.Cancel()
		return err
	}
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fallback waits on o's local limit while Redis is unavailable. It first
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

// The script's answers.
const (
	statusLate  = 0 // the next slot is after the caller's deadline: not taken
	statusTaken = 1 // the slot is the caller's
	statusAhead = 2 // the next slot is further than the caller's MaxAhead: not taken, ask again later
)

// reserveScript takes the next slot of a limit: the GCRA (generic cell
// rate algorithm) with a burst of one, as a reservation. The key holds
// the theoretical arrival time (TAT) of the next call, in microseconds of
// Redis's clock; a call is given max(TAT, now), and TAT moves one interval
// past it. So calls are granted one interval apart, whichever process
// asks, and a queue of waiters loses no time between two slots.
//
// KEYS[1]: the key. ARGV[1]: the interval in microseconds (0 takes no
// slot: a check that Redis runs the script and writes the key). ARGV[2]:
// the longest wait the caller accepts, in microseconds, or -1 for any.
// ARGV[3]: the furthest slot handed out, in microseconds from now, or -1
// for any. ARGV[4]: a TAT further ahead than this (a clock of Redis set
// back, a key written by something else) is garbage: it starts again from
// now. Returns {status, wait in microseconds}: status 1 when the slot is
// taken, 0 when it is after the caller's deadline, 2 when it is further
// than ARGV[3]; neither of these writes. The key expires a second after
// its TAT.
var reserveScript = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local maxwait = tonumber(ARGV[2])
local ahead = tonumber(ARGV[3])
local sane = tonumber(ARGV[4])
local tat = tonumber(redis.call("GET", KEYS[1]) or "0") or 0
if tat < now or tat > now + sane then tat = now end
local wait = tat - now
if maxwait >= 0 and wait > maxwait then
  return {0, wait}
end
if ahead >= 0 and wait > ahead then
  return {2, wait}
end
local next = tat + interval
redis.call("SET", KEYS[1], string.format("%.0f", next), "PX", math.ceil((next - now) / 1000) + 1000)
return {1, wait}
`)

// run runs the script on key, within timeout (0: none) and ctx whatever
// the client's own timeouts: the exchange runs in a goroutine that is
// abandoned, to end with the client's timeout, when they pass. An error
// reply comes back as a *RefusedError; an answer the script cannot give
// (a wait beyond sane, or negative) as an error too: Redis is not
// working as the limiter needs.
func (l *Limiter) run(ctx context.Context, timeout time.Duration, key string, interval, maxWait, ahead, sane int64) (status int64, wait time.Duration, err error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	type result struct {
		v   []int64
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := reserveScript.Run(ctx, l.rdb, []string{key}, interval, maxWait, ahead, sane).Int64Slice()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return 0, 0, l.refusal(r.err)
		}
		return decode(r.v, sane)
	case <-ctx.Done():
		if timeout <= 0 {
			return 0, 0, fmt.Errorf("no answer: %w", ctx.Err())
		}
		return 0, 0, fmt.Errorf("no answer within %v: %w", timeout, ctx.Err())
	}
}

// decode checks the script's answer v: a status it gives, and a wait
// between 0 and sane microseconds (the script starts again from now past
// sane, so a longer wait is a fault, not a reason to stall every call).
func decode(v []int64, sane int64) (status int64, wait time.Duration, err error) {
	if len(v) != 2 {
		return 0, 0, badAnswer(fmt.Sprintf("the script answered %d values, want 2", len(v)))
	}
	if v[0] != statusLate && v[0] != statusTaken && v[0] != statusAhead {
		return 0, 0, badAnswer(fmt.Sprintf("the script answered the status %d", v[0]))
	}
	if v[1] < 0 || v[1] > sane {
		return 0, 0, badAnswer(fmt.Sprintf("the script answered a wait of %v, beyond any slot the limiter hands out (%v)",
			time.Duration(v[1])*time.Microsecond, time.Duration(sane)*time.Microsecond))
	}
	return v[0], time.Duration(v[1]) * time.Microsecond, nil
}

// badAnswer is the error of an answer of the script that it cannot give:
// Redis does not work as the limiter needs.
type badAnswer string

func (e badAnswer) Error() string { return string(e) }

// isDown returns, when Redis is considered unavailable, a channel closed
// when it is back; nil when Redis is up.
func (l *Limiter) isDown() chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.down {
		return nil
	}
	return l.back
}

// guarded reports whether the guard period after an outage runs: the
// other processes may not have found Redis back yet, and still send at
// their fallback share; this one keeps to its own until they have.
func (l *Limiter) guarded() bool {
	if l.cfg.strict {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.guardUntil.IsZero() && time.Now().Before(l.guardUntil)
}

// setDown records a failed exchange with o's key; the first one of an
// outage is logged, with its cause, and starts the background checks
// (default mode).
func (l *Limiter) setDown(o *opLimit, err error) {
	l.mu.Lock()
	if l.down {
		l.mu.Unlock()
		return
	}
	l.down, l.downSince, l.back = true, time.Now(), make(chan struct{})
	l.mu.Unlock()
	what := "Redis unreachable"
	if isRefused(err) {
		what = "Redis refuses the limiter's requests"
	} else if _, ok := errors.AsType[badAnswer](err); ok {
		what = "Redis answers what the limiter cannot use"
	}
	attrs := []any{"redis", l.cfg.addr, "error", err.Error()}
	if l.cfg.strict {
		l.cfg.log.Error("redislimit: "+what+"; calls fail until it is back (strict mode)", attrs...)
		return
	}
	attrs = append(attrs, "fallback", l.cfg.fallback, "retry_every", l.cfg.retry)
	l.cfg.log.Warn("redislimit: "+what+"; limiting this process alone to a fraction of each rate until it is back", attrs...)
	go l.probe(o)
}

// probe checks every retry interval, until the limiter is closed, whether
// Redis runs the script again on o's key, with an interval of 0: the very
// exchange of a Wait (so a Redis that answers PING but refuses the script
// stays down), writing the key without taking a slot.
func (l *Limiter) probe(o *opLimit) {
	t := time.NewTimer(l.cfg.retry)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-l.closed:
			return
		}
		if l.isDown() == nil {
			return
		}
		if _, _, err := l.run(context.Background(), l.cfg.timeout, o.key, 0, -1, -1, o.sane); err == nil {
			l.setUp()
			return
		}
		t.Reset(l.cfg.retry)
	}
}

// setUp records a successful exchange; the first one after an outage is
// logged and starts the guard period: one retry interval (and the
// timeout of a check), by when every process configured alike has found
// Redis back.
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
	l.guardUntil = time.Now().Add(l.cfg.retry + l.cfg.timeout)
	l.mu.Unlock()
	l.cfg.log.Info("redislimit: Redis is back; the shared limit applies again", "redis", l.cfg.addr,
		"down_for", time.Since(since).Round(time.Millisecond))
}

// nonEmpty returns the non-empty strings of ss.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
