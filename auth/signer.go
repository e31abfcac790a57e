package auth

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultTTL is the validity of the UserSigs a [Signer] generates unless
// [WithTTL] says otherwise: 24 hours, the shortest validity the vendor
// advises. The admin UserSig travels in every request URL, so a short
// validity limits the use of one that leaks into a proxy or access log;
// the Signer renews it long before it runs out (see [WithRenewBefore]).
const DefaultTTL = 24 * time.Hour

// MinKeyLen is the length, in bytes, of the shortest secret key
// [NewSigner] accepts. The IM console's keys are 64 hexadecimal
// characters; a much shorter key is a placeholder or a truncated copy.
// The floor also keeps the key out of texts: the redaction that removes
// the key from errors and logs (in package timrest and its command-line
// tool) skips strings shorter than 8 bytes, which would otherwise mangle
// ordinary words, so every key accepted here is one it removes.
const MinKeyLen = 16

// A SignerOption configures a [Signer]; pass it to [NewSigner].
type SignerOption func(*signerConfig)

type signerConfig struct {
	ttl         time.Duration
	renewBefore time.Duration
	renewSet    bool
	clock       func() time.Time
	clockSet    bool
	random      io.Reader
	randomSet   bool
}

// WithTTL sets the validity of the UserSigs the Signer generates. It is
// counted in whole seconds and must be at least one second; the default
// is [DefaultTTL].
func WithTTL(ttl time.Duration) SignerOption {
	return func(c *signerConfig) { c.ttl = ttl }
}

// WithRenewBefore sets how long before its expiry the cached UserSig is
// replaced: the first call to [Signer.UserSig] (or [Signer.Edit]) at or
// after ExpiresAt - d generates a new one. d must be at least 0 and less
// than the TTL. The default is half the TTL (12 hours for the default
// TTL), which leaves a margin for a clock that differs from the server's
// and for requests that are slow to arrive.
func WithRenewBefore(d time.Duration) SignerOption {
	return func(c *signerConfig) { c.renewBefore, c.renewSet = d, true }
}

// WithClock sets the clock the Signer reads to stamp and renew UserSigs;
// the default is [time.Now]. Tests pass a fake clock to exercise renewal
// without waiting. The function must be safe for concurrent use.
func WithClock(now func() time.Time) SignerOption {
	return func(c *signerConfig) { c.clock, c.clockSet = now, true }
}

// WithRandom sets the source of the `random` query parameter that
// [Signer.Edit] sets: four bytes per request, read as a big-endian uint32.
// The default is [crypto/rand.Reader]. Tests pass a fixed reader to get
// reproducible request URLs. Reads are serialised by the Signer, so the
// reader need not be safe for concurrent use.
func WithRandom(r io.Reader) SignerOption {
	return func(c *signerConfig) { c.random, c.randomSet = r, true }
}

// Signer holds an app admin's credentials and a cached UserSig for them.
// It renews the UserSig before it expires, and its [Signer.Edit] signs
// REST API requests. A Signer is safe for concurrent use; create it with
// [NewSigner].
//
// Printing a Signer (fmt, %#v, log/slog) shows the SDKAppID and the
// identifier only, never the key or the UserSig.
type Signer struct {
	sdkAppID    uint64
	appIDText   string
	idEscaped   string // url.QueryEscape(identifier)
	identifier  string
	ttl         time.Duration
	renewBefore time.Duration
	now         func() time.Time

	// secret is behind a pointer so that printing a Signer's fields by
	// reflection (fmt on a dereferenced value) shows an address, not the key.
	secret *signerSecret

	cur atomic.Pointer[cachedSig] // read without locking
	mu  sync.Mutex                // serialises regeneration

	randMu sync.Mutex // serialises reads of random when it is not crypto/rand
	random io.Reader  // nil: crypto/rand

	gens atomic.Int64 // number of UserSigs generated, for tests
}

type signerSecret struct{ key string }

type cachedSig struct {
	userSig   string
	escaped   string    // url.QueryEscape(userSig), for Edit
	issuedAt  time.Time // TLS.time (wall clock, to the second)
	expiresAt time.Time // TLS.time + TLS.expire
	renewAt   time.Time // expiresAt - renewBefore
}

