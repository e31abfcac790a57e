package timrest

import (
	"container/list"
	"context"
	"math"
	"sync"
	"time"

	"github.com/timrest/timrest/internal/spec"
)

// MaxAutoConcurrency bounds the attempts of one operation a client has in
// flight at once when its concurrency is automatic (the default; see
// [WithConcurrency]), whatever the rate and the latency: it caps the
// requests, connections and answers a client holds at once for one
// operation, and the requests a batch call prepares at once. At the
// document's 200 calls/s it is reached at a latency of about 850 ms.
const MaxAutoConcurrency = 256

// The sizing of the automatic in-flight limit (see gate.resize).
const (
	// autoHeadroom multiplies rate × latency: Little's law gives the mean
	// number of attempts in flight at the rate; the headroom absorbs the
	// spread of the latencies, so that the rate limiter, not the gate,
	// is what holds the calls back.
	autoHeadroom = 1.5
	// autoStartLatency is the latency assumed before the first attempt of
	// an operation has been measured: the far end of real latencies
	// (50–300 ms from most callers), so that a batch starts at the full
	// rate and the limit then shrinks to what the measured latency needs.
	autoStartLatency = 500 * time.Millisecond
	// autoRise and autoFall weigh a new latency sample in the smoothed
	// latency: a rise is followed fast (a limit too low holds the calls
	// back), a fall slowly (a limit too high only costs memory).
	autoRise = 0.5
	autoFall = 0.1
)

// rater is implemented by limiters that know their rates, such as
// [OperationLimiter]: Rate returns the calls per second op is allowed,
// and false when the limiter does not limit op.
type rater interface {
	Rate(op string) (float64, bool)
}

// newGates returns the in-flight gates of a client with automatic
// concurrency: one per operation of the document, sized from the rate the
// limiter gives (when it has a Rate method) or else the document's rate;
// with no limiter, or an operation the limiter does not limit, the gate
// stays at max.
func newGates(l Limiter, max int) map[string]*gate {
	gates := make(map[string]*gate, len(spec.Operations))
	r, hasRate := l.(rater)
	for _, op := range spec.Operations {
		rate := 0.0
		switch {
		case l == nil:
		case hasRate:
			if v, ok := r.Rate(op.ID); ok && v > 0 && !math.IsInf(v, 0) {
				rate = v
			}
		default:
			rate = op.Rate
		}
		gates[op.ID] = newGate(rate, max)
	}
	return gates
}

// gate bounds the attempts of one operation that a client has in flight
// at once, across all its calls. Its limit follows Little's law: the
// operation's rate times the smoothed latency of its attempts, with
// headroom, between 1 and max (max when the rate is unknown). Waiters are
// served in order.
type gate struct {
	rate float64 // calls per second; 0: unknown or unlimited
	max  int

	mu      sync.Mutex
	limit   int
	n       int       // attempts in flight
	latency float64   // smoothed attempt duration in seconds; 0: not measured yet
	waiters list.List // of chan struct{}, closed when given a slot
	samples int       // latencies observed
}

func newGate(rate float64, max int) *gate {
	g := &gate{rate: rate, max: max}
	g.limit = g.size(autoStartLatency.Seconds())
	return g
}

// size is the limit for a latency in seconds.
func (g *gate) size(latency float64) int {
	if g.rate <= 0 {
		return g.max
	}
	want := math.Ceil(g.rate*latency*autoHeadroom) + 1
	if want >= float64(g.max) {
		return g.max
	}
	return max(int(want), 1)
}

// acquire takes a slot, waiting until one is free or ctx ends.
func (g *gate) acquire(ctx context.Context) error {
	g.mu.Lock()
	if g.n < g.limit && g.waiters.Len() == 0 {
		g.n++
		g.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		g.mu.Unlock()
		return err
	}
	ch := make(chan struct{})
	e := g.waiters.PushBack(ch)
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		select {
		case <-ch: // given a slot meanwhile: hand it on
			g.n--
			g.grant()
		default:
			g.waiters.Remove(e)
		}
		g.mu.Unlock()
		return ctx.Err()
	}
}

// release gives a slot back.
func (g *gate) release() {
	g.mu.Lock()
	g.n--
	g.grant()
	g.mu.Unlock()
}

// grant gives free slots to the first waiters. g.mu is held.
func (g *gate) grant() {
	for g.n < g.limit && g.waiters.Len() > 0 {
		ch := g.waiters.Remove(g.waiters.Front()).(chan struct{})
		g.n++
		close(ch)
	}
}

// observe takes the duration of an attempt into the smoothed latency and
// resizes the limit.
func (g *gate) observe(d time.Duration) {
	s := max(d.Seconds(), 0)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.samples++
	switch {
	case g.samples == 1:
		g.latency = s
	case s > g.latency:
		g.latency += autoRise * (s - g.latency)
	default:
		g.latency += autoFall * (s - g.latency)
	}
	g.limit = g.size(g.latency)
	g.grant()
}

// state returns the attempts in flight and the limit.
func (g *gate) state() (n, limit int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n, g.limit
}

// InFlight returns how many attempts of the operation op (an operationId
// such as "ImportFriends") the client has in flight now, and the most it
// lets be in flight at once.
//
// With automatic concurrency (the default, see [WithConcurrency]) the
// limit holds for every call of the client together, batch calls and
// single requests alike: each attempt takes a slot before it waits for
// the rate limiter and gives it back when its answer is read. The limit
// follows the operation's rate and the measured latency of its attempts
// (Little's law: rate × latency, with headroom), between 1 and
// [MaxAutoConcurrency]; before the first answer it assumes a latency of
// 500 ms. A program that sends requests from workers of its own (one
// request per call, say) can run up to MaxAutoConcurrency workers, or as
// many as this limit, and leave it to the client to bound what is really
// in flight; the rate limiter still spaces the attempts.
//
// limit is 0 when the client does not bound op: with a fixed concurrency
// ([WithConcurrency]), each batch call bounds its own requests instead,
// and an operation the document does not know is never bounded.
func (c *Client) InFlight(op string) (n, limit int) {
	g := c.doer.gates[op]
	if g == nil {
		return 0, 0
	}
	return g.state()
}

// parallelAuto runs job(i) for i in [0, n) with as many workers as want()
// says (at least 1, at most n): it starts with want() workers, starts more
// when a worker finishes a job and want() has grown, and lets a worker go
// when want() has shrunk below the number of workers.
func parallelAuto(n int, want func() int, job func(i int)) {
	if n == 1 {
		job(0)
		return
	}
	var (
		mu      sync.Mutex
		next    int // the next job
		workers int
		wg      sync.WaitGroup
	)
	target := func() int { return min(max(want(), 1), n) }
	var start func()
	start = func() {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				if i >= n {
					workers--
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()

				job(i)

				t := target()
				mu.Lock()
				if workers > t {
					workers--
					mu.Unlock()
					return
				}
				// This worker takes the next job: start one for each
				// other job left, up to the target.
				for k := 1; workers < t && k < n-next; k++ {
					workers++
					start()
				}
				mu.Unlock()
			}
		})
	}
	mu.Lock()
	for range target() {
		workers++
		start()
	}
	mu.Unlock()
	wg.Wait()
}
