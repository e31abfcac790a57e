package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func newTestSigner(t *testing.T, clock *fakeClock, opts ...SignerOption) *Signer {
	t.Helper()
	s, err := NewSigner(testAppID, testKey, testAdmin, append([]SignerOption{WithClock(clock.Now)}, opts...)...)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

func mustUserSig(t *testing.T, s *Signer) string {
	t.Helper()
	sig, err := s.UserSig()
	if err != nil {
		t.Fatalf("UserSig: %v", err)
	}
	return sig
}

func TestNewSignerInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		appID      uint64
		key        string
		identifier string
		opts       []SignerOption
		wantInErr  string
	}{
		{"zero app", 0, testKey, testAdmin, nil, "sdkAppID"},
		{"empty key", testAppID, "", testAdmin, nil, "key"},
		{"empty identifier", testAppID, testKey, "", nil, "identifier"},
		{"identifier with NUL", testAppID, testKey, "admin\x00", nil, "identifier"},
		{"identifier with a newline", testAppID, testKey, "admin\n", nil, "identifier"},
		{"key of 1 byte", testAppID, "k", testAdmin, nil, "key is 1 bytes"},
		{"key one byte short", testAppID, testKey[:MinKeyLen-1], testAdmin, nil, "want at least 16"},
		{"zero ttl", testAppID, testKey, testAdmin, []SignerOption{WithTTL(0)}, "WithTTL"},
		{"negative ttl", testAppID, testKey, testAdmin, []SignerOption{WithTTL(-time.Hour)}, "WithTTL"},
		{"ttl under a second", testAppID, testKey, testAdmin, []SignerOption{WithTTL(time.Millisecond)}, "WithTTL"},
		{"renew before negative", testAppID, testKey, testAdmin, []SignerOption{WithRenewBefore(-time.Second)}, "WithRenewBefore"},
		{"renew before = ttl", testAppID, testKey, testAdmin, []SignerOption{WithTTL(time.Hour), WithRenewBefore(time.Hour)}, "WithRenewBefore"},
		{"renew before > ttl", testAppID, testKey, testAdmin, []SignerOption{WithRenewBefore(25 * time.Hour)}, "WithRenewBefore"},
		{"nil clock", testAppID, testKey, testAdmin, []SignerOption{WithClock(nil)}, "WithClock"},
		{"nil random", testAppID, testKey, testAdmin, []SignerOption{WithRandom(nil)}, "WithRandom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSigner(tt.appID, tt.key, tt.identifier, tt.opts...)
			if err == nil {
				t.Fatalf("NewSigner = %v, nil; want an error", s)
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q does not name %q", err, tt.wantInErr)
			}
			checkNoSecrets(t, "error", err.Error(), testKey)
		})
	}
}

func TestSignerAccessors(t *testing.T) {
	t.Parallel()
	s := newTestSigner(t, newFakeClock(t0), nil) // a nil option is ignored
	if got := s.SDKAppID(); got != testAppID {
		t.Errorf("SDKAppID() = %d, want %d", got, testAppID)
	}
	if got := s.Identifier(); got != testAdmin {
		t.Errorf("Identifier() = %q, want %q", got, testAdmin)
	}
	if got := s.TTL(); got != DefaultTTL {
		t.Errorf("TTL() = %v, want %v", got, DefaultTTL)
	}
	s2 := newTestSigner(t, newFakeClock(t0), WithTTL(90*time.Minute+500*time.Millisecond))
	if got, want := s2.TTL(), 90*time.Minute; got != want {
		t.Errorf("TTL() = %v, want %v (whole seconds)", got, want)
	}
}

func TestSignerCaches(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	s := newTestSigner(t, clock)
	first := mustUserSig(t, s)
	want, err := GenUserSigAt(testAppID, testKey, testAdmin, DefaultTTL, t0)
	if err != nil {
		t.Fatal(err)
	}
	if first != want {
		t.Errorf("first UserSig is not GenUserSigAt(..., DefaultTTL, now)")
	}
	for i := range 100 {
		clock.Advance(time.Minute)
		if got := mustUserSig(t, s); got != first {
			t.Fatalf("call %d, %v after issue: UserSig changed", i, clock.Now().Sub(t0))
		}
	}
	if got := s.gens.Load(); got != 1 {
		t.Errorf("generated %d UserSigs, want 1", got)
	}
}

