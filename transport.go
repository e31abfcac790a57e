package timrest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/internal/redact"
	"github.com/timrest/timrest/internal/spec"
)

// doer sends the requests of every call: the client's own calls (send)
// and those of the generated client of Client.API (Do). For each call it
// runs the retry loop; each attempt waits on the rate limiter, gets its own
// timeout, is signed afresh (new random, current UserSig: signing sits
// below the retry loop) and reads the answer whole, under the size cap.
// The answer it returns holds the body in memory.
type doer struct {
	http     *http.Client
	signer   *auth.Signer
	key      string                       // the secret key, only to scrub it from error texts
	urls     map[*spec.Operation]*url.URL // each operation's URL, parsed once
	basePath string                       // the base URL's path, before each operation's
	limiter  Limiter                      // nil: no limit
	gates    map[string]*gate             // per operationId: the in-flight limit; nil: fixed concurrency
	policy   RetryPolicy
	sleep    func(context.Context, time.Duration) error
	timeout  time.Duration
	maxBody  int64
	log      *slog.Logger // nil: no logging
}

// memBody is the body of an answer the doer read whole; the wrappers take
// the bytes without copying them again.
type memBody struct {
	*bytes.Reader
	data []byte
}

func (memBody) Close() error { return nil }

// bodyBytes returns the bytes of an answer returned by the doer.
func bodyBytes(resp *http.Response) ([]byte, error) {
	if m, ok := resp.Body.(memBody); ok {
		return m.data, nil
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// next is what the retry loop does after an attempt.
type next int

const (
	done     next = iota // return this attempt's outcome
	backoff              // transient: retry after a jittered backoff
	slowDown             // rate limited: retry after a longer backoff
	renewSig             // UserSig expired: renew it and retry at once
)

func (n next) String() string {
	switch n {
	case backoff:
		return "backoff"
	case slowDown:
		return "rate-limited backoff"
	case renewSig:
		return "renew UserSig"
	}
	return "none"
}

// Do sends req (a request of the generated client), as send does. It is
// the HttpRequestDoer of Client.API.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	path := strings.TrimPrefix(req.URL.Path, d.basePath)
	op := spec.ByPath(path)
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if n := req.ContentLength; n > 0 {
			body = make([]byte, n) // read at its size, not grown
			_, err = io.ReadFull(req.Body, body)
		} else {
			body, err = io.ReadAll(req.Body)
		}
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	name := path
	if op != nil {
		name = op.ID
	}
	if err := checkBody(name, body); err != nil {
		return nil, err
	}
	if op == nil {
		// Not an operation of the document: sent as asked, once per
		// attempt, with the client's retry policy.
		op = &spec.Operation{ID: path, Path: path, Idempotent: false}
	}
	resp, err := d.send(req.Context(), op, req.URL, body, &callSettings{retry: d.policy, attemptTimeout: d.timeout})
	if resp != nil {
		resp.Request = req // the caller's request, without the signature
	}
	return resp, err
}

// checkBody is the backstop of the check functions, for requests made
// through Client.API and Client.Call: JSON cannot carry bytes that are not
// UTF-8, and encoding/json has replaced each of them with the escape
// \ufffd. It returns a *ValidationError naming the JSON path of the first
// bad string, or nil.
func checkBody(op string, body []byte) error {
	path, bad := bodyUTF8(body)
	if !bad {
		return nil
	}
	return utf8Invalid(op, path, "is not valid UTF-8: the request body holds invalid bytes, or the escape \\ufffd that encoding/json writes in their place; nothing was sent", "", -1, "")
}

// send sends body as a request of op to u (nil: op's URL), retrying as
// s's policy and the document's retry advice say; it never repeats an
// operation that is not idempotent after a failure that may have reached
// the service. It returns the last answer (with its body in memory) or
// the last error, redacted.
func (d *doer) send(ctx context.Context, op *spec.Operation, u *url.URL, body []byte, s *callSettings) (*http.Response, error) {
	if u == nil {
		u = d.urls[op]
	}
	renewed := false
	for attempt := 1; ; attempt++ {
		a, werr := d.try(ctx, op, u, body, s.attemptTimeout)
		if werr != nil {
			return nil, werr
		}
		resp, code, sent, err, took := a.resp, a.code, a.sent, a.err, a.took

		what := d.classify(ctx, op, resp, code, sent, err)
		if what == renewSig && renewed {
			what = done // renew and retry once only
		}
		if attempt >= s.retry.MaxAttempts {
			what = done
		}
		var delay time.Duration
		switch what {
		case backoff:
			delay = s.retry.transientDelay(attempt)
		case slowDown:
			delay = s.retry.rateLimitedDelay(attempt)
		}
		d.logAttempt(ctx, op.ID, attempt, resp, code, err, took, what, delay)

		switch what {
		case done:
			return resp, err
		case renewSig:
			renewed = true
			if rerr := d.signer.Renew(); rerr != nil {
				return resp, err
			}
			continue
		}
		if serr := d.sleep(ctx, delay); serr != nil {
			if cerr := ctx.Err(); cerr != nil {
				serr = cerr
			}
			return nil, fmt.Errorf("timrest: %s: gave up after attempt %d (%s): %w", op.ID, attempt, describe(resp, code, err), serr)
		}
	}
}

// tried is the outcome of an attempt (see attempt) and how long it took.
type tried struct {
	resp *http.Response
	code int64
	sent bool
	err  error
	took time.Duration
}

// try makes one attempt: it takes a slot among the attempts of op in
// flight (automatic concurrency), waits for the rate limiter, sends and
// reads the answer (see attempt), records how long that took and gives
// the slot back, even if the transport panics. The error is that of a
// wait cut short by ctx: nothing was sent.
func (d *doer) try(ctx context.Context, op *spec.Operation, u *url.URL, body []byte, timeout time.Duration) (a tried, waitErr error) {
	// The slot is taken before the rate limiter is waited for, so that
	// the limiter's spacing is what reaches the service.
	measured := false                  // the attempt ran to its end
	if g := d.gates[op.ID]; g != nil { // nil: not bounded
		if err := g.acquire(ctx); err != nil {
			return a, fmt.Errorf("timrest: %s: waiting for a slot among the requests in flight: %w", op.ID, err)
		}
		defer func() {
			if measured && ctx.Err() == nil { // a cancelled attempt says nothing of the latency
				g.observe(a.took)
			}
			g.release()
		}()
	}
	if d.limiter != nil {
		if err := d.limiter.Wait(ctx, op.ID); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				err = cerr
			}
			return a, fmt.Errorf("timrest: %s: waiting for the rate limiter: %w", op.ID, err)
		}
	}
	start := time.Now()
	a.resp, a.code, a.sent, a.err = d.attempt(ctx, op, u, body, timeout)
	a.took, measured = time.Since(start), true
	return a, nil
}

