package timrest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/regions"
)

const (
	testAppID = 1400000001
	testKey   = "timrest-unit-test-key-0123456789abcdef"
	testAdmin = "administrator"
	testBase  = "https://im.example.test/proxy" // a base path, as go-github's setup does
)

// fakeRT is an http.RoundTripper that answers with handle, records every
// request it receives (body read) and checks each against the document.
type fakeRT struct {
	t      testing.TB
	v      *contract.Validator
	handle func(r *recorded) (*http.Response, error)

	mu   sync.Mutex
	reqs []*recorded
}

// recorded is a request the fake received.
type recorded struct {
	N    int // 0-based arrival order
	Op   string
	Path string
	Req  *http.Request
	Body []byte
	Ctx  context.Context // the attempt's context
}

// decode decodes the request's body into v.
func (r *recorded) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("request %d: %v", r.N, err)
	}
}

func newFakeRT(t testing.TB, handle func(r *recorded) (*http.Response, error)) *fakeRT {
	t.Helper()
	v, err := contract.MustLoad().NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return &fakeRT{t: t, v: v, handle: handle}
}

func (f *fakeRT) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body.Close()
	path := strings.TrimPrefix(req.URL.Path, "/proxy")
	clone := req.Clone(context.WithoutCancel(req.Context()))
	clone.URL.Path = path // the document's paths are below the base path
	clone.Body = io.NopCloser(bytes.NewReader(body))
	if err := f.v.ValidateRequest(clone.Context(), clone); err != nil {
		f.t.Errorf("request does not match the document: %v", err)
	}
	clone.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	var op string
	if o := spec.ByPath(path); o != nil {
		op = o.ID
	}
	r := &recorded{N: len(f.reqs), Op: op, Path: req.URL.Path, Req: clone, Body: body, Ctx: req.Context()}
	f.reqs = append(f.reqs, r)
	f.mu.Unlock()
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return f.handle(r)
}

func (f *fakeRT) requests() []*recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*recorded(nil), f.reqs...)
}

// answer is an HTTP 200 JSON answer.
func answer(body string) *http.Response {
	return httpAnswer(http.StatusOK, body)
}

func httpAnswer(status int, body string) *http.Response {
	return &http.Response{
		StatusCode:    status,
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

func answerJSON(t testing.TB, v any) *http.Response {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return answer(string(b))
}

func failAnswer(code int, info string) *http.Response {
	return answer(fmt.Sprintf(`{"ActionStatus":"FAIL","ErrorCode":%d,"ErrorInfo":%q}`, code, info))
}

const okAnswer = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`

// sleeps records the backoff delays and returns at once.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// fakeClock ticks one minute each time it is read, so every UserSig the
// signer makes differs.
type fakeClock struct{ n atomic.Int64 }

func (c *fakeClock) now() time.Time {
	return time.Unix(1767225600, 0).Add(time.Duration(c.n.Add(1)) * time.Minute)
}

// newClient returns a client on rt with a recording sleeper and no rate
// limit (tests that need one set it).
func newClient(t testing.TB, rt http.RoundTripper, opts ...timrest.Option) (*timrest.Client, *sleeps) {
	t.Helper()
	s := &sleeps{}
	all := append([]timrest.Option{
		timrest.WithHTTPClient(&http.Client{Transport: rt}),
		timrest.WithSleeper(s.sleep),
		timrest.WithoutRateLimit(),
	}, opts...)
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: testBase}, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

func ptr[T any](v T) *T { return &v }

func mustRegion(t testing.TB, name string) regions.Region {
	t.Helper()
	r, err := regions.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
