package timrest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/redact"
	"github.com/timrest/timrest/internal/spec"
)

// A CallOption changes one call: pass it in the variadic slot of any
// method of a service (or of Client.Call). Options given to New apply to
// every call; a CallOption overrides them for its call.
type CallOption func(*callSettings)

// callSettings are a call's settings: the client's, with the call's
// options applied.
type callSettings struct {
	retry          RetryPolicy
	concurrency    int // requests of a batch call in flight at once; 0: automatic
	attemptTimeout time.Duration
}

// WithCallRetry sets the retry policy of one call (see [WithRetry]); its
// zero fields keep the client's.
func WithCallRetry(p RetryPolicy) CallOption {
	return func(s *callSettings) { s.retry = p.over(s.retry) }
}

// WithCallConcurrency fixes how many requests of one batch call are in
// flight at once (see [WithConcurrency]); n < 1 is taken as 1. On a client
// with automatic concurrency, the call's attempts still count against the
// client's limit ([Client.InFlight]), so fewer than n may be in flight.
func WithCallConcurrency(n int) CallOption {
	return func(s *callSettings) { s.concurrency = max(n, 1) }
}

// WithCallAttemptTimeout bounds each attempt of one call (see
// [WithAttemptTimeout]); d ≤ 0 keeps the client's.
func WithCallAttemptTimeout(d time.Duration) CallOption {
	return func(s *callSettings) {
		if d > 0 {
			s.attemptTimeout = d
		}
	}
}

// settings returns the client's settings with opts applied.
func (c *Client) settings(opts []CallOption) *callSettings {
	s := &callSettings{retry: c.doer.policy, concurrency: c.concurrency, attemptTimeout: c.doer.timeout}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// envelope is what every answer has.
type envelope struct {
	status  gen.ActionStatus
	code    int32
	info    *string
	display *string
}

// call sends req as a request of op, reads the answer into a new Resp and
// returns it, or an *Error when the answer (or its HTTP status) reports a
// failure. It does not check req: the callers do.
func call[Req, Resp any](ctx context.Context, c *Client, op *spec.Operation, req *Req, env func(*Resp) envelope, s *callSettings) (*Resp, error) {
	out, err := answer(ctx, c, op, req, env, s)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// answer is call, but it also returns the decoded answer when its
// envelope reports a failure.
func answer[Req, Resp any](ctx context.Context, c *Client, op *spec.Operation, req *Req, env func(*Resp) envelope, s *callSettings) (*Resp, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("timrest: %s: encoding the request: %w", op.ID, err)
	}
	if err := checkBody(op.ID, body); err != nil {
		return nil, err
	}
	resp, err := c.doer.send(ctx, op, nil, body, s)
	if err != nil {
		return nil, c.callErr(op.ID, err)
	}
	data, _ := bodyBytes(resp)
	if resp.StatusCode != http.StatusOK {
		return nil, c.statusErr(op, resp)
	}
	out := new(Resp)
	if err := json.Unmarshal(data, out); err != nil {
		return nil, fmt.Errorf("timrest: %s: decoding the answer (%d bytes, Content-Type %q): %w",
			op.ID, len(data), resp.Header.Get("Content-Type"), err)
	}
	e := env(out)
	if e.code == 0 && e.status == gen.ActionStatusOK {
		return out, nil
	}
	return out, c.answerErr(op.ID, "", e.code, deref(e.info), deref(e.display))
}

// Call sends req as a request of the operation op (its operationId, such
// as "ImportFriends", or its path, such as "v4/sns/friend_import") and
// returns the answer's JSON. It is the escape hatch for what the services
// do not wrap the way a caller needs: req is encoded with encoding/json (a
// json.RawMessage is sent as is), decoded into the operation's request
// type and checked against the document's rules like any request (a
// problem is a [*ValidationError] and nothing is sent); it is signed, rate
// limited and retried like any other (never repeated after a failure that
// may have reached the service, for an operation that is not idempotent).
// The answer is checked: ActionStatus FAIL or a non-zero ErrorCode is an
// [*Error], returned with the answer's JSON.
func (c *Client) Call(ctx context.Context, op string, req any, opts ...CallOption) (json.RawMessage, error) {
	o := spec.ByID(op)
	if o == nil {
		o = spec.ByPath(op)
	}
	if o == nil {
		return nil, &ValidationError{Op: "Call", Field: "op", Index: -1, Reason: fmt.Sprintf("%q is neither an operationId nor a path of the document", op)}
	}
	if req == nil {
		req = struct{}{}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("timrest: %s: encoding the request: %w", o.ID, err)
	}
	if err := checkBody(o.ID, body); err != nil {
		return nil, err
	}
	if err := checked(c, o.ID, o.CheckJSON(body), ""); err != nil {
		return nil, err
	}
	raw := json.RawMessage(body)
	var env struct {
		ActionStatus gen.ActionStatus
		ErrorCode    int32
		ErrorInfo    *string
		ErrorDisplay *string
	}
	bad := false
	ans, err := answer(ctx, c, o, &raw, func(a *json.RawMessage) envelope {
		if json.Unmarshal(*a, &env) != nil || env.ActionStatus == "" {
			bad = true
			return envelope{status: gen.ActionStatusFail}
		}
		return envelope{env.ActionStatus, env.ErrorCode, env.ErrorInfo, env.ErrorDisplay}
	}, c.settings(opts))
	switch {
	case bad:
		return nil, fmt.Errorf("timrest: %s: the answer is not an object with ActionStatus and ErrorCode", o.ID)
	case ans != nil:
		return *ans, err
	}
	return nil, err
}

// statusErr is the *Error of an answer with an HTTP status other than 200.
func (c *Client) statusErr(op *spec.Operation, resp *http.Response) error {
	e := &Error{Op: op.ID, HTTPStatus: resp.StatusCode}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Info = "redirect not followed: a redirect would carry the UserSig to another URL; set Config.BaseURL to the final address"
		if loc := redirectTarget(resp, c.doer.urls[op]); loc != "" {
			e.Info += " (the answer points to " + loc + ")"
		}
	}
	return e
}

