package redislimit

import (
	"maps"
	"net/url"
	"slices"
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
//	unix://[[user]:password@]/path/to/redis.sock[?db=N&option=value&...]
//
// The database number is a whole number (0 when absent); whether Redis
// has that database shows at the first exchange ([Limiter.Check]). The
// options are go-redis's (dial_timeout, read_timeout, max_retries, ...;
// see redis.ParseURL) and three of this package, which options given here
// override:
//
//	strict=true     [WithStrict]
//	fallback=0.5    [WithFallback]
//	share=0.5       [WithShare]
//
// Unless the URL sets them, the client dials within 500 ms, reads and
// writes within [DefaultTimeout], does not retry a failed command (the
// limiter falls back instead) and respects the context's deadline. Close
// the Limiter to close the client. No error or log line repeats the URL,
// nor any part of it but a known option's name and the address.
func NewFromURL(rawURL string, sdkAppID uint64, opts ...Option) (*Limiter, error) {
	ropts, own, secrets, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg := config{share: 1, fallback: DefaultFallback, timeout: DefaultTimeout, retry: DefaultRetryInterval,
		addr: ropts.Addr, secrets: secrets}
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
// never holds the URL, nor any part of it but a known option's name.
type URLError struct {
	// Reason says what is wrong, without the URL's text.
	Reason string
}

func (e *URLError) Error() string { return "redislimit: Redis URL: " + e.Reason }

// parseURL checks rawURL and returns the client's options, with this
// package's defaults, the Options its own query parameters give, and its
// user name and password (secrets). Every error is a fixed text: go-redis's
// own errors repeat parts of the URL, so they are never shown.
func parseURL(rawURL string) (*redis.Options, []Option, []string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error repeats the URL, password included.
		return nil, nil, nil, &URLError{Reason: "not a valid URL"}
	}
	q := u.Query()
	db, hasDB := 0, false
	switch u.Scheme {
	case "redis", "rediss":
		if u.Opaque != "" || u.Host == "" {
			return nil, nil, nil, &URLError{Reason: "want redis://host[:port][/db]: no host"}
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return nil, nil, nil, &URLError{Reason: "invalid port"}
			}
		}
		if p := strings.TrimPrefix(u.Path, "/"); p != "" {
			if db, hasDB = dbNumber(p); !hasDB {
				return nil, nil, nil, &URLError{Reason: "invalid path: want the database number, /0, /1, ... (not shown)"}
			}
		}
		u.Path, u.RawPath = "", ""
	case "unix":
		if u.Opaque != "" || u.Host != "" || u.Path == "" {
			return nil, nil, nil, &URLError{Reason: "want unix:///path/to/redis.sock[?db=N]"}
		}
	default:
		return nil, nil, nil, &URLError{Reason: "want a redis://, rediss:// or unix:// URL"}
	}
	if v, ok := take(q, "db"); ok {
		n, ok := dbNumber(v)
		if !ok || hasDB {
			return nil, nil, nil, &URLError{Reason: "invalid db parameter: want one database number, 0, 1, ... (not shown)"}
		}
		db = n
	}
	var secrets []string
	if u.User != nil {
		// A user name alone (redis://name@host) may be a password put
		// in the wrong place: kept out of messages as well.
		password, _ := u.User.Password()
		secrets = nonEmpty(u.User.Username(), password)
	}
	var own []Option
	if v, ok := take(q, "strict"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, nil, nil, &URLError{Reason: "strict: want true or false"}
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
				return nil, nil, nil, &URLError{Reason: p.name + ": want a fraction above 0 and at most 1"}
			}
			own = append(own, p.opt(f))
		}
	}
	has := func(name string) bool { return q.Has(name) }
	setDial, setRead, setWrite, setRetries := !has("dial_timeout"), !has("read_timeout"), !has("write_timeout"), !has("max_retries")
	u.RawQuery = q.Encode()
	ropts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, nil, nil, &URLError{Reason: optionProblem(u.Scheme, q)}
	}
	ropts.DB = db
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
	return ropts, own, secrets, nil
}

// dbNumber parses a database number: decimal digits only (no sign), at
// most 9 of them.
func dbNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// optionProblem finds the query parameter of q that go-redis refuses, by
// trying each alone, and names it only when go-redis knows the name (then
// it is one of its fixed option names, not a secret).
func optionProblem(scheme string, q url.Values) string {
	base := scheme + "://localhost"
	if scheme == "unix" {
		base = "unix:///redis.sock"
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		_, err := redis.ParseURL(base + "?" + url.Values{name: q[name]}.Encode())
		if err == nil {
			continue
		}
		if strings.Contains(err.Error(), "unexpected option") {
			return "an unknown query parameter (not shown)"
		}
		return "invalid value of the query parameter " + name + " (not shown)"
	}
	return "go-redis cannot use it (not shown)"
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
