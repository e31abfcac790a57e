package timrest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timrest/timrest/internal/spec"
)

// These tests use an operation that is not in the document (as Client.API
// sends for a path it does not know), idempotent or not, so that they do
// not depend on which of the document's operations are.

func testOp(idempotent bool) *spec.Operation {
	return &spec.Operation{ID: "TestWrite", Path: "/v4/test/write", Idempotent: idempotent}
}

// TestClassify: what follows an attempt, for an operation that is
// idempotent and one that is not.
func TestClassify(t *testing.T) {
	t.Parallel()
	d := &doer{}
	answer := func(status int) *http.Response { return &http.Response{StatusCode: status} }
	netErr := errors.New("read: connection reset by peer")
	live := context.Background()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name       string
		ctx        context.Context
		resp       *http.Response
		code       int64
		sent       bool
		err        error
		idempotent next // for an idempotent operation
		not        next // for one that is not
	}{
		{"OK", live, answer(200), 0, true, nil, done, done},
		{"network error after sending", live, nil, 0, true, netErr, backoff, done},
		{"attempt timeout after sending", live, nil, 0, true, context.DeadlineExceeded, backoff, done},
		{"network error, not sent", live, nil, 0, false, netErr, backoff, backoff},
		{"the caller's context ended", ended, nil, 0, false, context.Canceled, done, done},
		{"answer too large", live, nil, 0, true, fmt.Errorf("%w: 5 bytes", ErrResponseTooLarge), done, done},
		{"not loopback", live, nil, 0, false, fmt.Errorf("x: %w", errNotLoopback), done, done},
		{"HTTP 502", live, answer(502), 0, true, nil, backoff, done},
		{"HTTP 503", live, answer(503), 0, true, nil, backoff, done},
		{"HTTP 429", live, answer(429), 0, true, nil, slowDown, slowDown},
		{"HTTP 404", live, answer(404), 0, true, nil, done, done},
		{"HTTP 302", live, answer(302), 0, true, nil, done, done},
		{"60007 rate limited", live, answer(200), 60007, true, nil, slowDown, slowDown},
		{"70500 internal error, retry (it may have been done)", live, answer(200), 70500, true, nil, backoff, done},
		{"70001 UserSig expired", live, answer(200), 70001, true, nil, renewSig, renewSig},
		{"70009 wrong key", live, answer(200), 70009, true, nil, done, done},
		{"undocumented code", live, answer(200), 91234, true, nil, done, done},
	} {
		for _, idem := range []bool{true, false} {
			want := tt.not
			if idem {
				want = tt.idempotent
			}
			if got := d.classify(tt.ctx, testOp(idem), tt.resp, tt.code, tt.sent, tt.err); got != want {
				t.Errorf("%s, idempotent %v: %v, want %v", tt.name, idem, got, want)
			}
		}
	}
	// The operation's own codes come first: 30006 is retried for an
	// operation that lists it, not for one that does not.
	if got := d.classify(live, spec.ImportFriends, answer(200), 30006, true, nil); got != backoff {
		t.Errorf("30006 for ImportFriends: %v, want backoff", got)
	}
	if got := d.classify(live, testOp(false), answer(200), 30006, true, nil); got != done {
		t.Errorf("30006 for an operation that does not list it: %v, want done", got)
	}
	// friend_add is not idempotent: a transient code may come after the
	// friend was added, so it is not sent again; a write conflict (30008)
	// and a rate limit are refusals that changed nothing.
	for code, want := range map[int64]next{30006: done, 30007: done, 30008: backoff, 60007: slowDown, 70001: renewSig, 30001: done} {
		if got := d.classify(live, spec.AddFriends, answer(200), code, true, nil); got != want {
			t.Errorf("%d for AddFriends: %v, want %v", code, got, want)
		}
		if code == 30006 || code == 30007 {
			if got := d.classify(live, spec.ImportFriends, answer(200), code, true, nil); got != backoff {
				t.Errorf("%d for ImportFriends (idempotent): %v, want backoff", code, got)
			}
		}
	}
}