// checked turns a *spec.Problem of a request of op into a
// *ValidationError. from is the request's From_Account (the account it is
// made for), named in the error when the problem is From_Account's own;
// "" for a request without one.
func checked(c *Client, op string, p *spec.Problem, from string) error {
	if p == nil {
		return nil
	}
	field, index := splitIndex(p.Field)
	account := ""
	if field == "From_Account" {
		account = from
	}
	return c.scrub(&ValidationError{Op: op, Field: field, Index: index, Account: account, Reason: p.Reason})
}

// scrub removes the app's secret key and the current UserSig from the
// values a *ValidationError quotes (an account, a reason naming a value):
// a secret pasted into a field by mistake is not echoed in an error.
func (c *Client) scrub(ve *ValidationError) *ValidationError {
	secrets := []string{c.doer.key}
	if sig, err := c.signer.UserSig(); err == nil {
		secrets = append(secrets, sig)
	}
	ve.Account = redact.Text(ve.Account, secrets...)
	ve.Reason = redact.Text(ve.Reason, secrets...)
	return ve
}

// splitIndex turns a problem's path into a ValidationError's field and
// index: "GroupName[2]" is GroupName and 2, "A[1].B" is A.B and 1, "A.B"
// is A.B and -1. Only the first index is taken out.
func splitIndex(path string) (string, int) {
	i := strings.IndexByte(path, '[')
	if i <= 0 {
		return path, -1
	}
	j := strings.IndexByte(path[i:], ']')
	if j < 0 {
		return path, -1
	}
	n := 0
	for _, ch := range path[i+1 : i+j] {
		if ch < '0' || ch > '9' {
			return path, -1
		}
		n = n*10 + int(ch-'0')
	}
	return path[:i] + path[i+j+1:], n
}

// redirectTarget returns the scheme, host and path of a redirect's
// Location (relative to base), without its query (which may echo the
// UserSig), or "".
func redirectTarget(resp *http.Response, base *url.URL) string {
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" {
		return ""
	}
	if base != nil {
		loc = base.ResolveReference(loc)
	}
	return (&url.URL{Scheme: loc.Scheme, Host: loc.Host, Path: loc.Path}).String()
}
