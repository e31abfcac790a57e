package timrest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// BenchmarkImportLatency is the import of issue 12 ("using the whole budget
// at real latencies"): 100,000 relations for 1,000 accounts (1,000
// requests of 100 items, one per account) into the emulator with its rate
// limit on at the document's 200 calls/s for ImportFriends and every call
// delayed by the latency fault (50, 200, 300 ms), with the client's
// default settings (concurrency=default) and with WithConcurrency(8), the
// fixed concurrency that was the default before the in-flight limit
// followed the rate and the latency. It reports the accepted calls per
// second as a percentage of the allowed 200 (the first call of a burst of
// one goes at once, so n calls take (n-1)/rate at best: the figure is
// (n-1)/elapsed), the calls the emulator refused for their rate, and the
// peak of requests in flight at the emulator. Each run takes about 5 s
// at the allowed rate: run it with -benchtime 1x.
func BenchmarkImportLatency(b *testing.B) {
	const (
		accounts = 1000
		friends  = 100
	)
	allowed := spec.ByID("ImportFriends").Rate
	var all []string
	tos := make([]string, friends)
	for i := range tos {
		tos[i] = fmt.Sprintf("friend%03d", i)
	}
	all = append(all, tos...)
	reqs := make([]gen.ImportFriendsRequest, accounts)
	for a := range reqs {
		from := fmt.Sprintf("user%04d", a)
		all = append(all, from)
		reqs[a] = gen.ImportFriendsRequest{FromAccount: from, AddFriendItem: make([]gen.AddFriendItem, friends)}
		for i, to := range tos {
			reqs[a].AddFriendItem[i] = gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Bench"}
		}
	}
	for _, latency := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond} {
		for _, mode := range []string{"default", "8"} {
			b.Run(fmt.Sprintf("latency=%v/concurrency=%s", latency, mode), func(b *testing.B) {
				var opts []timrest.Option
				if mode != "default" {
					opts = append(opts, timrest.WithConcurrency(8))
				}
				var pct, refused, peak float64
				for b.Loop() {
					b.StopTimer()
					cfg := emulator.Config{SDKAppID: benchAppID, Key: benchKey, Admins: []string{benchAdmin},
						RateLimits: true, Faults: emulator.Faults{Latency: latency}}
					emu, err := emulator.New(cfg)
					if err != nil {
						b.Fatal(err)
					}
					if err := emu.AddAccounts(all...); err != nil {
						b.Fatal(err)
					}
					var now, top atomic.Int64
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						n := now.Add(1)
						for t := top.Load(); n > t && !top.CompareAndSwap(t, n); t = top.Load() {
						}
						defer now.Add(-1)
						emu.ServeHTTP(w, r)
					}))
					c, err := timrest.New(timrest.Config{SDKAppID: benchAppID, SecretKey: benchKey, Admin: benchAdmin, BaseURL: srv.URL}, opts...)
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					start := time.Now()
					res, err := c.Friends.Import(context.Background(), reqs)
					elapsed := time.Since(start)
					b.StopTimer()
					if err != nil || res.Succeeded() != accounts*friends {
						b.Fatalf("imported %d of %d: %v", res.Succeeded(), accounts*friends, err)
					}
					st := emu.Stats()
					accepted := st.Calls["ImportFriends"] - st.RateLimited["ImportFriends"]
					pct = 100 * float64(accepted-1) / elapsed.Seconds() / allowed
					refused = float64(st.RateLimited["ImportFriends"])
					peak = float64(top.Load())
					c.CloseIdleConnections()
					srv.Close()
					b.StartTimer()
				}
				b.ReportMetric(pct, "%-of-allowed-rate")
				b.ReportMetric(refused, "refused-calls")
				b.ReportMetric(peak, "peak-in-flight")
			})
		}
	}
}
