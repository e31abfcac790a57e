package timrest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestGateSize: rate × latency × 1.5, plus one, between 1 and max; max
// without a rate.
func TestGateSize(t *testing.T) {
	for _, tc := range []struct {
		rate, latency float64
		max, want     int
	}{
		{200, 0.3, 256, 91},
		{200, 0.05, 256, 16},
		{200, 0.5, 256, 151},
		{200, 0, 256, 1},
		{200, 10, 256, 256},
		{1, 0.3, 256, 2},
		{0, 0.3, 256, 256},
		{200, 0.3, 40, 40},
	} {
		if got := newGate(tc.rate, tc.max).size(tc.latency); got != tc.want {
			t.Errorf("rate %v, latency %v, max %d: %d, want %d", tc.rate, tc.latency, tc.max, got, tc.want)
		}
	}
}

// TestGateObserve: the first sample is taken as it is; a rise is followed
// by half, a fall by a tenth; the limit follows and waiters are let in
// when it grows.
func TestGateObserve(t *testing.T) {
	g := newGate(100, 256)
	if g.limit != 76 { // 100 × 0.5 × 1.5 + 1
		t.Fatalf("start %d, want 76", g.limit)
	}
	g.observe(100 * time.Millisecond)
	if g.limit != 16 {
		t.Errorf("after 100 ms: %d, want 16", g.limit)
	}
	g.observe(300 * time.Millisecond) // 0.1 + 0.5 × 0.2 = 0.2
	if g.limit != 31 {
		t.Errorf("after 300 ms: %d, want 31", g.limit)
	}
	g.observe(0) // 0.2 − 0.1 × 0.2 = 0.18
	if g.limit != 28 {
		t.Errorf("after 0: %d, want 28", g.limit)
	}

	// A limit of 1, one in flight and one waiting: a rise lets it in.
	synctest.Test(t, func(t *testing.T) {
		g := newGate(10, 256)
		g.observe(0)
		if g.limit != 1 {
			t.Fatalf("limit %d, want 1", g.limit)
		}
		if err := g.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := make(chan error)
		go func() { got <- g.acquire(context.Background()) }()
		synctest.Wait()
		if g.waiting() != 1 {
			t.Fatalf("%d waiting, want 1", g.waiting())
		}
		g.observe(time.Second)
		if err := <-got; err != nil { // a deadlock (the test fails) if not let in
			t.Fatal(err)
		}
		if n, _ := g.state(); n != 2 {
			t.Errorf("%d in flight, want 2", n)
		}
	})
}

func (g *gate) waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiters.Len()
}

// TestGateOrderAndCancel: waiters get slots in order; one whose context
// ends leaves the queue; a slot given to a waiter whose context ended at
// the same time is handed on, not lost.
func TestGateOrderAndCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newGate(0, 1)
		ctx := context.Background()
		if err := g.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		var order []int
		var mu sync.Mutex
		var wg sync.WaitGroup
		cctx, cancel := context.WithCancel(ctx)
		for i := range 3 {
			c := ctx
			if i == 1 {
				c = cctx
			}
			wg.Go(func() {
				if err := g.acquire(c); err != nil {
					return
				}
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				g.release()
			})
			synctest.Wait() // queued in this order
		}
		cancel()
		synctest.Wait()
		if g.waiting() != 2 {
			t.Fatalf("%d waiting after a cancel, want 2", g.waiting())
		}
		g.release()
		wg.Wait()
		if len(order) != 2 || order[0] != 0 || order[1] != 2 {
			t.Errorf("slots given in the order %v, want [0 2]", order)
		}
		if n, _ := g.state(); n != 0 {
			t.Errorf("%d in flight, want 0", n)
		}

		// Given a slot and cancelled at once: the slot goes on.
		if err := g.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		cctx, cancel = context.WithCancel(ctx)
		first := make(chan error)
		go func() { first <- g.acquire(cctx) }()
		synctest.Wait()
		second := make(chan error)
		go func() { second <- g.acquire(ctx) }()
		synctest.Wait()
		g.mu.Lock() // release and cancel before the first waiter runs
		g.n--
		g.grant()
		cancel()
		g.mu.Unlock()
		if err := <-first; err == nil {
			g.release() // it won the race the other way: fine too
		}
		if err := <-second; err != nil {
			t.Fatal(err)
		}
		g.release()
		if n, _ := g.state(); n != 0 || g.waiting() != 0 {
			t.Errorf("%d in flight and %d waiting, want 0 and 0", n, g.waiting())
		}
	})
}

// TestParallelAuto: every job runs once; never more jobs at once than
// the target said when they started; the workers follow the target up and
// down.
func TestParallelAuto(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var target, now, peak atomic.Int64
		target.Store(2)
		const n = 400
		var ran [n]atomic.Int32
		var over atomic.Int64
		peaks := map[int64]int64{} // target → peak seen under it
		var mu sync.Mutex
		var shrunk time.Time // when the target went down to 3
		late := int64(0)     // the most jobs at once, one job's time after that
		parallelAuto(n, func() int { return int(target.Load()) }, func(i int) {
			k := now.Add(1)
			defer now.Add(-1)
			tg := target.Load()
			if k > tg && k > 40 {
				over.Add(1)
			}
			for p := peak.Load(); k > p && !peak.CompareAndSwap(p, k); p = peak.Load() {
			}
			mu.Lock()
			peaks[tg] = max(peaks[tg], k)
			if !shrunk.IsZero() && time.Since(shrunk) > 10*time.Millisecond {
				late = max(late, k)
			}
			mu.Unlock()
			ran[i].Add(1)
			time.Sleep(10 * time.Millisecond)
			switch i {
			case 20:
				target.Store(40)
			case 120:
				mu.Lock()
				shrunk = time.Now()
				mu.Unlock()
				target.Store(3)
			}
		})
		for i := range ran {
			if ran[i].Load() != 1 {
				t.Fatalf("job %d ran %d times", i, ran[i].Load())
			}
		}
		if peak.Load() != 40 || peaks[2] > 2 || peaks[40] != 40 {
			t.Errorf("peak %d, under 2: %d, under 40: %d; want 40, at most 2, 40", peak.Load(), peaks[2], peaks[40])
		}
		if late != 3 {
			t.Errorf("%d jobs at once after the target went down to 3, want 3", late)
		}
		if over.Load() != 0 {
			t.Errorf("%d jobs over the target of 40", over.Load())
		}
	})
	parallelAuto(1, func() int { return 0 }, func(int) {})
	parallelAuto(0, func() int { return 8 }, func(int) { t.Error("a job of none") })
}

// BenchmarkGateAttempt is what the in-flight limit adds to every attempt
// of a client with automatic concurrency when no attempt has to wait:
// taking a slot, recording the latency, giving the slot back.
func BenchmarkGateAttempt(b *testing.B) {
	g := newGate(200, MaxAutoConcurrency)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := g.acquire(ctx); err != nil {
				b.Fatal(err)
			}
			g.observe(50 * time.Millisecond)
			g.release()
		}
	})
}
