package timrest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/redact"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/regions"
)

// Config is what every caller sets: the app, its key, the admin account
// the calls are made as, and where the app lives.
type Config struct {
	// SDKAppID is the app's SDKAppID from the IM console. Required.
	SDKAppID uint64
	// SecretKey is the app's secret key, which signs the admin's UserSig.
	// Required, at least [auth.MinKeyLen] (16) bytes: the console's keys
	// are 64 characters. It never leaves the process and never appears in
	// an error or a log line.
	SecretKey string
	// Admin is an app admin account (the REST API refuses other
	// accounts). Required.
	Admin string
	// Region is the data center the app was created in, e.g.
	// regions.Singapore. Required unless BaseURL is set.
	Region regions.Region
	// BaseURL, when set, is used instead of the Region's host: a proxy,
	// the Region's backup host (Region.BackupBaseURL) or a local emulator.
	// It may have a path. It must be https, or http on a loopback host
	// (see WithAllowHTTP). Redirects are never followed: it must be the
	// final address.
	BaseURL string
}

// String describes the configuration with the secret key hidden, so that
// printing a Config (fmt's %v, %+v and %s) never shows the key.
func (c Config) String() string {
	key := ""
	if c.SecretKey != "" {
		key = "[REDACTED]"
	}
	return fmt.Sprintf("timrest.Config{SDKAppID: %d, SecretKey: %s, Admin: %q, Region: %s, BaseURL: %q}",
		c.SDKAppID, key, c.Admin, c.Region.Code(), c.BaseURL)
}

// GoString is [Config.String] for the %#v verb.
func (c Config) GoString() string { return c.String() }

// LogValue implements [slog.LogValuer]: a Config logs without its key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Uint64("sdkappid", c.SDKAppID),
		slog.String("admin", c.Admin),
		slog.String("region", c.Region.Code()),
		slog.String("base_url", c.BaseURL),
	)
}

// Client calls the Tencent Cloud IM server REST API. It checks every answer
// and turns failures into errors ([*Error]), retries what is safe to retry,
// signs every attempt, keeps under the documented call rates and splits
// batches to the documented limits. Create it with [New]; it is safe for
// concurrent use.
type Client struct {
	services // Friends, Groups, ...: one per family of the API

	signer      *auth.Signer
	doer        *doer
	api         *gen.ClientWithResponses
	concurrency int // requests of a batch call in flight at once; 0: automatic
	baseURL     string
}