// TestSignerRenewsAtDocumentedPoint checks that the cached UserSig is kept
// until ExpiresAt - renewBefore and replaced from then on.
func TestSignerRenewsAtDocumentedPoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []SignerOption
		issueAt time.Time
		ttl     time.Duration
		renewAt time.Duration // after the issue second
	}{
		{"default: half of 24h", nil, t0, 24 * time.Hour, 12 * time.Hour},
		{"default, issued mid-second", nil, t0.Add(700 * time.Millisecond), 24 * time.Hour, 12 * time.Hour},
		{"ttl only: half of it", []SignerOption{WithTTL(2 * time.Hour)}, t0, 2 * time.Hour, time.Hour},
		{"180 days, renew 30 days before", []SignerOption{WithTTL(180 * 24 * time.Hour), WithRenewBefore(30 * 24 * time.Hour)}, t0, 180 * 24 * time.Hour, 150 * 24 * time.Hour},
		{"renew at expiry", []SignerOption{WithTTL(time.Hour), WithRenewBefore(0)}, t0, time.Hour, time.Hour},
		{"renew one second after issue", []SignerOption{WithTTL(10 * time.Second), WithRenewBefore(9 * time.Second)}, t0, 10 * time.Second, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock(tt.issueAt)
			s := newTestSigner(t, clock, tt.opts...)
			first := mustUserSig(t, s)
			issued := time.Unix(tt.issueAt.Unix(), 0)
			c, err := VerifyUserSig(first, testAppID, testKey, testAdmin, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if c.TTL != tt.ttl {
				t.Errorf("TTL = %v, want %v", c.TTL, tt.ttl)
			}

			clock.Set(issued.Add(tt.renewAt - time.Nanosecond))
			if got := mustUserSig(t, s); got != first {
				t.Fatalf("UserSig renewed %v early", time.Nanosecond)
			}
			// The cached UserSig is still valid when the renewal is due.
			if _, err := VerifyUserSig(first, testAppID, testKey, testAdmin, clock.Now()); err != nil {
				t.Fatalf("cached UserSig invalid just before renewal: %v", err)
			}

			clock.Set(issued.Add(tt.renewAt))
			second := mustUserSig(t, s)
			if second == first {
				t.Fatalf("UserSig not renewed at issue + %v", tt.renewAt)
			}
			c2, err := VerifyUserSig(second, testAppID, testKey, testAdmin, clock.Now())
			if err != nil {
				t.Fatalf("renewed UserSig: %v", err)
			}
			if want := time.Unix(clock.Now().Unix(), 0).UTC(); !c2.IssuedAt.Equal(want) {
				t.Errorf("renewed UserSig issued at %v, want %v", c2.IssuedAt, want)
			}
			if got := mustUserSig(t, s); got != second {
				t.Errorf("renewed UserSig not cached")
			}
			if got := s.gens.Load(); got != 2 {
				t.Errorf("generated %d UserSigs, want 2", got)
			}
		})
	}
}

// TestSignerKeyLength: the shortest key NewSigner takes is MinKeyLen
// bytes; the error for a shorter one gives its length, not the key.
func TestSignerKeyLength(t *testing.T) {
	t.Parallel()
	if _, err := NewSigner(testAppID, testKey[:MinKeyLen], testAdmin); err != nil {
		t.Errorf("key of MinKeyLen bytes: %v", err)
	}
	short := "0123456789abcde"
	_, err := NewSigner(testAppID, short, testAdmin)
	if err == nil {
		t.Fatal("key of 15 bytes accepted")
	}
	checkNoSecrets(t, "error", err.Error(), short)
}