// jsonHeader is the header of every request; a copy goes with each.
var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// attempt sends one attempt of body to u and reads its answer. code is
// the answer's ErrorCode when it is HTTP 200 with one. sent reports
// whether the request may have reached the service: for an operation that
// is not idempotent it is false only when the request was surely not
// written (a failed dial, say); for the others it is always true.
func (d *doer) attempt(ctx context.Context, op *spec.Operation, u *url.URL, body []byte, timeout time.Duration) (resp *http.Response, code int64, sent bool, err error) {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sent = true
	var traced, wrote *atomic.Bool
	if !op.Idempotent {
		traced, wrote = new(atomic.Bool), new(atomic.Bool)
		actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
			GetConn:      func(string) { traced.Store(true) },
			WroteHeaders: func() { wrote.Store(true) },
		})
	}
	uc := *u
	r := &http.Request{
		Method:        http.MethodPost,
		URL:           &uc,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": jsonHeader["Content-Type"]},
		Body:          io.NopCloser(bytes.NewReader(body)),
		GetBody:       func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil },
		ContentLength: int64(len(body)),
		Host:          uc.Host,
	}
	if len(body) == 0 {
		r.Body, r.GetBody = http.NoBody, nil
	}
	r = r.WithContext(actx)
	if err := d.signer.Edit(actx, r); err != nil {
		return nil, 0, false, err
	}
	resp, err = d.http.Do(r)
	if wrote != nil {
		switch {
		case wrote.Load():
			sent = true
		case traced.Load(): // net/http's transport ran and wrote nothing
			sent = false
		default: // a transport that reports nothing: only a dial error proves it
			sent = !dialFailed(err)
		}
	}
	if err != nil {
		return nil, 0, sent, d.redact(err, r)
	}
	data, err := readCapped(resp, d.maxBody)
	resp.Body.Close()
	if err != nil {
		return nil, 0, true, d.redact(err, r)
	}
	resp.Body = memBody{bytes.NewReader(data), data}
	resp.ContentLength = int64(len(data))
	resp.Request = nil // the signed request stays here
	if resp.StatusCode == http.StatusOK {
		code, _ = peekErrorCode(data)
	}
	return resp, code, true, nil
}