// sendClient returns a client on base with 3 attempts, no waits and no
// rate limit, each attempt bounded by timeout; dials counts its
// connection attempts.
func sendClient(t *testing.T, base string, timeout time.Duration) (c *Client, dials *atomic.Int64, sleeps *atomic.Int64) {
	t.Helper()
	dials, sleeps = new(atomic.Int64), new(atomic.Int64)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := New(Config{SDKAppID: 1400000001, SecretKey: "timrest-unit-test-key-0123456789abcdef", Admin: "administrator", BaseURL: base},
		WithHTTPClient(&http.Client{Transport: tr}), WithoutRateLimit(), WithAttemptTimeout(timeout),
		WithRetry(RetryPolicy{MaxAttempts: 3}),
		WithSleeper(func(ctx context.Context, _ time.Duration) error { sleeps.Add(1); return ctx.Err() }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, dials, sleeps
}

// sendOnce sends one call of op to base's op.Path and returns the answer's
// status (0 for none) and the error.
func sendOnce(t *testing.T, c *Client, base string, op *spec.Operation) (int, error) {
	t.Helper()
	u, err := url.Parse(base + op.Path)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.doer.send(context.Background(), op, u, []byte(`{"From_Account":"alice"}`), c.settings(nil))
	if resp == nil {
		return 0, err
	}
	return resp.StatusCode, err
}

// TestNotIdempotentNotRepeated: an operation that is not idempotent is
// never sent again after a failure that may have reached the service (the
// connection dropped after the request was written, the attempt timed
// out waiting for the answer, a proxy's HTTP 5xx), while an idempotent
// one is; both are retried when the request was surely not sent (the
// connection was refused) or the service refused it (a rate limit, a
// code the document advises retrying).
func TestNotIdempotentNotRepeated(t *testing.T) {
	t.Parallel()
	type server func(w http.ResponseWriter, r *http.Request)
	drop := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	}
	hang := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done(): // the client gave up
		case <-time.After(10 * time.Second):
		}
	}
	status := func(s int) server {
		return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(s) }
	}
	code := func(c int) server {
		return func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"ActionStatus":"FAIL","ErrorCode":%d,"ErrorInfo":"injected"}`, c)
		}
	}
	for _, tt := range []struct {
		name          string
		serve         server
		idem, notIdem int // attempts
		status        int
		isErr         bool
	}{
		{"connection dropped after the request", drop, 3, 1, 0, true},
		{"attempt timeout after the request", hang, 3, 1, 0, true},
		{"HTTP 502", status(502), 3, 1, 502, false},
		{"HTTP 429", status(429), 3, 3, 429, false},
		{"60007 rate limited", code(60007), 3, 3, 200, false},
		{"70500 internal error, retry (it may have been done)", code(70500), 3, 1, 200, false},
		{"70009 wrong key", code(70009), 1, 1, 200, false},
	} {
		for _, idem := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/idempotent=%v", tt.name, idem), func(t *testing.T) {
				t.Parallel()
				var got atomic.Int64
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					got.Add(1)
					tt.serve(w, r)
				}))
				t.Cleanup(srv.Close)
				timeout := 10 * time.Second
				if tt.name == "attempt timeout after the request" {
					timeout = 300 * time.Millisecond
				}
				c, _, sleeps := sendClient(t, srv.URL, timeout)
				st, err := sendOnce(t, c, srv.URL, testOp(idem))
				want := tt.notIdem
				if idem {
					want = tt.idem
				}
				if n := got.Load(); n != int64(want) {
					t.Errorf("the server got %d attempts, want %d", n, want)
				}
				if n := sleeps.Load(); n != int64(want-1) {
					t.Errorf("%d backoffs, want %d", n, want-1)
				}
				if st != tt.status || (err != nil) != tt.isErr {
					t.Errorf("status %d, err %v; want status %d, error %v", st, err, tt.status, tt.isErr)
				}
			})
		}
	}
}

// TestNotSentIsRetried: a connection refused (nothing was written) is
// retried for an operation that is not idempotent too.
func TestNotSentIsRetried(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, idem := range []bool{true, false} {
		c, dials, sleeps := sendClient(t, base, time.Second)
		_, err := sendOnce(t, c, base, testOp(idem))
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("idempotent %v: err %v, want the connection refused", idem, err)
		}
		if n, s := dials.Load(), sleeps.Load(); n != 3 || s != 2 {
			t.Errorf("idempotent %v: %d connection attempts, %d backoffs; want 3 and 2", idem, n, s)
		}
	}
}

// TestDialFailed: only an error that proves no connection was made counts
// as "not sent" when the transport reports nothing (no httptrace).
func TestDialFailed(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
		{fmt.Errorf("Post: %w", &net.DNSError{Err: "no such host", Name: "x.invalid"}), true},
		{&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset")}, false},
		{io.ErrUnexpectedEOF, false},
		{context.DeadlineExceeded, false},
		{nil, false},
	} {
		if got := dialFailed(tt.err); got != tt.want {
			t.Errorf("dialFailed(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
