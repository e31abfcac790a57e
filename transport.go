package timrest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/redact"
)

// doer is the HttpRequestDoer under the generated client. For each call it
// runs the retry loop; each attempt waits on the rate limiter, gets its own
// timeout, is signed afresh (new random, current UserSig: signing sits
// below the retry loop) and reads the answer whole, under the size cap.
// The answer it returns holds the body in memory.
type doer struct {
	http    *http.Client
	signer  *auth.Signer
	key     string // the secret key, only to scrub it from error texts
	doc     *docInfo
	byPath  map[string]string // request path → operationId
	limiter Limiter           // nil: no limit
	policy  RetryPolicy
	sleep   func(context.Context, time.Duration) error
	timeout time.Duration
	maxBody int64
	log     *slog.Logger // nil: no logging
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

// Do sends req, retrying as the policy and the document's retry advice
// say. It returns the last answer (with its body in memory) or the last
// error, redacted.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	op := d.byPath[req.URL.Path]
	getBody := req.GetBody
	if getBody == nil && req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	if err := d.checkBody(op, req, getBody); err != nil {
		return nil, err
	}
	renewed := false
	for attempt := 1; ; attempt++ {
		if d.limiter != nil {
			if err := d.limiter.Wait(ctx, op); err != nil {
				if cerr := ctx.Err(); cerr != nil {
					err = cerr
				}
				return nil, fmt.Errorf("timrest: %s: waiting for the rate limiter: %w", op, err)
			}
		}
		start := time.Now()
		resp, code, err := d.attempt(ctx, req, getBody)
		took := time.Since(start)

		what := d.classify(ctx, op, resp, code, err)
		if what == renewSig && renewed {
			what = done // renew and retry once only
		}
		if attempt >= d.policy.MaxAttempts {
			what = done
		}
		var delay time.Duration
		switch what {
		case backoff:
			delay = d.policy.transientDelay(attempt)
		case slowDown:
			delay = d.policy.rateLimitedDelay(attempt)
		}
		d.logAttempt(ctx, op, attempt, resp, code, err, took, what, delay)

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
			return nil, fmt.Errorf("timrest: %s: gave up after attempt %d (%s): %w", op, attempt, describe(resp, code, err), serr)
		}
	}
}

// checkBody is the backstop of the wrappers' own checks, for requests
// made through Client.API: JSON cannot carry bytes that are not UTF-8,
// and encoding/json has replaced each of them with the escape \ufffd. It
// reads a copy of the body into a pooled buffer and returns a
// *ValidationError naming the JSON path of the first bad string.
func (d *doer) checkBody(op string, req *http.Request, getBody func() (io.ReadCloser, error)) error {
	if getBody == nil {
		return nil
	}
	rc, err := getBody()
	if err != nil {
		return err
	}
	defer rc.Close()
	buf := readBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuf {
			buf.Reset()
			readBufs.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(rc); err != nil {
		return err
	}
	path, bad := bodyUTF8(buf.Bytes())
	if !bad {
		return nil
	}
	if op == "" {
		op = req.URL.Path
	}
	return utf8Invalid(op, path, "is not valid UTF-8: the request body holds invalid bytes, or the escape \\ufffd that encoding/json writes in their place; nothing was sent", "", -1, "")
}

// attempt sends one attempt of req and reads its answer. code is the
// answer's ErrorCode when it is HTTP 200 with one.
func (d *doer) attempt(ctx context.Context, req *http.Request, getBody func() (io.ReadCloser, error)) (*http.Response, int64, error) {
	actx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	r := req.WithContext(actx) // a shallow copy; only its URL is changed
	u := *req.URL
	r.URL = &u
	if getBody != nil {
		body, err := getBody()
		if err != nil {
			return nil, 0, err
		}
		r.Body = body
	}
	if err := d.signer.Edit(actx, r); err != nil {
		return nil, 0, err
	}
	resp, err := d.http.Do(r)
	if err != nil {
		return nil, 0, d.redact(err, r)
	}
	data, err := readCapped(resp, d.maxBody)
	resp.Body.Close()
	if err != nil {
		return nil, 0, d.redact(err, r)
	}
	resp.Body = memBody{bytes.NewReader(data), data}
	resp.ContentLength = int64(len(data))
	resp.Request = req // the caller's request, without the signature
	var code int64
	if resp.StatusCode == http.StatusOK {
		code, _ = peekErrorCode(data)
	}
	return resp, code, nil
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

// classify decides what follows an attempt.
func (d *doer) classify(ctx context.Context, op string, resp *http.Response, code int64, err error) next {
	if err != nil {
		switch {
		case ctx.Err() != nil: // the caller's context ended: stop
			return done
		case errors.Is(err, ErrResponseTooLarge): // the same call gets the same answer
			return done
		case errors.Is(err, errNotLoopback): // the same address again
			return done
		}
		return backoff // a network error or the attempt's timeout
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return slowDown
	case resp.StatusCode >= 500:
		return backoff
	case resp.StatusCode != http.StatusOK || code == 0:
		return done
	}
	e, ok := d.doc.lookup(op, int(code))
	if !ok {
		return done
	}
	switch e.Retry {
	case contract.RetryYes:
		return backoff
	case contract.RetrySlow:
		return slowDown
	case contract.RetryRenew:
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
