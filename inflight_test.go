package timrest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
)

// The tests of automatic concurrency run in a synctest bubble: the
// latency of slowRT and the rate limiter's waits are on the bubble's fake
// clock, so that durations are exact and nothing waits in real time.

// slowRT answers friend_import and multi_account_import after a latency,
// and records what is in flight: in all, and per From_Account.
type slowRT struct {
	latency atomic.Int64 // nanoseconds

	mu        sync.Mutex
	now, peak int
	account   map[string]int // From_Account → its requests in flight
	accPeak   int
	spans     []span
}

// span is a request the fake answered: its account, its items' remarks
// (or UserIDs) and when it was in flight.
type span struct {
	from       string
	keys       []string
	start, end time.Time
}

func newSlowRT(latency time.Duration) *slowRT {
	rt := &slowRT{account: map[string]int{}}
	rt.latency.Store(int64(latency))
	return rt
}

func (f *slowRT) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var in struct {
		From    string `json:"From_Account"`
		Friends []struct {
			To     string `json:"To_Account"`
			Remark string
		} `json:"AddFriendItem"`
		Accounts []struct{ UserID string } `json:"AccountList"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	s := span{from: in.From, start: time.Now()}
	for _, it := range in.Friends {
		s.keys = append(s.keys, it.Remark)
	}
	for _, a := range in.Accounts {
		s.keys = append(s.keys, a.UserID)
	}
	f.mu.Lock()
	f.now++
	f.peak = max(f.peak, f.now)
	f.account[in.From]++
	f.accPeak = max(f.accPeak, f.account[in.From])
	f.mu.Unlock()

	t := time.NewTimer(time.Duration(f.latency.Load()))
	defer t.Stop()
	var cancelled error
	select {
	case <-t.C:
	case <-req.Context().Done():
		cancelled = req.Context().Err()
	}

	f.mu.Lock()
	f.now--
	f.account[in.From]--
	s.end = time.Now()
	f.spans = append(f.spans, s)
	f.mu.Unlock()
	if cancelled != nil {
		return nil, cancelled
	}
	var ans any = gen.ImportAccountsResponse{ActionStatus: gen.ActionStatusOK}
	if strings.HasSuffix(req.URL.Path, "/friend_import") {
		a := gen.ImportFriendsResponse{ActionStatus: gen.ActionStatusOK}
		for _, it := range in.Friends {
			a.ResultItem = append(a.ResultItem, gen.FriendResult{ToAccount: it.To})
		}
		ans = a
	}
	out, err := json.Marshal(ans)
	if err != nil {
		return nil, err
	}
	return answer(string(out)), nil
}

// peaks returns the most requests that were in flight at once, in all and
// for one account, and resets them.
func (f *slowRT) peaks() (all, account int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	all, account = f.peak, f.accPeak
	f.peak, f.accPeak = 0, 0
	return all, account
}

// imports returns one ImportFriends request of one item for each of n
// accounts (prefix0000, prefix0001, ...).
func imports(prefix string, n int) []gen.ImportFriendsRequest {
	reqs := make([]gen.ImportFriendsRequest, n)
	for i := range reqs {
		reqs[i] = gen.ImportFriendsRequest{FromAccount: fmt.Sprintf("%s%04d", prefix, i), AddFriendItem: items("f", 1)}
	}
	return reqs
}

// importAll imports reqs and returns how long it took on the bubble's
// clock.
func importAll(t *testing.T, c *timrest.Client, reqs []gen.ImportFriendsRequest, opts ...timrest.CallOption) time.Duration {
	t.Helper()
	start := time.Now()
	res, err := c.Friends.Import(context.Background(), reqs, opts...)
	took := time.Since(start)
	if err != nil || res.Succeeded() != len(reqs) {
		t.Fatalf("imported %d of %d: %v", res.Succeeded(), len(reqs), err)
	}
	return took
}

// defaultLimiter is the option that gives back the default limiter (the
// document's rates) on top of newClient's WithoutRateLimit.
func defaultLimiter(t testing.TB) timrest.Option {
	return timrest.WithRateLimiter(mustLimiter(t, nil))
}

// TestAutoConcurrencyFollowsLatency: with the default settings, a batch of
// 1,000 requests at the document's 200 calls/s takes no longer than the
// rate allows (999 intervals of 5 ms, plus the last answer's latency) at
// 300 ms of latency: about 60 requests are in flight (rate × latency),
// the limit has headroom above that (rate × latency × 1.5, plus one). When
// the latency drops to 10 ms, the limit shrinks; when it goes back to
// 300 ms, it grows again, and the batch is still bounded by the rate. A
// fixed WithConcurrency(8) keeps its meaning: 8 in flight, no client-wide
// limit (and 8 × 1/300 ms is 27 calls/s).
func TestAutoConcurrencyFollowsLatency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const latency = 300 * time.Millisecond
		rt := newSlowRT(latency)
		c, _ := newClient(t, rt, defaultLimiter(t))
		if _, limit := c.InFlight("ImportFriends"); limit != 151 {
			t.Errorf("limit before any answer %d, want 151 (200/s × 500 ms × 1.5, plus one)", limit)
		}

		best := 999*5*time.Millisecond + latency
		if took := importAll(t, c, imports("u", 1000)); took > best+10*time.Millisecond {
			t.Errorf("1000 requests at 300 ms took %v, want about %v (the rate limiter's pace)", took, best)
		}
		all, _ := rt.peaks()
		if all < 58 || all > 61 {
			t.Errorf("%d requests in flight at most, want about 60 (200/s × 300 ms)", all)
		}
		n, limit := c.InFlight("ImportFriends")
		if n != 0 || limit < 90 || limit > 92 {
			t.Errorf("after the batch: %d in flight, limit %d; want 0 and 91", n, limit)
		}

		// Faster answers: the limit shrinks.
		rt.latency.Store(int64(10 * time.Millisecond))
		importAll(t, c, imports("v", 300))
		if _, low := c.InFlight("ImportFriends"); low > 5 {
			t.Errorf("limit %d after 300 answers in 10 ms, want at most 5 (200/s × 10 ms × 1.5, plus one)", low)
		}

		// Slower again: it grows back, and the batch still goes at
		// about the rate (the first answers at the new latency are
		// awaited at the low limit: a few hundred ms lost).
		rt.latency.Store(int64(latency))
		if took := importAll(t, c, imports("w", 1000)); took > best*11/10 {
			t.Errorf("1000 requests after the latency grew back took %v, want at most %v", took, best*11/10)
		}
		if _, limit := c.InFlight("ImportFriends"); limit < 90 || limit > 92 {
			t.Errorf("limit %d after the latency grew back, want 91", limit)
		}

		// A fixed concurrency.
		rt8 := newSlowRT(latency)
		c8, _ := newClient(t, rt8, defaultLimiter(t), timrest.WithConcurrency(8))
		// The first 8 leave 5 ms apart (the rate), then each slot is
		// reused as soon as its answer comes.
		if took, want := importAll(t, c8, imports("u", 80)), 10*latency+7*5*time.Millisecond; took != want {
			t.Errorf("80 requests, 8 at a time, took %v, want %v", took, want)
		}
		if all, _ := rt8.peaks(); all != 8 {
			t.Errorf("WithConcurrency(8): %d in flight at most, want 8", all)
		}
		if _, limit := c8.InFlight("ImportFriends"); limit != 0 {
			t.Errorf("WithConcurrency(8): client-wide limit %d, want 0 (none)", limit)
		}
		// A fixed concurrency for one call of an automatic client.
		rt.peaks()
		importAll(t, c, imports("x", 30), timrest.WithCallConcurrency(3))
		if all, _ := rt.peaks(); all != 3 {
			t.Errorf("WithCallConcurrency(3): %d in flight at most, want 3", all)
		}
	})
}

// TestAutoConcurrencyCap: the limit never exceeds MaxAutoConcurrency, for
// one batch call and for many calls of one request each made at once (as
// a program with workers of its own makes them): the limit is the
// client's, shared by all its calls. Without a rate limiter it is the
// cap.
func TestAutoConcurrencyCap(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const latency = time.Second
		// 1000 calls/s × 1 s is far above the cap.
		fast := timrest.WithRateLimiter(mustLimiter(t, map[string]float64{"ImportFriends": 1000}))
		rt := newSlowRT(latency)
		c, _ := newClient(t, rt, fast)
		importAll(t, c, imports("u", 600))
		if all, _ := rt.peaks(); all != timrest.MaxAutoConcurrency {
			t.Errorf("one batch: %d in flight at most, want %d", all, timrest.MaxAutoConcurrency)
		}

		var wg sync.WaitGroup
		for _, req := range imports("v", 600) {
			wg.Go(func() { importAll(t, c, []gen.ImportFriendsRequest{req}) })
		}
		wg.Wait()
		if all, _ := rt.peaks(); all != timrest.MaxAutoConcurrency {
			t.Errorf("600 calls at once: %d in flight at most, want %d", all, timrest.MaxAutoConcurrency)
		}

		rt = newSlowRT(latency)
		c, _ = newClient(t, rt) // newClient's WithoutRateLimit
		if _, limit := c.InFlight("ImportFriends"); limit != timrest.MaxAutoConcurrency {
			t.Errorf("no rate limiter: limit %d, want %d", limit, timrest.MaxAutoConcurrency)
		}
		importAll(t, c, imports("u", 600))
		if all, _ := rt.peaks(); all != timrest.MaxAutoConcurrency {
			t.Errorf("no rate limiter: %d in flight at most, want %d", all, timrest.MaxAutoConcurrency)
		}
	})
}

// waitOnly is a Limiter without a Rate method; rateOnly one with one.
type waitOnly struct{}

func (waitOnly) Wait(context.Context, string) error { return nil }

type rateOnly map[string]float64

func (rateOnly) Wait(context.Context, string) error { return nil }
func (r rateOnly) Rate(op string) (float64, bool) {
	v, ok := r[op]
	return v, ok
}

// TestAutoConcurrencyRate: the rate the limit is sized from is the
// limiter's when it has a Rate method, else the document's (200/s for
// ImportFriends); an operation the limiter does not limit, or no limiter,
// gets the cap. Before any answer the limit is rate × 500 ms × 1.5, plus
// one.
func TestAutoConcurrencyRate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opt   timrest.Option
		limit int
	}{
		{"default", defaultLimiter(t), 151},
		{"override", timrest.WithRateLimiter(mustLimiter(t, map[string]float64{"ImportFriends": 20})), 16},
		{"without Rate", timrest.WithRateLimiter(waitOnly{}), 151},
		{"with Rate", timrest.WithRateLimiter(rateOnly{"ImportFriends": 50}), 39},
		{"not limited", timrest.WithRateLimiter(rateOnly{}), timrest.MaxAutoConcurrency},
		{"no limiter", timrest.WithoutRateLimit(), timrest.MaxAutoConcurrency},
	} {
		c, _ := newClient(t, http.DefaultTransport, tc.opt)
		if n, limit := c.InFlight("ImportFriends"); n != 0 || limit != tc.limit {
			t.Errorf("%s: %d in flight, limit %d; want 0 and %d", tc.name, n, limit, tc.limit)
		}
	}
	c, _ := newClient(t, http.DefaultTransport, defaultLimiter(t))
	if _, limit := c.InFlight("ListGroupIDs"); limit != 2 { // 1/s × 500 ms × 1.5, plus one
		t.Errorf("ListGroupIDs: limit %d, want 2", limit)
	}
	if _, limit := c.InFlight("NoSuchOperation"); limit != 0 {
		t.Errorf("an unknown operation: limit %d, want 0", limit)
	}
}

// TestAutoConcurrencyOneAccountAtATime: with many requests in flight, one
// account's requests still go one after another, in order (a key repeated
// within an account: split, each occurrence in a later request), and a
// split batch without an account still sends its rounds one after
// another.
func TestAutoConcurrencyOneAccountAtATime(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := newSlowRT(300 * time.Millisecond)
		c, _ := newClient(t, rt, defaultLimiter(t))
		const accounts, times = 60, 5
		var reqs []gen.ImportFriendsRequest
		for a := range accounts {
			from := fmt.Sprintf("u%02d", a)
			for k := range times {
				reqs = append(reqs, gen.ImportFriendsRequest{FromAccount: from, AddFriendItem: []gen.AddFriendItem{
					{ToAccount: "f", AddSource: "AddSource_Type_Test", Remark: ptr(fmt.Sprintf("%d", k))}}})
			}
		}
		res, err := c.Friends.Import(context.Background(), reqs)
		if err != nil || res.Succeeded() != accounts*times {
			t.Fatalf("imported %d: %v", res.Succeeded(), err)
		}
		all, account := rt.peaks()
		if account != 1 {
			t.Errorf("%d requests of one account in flight at once, want 1", account)
		}
		if all < accounts/2 {
			t.Errorf("%d requests in flight at most, want many accounts at once", all)
		}
		sent := map[string][]string{}
		for _, s := range rt.spans {
			sent[s.from] = append(sent[s.from], s.keys...)
		}
		for from, remarks := range sent {
			if want := []string{"0", "1", "2", "3", "4"}; !slices.Equal(remarks, want) {
				t.Errorf("%s's requests were answered in the order %v, want %v", from, remarks, want)
			}
		}

		// Rounds: 150 accounts twice, in requests of at most 100: round 0
		// is two requests, round 1 two more, after both.
		rt.spans = nil
		var list []gen.ImportAccountItem
		for range 2 {
			for i := range 150 {
				list = append(list, gen.ImportAccountItem{UserID: fmt.Sprintf("a%03d", i)})
			}
		}
		ares, err := c.Accounts.Import(context.Background(), []gen.ImportAccountsRequest{{AccountList: list}})
		if err != nil || ares.Succeeded() != len(list) {
			t.Fatalf("imported %d accounts: %v", ares.Succeeded(), err)
		}
		spans := slices.SortedFunc(slices.Values(rt.spans), func(a, b span) int { return a.start.Compare(b.start) })
		if len(spans) != 4 {
			t.Fatalf("%d requests, want 4", len(spans))
		}
		if spans[2].start.Before(spans[0].end) || spans[2].start.Before(spans[1].end) {
			t.Errorf("round 1 started at %v, before round 0 ended (%v, %v)", spans[2].start, spans[0].end, spans[1].end)
		}
	})
}

// TestAutoConcurrencyCancel: a batch cancelled while most of its requests
// wait for a slot returns (every item accounted for), gives every slot
// back, and leaves no goroutine behind (synctest.Test fails when a
// goroutine of the bubble is still blocked at the end).
func TestAutoConcurrencyCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := newSlowRT(time.Second)
		c, _ := newClient(t, rt, timrest.WithRateLimiter(mustLimiter(t, map[string]float64{"ImportFriends": 1000})))
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		// The batch takes the 256 slots (1000/s × 1 s is above the cap)
		// and queues the rest; single calls made meanwhile queue after
		// them, get the slots the batch's first answers free, and are
		// cut short by the deadline, in flight or waiting.
		var (
			res *timrest.BatchResult[gen.FriendResult]
			err error
			wg  sync.WaitGroup
		)
		wg.Go(func() { res, err = c.Friends.Import(ctx, imports("u", 1000)) })
		synctest.Wait()
		var notSent atomic.Int64
		for _, req := range imports("v", 400) {
			wg.Go(func() {
				res, err := c.Friends.Import(ctx, []gen.ImportFriendsRequest{req})
				if err != nil && errors.Is(res.Items[0].Err, context.DeadlineExceeded) {
					notSent.Add(1)
				}
			})
		}
		wg.Wait()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v, want the deadline", err)
		}
		ok := res.Succeeded()
		for _, it := range res.Items {
			if it.Err != nil && !errors.Is(it.Err, context.DeadlineExceeded) {
				t.Fatalf("item %s: %v", it.Key, it.Err)
			}
		}
		if ok != timrest.MaxAutoConcurrency || notSent.Load() != 400 {
			t.Errorf("%d of 1000 imported and %d single calls failed; want %d and 400", ok, notSent.Load(), timrest.MaxAutoConcurrency)
		}
		if n, _ := c.InFlight("ImportFriends"); n != 0 {
			t.Errorf("%d in flight after the calls returned, want 0", n)
		}
		// The slots are all free: a call at once gets one.
		importAll(t, c, imports("w", 1))

		// Cut short while waiting for the rate limiter (10/s: 9 slots
		// at first, most of them waiting for the limiter): the slots
		// are given back too.
		rt = newSlowRT(10 * time.Millisecond)
		c, _ = newClient(t, rt, timrest.WithRateLimiter(mustLimiter(t, map[string]float64{"ImportFriends": 10})))
		ctx, cancel = context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		res, err = c.Friends.Import(ctx, imports("u", 100))
		if err == nil || res.Succeeded() == 0 || res.Succeeded() == 100 {
			t.Errorf("err %v, %d of 100 imported; want an error and some", err, res.Succeeded())
		}
		if n, _ := c.InFlight("ImportFriends"); n != 0 {
			t.Errorf("%d in flight after a deadline at the rate limiter, want 0", n)
		}
	})
}

// panicRT panics on its first request and answers the others.
type panicRT struct {
	once sync.Once
	next http.RoundTripper
}

func (p *panicRT) RoundTrip(r *http.Request) (*http.Response, error) {
	panicked := false
	p.once.Do(func() { panicked = true })
	if panicked {
		panic("transport bug")
	}
	return p.next.RoundTrip(r)
}

// TestAutoConcurrencyPanic: a transport that panics does not keep the
// slot of its attempt: a program that recovers can go on with all of
// them.
func TestAutoConcurrencyPanic(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, &panicRT{next: newSlowRT(0)}, defaultLimiter(t))
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		c.Friends.Import(context.Background(), imports("u", 1))
	}()
	if n, _ := c.InFlight("ImportFriends"); n != 0 {
		t.Errorf("%d in flight after the panic, want 0", n)
	}
	importAll(t, c, imports("v", 1))
}
