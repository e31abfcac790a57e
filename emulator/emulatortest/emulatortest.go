package emulatortest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/redact"
)

// NewKey returns a random throwaway secret key for a test.
func NewKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// Start starts an emulator for cfg on a loopback HTTP server that is
// closed when the test ends, and returns its base URL and the emulator.
func Start(t testing.TB, cfg emulator.Config) (baseURL string, e *emulator.Emulator) {
	t.Helper()
	e, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv.URL, e
}

// Admin returns the admin account NewClient signs as: the first of
// cfg.Admins, or emulator.DefaultAdmin.
func Admin(cfg emulator.Config) string {
	if len(cfg.Admins) > 0 {
		return cfg.Admins[0]
	}
	return emulator.DefaultAdmin
}

// NewSigner returns an auth.Signer for identifier in cfg's app, on cfg's
// clock.
func NewSigner(t testing.TB, cfg emulator.Config, identifier string, opts ...auth.SignerOption) *auth.Signer {
	t.Helper()
	if cfg.Now != nil {
		opts = append([]auth.SignerOption{auth.WithClock(cfg.Now)}, opts...)
	}
	s, err := auth.NewSigner(cfg.SDKAppID, cfg.Key, identifier, opts...)
	if err != nil {
		t.Fatalf("auth.NewSigner: %v", err)
	}
	return s
}

// NewClient returns a generated client for baseURL that signs as the
// admin of cfg (see Admin) with auth's Signer and checks every request
// and answer against openapi/ (ValidatingTransport over a transport of
// its own).
//
// Its errors never carry the UserSig: http.Client reports a failed call
// as a *url.Error holding the full URL, UserSig included, and tests print
// such errors with t.Fatal; the client's errors have that URL redacted
// (internal/redact), so printing them is safe. errors.Is and errors.As
// still see the causes (context.Canceled, a *url.Error, ...).
func NewClient(t testing.TB, baseURL string, cfg emulator.Config) *gen.ClientWithResponses {
	t.Helper()
	signer := NewSigner(t, cfg, Admin(cfg))
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	t.Cleanup(tr.CloseIdleConnections)
	c, err := gen.NewClientWithResponses(baseURL,
		gen.WithHTTPClient(redactingDoer{&http.Client{Transport: ValidatingTransport(t, tr)}}),
		gen.WithRequestEditorFn(signer.Edit))
	if err != nil {
		t.Fatalf("gen.NewClientWithResponses: %v", err)
	}
	return c
}

// redactingDoer is a gen.HttpRequestDoer that sends requests with an
// http.Client and redacts the URL of the *url.Error the client returns
// on failure. (A RoundTripper cannot do it: http.Client builds the
// *url.Error after its transport returns.)
type redactingDoer struct{ c *http.Client }

// Do implements gen.HttpRequestDoer.
func (d redactingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req)
	return resp, redact.Error(err)
}

// ValidatingTransport returns a RoundTripper that sends requests through
// next (http.DefaultTransport when nil) and checks, with t.Errorf, that
// every request and every HTTP 200 answer matches openapi/. Other answers
// (502 from a proxy) are outside the contract and pass unchecked, as do
// transport errors.
func ValidatingTransport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	t.Helper()
	return newTransport(t, t.Errorf, next, true)
}

// AnswerValidatingTransport is ValidatingTransport for tests that send
// requests that break openapi/ on purpose: it checks the answers only, and
// only those to the document's operations.
func AnswerValidatingTransport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	t.Helper()
	return newTransport(t, t.Errorf, next, false)
}

// newTransport builds the validating transport; report receives each
// problem (t.Errorf, or a recorder in this package's tests).
func newTransport(t testing.TB, report func(format string, args ...any), next http.RoundTripper, requests bool) http.RoundTripper {
	t.Helper()
	v := contract.MustValidator()
	if next == nil {
		next = http.DefaultTransport
	}
	return &validatingTransport{report: report, v: v, next: next, requests: requests}
}

type validatingTransport struct {
	report   func(format string, args ...any)
	v        *contract.Validator
	next     http.RoundTripper
	requests bool
}

// RoundTrip implements http.RoundTripper.
func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	withBody := func() *http.Request {
		r := req.Clone(req.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
		return r
	}
	ctx := context.WithoutCancel(req.Context())
	if vt.requests {
		if err := vt.v.ValidateRequest(ctx, withBody()); err != nil {
			vt.report("request POST %s breaks openapi/: %v\nbody: %.500s", req.URL.Path, err, body)
		}
	}
	resp, err := vt.next.RoundTrip(withBody())
	if err != nil {
		return nil, err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	if resp.StatusCode == http.StatusOK {
		err := vt.v.ValidateResponse(ctx, withBody(), resp.StatusCode, resp.Header, answer)
		if err != nil && !(errors.Is(err, contract.ErrNoRoute) && !vt.requests) {
			vt.report("answer to POST %s breaks openapi/: %v\nanswer: %.500s", req.URL.Path, err, answer)
		}
	}
	return resp, nil
}

// LogBuffer is a bytes.Buffer that is safe for concurrent writes, for
// capturing the log lines of an emulator or a client in tests.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