// TestSignerRenewsAfterClockSetBack: a UserSig made while the clock was a
// year ahead is issued in the future; once the clock is set back, it is
// replaced at once instead of being kept (valid a year plus its TTL).
func TestSignerRenewsAfterClockSetBack(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0.Add(365 * 24 * time.Hour))
	s := newTestSigner(t, clock)
	future := mustUserSig(t, s)

	clock.Set(t0)
	now := mustUserSig(t, s)
	if now == future {
		t.Fatal("the UserSig issued a year ahead is still used after the clock was set back")
	}
	c, err := VerifyUserSig(now, testAppID, testKey, testAdmin, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IssuedAt.Equal(t0) || !c.ExpiresAt().Equal(t0.Add(DefaultTTL)) {
		t.Errorf("renewed UserSig valid %v to %v, want from %v for %v", c.IssuedAt, c.ExpiresAt(), t0, DefaultTTL)
	}
	// Within the issue second, and later, the new one is kept.
	clock.Set(t0.Add(999 * time.Millisecond))
	if got := mustUserSig(t, s); got != now {
		t.Error("UserSig renewed within its issue second")
	}
	clock.Set(t0.Add(time.Hour))
	if got := mustUserSig(t, s); got != now {
		t.Error("UserSig renewed an hour after issue")
	}
	if got := s.gens.Load(); got != 2 {
		t.Errorf("generated %d UserSigs, want 2", got)
	}
	// Edit signs with the renewed one too.
	clock.Set(t0.Add(365 * 24 * time.Hour))
	_ = mustUserSig(t, s) // renewal due: a year later
	clock.Set(t0.Add(2 * time.Hour))
	req := httptest.NewRequest(http.MethodPost, "https://example.test/v4/x", nil)
	if err := s.Edit(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	c, err = VerifyUserSig(req.URL.Query().Get("usersig"), testAppID, testKey, testAdmin, clock.Now())
	if err != nil || !c.IssuedAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("Edit after the clock was set back signed with a UserSig issued %v (%v), want %v", c.IssuedAt, err, t0.Add(2*time.Hour))
	}
}

func TestSignerRenew(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	s := newTestSigner(t, clock)
	first := mustUserSig(t, s)

	clock.Advance(time.Second)
	if err := s.Renew(); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	second := mustUserSig(t, s)
	if second == first {
		t.Fatal("Renew did not replace the UserSig")
	}
	c, err := VerifyUserSig(second, testAppID, testKey, testAdmin, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(time.Second); !c.IssuedAt.Equal(want) {
		t.Errorf("renewed UserSig issued at %v, want %v", c.IssuedAt, want)
	}

	// Within the same second the algorithm gives the same UserSig again.
	if err := s.Renew(); err != nil {
		t.Fatal(err)
	}
	if got := mustUserSig(t, s); got != second {
		t.Error("Renew within one second changed the UserSig")
	}
	if got := s.gens.Load(); got != 3 {
		t.Errorf("generated %d UserSigs, want 3", got)
	}
}

// TestSignerRenewalIsSingleFlight checks that when a renewal is due, many
// concurrent callers cause exactly one regeneration and all get its result.
func TestSignerRenewalIsSingleFlight(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	s := newTestSigner(t, clock, WithTTL(time.Hour))
	clock.Advance(time.Hour) // well past the renewal point
	const n = 64
	var (
		start sync.WaitGroup
		done  sync.WaitGroup
		sigs  [n]string
		errs  [n]error
	)
	start.Add(1)
	for i := range n {
		done.Go(func() {
			start.Wait()
			sigs[i], errs[i] = s.UserSig()
		})
	}
	start.Done()
	done.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("UserSig: %v", errs[i])
		}
		if sigs[i] != sigs[0] {
			t.Fatalf("callers got different UserSigs")
		}
	}
	if got := s.gens.Load(); got != 2 {
		t.Errorf("generated %d UserSigs, want 2 (the first and one renewal)", got)
	}
}

// TestSignerConcurrentEdit runs many goroutines signing requests while the
// clock runs through several renewals; run it with -race. Every UserSig
// handed out must have at least the renew-before margin of validity left
// at the time it was asked for.
func TestSignerConcurrentEdit(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	const ( // renew every 5 minutes
		ttl         = 10 * time.Minute
		renewBefore = 5 * time.Minute
		steps       = 60 // one minute each: about twelve renewals
		workers     = 8
	)
	s := newTestSigner(t, clock, WithTTL(ttl))
	var (
		edits  atomic.Int64
		failed atomic.Bool // a worker stopped on an error
	)
	stop := make(chan struct{})
	errc := make(chan error, workers+1)
	fail := func(err error) {
		failed.Store(true)
		errc <- err
	}
	// The clock waits for the workers; it gives up when one of them has
	// failed (the others may all have stopped too) or, should they stall,
	// at a deadline, so that a regression fails the test instead of
	// hanging it.
	deadline := time.Now().Add(10 * time.Second)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(stop)
		for step := range steps {
			// Let the workers sign some requests at each clock reading.
			for base := edits.Load(); edits.Load() < base+workers; {
				if failed.Load() {
					return
				}
				if time.Now().After(deadline) {
					fail(fmt.Errorf("step %d: the workers made no progress for 10s", step))
					return
				}
				runtime.Gosched()
			}
			clock.Advance(time.Minute)
		}
	})
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				asked := clock.Now()
				req, _ := http.NewRequest(http.MethodPost, "https://example.invalid/v4/im_open_login_svc/account_import?x=1", nil)
				if err := s.Edit(context.Background(), req); err != nil {
					fail(err)
					return
				}
				edits.Add(1)
				q := req.URL.Query()
				if _, err := VerifyUserSig(q.Get("usersig"), testAppID, testKey, testAdmin, asked.Add(renewBefore)); err != nil {
					fail(fmt.Errorf("UserSig handed out at %v is not valid for another %v: %w", asked, renewBefore, err))
					return
				}
				if q.Get("x") != "1" {
					fail(errors.New("query parameter x lost"))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if failed.Load() {
		return
	}
	// At most one generation per renewBefore of clock, not one per caller.
	if got, max := s.gens.Load(), int64(1+steps/5); got < 2 || got > max {
		t.Errorf("generated %d UserSigs over %d minutes with renewal every 5; want 2 to %d", got, steps, max)
	}
	t.Logf("%d requests signed, %d UserSigs generated", edits.Load(), s.gens.Load())
}

