package timrest_test

// Benchmarks; BENCHMARKS.md has the figures and the commands.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/regions"
	"github.com/timrest/timrest/tag"
)

// The app of the benchmarks.
const (
	benchAppID = 1400000001
	benchKey   = "bench-KEY-0123456789abcdef0123456789abcdef"
	benchAdmin = "administrator"
)

// benchItems returns n AddFriendItems with every field set.
func benchItems(n int) []gen.AddFriendItem {
	out := make([]gen.AddFriendItem, n)
	for i := range out {
		remark, wording, t := fmt.Sprintf("remark %d", i), "Hi, I'm a benchmark", int64(1700000000+i)
		out[i] = gen.AddFriendItem{ToAccount: fmt.Sprintf("user%04d", i), AddSource: "AddSource_Type_Web", Remark: &remark,
			AddWording: &wording, AddTime: &t, GroupName: []string{"work", "climbing"}}
	}
	return out
}

// minimalClient is the hand-written baseline: net/http and encoding/json,
// the cached UserSig in the URL, a crypto-random random, the answer's
// ActionStatus and ErrorCode checked. No retries, no limits, no size cap.
type minimalClient struct {
	hc   *http.Client
	base string // base URL and the fixed part of the query
}

func newMinimalClient(hc *http.Client, base string) *minimalClient {
	sig, err := auth.GenUserSig(benchAppID, benchKey, benchAdmin, 24*time.Hour)
	if err != nil {
		panic(err)
	}
	q := "?contenttype=json&identifier=" + url.QueryEscape(benchAdmin) + "&sdkappid=" + strconv.Itoa(benchAppID) + "&usersig=" + url.QueryEscape(sig)
	return &minimalClient{hc: hc, base: base + "%s" + q}
}