// usable reports whether the cached UserSig may still be used at now: it
// was issued at or before now (a clock set back after it was made, say
// from a year ahead, must not keep a UserSig valid for a year more) and
// its renewal point has not come.
func (c *cachedSig) usable(now time.Time) bool {
	return c != nil && !now.Before(c.issuedAt) && now.Before(c.renewAt)
}

// NewSigner returns a Signer for the admin account identifier of the app
// sdkAppID whose secret key is key. It checks its arguments and options
// and generates the first UserSig, so that a bad configuration is
// reported here rather than on the first request. key must be at least
// [MinKeyLen] bytes long, and identifier must pass [CheckIdentifier].
func NewSigner(sdkAppID uint64, key, identifier string, opts ...SignerOption) (*Signer, error) {
	if err := validateArgs(sdkAppID, key, identifier); err != nil {
		return nil, err
	}
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("auth: key is %d bytes, want at least %d (the IM console's keys are 64 characters)", len(key), MinKeyLen)
	}
	cfg := signerConfig{ttl: DefaultTTL, clock: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if _, err := ttlSeconds(cfg.ttl); err != nil {
		return nil, fmt.Errorf("auth: WithTTL: ttl is %v, want at least 1s", cfg.ttl)
	}
	cfg.ttl = cfg.ttl.Truncate(time.Second)
	if !cfg.renewSet {
		cfg.renewBefore = cfg.ttl / 2
	} else if cfg.renewBefore < 0 || cfg.renewBefore >= cfg.ttl {
		return nil, fmt.Errorf("auth: WithRenewBefore: %v is not in [0, ttl %v)", cfg.renewBefore, cfg.ttl)
	}
	if cfg.clockSet && cfg.clock == nil {
		return nil, errors.New("auth: WithClock: clock is nil")
	}
	if cfg.randomSet && cfg.random == nil {
		return nil, errors.New("auth: WithRandom: reader is nil")
	}
	s := &Signer{
		sdkAppID:    sdkAppID,
		appIDText:   strconv.FormatUint(sdkAppID, 10),
		idEscaped:   url.QueryEscape(identifier),
		identifier:  identifier,
		ttl:         cfg.ttl,
		renewBefore: cfg.renewBefore,
		now:         cfg.clock,
		secret:      &signerSecret{key: key},
		random:      cfg.random,
	}
	if err := s.Renew(); err != nil {
		return nil, err
	}
	return s, nil
}

var errNotInitialised = errors.New("auth: Signer not created with NewSigner")

// SDKAppID returns the app the Signer signs for.
func (s *Signer) SDKAppID() uint64 { return s.sdkAppID }

// Identifier returns the admin account the Signer signs for.
func (s *Signer) Identifier() string { return s.identifier }

// TTL returns the validity of the UserSigs the Signer generates.
func (s *Signer) TTL() time.Duration { return s.ttl }

// UserSig returns the cached UserSig, first generating a new one if the
// renewal point (ExpiresAt - the renew-before duration) has been reached,
// or if the clock reads earlier than the cached UserSig's issue time (the
// clock was set back). The common path is one atomic load and a clock
// read; when a renewal is due, one caller generates while the others wait
// for it and then share the result.
func (s *Signer) UserSig() (string, error) {
	c, err := s.current()
	if err != nil {
		return "", err
	}
	return c.userSig, nil
}