func TestSignerEdit(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	s := newTestSigner(t, clock)
	wantSig := mustUserSig(t, s)

	req, err := http.NewRequest(http.MethodPost,
		"https://adminapisgp.im.qcloud.com/v4/group_open_http_svc/get_appid_group_list?usersig=old&usersig=older&keep=a&keep=b&random=5&SdkAppID=stays&sdkappid=1",
		strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Edit(context.Background(), req); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	got := req.URL.Query()
	r := got.Get("random")
	if _, err := strconv.ParseUint(r, 10, 32); err != nil {
		t.Errorf("random = %q, not a uint32: %v", r, err)
	}
	want := url.Values{
		"sdkappid":    {"1400000000"},
		"identifier":  {testAdmin},
		"usersig":     {wantSig},
		"random":      {r},
		"contenttype": {"json"},
		"keep":        {"a", "b"},
		"SdkAppID":    {"stays"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
	if req.URL.Path != "/v4/group_open_http_svc/get_appid_group_list" || req.URL.Host != "adminapisgp.im.qcloud.com" {
		t.Errorf("Edit changed the URL beyond the query: %v", req.URL.Redacted())
	}
}

func TestSignerEditRandomIsFresh(t *testing.T) {
	t.Parallel()
	s := newTestSigner(t, newFakeClock(t0))
	seen := map[string]bool{}
	const n = 200
	var high bool
	for range n {
		req, _ := http.NewRequest(http.MethodPost, "https://example.invalid/v4/a/b", nil)
		if err := s.Edit(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		r := req.URL.Query().Get("random")
		v, err := strconv.ParseUint(r, 10, 32)
		if err != nil {
			t.Fatalf("random = %q, not a uint32: %v", r, err)
		}
		if strconv.FormatUint(v, 10) != r {
			t.Errorf("random = %q, not in canonical decimal", r)
		}
		high = high || v >= 1<<31
		seen[r] = true
	}
	// 200 draws of 32 bits collide with probability about 5e-6.
	if len(seen) < n-1 {
		t.Errorf("%d distinct random values in %d calls", len(seen), n)
	}
	// All 200 below 2^31 has probability 2^-200: the top bit is used.
	if !high {
		t.Error("no random value >= 2^31: the range is not the full uint32")
	}
}

func TestSignerEditRandomRange(t *testing.T) {
	t.Parallel()
	src := bytes.NewReader([]byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 1, 0x12, 0x34, 0x56, 0x78})
	s := newTestSigner(t, newFakeClock(t0), WithRandom(src))
	var got []string
	for range 4 {
		req, _ := http.NewRequest(http.MethodPost, "https://example.invalid/v4/a/b", nil)
		if err := s.Edit(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		got = append(got, req.URL.Query().Get("random"))
	}
	want := []string{"0", "4294967295", "2147483649", "305419896"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("random values mismatch (-want +got):\n%s", diff)
	}
	// The source is exhausted now.
	req, _ := http.NewRequest(http.MethodPost, "https://example.invalid/v4/a/b?x=1", nil)
	err := s.Edit(context.Background(), req)
	if !errors.Is(err, io.EOF) {
		t.Errorf("Edit with an exhausted random source: err = %v, want io.EOF", err)
	}
	if req.URL.RawQuery != "x=1" {
		t.Errorf("failed Edit changed the query to %q", req.URL.RawQuery)
	}
}

func TestSignerEditNoURL(t *testing.T) {
	t.Parallel()
	s := newTestSigner(t, newFakeClock(t0))
	if err := s.Edit(context.Background(), &http.Request{}); err == nil {
		t.Error("Edit(request without URL) = nil, want an error")
	}
	if err := s.Edit(context.Background(), nil); err == nil {
		t.Error("Edit(nil) = nil, want an error")
	}
}

func TestZeroSigner(t *testing.T) {
	t.Parallel()
	var s Signer
	if _, err := s.UserSig(); err == nil {
		t.Error("UserSig on a zero Signer: nil error")
	}
	if err := s.Renew(); err == nil {
		t.Error("Renew on a zero Signer: nil error")
	}
	req, _ := http.NewRequest(http.MethodPost, "https://example.invalid/", nil)
	if err := s.Edit(context.Background(), req); err == nil {
		t.Error("Edit on a zero Signer: nil error")
	}
	var nilSigner *Signer
	if _, err := nilSigner.UserSig(); err == nil {
		t.Error("UserSig on a nil Signer: nil error")
	}
	for _, got := range []string{nilSigner.String(), nilSigner.GoString(), fmt.Sprint(nilSigner)} {
		if !strings.Contains(got, "nil") {
			t.Errorf("nil Signer prints as %q", got)
		}
	}
}

// TestSignerDoesNotLeak prints and logs a Signer every way a program might
// and checks that neither the key nor the UserSig shows.
func TestSignerDoesNotLeak(t *testing.T) {
	t.Parallel()
	s := newTestSigner(t, newFakeClock(t0))
	sig := mustUserSig(t, s)

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%s", "%q", "%#v", "%x", "%d", "%T"} {
		outputs = append(outputs, fmt.Sprintf(verb, s))
	}
	outputs = append(outputs, fmt.Sprint(s), fmt.Sprintln(s), fmt.Sprint([]*Signer{s}),
		fmt.Sprintf("%+v", struct{ S *Signer }{s}), fmt.Sprintf("%#v", map[string]any{"s": s}))

	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("signer", "signer", s)
		l.Info("signer", slog.Any("signer", s))
		l.Info("signer", "nested", map[string]any{"signer": s})
	}
	outputs = append(outputs, buf.String())

	for _, out := range outputs {
		checkNoSecrets(t, "output", out, testKey, sig, sig[:20], testKey[:16])
	}

	if diff := cmp.Diff(`auth.Signer{sdkappid: 1400000000, identifier: "administrator", key: [REDACTED]}`, s.String()); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(`&auth.Signer{SDKAppID: 1400000000, Identifier: "administrator", key: "[REDACTED]"}`, fmt.Sprintf("%#v", s)); diff != "" {
		t.Errorf("%%#v mismatch (-want +got):\n%s", diff)
	}
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})).Info("x", "signer", s)
	if diff := cmp.Diff("level=INFO msg=x signer.sdkappid=1400000000 signer.identifier=administrator\n", text.String()); diff != "" {
		t.Errorf("slog output mismatch (-want +got):\n%s", diff)
	}
}

