package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/internal/spec"
)

// BenchmarkFriendsImportLatency is the command-line import of issue 12:
// "timrest friends import" of 100,000 relations for 1,000 accounts, with
// default flags (--concurrency auto) and with --concurrency 8 (the old
// default), into the emulator with its rate limit on at the document's
// 200 calls/s for ImportFriends and every call delayed by the latency
// fault. It reports the calls per second the emulator accepted as a
// percentage of the allowed rate ((n-1)/elapsed: n calls take (n-1)/rate
// at best), the calls it refused for their rate (60007), and the peak of
// requests in flight. Each run takes about 5 s at the allowed rate: run
// it with -benchtime 1x.
func BenchmarkFriendsImportLatency(b *testing.B) {
	const accounts, friends = 1000, 100
	allowed := spec.ByID("ImportFriends").Rate
	dir := b.TempDir()
	in := filepath.Join(dir, "friends.csv")
	f, err := os.Create(in)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("From_Account,To_Account,AddSource\n")
	var all []string
	for i := range friends {
		all = append(all, fmt.Sprintf("friend%03d", i))
	}
	for a := range accounts {
		from := fmt.Sprintf("user%04d", a)
		all = append(all, from)
		for i := range friends {
			fmt.Fprintf(w, "%s,friend%03d,AddSource_Type_Bench\n", from, i)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for _, latency := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond} {
		for _, conc := range []string{"auto", "8"} {
			b.Run(fmt.Sprintf("latency=%v/concurrency=%s", latency, conc), func(b *testing.B) {
				var pct, refused, peak float64
				for b.Loop() {
					b.StopTimer()
					emu, err := emulator.New(emulator.Config{SDKAppID: e2eAppIDNum, Key: testKey,
						RateLimits: true, Faults: emulator.Faults{Latency: latency}})
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
					env := map[string]string{envSDKAppID: e2eAppID, envSecretKey: testKey, envBaseURL: srv.URL}
					var stdout, stderr bytes.Buffer
					a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
						getenv: func(k string) string { return env[k] }, now: time.Now}
					a.isTerminal = func(io.Writer) bool { return false }
					b.StartTimer()
					start := time.Now()
					code := a.execute(context.Background(), []string{"friends", "import", "--file", in, "--concurrency", conc, "-o", "json"})
					elapsed := time.Since(start)
					b.StopTimer()
					srv.Close()
					if code != exitOK {
						b.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
					}
					st := emu.Stats()
					calls := st.Calls["ImportFriends"]
					pct = 100 * float64(calls-1) / elapsed.Seconds() / allowed
					refused = float64(st.RateLimited["ImportFriends"])
					peak = float64(top.Load())
					b.StartTimer()
				}
				b.ReportMetric(pct, "%-of-allowed-rate")
				b.ReportMetric(refused, "refused")
				b.ReportMetric(peak, "peak-in-flight")
			})
		}
	}
}
