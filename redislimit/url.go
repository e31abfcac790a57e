package redislimit

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Timeouts of the Redis client NewFromURL makes, when the URL sets none:
// short, since the limiter falls back (or fails, in strict mode) rather
// than wait for a Redis that does not answer.
const (
	urlDialTimeout = 500 * time.Millisecond
	urlIOTimeout   = DefaultTimeout
)

// NewFromURL returns a Limiter for the app sdkAppID on a Redis client of
// its own, made from rawURL:
//
//	redis://[[user]:password@]host[:port][/db][?option=value&...]
//	rediss://... (TLS)
//
// The options are go-redis's (dial_timeout, read_timeout, max_retries,
// ...; see redis.ParseURL) and three of this package, which options
// given here override:
//
//	strict=true     [WithStrict]
//	fallback=0.5    [WithFallback]
//	share=0.5       [WithShare]
//
// Unless the URL sets them, the client dials within 500 ms, reads and
// writes within [DefaultTimeout], does not retry a failed command (the
// limiter falls back instead) and respects the context's deadline. Close
// the Limiter to close the client. No error repeats the URL or its
// password.
func NewFromURL(rawURL string, sdkAppID uint64, opts ...Option) (*Limiter, error) {
	ropts, own, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg := config{share: 1, fallback: DefaultFallback, timeout: DefaultTimeout, retry: DefaultRetryInterval,
		addr: ropts.Addr, secret: ropts.Password}
	for _, o := range append(own, opts...) {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	rdb := redis.NewClient(ropts)
	l, err := newLimiter(rdb, sdkAppID, cfg)
	if err != nil {
		rdb.Close()
		return nil, err
	}
	l.closeDB = true
	return l, nil
}

// URLError is the error of [NewFromURL] for a URL it cannot use. Its text
// never holds the URL.
type URLError struct {
	// Reason says what is wrong, without the URL's text.
	Reason string
}

func (e *URLError) Error() string { return "redislimit: Redis URL: " + e.Reason }

// parseURL checks rawURL and returns the client's options, with this
// package's defaults, and the Options its own query parameters give.
func parseURL(rawURL string) (*redis.Options, []Option, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error repeats the URL, password included.
		return nil, nil, &URLError{Reason: "not a valid URL"}
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, nil, &URLError{Reason: "want a redis:// or rediss:// URL"}
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, nil, &URLError{Reason: "want redis://host[:port][/db]: no host"}
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, nil, &URLError{Reason: "invalid port"}
		}
	}
	var password, userinfo string
	if u.User != nil {
		password, _ = u.User.Password()
		userinfo = u.User.String()
	}
	q := u.Query()
	var own []Option
	if v, ok := take(q, "strict"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, nil, &URLError{Reason: "strict: want true or false"}
		}
		if b {
			own = append(own, WithStrict())
		}
	}
	for _, p := range []struct {
		name string
		opt  func(float64) Option
	}{{"fallback", WithFallback}, {"share", WithShare}} {
		if v, ok := take(q, p.name); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f > 0 && f <= 1) {
				return nil, nil, &URLError{Reason: p.name + ": want a fraction above 0 and at most 1"}
			}
			own = append(own, p.opt(f))
		}
	}
	has := func(name string) bool { return q.Has(name) }
	setDial, setRead, setWrite, setRetries := !has("dial_timeout"), !has("read_timeout"), !has("write_timeout"), !has("max_retries")
	u.RawQuery = q.Encode()
	ropts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, nil, &URLError{Reason: scrubText(strings.TrimPrefix(err.Error(), "redis: "), rawURL, u.String(), userinfo, password)}
	}
	if setDial {
		ropts.DialTimeout = urlDialTimeout
	}
	if setRead {
		ropts.ReadTimeout = urlIOTimeout
	}
	if setWrite {
		ropts.WriteTimeout = urlIOTimeout
	}
	if setRetries {
		ropts.MaxRetries = -1
	}
	ropts.DialerRetries = 1
	ropts.ContextTimeoutEnabled = true
	return ropts, own, nil
}

// take removes the parameter name from q and returns its last value.
func take(q url.Values, name string) (string, bool) {
	vs, ok := q[name]
	if !ok {
		return "", false
	}
	q.Del(name)
	if len(vs) == 0 {
		return "", true
	}
	return vs[len(vs)-1], true
}

// scrubText removes each secret (non-empty) from s.
func scrubText(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	return s
}