// dialFailed reports whether err says that no connection was made (the
// request went nowhere): a failed dial or name lookup.
func dialFailed(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial")
}

// redact removes the secrets of the signed request r from err.
func (d *doer) redact(err error, r *http.Request) error {
	return redact.Error(err, r.URL.Query().Get("usersig"), d.key)
}

// readCapped reads the body of resp, failing with ErrResponseTooLarge when
// it is larger than max. A body of unknown length is read into a pooled
// buffer and copied out at its exact size.
func readCapped(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d, cap %d bytes", ErrResponseTooLarge, resp.ContentLength, max)
	}
	if n := resp.ContentLength; n >= 0 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	buf := readBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuf {
			buf.Reset()
			readBufs.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, max+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, max)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// readBufs are the buffers readCapped reads bodies of unknown length into;
// buffers larger than maxPooledBuf are left to the garbage collector.
var readBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuf = 1 << 20

// classify decides what follows an attempt. An operation that is not
// idempotent is retried only when its attempt surely did not change
// anything: the request was not sent, or the service answered that it
// refused it (a rate limit, a write conflict, a UserSig to renew); never
// after a failure that may have reached the service (a timeout, a
// connection lost after sending, a proxy's 5xx, a transient code of the
// service such as an internal error or timeout).
func (d *doer) classify(ctx context.Context, op *spec.Operation, resp *http.Response, code int64, sent bool, err error) next {
	if err != nil {
		switch {
		case ctx.Err() != nil: // the caller's context ended: stop
			return done
		case errors.Is(err, ErrResponseTooLarge): // the same call gets the same answer
			return done
		case errors.Is(err, errNotLoopback): // the same address again
			return done
		case !op.Idempotent && sent: // it may have been done: never twice
			return done
		}
		return backoff // a network error or the attempt's timeout
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return slowDown
	case resp.StatusCode >= 500 && !op.Idempotent:
		return done // a proxy's answer: the service may have done it
	case resp.StatusCode >= 500:
		return backoff
	case resp.StatusCode != http.StatusOK || code == 0:
		return done
	}
	e, ok := op.Lookup(int(code))
	if !ok {
		return done
	}
	switch e.Retry {
	case spec.RetryYes:
		if !op.Idempotent && e.Class == spec.ClassTransient {
			// A transient failure (an internal error, a timeout) may
			// have come after the change was made: never twice. A
			// refusal (a write conflict, 30008) changed nothing.
			return done
		}
		return backoff
	case spec.RetrySlow:
		return slowDown
	case spec.RetryRenew:
		return renewSig
	}
	return done
}

// describe names an attempt's outcome for an error text or a log line.
func describe(resp *http.Response, code int64, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case resp.StatusCode != http.StatusOK:
		return "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return "ErrorCode " + strconv.FormatInt(code, 10)
}

func (d *doer) logAttempt(ctx context.Context, op string, attempt int, resp *http.Response, code int64, err error, took time.Duration, what next, delay time.Duration) {
	if d.log == nil {
		return
	}
	level := slog.LevelDebug
	if err != nil || code != 0 || resp.StatusCode != http.StatusOK {
		level = slog.LevelWarn
	}
	if !d.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("op", op), slog.Int("attempt", attempt))
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.Int64("code", code))
	}
	attrs = append(attrs, slog.Duration("duration", took))
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error())) // already redacted
	}
	if what != done {
		attrs = append(attrs, slog.String("next", what.String()))
		if delay > 0 {
			attrs = append(attrs, slog.Duration("delay", delay))
		}
	}
	d.log.LogAttrs(ctx, level, "timrest: attempt", attrs...)
}