// current returns the cached UserSig, renewed first when due.
func (s *Signer) current() (*cachedSig, error) {
	if s == nil || s.secret == nil {
		return nil, errNotInitialised
	}
	now := s.now()
	if c := s.cur.Load(); c.usable(now) {
		return c, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Read the clock again: another caller may have renewed the UserSig
	// at a later reading than ours, which would look issued in the future.
	now = s.now()
	if c := s.cur.Load(); c.usable(now) {
		return c, nil
	}
	return s.generate(now)
}

// Renew generates a new UserSig at the current time and caches it,
// whether or not the cached one is due. Call it when the server answers
// 70001 (UserSig expired), for example after the host's clock was wrong.
// A UserSig is a pure function of its inputs and the clock's second, so
// renewing twice within one second yields the same UserSig.
func (s *Signer) Renew() error {
	if s == nil || s.secret == nil {
		return errNotInitialised
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.generate(s.now())
	return err
}

// generate makes and caches a UserSig issued at now. s.mu must be held.
func (s *Signer) generate(now time.Time) (*cachedSig, error) {
	sig, err := GenUserSigAt(s.sdkAppID, s.secret.key, s.identifier, s.ttl, now)
	if err != nil {
		return nil, err
	}
	issuedAt := time.Unix(now.Unix(), 0)
	expiresAt := issuedAt.Add(s.ttl)
	c := &cachedSig{
		userSig:   sig,
		escaped:   url.QueryEscape(sig),
		issuedAt:  issuedAt,
		expiresAt: expiresAt,
		renewAt:   expiresAt.Add(-s.renewBefore),
	}
	s.cur.Store(c)
	s.gens.Add(1)
	return c, nil
}

// Edit signs an outgoing REST API request: it sets the query parameters
// sdkappid, identifier, usersig (see [Signer.UserSig]), random (a fresh
// random uint32, 0 to 4294967295, in decimal) and contenttype=json,
// replacing any values they had and keeping every other parameter. The
// query is re-encoded, so parameters come out sorted by name.
//
// Edit has the signature of oapi-codegen's RequestEditorFn, so a generated
// client takes it as is: WithRequestEditorFn(signer.Edit). Call it once per
// attempt, so that a retried request gets a fresh random and a current
// UserSig. ctx is not used: signing does no I/O.
func (s *Signer) Edit(ctx context.Context, req *http.Request) error {
	if req == nil || req.URL == nil {
		return errors.New("auth: Edit: request has no URL")
	}
	c, err := s.current()
	if err != nil {
		return err
	}
	r, err := s.random32()
	if err != nil {
		return fmt.Errorf("auth: Edit: random: %w", err)
	}
	if req.URL.RawQuery == "" {
		// The generated client's requests have no query: write the five
		// parameters directly, in the order url.Values.Encode gives.
		var b strings.Builder
		b.Grow(64 + len(s.idEscaped) + len(s.appIDText) + len(c.escaped))
		b.WriteString("contenttype=json&identifier=")
		b.WriteString(s.idEscaped)
		b.WriteString("&random=")
		b.WriteString(strconv.FormatUint(uint64(r), 10))
		b.WriteString("&sdkappid=")
		b.WriteString(s.appIDText)
		b.WriteString("&usersig=")
		b.WriteString(c.escaped)
		req.URL.RawQuery = b.String()
		return nil
	}
	sig := c.userSig
	q := req.URL.Query()
	q.Set("sdkappid", s.appIDText)
	q.Set("identifier", s.identifier)
	q.Set("usersig", sig)
	q.Set("random", strconv.FormatUint(uint64(r), 10))
	q.Set("contenttype", "json")
	req.URL.RawQuery = q.Encode()
	return nil
}

func (s *Signer) random32() (uint32, error) {
	var b [4]byte
	if s.random == nil {
		if _, err := rand.Read(b[:]); err != nil {
			return 0, err
		}
		return binary.BigEndian.Uint32(b[:]), nil
	}
	s.randMu.Lock()
	defer s.randMu.Unlock()
	if _, err := io.ReadFull(s.random, b[:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b[:]), nil
}

// String returns a description of the Signer that names its SDKAppID and
// identifier and hides the key.
func (s *Signer) String() string {
	if s == nil {
		return "auth.Signer(nil)"
	}
	return fmt.Sprintf("auth.Signer{sdkappid: %d, identifier: %q, key: [REDACTED]}", s.sdkAppID, s.identifier)
}

// GoString is [Signer.String] for the %#v verb.
func (s *Signer) GoString() string {
	if s == nil {
		return "(*auth.Signer)(nil)"
	}
	return fmt.Sprintf("&auth.Signer{SDKAppID: %d, Identifier: %q, key: \"[REDACTED]\"}", s.sdkAppID, s.identifier)
}

// LogValue implements [slog.LogValuer]: a Signer logs as a group of its
// sdkappid and identifier, without the key or the UserSig.
func (s *Signer) LogValue() slog.Value {
	if s == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.Uint64("sdkappid", s.sdkAppID),
		slog.String("identifier", s.identifier),
	)
}