func (m *minimalClient) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var r [4]byte
	if _, err := rand.Read(r[:]); err != nil {
		return err
	}
	u := fmt.Sprintf(m.base, path) + "&random=" + strconv.FormatUint(uint64(binary.BigEndian.Uint32(r[:])), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

func newTransport(b *testing.B) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// fixedServer answers every POST with answer, after reading the request.
func fixedServer(b *testing.B, answer []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkCallOverhead compares one call through timrest (rate limiting
// off, to measure the client and not the limiter; "limiter" adds an
// OperationLimiter too fast to ever wait) with the hand-written minimal
// client, against the same in-process server and answer, one call at a
// time (par=1) and from 8 goroutines (par=8). The operations: a small
// answer (GetFriendLists), a friend_get_list of 100 accounts with 6 tags
// each (GetFriends100: many tag values to decode), and an import of 1000
// items (ImportFriends1000).
func BenchmarkCallOverhead(b *testing.B) {
	ctx := context.Background()
	small := []byte(`{"ResultItem":[{"GroupName":"group1","FriendNumber":1},{"GroupName":"group2","FriendNumber":2},{"GroupName":"group3","FriendNumber":3}],"CurrentSequence":2,"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}`)
	importReq := gen.ImportFriendsRequest{FromAccount: "alice", AddFriendItem: benchItems(1000)}
	importAns := gen.ImportFriendsResponse{ActionStatus: gen.ActionStatusOK}
	for _, it := range importReq.AddFriendItem {
		info := ""
		importAns.ResultItem = append(importAns.ResultItem, gen.FriendResult{ToAccount: it.ToAccount, ResultInfo: &info})
	}
	large, _ := json.Marshal(importAns)
	getReq := gen.GetFriendsRequest{FromAccount: "alice", TagList: []string{timrest.TagRemark, timrest.TagFriendLists, timrest.TagAddSource, timrest.TagAddTime, timrest.TagNick, "Tag_SNS_Custom_Level"}}
	getAns := gen.GetFriendsResponse{ActionStatus: gen.ActionStatusOK}
	for i := range 100 {
		to := fmt.Sprintf("friend%03d", i)
		getReq.ToAccount = append(getReq.ToAccount, to)
		getAns.InfoItem = append(getAns.InfoItem, gen.FriendInfo{ToAccount: to, SNSProfileItem: []gen.TagItem{
			{Tag: timrest.TagRemark, Value: tag.String("remark " + to)},
			{Tag: timrest.TagFriendLists, Value: tag.Strings("work", "climbing", "family")},
			{Tag: timrest.TagAddSource, Value: tag.String("AddSource_Type_Web")},
			{Tag: timrest.TagAddTime, Value: tag.Int(1700000000)},
			{Tag: timrest.TagNick, Value: tag.String("Nick " + to)},
			{Tag: "Tag_SNS_Custom_Level", Value: tag.Int(int64(i))},
		}})
	}
	getBody, _ := json.Marshal(getAns)

	newTimrest := func(b *testing.B, base string, opts ...timrest.Option) *timrest.Client {
		c, err := timrest.New(timrest.Config{SDKAppID: benchAppID, SecretKey: benchKey, Admin: benchAdmin, BaseURL: base},
			append([]timrest.Option{timrest.WithHTTPClient(newTransport(b)), timrest.WithoutRateLimit()}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	fast, err := timrest.NewLimiter(map[string]float64{"GetFriendLists": 1e9, "GetFriends": 1e9, "ImportFriends": 1e9})
	if err != nil {
		b.Fatal(err)
	}

	type client struct {
		name string
		call func(b *testing.B, base string) func() error
	}
	ops := []struct {
		name    string
		answer  []byte
		clients []client
	}{
		{"GetFriendLists", small, []client{
			{"nethttp", func(b *testing.B, base string) func() error {
				m := newMinimalClient(newTransport(b), base)
				return func() error {
					var a gen.GetFriendListsResponse
					if err := m.post(ctx, "/v4/sns/group_get", gen.GetFriendListsRequest{FromAccount: "alice"}, &a); err != nil || a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 {
						return fmt.Errorf("%v %d", err, a.ErrorCode)
					}
					return nil
				}
			}},
			{"timrest", func(b *testing.B, base string) func() error {
				c := newTimrest(b, base)
				return func() error {
					_, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
					return err
				}
			}},
			{"timrest+limiter", func(b *testing.B, base string) func() error {
				c := newTimrest(b, base, timrest.WithRateLimiter(fast))
				return func() error {
					_, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
					return err
				}
			}},
		}},
		{"GetFriends100", getBody, []client{
			{"nethttp", func(b *testing.B, base string) func() error {
				m := newMinimalClient(newTransport(b), base)
				return func() error {
					var a gen.GetFriendsResponse
					if err := m.post(ctx, "/v4/sns/friend_get_list", getReq, &a); err != nil || a.ActionStatus != gen.ActionStatusOK || len(a.InfoItem) != 100 {
						return fmt.Errorf("%v", err)
					}
					return nil
				}
			}},
			{"timrest", func(b *testing.B, base string) func() error {
				c := newTimrest(b, base)
				return func() error {
					res, err := c.Friends.Get(ctx, []gen.GetFriendsRequest{getReq})
					if err == nil && res.Succeeded() != 100 {
						err = fmt.Errorf("%d of 100", res.Succeeded())
					}
					return err
				}
			}},
		}},
		{"ImportFriends1000", large, []client{
			{"nethttp", func(b *testing.B, base string) func() error {
				m := newMinimalClient(newTransport(b), base)
				return func() error {
					var a gen.ImportFriendsResponse
					if err := m.post(ctx, "/v4/sns/friend_import", importReq, &a); err != nil || a.ActionStatus != gen.ActionStatusOK || len(a.ResultItem) != 1000 {
						return fmt.Errorf("%v", err)
					}
					return nil
				}
			}},
			{"timrest-api", func(b *testing.B, base string) func() error {
				c := newTimrest(b, base)
				return func() error {
					resp, err := c.API().ImportFriendsWithResponse(ctx, importReq)
					if err == nil && (resp.JSON200 == nil || len(resp.JSON200.ResultItem) != 1000) {
						err = fmt.Errorf("bad answer")
					}
					return err
				}
			}},
			{"timrest", func(b *testing.B, base string) func() error {
				c := newTimrest(b, base)
				return func() error {
					res, err := c.Friends.Import(ctx, []gen.ImportFriendsRequest{importReq})
					if err == nil && res.Succeeded() != 1000 {
						err = fmt.Errorf("%d of 1000", res.Succeeded())
					}
					return err
				}
			}},
		}},
	}
	for _, op := range ops {
		for _, par := range []int{1, 8} {
			for _, cl := range op.clients {
				b.Run(fmt.Sprintf("op=%s/par=%d/client=%s", op.name, par, cl.name), func(b *testing.B) {
					do := cl.call(b, fixedServer(b, op.answer).URL)
					b.ReportAllocs()
					if par == 1 {
						for b.Loop() {
							if err := do(); err != nil {
								b.Fatal(err)
							}
						}
						return
					}
					// 8 goroutines on any number of cores.
					b.SetParallelism((par + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := do(); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		}
	}
}

// BenchmarkSigning compares signing a request with the caching Signer
// (what the client does per attempt) with generating a UserSig for every
// request.
func BenchmarkSigning(b *testing.B) {
	ctx := context.Background()
	base, err := http.NewRequest(http.MethodPost, "https://adminapisgp.im.qcloud.com/v4/sns/friend_import", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("signer=cached", func(b *testing.B) {
		s, err := auth.NewSigner(benchAppID, benchKey, benchAdmin)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r := *base
			u := *base.URL
			r.URL = &u
			if err := s.Edit(ctx, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("signer=per-request", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sig, err := auth.GenUserSig(benchAppID, benchKey, benchAdmin, 24*time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			var rnd [4]byte
			if _, err := rand.Read(rnd[:]); err != nil {
				b.Fatal(err)
			}
			r := *base
			u := *base.URL
			r.URL = &u
			q := u.Query()
			q.Set("sdkappid", strconv.Itoa(benchAppID))
			q.Set("identifier", benchAdmin)
			q.Set("usersig", sig)
			q.Set("random", strconv.FormatUint(uint64(binary.BigEndian.Uint32(rnd[:])), 10))
			q.Set("contenttype", "json")
			u.RawQuery = q.Encode()
		}
	})
}

// BenchmarkImportRateLimited imports 100,000 relations (100 accounts ×
// 1000 friends, 100 requests) into the emulator with its rate limit on at
// a scaled-down rate, the client's limiter at the same rate. It reports
// the achieved call rate as a percentage of the allowed one and the calls
// the emulator refused for their rate. The first call of a token bucket
// with a burst of one goes at once, so n calls take (n-1)/rate seconds at
// best; the achieved rate is (n-1)/elapsed.
func BenchmarkImportRateLimited(b *testing.B) {
	const (
		rate     = 50.0 // calls per second, for emulator and client
		accounts = 100
		friends  = 1000
	)
	var tos []string
	for i := range friends {
		tos = append(tos, fmt.Sprintf("friend%04d", i))
	}
	var reqs []gen.ImportFriendsRequest
	all := append([]string(nil), tos...)
	for a := range accounts {
		from := fmt.Sprintf("user%03d", a)
		all = append(all, from)
		req := gen.ImportFriendsRequest{FromAccount: from}
		for _, to := range tos {
			req.AddFriendItem = append(req.AddFriendItem, gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Bench"})
		}
		reqs = append(reqs, req)
	}
	var pct, refused, relPerSec float64
	for b.Loop() {
		b.StopTimer()
		c, emu := startEmulator(b, emulator.Config{RateLimits: true, Rates: map[string]float64{"ImportFriends": rate}}, false,
			timrest.WithRateLimiter(mustLimiter(b, map[string]float64{"ImportFriends": rate})))
		if err := emu.AddAccounts(all...); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := c.Friends.Import(context.Background(), reqs)
		elapsed := time.Since(start)
		if err != nil || res.Succeeded() != accounts*friends {
			b.Fatalf("imported %d: %v", res.Succeeded(), err)
		}
		st := emu.Stats()
		calls := st.Calls["ImportFriends"]
		pct = 100 * float64(calls-1) / elapsed.Seconds() / rate
		refused = float64(st.RateLimited["ImportFriends"])
		relPerSec = float64(res.Succeeded()) / elapsed.Seconds()
	}
	b.ReportMetric(pct, "%-of-allowed-rate")
	b.ReportMetric(refused, "refused-calls")
	b.ReportMetric(relPerSec, "relations/s")
}

func mustLimiter(b testing.TB, rates map[string]float64) *timrest.OperationLimiter {
	l, err := timrest.NewLimiter(rates)
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// BenchmarkAllGroupIDs pages through all the group IDs of an emulator
// with 100,000 and 1,000,000 groups (10,000 a page, rate limits off). It
// reports, besides the usual figures, the bytes allocated per group
// (client and in-process emulator together) and the peak of the live heap
// above what it was before paging, measured with a GC at every page
// boundary in a separate pass: it stays at about one page, whatever the
// number of groups.
func BenchmarkAllGroupIDs(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			c, _ := startEmulator(b, emulator.Config{Seed: &emulator.Seed{Groups: emulator.GenerateGroups(n, 1)}}, false,
				timrest.WithoutRateLimit())
			ctx := context.Background()
			count := func(gcEvery int, peak *uint64) int {
				var ms runtime.MemStats
				k := 0
				for _, err := range c.Groups.AllIDs(ctx, gen.ListGroupIDsRequest{}) {
					if err != nil {
						b.Fatal(err)
					}
					k++
					if gcEvery > 0 && k%gcEvery == 0 {
						runtime.GC()
						runtime.ReadMemStats(&ms)
						*peak = max(*peak, ms.HeapAlloc)
					}
				}
				return k
			}
			// The peak pass.
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			before, peak := ms.HeapAlloc, ms.HeapAlloc
			if k := count(5000, &peak); k != n {
				b.Fatalf("%d IDs, want %d", k, n)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if k := count(0, nil); k != n {
					b.Fatalf("%d IDs, want %d", k, n)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(peak-before), "peak-live-B")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/group")
		})
	}
}

// BenchmarkLimiterWait is the cost of the default rate limiter when it
// does not make the call wait: what it adds to every call.
func BenchmarkLimiterWait(b *testing.B) {
	l, err := timrest.NewLimiter(map[string]float64{"GetFriendLists": 1e9})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Wait(ctx, "GetFriendLists"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew is the cost of making a client: checking the
// configuration, the first UserSig, the services. Nothing is parsed: the
// document's facts are compiled in.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := timrest.New(timrest.Config{SDKAppID: benchAppID, SecretKey: benchKey, Admin: benchAdmin, Region: regions.Singapore}); err != nil {
			b.Fatal(err)
		}
	}
}
