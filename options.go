package timrest

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/timrest/timrest/auth"
)

// Defaults of the options.
const (
	// DefaultAttemptTimeout bounds one attempt (sending the request and
	// reading the answer). The service gives up on a call after 3 s, so
	// an attempt must be allowed longer than that.
	DefaultAttemptTimeout = 10 * time.Second
	// DefaultMaxResponseBytes caps the size of an answer the client reads.
	// The group service caps its answers at 1 MB (10018); the largest
	// relationship answers (100 friends with every tag) are far smaller.
	DefaultMaxResponseBytes = 4 << 20
	// DefaultConcurrency was the fixed number of requests a batch call had
	// in flight at once before the default became automatic (see
	// [WithConcurrency]); WithConcurrency(DefaultConcurrency) gives that
	// behaviour back. At 8 requests in flight and 200 ms of latency a
	// batch makes at most 40 calls a second, a fifth of the service's 200.
	DefaultConcurrency = 8
)

// An Option configures a [Client]; pass options to [New].
type Option func(*options)

type options struct {
	httpClient     *http.Client
	retry          RetryPolicy
	limiter        Limiter
	limiterSet     bool
	attemptTimeout time.Duration
	maxBody        int64
	allowHTTP      bool
	logger         *slog.Logger
	sleep          func(context.Context, time.Duration) error
	concurrency    int // 0: automatic
	concurrencySet bool
	signerOpts     []auth.SignerOption
}

// WithHTTPClient sets the HTTP client the requests go through, for example
// one whose Transport is wrapped by OpenTelemetry's otelhttp.NewTransport.
// The default is a client of its own with a keep-alive connection pool.
//
// The client sends with a shallow copy of c (c itself is never modified)
// that never follows a redirect, whatever c's CheckRedirect says: a
// redirect would carry the UserSig in its query to another URL, plain
// http included. A 3xx answer fails the call at once with an [*Error]
// holding the HTTP status.
//
// New refuses a client whose *http.Transport (or the default transport,
// when Transport is nil) has TLS certificate verification turned off; a
// transport that wraps another one cannot be inspected, so do not turn
// verification off there either.
//
// A plain-http BaseURL on a loopback host (allowed without
// [WithAllowHTTP]) must reach that host and nothing else. When c's
// Transport is an *http.Transport (or nil), the client sends with a clone
// of it that uses no proxy (HTTP_PROXY would otherwise apply to a name
// such as im.localhost) and closes, before writing anything, a connection
// whose remote address is not loopback; [Client.CloseIdleConnections]
// closes that clone's idle connections. Another RoundTripper cannot be
// changed or inspected: with plain http it is accepted only for a
// loopback IP address (127.0.0.1, ::1), which net/http's transports dial
// directly, and refused for a host name.
//
// The client's own Timeout, if any, applies on top of the per-attempt
// timeout.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.httpClient = c }
}

// WithRetry sets the retry policy; zero fields of p take their defaults
// (see [RetryPolicy]). WithRetry(RetryPolicy{MaxAttempts: 1}) turns
// retries off.
func WithRetry(p RetryPolicy) Option {
	return func(o *options) { o.retry = p }
}

// WithRateLimiter sets the limiter every attempt waits on before it is
// sent, for example one shared by several processes. The default is
// [NewLimiter](nil): a token bucket per operation at the rate the OpenAPI
// document gives (x-tim-rate-limit). WithRateLimiter(nil) turns rate
// limiting off, like [WithoutRateLimit].
func WithRateLimiter(l Limiter) Option {
	return func(o *options) { o.limiter, o.limiterSet = l, true }
}

// WithoutRateLimit turns the client's rate limiting off. The service still
// enforces its limits (60007, retried with a longer backoff).
func WithoutRateLimit() Option {
	return WithRateLimiter(nil)
}

// WithAttemptTimeout bounds each attempt: sending the request and reading
// the whole answer. The default is [DefaultAttemptTimeout]; it must be
// positive. The context passed to a call bounds the call as a whole.
func WithAttemptTimeout(d time.Duration) Option {
	return func(o *options) { o.attemptTimeout = d }
}

// WithMaxResponseBytes caps the size of an answer; a larger one fails the
// call with [ErrResponseTooLarge] (not retried). The default is
// [DefaultMaxResponseBytes]; n must be positive.
func WithMaxResponseBytes(n int64) Option {
	return func(o *options) { o.maxBody = n }
}

// WithUserSigTTL sets the validity of the admin UserSigs the client makes
// (see [auth.WithTTL]); the default is [auth.DefaultTTL]. They are renewed
// when half of it remains.
func WithUserSigTTL(ttl time.Duration) Option {
	return func(o *options) { o.signerOpts = append(o.signerOpts, auth.WithTTL(ttl)) }
}

// WithSignerOptions passes options to the [auth.Signer] the client makes,
// for example [auth.WithClock] in tests.
func WithSignerOptions(opts ...auth.SignerOption) Option {
	return func(o *options) { o.signerOpts = append(o.signerOpts, opts...) }
}

// WithAllowHTTP allows a BaseURL with the http scheme on any host. Without
// it New accepts plain http only for loopback hosts (localhost,
// *.localhost, 127.0.0.0/8, ::1), as for a local emulator, and those
// requests go straight to a loopback address, never through a proxy (see
// [WithHTTPClient]): every request carries a UserSig, which must not
// cross a network in clear text. With it, plain http goes wherever the
// transport sends it, proxies included: the caller accepts that.
func WithAllowHTTP() Option {
	return func(o *options) { o.allowHTTP = true }
}

// WithLogger logs one line per attempt: the operation, the attempt number,
// the HTTP status, the ErrorCode, the duration and what the client does
// next (retry after a backoff, renew the UserSig). Attempts that succeed
// are logged at [slog.LevelDebug], failed ones at [slog.LevelWarn]. Lines
// never contain the URL's query, the UserSig or the key. The default is
// no logging.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithSleeper replaces the function that waits between attempts. It must
// return early with the context's error when ctx ends. Tests pass one that
// records the delay and returns at once.
func WithSleeper(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(o *options) { o.sleep = sleep }
}

// WithConcurrency fixes how many requests a batch call has in flight at
// once (different From_Accounts for ImportFriends, chunks of To_Account
// for GetFriends) at n, which must be positive. One From_Account's
// requests are always sent one after another, whatever n.
//
// Without it the concurrency is automatic: the client bounds the attempts
// of each operation in flight at once, across all its calls, by a limit
// that follows the operation's rate and the measured latency (rate ×
// latency, with headroom, at most [MaxAutoConcurrency]; see
// [Client.InFlight]), so that the rate limiter, not a fixed number, is
// what bounds a batch: at 200 calls/s and 300 ms of latency the limit is
// about 90, and the rate limiter's pace keeps about 60 in flight. The
// rate is the limiter's when it has a method Rate(op string) (float64,
// bool), as [OperationLimiter] has, else the OpenAPI document's; without
// a rate limiter ([WithoutRateLimit]) the limit is MaxAutoConcurrency. A
// batch call then runs as many requests at once as that limit allows,
// unless [WithCallConcurrency] fixes its own number (its attempts still
// count against the client's limit).
//
// With WithConcurrency the client sets no limit of its own across calls,
// as before automatic concurrency: each batch call has at most n requests
// in flight, and calls made at the same time add up.
func WithConcurrency(n int) Option {
	return func(o *options) { o.concurrency, o.concurrencySet = n, true }
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
