package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
)

// barrier is a RoundTripper that holds every request until want requests
// are in flight at once, then lets them all (and every later one) go. A
// client that never has want requests out at once is stuck at the
// barrier until its context ends.
type barrier struct {
	next    http.RoundTripper
	want    int
	mu      sync.Mutex
	n, peak int
	open    chan struct{}
}

func (b *barrier) RoundTrip(r *http.Request) (*http.Response, error) {
	b.mu.Lock()
	b.n++
	b.peak = max(b.peak, b.n)
	if b.n >= b.want {
		select {
		case <-b.open:
		default:
			close(b.open)
		}
	}
	b.mu.Unlock()
	defer func() { b.mu.Lock(); b.n--; b.mu.Unlock() }()
	select {
	case <-b.open:
		return b.next.RoundTrip(r)
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}

// TestConcurrencyAutoFillsTheBudget: with --concurrency auto (the
// default) the write engine has more requests in flight than the old
// fixed 8 when the client's in-flight limit allows it (here: no rate
// limit, so the cap); a fixed --concurrency is a hard cap.
func TestConcurrencyAutoFillsTheBudget(t *testing.T) {
	t.Parallel()
	const accounts, want = 40, 32
	var seed emulator.Seed
	var in strings.Builder
	in.WriteString("From_Account,To_Account,AddSource\n")
	for i := range accounts {
		seed.Accounts = append(seed.Accounts, emulator.Account{UserID: fmt.Sprintf("u%02d", i)}, emulator.Account{UserID: fmt.Sprintf("v%02d", i)})
		fmt.Fprintf(&in, "u%02d,v%02d,AddSource_Type_Web\n", i, i)
	}
	run := func(t *testing.T, want int, extra ...string) (*barrier, result) {
		e := newE2E(t, &seed)
		b := &barrier{next: emulatortest.ValidatingTransport(t, nil), want: want, open: make(chan struct{})}
		c := e.cli()
		c.clientOpts = append(c.clientOpts, timrest.WithHTTPClient(&http.Client{Transport: b}))
		// A guard, not a measurement: a client that never reaches the
		// barrier ends here instead of hanging the test.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c.ctx = ctx
		file := e.file("f.csv", in.String())
		return b, c.run(t, append([]string{"friends", "import", "--file", file, "-o", "json"}, extra...)...)
	}
	t.Run("auto", func(t *testing.T) {
		t.Parallel()
		b, r := run(t, want)
		if r.Code != exitOK {
			t.Fatalf("exit %d (peak in flight %d, want %d at once)\n%s%s", r.Code, b.peak, want, r.Stdout, r.Stderr)
		}
		if b.peak < want {
			t.Errorf("peak in flight %d, want at least %d", b.peak, want)
		}
	})
	t.Run("fixed", func(t *testing.T) {
		t.Parallel()
		// The barrier opens at 8 at once, which 8 workers reach; the
		// peak shows that they are never more.
		b, r := run(t, 8, "--concurrency", "8")
		if r.Code != exitOK {
			t.Fatalf("exit %d (peak in flight %d)\n%s%s", r.Code, b.peak, r.Stdout, r.Stderr)
		}
		if b.peak != 8 {
			t.Errorf("--concurrency 8: peak in flight %d, want 8", b.peak)
		}
	})
}