func TestSignerUsesRealClockByDefault(t *testing.T) {
	t.Parallel()
	s, err := NewSigner(testAppID, testKey, testAdmin)
	if err != nil {
		t.Fatal(err)
	}
	c, err := VerifyUserSig(mustUserSig(t, s), testAppID, testKey, testAdmin, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(c.IssuedAt); d < 0 || d > time.Minute {
		t.Errorf("UserSig issued %v ago, want now", d)
	}
	if c.TTL != DefaultTTL {
		t.Errorf("TTL = %v, want %v", c.TTL, DefaultTTL)
	}
}

// TestEditFastPathMatchesEncode: for a request without a query, Edit
// writes the parameters directly; the result must be exactly what
// url.Values.Encode gives, also for identifiers that need escaping.
func TestEditFastPathMatchesEncode(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"administrator", "管理员", "a b&c=d+e/f"} {
		s, err := NewSigner(1400000001, "fast-path-test-key", id, WithRandom(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff})))
		if err != nil {
			t.Fatal(err)
		}
		sig, err := s.UserSig()
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "https://h/v4/sns/group_get", nil)
		if err := s.Edit(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		want := url.Values{"sdkappid": {"1400000001"}, "identifier": {id}, "usersig": {sig},
			"random": {"4294967295"}, "contenttype": {"json"}}.Encode()
		if req.URL.RawQuery != want {
			t.Errorf("identifier %q: query\n%s\nwant\n%s", id, req.URL.RawQuery, want)
		}
	}
}