// New returns a Client for cfg. It checks cfg and the options and makes the
// admin's first UserSig, so a bad configuration fails here, with a
// [*ValidationError] naming the field, not on the first call.
func New(cfg Config, opts ...Option) (*Client, error) {
	o := options{attemptTimeout: DefaultAttemptTimeout, maxBody: DefaultMaxResponseBytes, sleep: sleepContext}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	bad := func(field, reason string) error {
		return &ValidationError{Op: "New", Field: field, Index: -1, Reason: reason}
	}

	switch {
	case cfg.SDKAppID == 0:
		return nil, bad("Config.SDKAppID", "is 0; want the app's SDKAppID from the IM console")
	case cfg.SecretKey == "":
		return nil, bad("Config.SecretKey", "is empty; want the app's secret key from the IM console")
	case len(cfg.SecretKey) < auth.MinKeyLen:
		return nil, bad("Config.SecretKey", fmt.Sprintf("is %d bytes, want at least %d; the IM console's keys are 64 characters", len(cfg.SecretKey), auth.MinKeyLen))
	case cfg.Admin == "":
		return nil, bad("Config.Admin", "is empty; want an app admin account")
	}
	if p := spec.CheckAdmin(cfg.Admin); p != "" {
		return nil, bad("Config.Admin", p)
	}
	base := cfg.BaseURL
	if base == "" {
		if cfg.Region.IsZero() {
			return nil, bad("Config.Region", "is not set; want the app's data center (e.g. regions.Singapore) or a Config.BaseURL")
		}
		base = cfg.Region.BaseURL()
	}
	u, err := url.Parse(base)
	switch {
	case err != nil:
		return nil, bad("Config.BaseURL", "is not a URL")
	case u.Host == "":
		return nil, bad("Config.BaseURL", "has no host; want e.g. https://adminapisgp.im.qcloud.com")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, bad("Config.BaseURL", "has a query, a fragment or user info; want scheme, host and an optional path")
	case u.Scheme == "https":
	case u.Scheme == "http" && (o.allowHTTP || isLoopback(u.Hostname())):
	case u.Scheme == "http":
		return nil, bad("Config.BaseURL", "is plain http on a non-loopback host; every request carries a UserSig: use https (or WithAllowHTTP)")
	default:
		return nil, bad("Config.BaseURL", fmt.Sprintf("has scheme %q; want https", u.Scheme))
	}
	base = strings.TrimSuffix(u.String(), "/")

	switch {
	case o.attemptTimeout <= 0:
		return nil, bad("WithAttemptTimeout", "must be positive")
	case o.maxBody <= 0:
		return nil, bad("WithMaxResponseBytes", "must be positive")
	case o.concurrencySet && o.concurrency <= 0:
		return nil, bad("WithConcurrency", "must be positive")
	case o.sleep == nil:
		return nil, bad("WithSleeper", "is nil")
	}
	if o.httpClient != nil && insecureTLS(o.httpClient) {
		return nil, bad("WithHTTPClient", "the client's transport has TLS certificate verification turned off (InsecureSkipVerify)")
	}
	// Plain http without WithAllowHTTP was allowed for a loopback host
	// only: it must reach that host and nothing else.
	hc, reason := httpClientFor(o.httpClient, u.Scheme == "http" && !o.allowHTTP, u.Hostname())
	if reason != "" {
		return nil, bad("WithHTTPClient", reason)
	}
	limiter := o.limiter
	if !o.limiterSet {
		var err error
		if limiter, err = NewLimiter(nil); err != nil {
			return nil, err
		}
	} else if l, ok := limiter.(*OperationLimiter); ok && l == nil {
		limiter = nil
	}

	signer, err := auth.NewSigner(cfg.SDKAppID, cfg.SecretKey, cfg.Admin, o.signerOpts...)
	if err != nil {
		return nil, redact.Error(fmt.Errorf("timrest: New: %w", err), cfg.SecretKey)
	}

	basePath := strings.TrimSuffix(u.Path, "/")
	d := &doer{
		http: hc, signer: signer, key: cfg.SecretKey,
		urls: make(map[*spec.Operation]*url.URL, len(spec.Operations)), basePath: basePath,
		limiter: limiter, policy: o.retry.withDefaults(), sleep: o.sleep,
		timeout: o.attemptTimeout, maxBody: o.maxBody, log: o.logger,
	}
	if !o.concurrencySet {
		d.gates = newGates(limiter, MaxAutoConcurrency)
	}
	for _, op := range spec.Operations {
		ou := *u
		ou.Path = basePath + op.Path
		ou.RawPath = ""
		d.urls[op] = &ou
	}
	raw, err := gen.NewClient(base, gen.WithHTTPClient(d))
	if err != nil {
		return nil, err
	}
	c := &Client{
		signer: signer, doer: d,
		api:         &gen.ClientWithResponses{ClientInterface: raw},
		concurrency: o.concurrency, baseURL: base,
	}
	c.initServices()
	return c, nil
}

// API returns the generated client for what this package does not wrap.
// Its requests go through the same machinery as the Client's own: each
// attempt is rate limited, signed afresh and retried as the document
// advises; answers are read under the size cap; redirects are not
// followed (a 3xx answer is returned as it is); a request whose body holds
// a string that is not valid UTF-8 (or the \ufffd escape encoding/json
// writes in its place) is refused with a [*ValidationError] naming its
// JSON path, and not sent. Checking ActionStatus and ErrorCode of its
// answers is the caller's job.
func (c *Client) API() *gen.ClientWithResponses { return c.api }

// CloseIdleConnections closes the idle keep-alive connections of the
// client's transport. The transport may be a copy of the one given to
// [WithHTTPClient] (see there), which closing the original's connections
// does not reach.
func (c *Client) CloseIdleConnections() { c.doer.http.CloseIdleConnections() }

// BaseURL returns the base URL the client calls, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// Signer returns the signer that makes the admin's UserSigs, for callers
// that sign requests of their own.
func (c *Client) Signer() *auth.Signer { return c.signer }

// String describes the client without its secrets.
func (c *Client) String() string {
	return fmt.Sprintf("timrest.Client{base: %s, sdkappid: %d, admin: %q}", c.baseURL, c.signer.SDKAppID(), c.signer.Identifier())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// insecureTLS reports whether hc's transport is known to skip TLS
// certificate verification.
func insecureTLS(hc *http.Client) bool {
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	return ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify
}

// defaultTransport is the transport of a client without WithHTTPClient:
// a keep-alive pool sized for the client's concurrency (up to
// MaxAutoConcurrency attempts of an operation in flight).
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = MaxAutoConcurrency
	t.MaxIdleConns = 2 * MaxAutoConcurrency
	t.ResponseHeaderTimeout = 0 // the per-attempt timeout covers it
	return t
}

// httpClientFor returns the *http.Client the doer sends with: a shallow
// copy of given (or a client of its own when given is nil; the caller's
// client is never modified) that never follows a redirect, since a
// redirect would carry the UserSig in its query to another URL (and
// could turn https into plain http).
//
// plainLocal says the base URL is plain http, allowed only because its
// host is a loopback one. The requests then must not go through a proxy
// (net/http's ProxyFromEnvironment exempts only "localhost" and loopback
// IPs, not names such as im.localhost) nor reach anything but a loopback
// address (a name can resolve anywhere). So the transport, when it is an
// *http.Transport (or the default one), is cloned with no proxy and a
// dialer that refuses a connection to an address that is not loopback.
// Another RoundTripper (a wrapper such as otelhttp's) cannot be changed
// or inspected: it is accepted for a loopback IP address, which
// net/http's transports dial directly, and refused, with the reason
// returned, for a host name.
func httpClientFor(given *http.Client, plainLocal bool, host string) (*http.Client, string) {
	var c http.Client
	if given != nil {
		c = *given
	} else {
		c.Transport = defaultTransport()
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if !plainLocal {
		return &c, ""
	}
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return &c, ""
		}
		return nil, fmt.Sprintf("its transport (%T) is not an *http.Transport, so the client cannot make sure that plain http to %q reaches a loopback address without a proxy; use 127.0.0.1 or ::1 in Config.BaseURL, https, or WithAllowHTTP", rt, host)
	}
	t = t.Clone()
	t.Proxy = nil
	t.DialContext = loopbackOnly(t.DialContext, t.Dial, given == nil)
	t.Dial = nil // replaced by DialContext
	c.Transport = t
	return &c, ""
}

// loopbackOnly returns a dial function that connects only to loopback
// addresses. With own (the client's own transport) it dials with a
// net.Dialer that refuses any other address before connecting; otherwise
// it dials with the caller's function (dial, or the deprecated dialOld)
// and closes, before anything is written, a connection whose remote
// address is not loopback (a Unix socket counts as local).
func loopbackOnly(dial func(context.Context, string, string) (net.Conn, error), dialOld func(string, string) (net.Conn, error), own bool) func(context.Context, string, string) (net.Conn, error) {
	if own || (dial == nil && dialOld == nil) {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second,
			Control: func(network, address string, _ syscall.RawConn) error {
				if !loopbackAddr(address) {
					return fmt.Errorf("timrest: %s is %w", address, errNotLoopback)
				}
				return nil
			}}
		dial = d.DialContext
	} else if dial == nil {
		dial = func(_ context.Context, network, addr string) (net.Conn, error) { return dialOld(network, addr) }
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if ra := conn.RemoteAddr(); ra == nil || !localConn(ra) {
			conn.Close()
			return nil, fmt.Errorf("timrest: %s connected to %v, which is %w", addr, ra, errNotLoopback)
		}
		return conn, nil
	}
}

// errNotLoopback is the error of a plain-http connection that would not
// reach a loopback address; it is not retried.
var errNotLoopback = errors.New("not a loopback address: plain http goes to loopback only (see WithAllowHTTP)")

// loopbackAddr reports whether address (host:port) has a loopback IP.
func loopbackAddr(address string) bool {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// localConn reports whether a connection's remote address is local: a
// loopback IP or a Unix socket.
func localConn(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return loopbackAddr(a.String())
}

// answerErr makes the *Error of a failed answer or item, with any secret
// the service might echo removed.
func (c *Client) answerErr(op, account string, code int32, info, display string) *Error {
	if info != "" || display != "" {
		sig, _ := c.signer.UserSig() // the current one; scrub also removes any usersig= value
		info, display = redact.Text(info, sig, c.doer.key), redact.Text(display, sig, c.doer.key)
	}
	return &Error{Op: op, Code: int(code), Info: info, Display: display, Account: account}
}

// callErr wraps an error of the transport (already redacted) with op.
func (c *Client) callErr(op string, err error) error {
	var ve *ValidationError
	if errors.As(err, &ve) || strings.HasPrefix(err.Error(), "timrest: "+op+":") {
		return err
	}
	return fmt.Errorf("timrest: %s: %w", op, err)
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// ensure the doer satisfies the generated client's interface.
var _ gen.HttpRequestDoer = (*doer)(nil)
