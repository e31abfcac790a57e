package auth

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors returned (wrapped) by [VerifyUserSig]. Test for them with
// [errors.Is]; the wrapping error adds detail but never the key or the
// UserSig.
var (
	// ErrMalformed reports a UserSig that is not a TLS sig v2 document:
	// not in the UserSig base64 alphabet, not zlib, not JSON, a field
	// missing, duplicated or of the wrong type, or too large.
	ErrMalformed = errors.New("auth: malformed UserSig")

	// ErrBadSignature reports a well-formed UserSig whose TLS.sig is not
	// the HMAC-SHA256 of its content under the given key: it was signed
	// with another key or altered after signing.
	ErrBadSignature = errors.New("auth: UserSig signature check failed")

	// ErrExpired reports a UserSig whose validity (TLS.time + TLS.expire)
	// ended before the time of the check.
	ErrExpired = errors.New("auth: UserSig expired")

	// ErrSDKAppIDMismatch reports a UserSig issued for another SDKAppID.
	ErrSDKAppIDMismatch = errors.New("auth: UserSig SDKAppID mismatch")

	// ErrIdentifierMismatch reports a UserSig issued for another
	// identifier (UserID).
	ErrIdentifierMismatch = errors.New("auth: UserSig identifier mismatch")
)

const (
	// maxUserSigLen caps the length of a UserSig accepted by VerifyUserSig.
	// Real ones are a few hundred bytes.
	maxUserSigLen = 64 << 10
	// maxDocLen caps the inflated document, so that a small UserSig cannot
	// inflate into a large allocation (a zip bomb).
	maxDocLen = 64 << 10
	// maxExpire is the largest TLS.expire (seconds) that still fits in a
	// time.Duration.
	maxExpire = math.MaxInt64 / int64(time.Second)
)

// sigEncoding is the base64 variant of the UserSig string: the standard
// alphabet with '+' written as '*', '/' as '-' and the padding '=' as '_',
// so that the result is safe in a URL query without escaping.
var (
	sigEncoding    = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-").WithPadding('_')
	sigEncodingRaw = sigEncoding.WithPadding(base64.NoPadding)
)

// Claims is what a valid UserSig asserts, as returned by [VerifyUserSig].
type Claims struct {
	// Identifier is the UserID the UserSig was issued for (TLS.identifier).
	Identifier string
	// SDKAppID is the app the UserSig was issued for (TLS.sdkappid).
	SDKAppID uint64
	// IssuedAt is the signing time (TLS.time), in UTC, to the second.
	IssuedAt time.Time
	// TTL is the validity period (TLS.expire), in whole seconds.
	TTL time.Duration
	// UserBuf is the decoded TLS.userbuf, or nil when the UserSig has none.
	// UserSigs for the IM REST API have none; TRTC's PrivateMapKey does.
	UserBuf []byte
}

// ExpiresAt returns the last instant at which the UserSig is valid:
// IssuedAt + TTL. A check at a later second fails with [ErrExpired].
func (c Claims) ExpiresAt() time.Time {
	return c.IssuedAt.Add(c.TTL)
}

// GenUserSig returns a UserSig for identifier in the app sdkAppID, signed
// with the app's secret key, issued now (time.Now) and valid for ttl.
//
// ttl is counted in whole seconds (a fraction is dropped) and must be at
// least one second. The vendor's default validity is 180 days and it
// advises at least 24 hours; [Signer] renews a short-lived UserSig for
// long-running clients. identifier must be valid UTF-8 without control
// characters (see [CheckIdentifier]). key may be any non-empty string
// here; [NewSigner] wants at least [MinKeyLen] bytes.
func GenUserSig(sdkAppID uint64, key, identifier string, ttl time.Duration) (string, error) {
	return GenUserSigAt(sdkAppID, key, identifier, ttl, time.Now())
}

// GenUserSigAt is [GenUserSig] with the signing time given: the UserSig's
// TLS.time is now.Unix(). The result is a pure function of its arguments,
// which makes it the function to use for test vectors.
func GenUserSigAt(sdkAppID uint64, key, identifier string, ttl time.Duration, now time.Time) (string, error) {
	return genUserSig(sdkAppID, key, identifier, ttl, now, nil, false)
}

// GenUserSigWithUserBufAt is [GenUserSigAt] for the variant that carries
// an opaque user buffer (the vendor's genSig with userBuf, used by TRTC's
// PrivateMapKey). The document gains "TLS.userbuf" (userBuf in standard
// base64, present even when userBuf is empty) and the signed content gains
// the line "TLS.userbuf:" + that base64 text. The IM REST API does not use
// it.
func GenUserSigWithUserBufAt(sdkAppID uint64, key, identifier string, ttl time.Duration, userBuf []byte, now time.Time) (string, error) {
	return genUserSig(sdkAppID, key, identifier, ttl, now, userBuf, true)
}

func validateArgs(sdkAppID uint64, key, identifier string) error {
	switch {
	case sdkAppID == 0:
		return errors.New("auth: sdkAppID is 0")
	case key == "":
		return errors.New("auth: key is empty")
	}
	return CheckIdentifier(identifier)
}

// CheckIdentifier returns an error when identifier cannot be signed: when
// it is empty, not valid UTF-8, or holds a control character (U+0000 to
// U+001F, U+007F to U+009F). The signed content is a series of lines
// ("TLS.identifier:" + identifier + "\n" + "TLS.sdkappid:" ...), so a
// newline in an identifier could pass for another field's line; no
// account of the IM service has a control character in its name.
// [GenUserSig], [VerifyUserSig] and [NewSigner] refuse such identifiers
// with this error.
func CheckIdentifier(identifier string) error {
	if identifier == "" {
		return errors.New("auth: identifier is empty")
	}
	if !utf8.ValidString(identifier) {
		return errors.New("auth: identifier is not valid UTF-8")
	}
	for i, r := range identifier {
		if unicode.IsControl(r) {
			return fmt.Errorf("auth: identifier has the control character %U at byte %d", r, i)
		}
	}
	return nil
}

func ttlSeconds(ttl time.Duration) (int64, error) {
	if ttl <= 0 {
		return 0, fmt.Errorf("auth: ttl is %v, want at least 1s", ttl)
	}
	secs := int64(ttl / time.Second)
	if secs < 1 {
		return 0, fmt.Errorf("auth: ttl is %v, want at least 1s", ttl)
	}
	return secs, nil
}

func genUserSig(sdkAppID uint64, key, identifier string, ttl time.Duration, now time.Time, userBuf []byte, withUserBuf bool) (string, error) {
	if err := validateArgs(sdkAppID, key, identifier); err != nil {
		return "", err
	}
	expire, err := ttlSeconds(ttl)
	if err != nil {
		return "", err
	}
	t := now.Unix()
	if t > math.MaxInt64-expire {
		return "", errors.New("auth: now + ttl overflows")
	}

	var userBufB64 string
	if withUserBuf {
		userBufB64 = base64.StdEncoding.EncodeToString(userBuf)
	}

	g := genPool.Get().(*generator)
	defer g.release()

	// The signature: base64(HMAC-SHA256(key, content)).
	g.buf = appendContent(g.buf[:0], identifier, sdkAppID, t, expire, userBufB64, withUserBuf)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(g.buf)
	var sum [sha256.Size]byte
	sig := base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))

	// The document, field for field as the vendor's Node package writes it.
	g.buf = appendDoc(g.buf[:0], identifier, sdkAppID, t, expire, userBufB64, withUserBuf, sig)
	if len(g.buf) > maxDocLen {
		// VerifyUserSig would refuse it as malformed.
		return "", fmt.Errorf("auth: the UserSig document would be %d bytes, over the %d a UserSig may hold: the identifier or user buffer is too long", len(g.buf), maxDocLen)
	}

	// zlib at the default level (6), as Node's zlib.deflateSync.
	g.out.Reset()
	g.zw.Reset(&g.out)
	if _, err := g.zw.Write(g.buf); err != nil {
		return "", fmt.Errorf("auth: compress UserSig: %w", err)
	}
	if err := g.zw.Close(); err != nil {
		return "", fmt.Errorf("auth: compress UserSig: %w", err)
	}
	if n := sigEncoding.EncodedLen(g.out.Len()); n > maxUserSigLen {
		return "", fmt.Errorf("auth: the UserSig would be %d bytes, over the %d a UserSig may hold: the identifier or user buffer is too long", n, maxUserSigLen)
	}
	return sigEncoding.EncodeToString(g.out.Bytes()), nil
}

// generator holds the reusable buffers of one genUserSig call. A
// compress/flate writer allocates several hundred KiB, so it is pooled.
type generator struct {
	buf []byte
	out bytes.Buffer
	zw  *zlib.Writer
}

// release returns g to the pool, unless a huge identifier grew it.
func (g *generator) release() {
	if cap(g.buf) <= maxDocLen && g.out.Cap() <= maxDocLen {
		genPool.Put(g)
	}
}

var genPool = sync.Pool{New: func() any {
	g := &generator{buf: make([]byte, 0, 512)}
	g.zw, _ = zlib.NewWriterLevel(&g.out, zlib.DefaultCompression) // the level is valid: no error
	return g
}}

// appendContent appends the text that TLS.sig signs.
func appendContent(b []byte, identifier string, sdkAppID uint64, t, expire int64, userBufB64 string, withUserBuf bool) []byte {
	b = append(b, "TLS.identifier:"...)
	b = append(b, identifier...)
	b = append(b, "\nTLS.sdkappid:"...)
	b = strconv.AppendUint(b, sdkAppID, 10)
	b = append(b, "\nTLS.time:"...)
	b = strconv.AppendInt(b, t, 10)
	b = append(b, "\nTLS.expire:"...)
	b = strconv.AppendInt(b, expire, 10)
	b = append(b, '\n')
	if withUserBuf {
		b = append(b, "TLS.userbuf:"...)
		b = append(b, userBufB64...)
		b = append(b, '\n')
	}
	return b
}

// appendDoc appends the JSON document exactly as JSON.stringify writes the
// vendor's object: the same field order, no spaces, and JSON.stringify's
// string escaping (see appendJSString).
func appendDoc(b []byte, identifier string, sdkAppID uint64, t, expire int64, userBufB64 string, withUserBuf bool, sig string) []byte {
	b = append(b, `{"TLS.ver":"2.0","TLS.identifier":`...)
	b = appendJSString(b, identifier)
	b = append(b, `,"TLS.sdkappid":`...)
	b = strconv.AppendUint(b, sdkAppID, 10)
	b = append(b, `,"TLS.time":`...)
	b = strconv.AppendInt(b, t, 10)
	b = append(b, `,"TLS.expire":`...)
	b = strconv.AppendInt(b, expire, 10)
	if withUserBuf {
		b = append(b, `,"TLS.userbuf":`...)
		b = appendJSString(b, userBufB64)
	}
	b = append(b, `,"TLS.sig":`...)
	b = appendJSString(b, sig)
	return append(b, '}')
}

// appendJSString appends s (valid UTF-8) as a JSON string the way
// ECMAScript's JSON.stringify quotes it: '"' and '\\' escaped, \b \f \n \r
// \t for those controls, \u00xx (lower-case hex) for the other controls
// below U+0020, and every other character, including '<', '>', '&',
// U+2028 and U+2029, written as is. encoding/json escapes more, which
// would change the compressed bytes.
func appendJSString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// VerifyUserSig checks that userSig is a valid UserSig for identifier in
// the app sdkAppID, signed with key, at the time now, and returns what it
// asserts.
//
// The checks run in this order, each failing with the sentinel named:
// decode, inflate (at most 64 KiB) and parse the document ([ErrMalformed]);
// compare TLS.sdkappid ([ErrSDKAppIDMismatch]) and TLS.identifier
// ([ErrIdentifierMismatch]); check now <= TLS.time + TLS.expire, to the
// second ([ErrExpired]); recompute the HMAC-SHA256 over the signed content,
// including TLS.userbuf when present, and compare it with TLS.sig in
// constant time ([ErrBadSignature]). A UserSig issued in the future is not
// rejected. An empty key, a zero sdkAppID, or an identifier that
// [CheckIdentifier] refuses is a caller error that matches none of the
// sentinels (so a UserSig made elsewhere for an identifier with a control
// character never verifies).
//
// The document must have "TLS.ver":"2.0", and TLS.sdkappid, TLS.time and
// TLS.expire as JSON integers, as the vendor's packages write them (a
// number inside a string is rejected). Field names are matched exactly,
// duplicates are rejected and unknown fields ignored. On error the
// returned Claims is the zero value.
func VerifyUserSig(userSig string, sdkAppID uint64, key, identifier string, now time.Time) (Claims, error) {
	if err := validateArgs(sdkAppID, key, identifier); err != nil {
		return Claims{}, err
	}
	d, err := decodeUserSig(userSig)
	if err != nil {
		return Claims{}, err
	}
	if d.sdkAppID != sdkAppID {
		return Claims{}, fmt.Errorf("%w: issued for SDKAppID %d, want %d", ErrSDKAppIDMismatch, d.sdkAppID, sdkAppID)
	}
	if d.identifier != identifier {
		return Claims{}, fmt.Errorf("%w: issued for %s, want %s", ErrIdentifierMismatch, quoteShort(d.identifier), quoteShort(identifier))
	}
	// decodeUserSig guarantees that d.time + d.expire does not overflow.
	if end := d.time + d.expire; now.Unix() > end {
		return Claims{}, fmt.Errorf("%w: expired at %s, now %s", ErrExpired,
			time.Unix(end, 0).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}

	content := appendContent(make([]byte, 0, 128+len(d.identifier)+len(d.userBufB64)),
		d.identifier, d.sdkAppID, d.time, d.expire, d.userBufB64, d.hasUserBuf)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(content)
	var sum [sha256.Size]byte
	if !hmac.Equal(mac.Sum(sum[:0]), d.sig) {
		return Claims{}, ErrBadSignature
	}

	c := Claims{
		Identifier: d.identifier,
		SDKAppID:   d.sdkAppID,
		IssuedAt:   time.Unix(d.time, 0).UTC(),
		TTL:        time.Duration(d.expire) * time.Second,
	}
	if d.hasUserBuf {
		c.UserBuf = d.userBuf
	}
	return c, nil
}

// quoteShort quotes s for an error message, cut to 64 bytes: a mismatching
// identifier comes from the untrusted UserSig and may be long.
func quoteShort(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:max]) + "..."
}

// sigDoc is a decoded TLS sig v2 document.
type sigDoc struct {
	identifier string
	sdkAppID   uint64
	time       int64
	expire     int64
	hasUserBuf bool
	userBufB64 string // as signed
	userBuf    []byte // decoded
	sig        []byte // decoded TLS.sig
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

var inflaterPool sync.Pool // of io.ReadCloser that implement zlib.Resetter

func inflate(compressed []byte) ([]byte, error) {
	src := bytes.NewReader(compressed)
	var zr io.ReadCloser
	if v := inflaterPool.Get(); v != nil {
		zr = v.(io.ReadCloser)
		if err := zr.(zlib.Resetter).Reset(src, nil); err != nil {
			inflaterPool.Put(zr)
			return nil, malformed("not zlib data")
		}
	} else {
		var err error
		if zr, err = zlib.NewReader(src); err != nil {
			return nil, malformed("not zlib data")
		}
	}
	defer inflaterPool.Put(zr)

	doc, err := io.ReadAll(io.LimitReader(zr, maxDocLen+1))
	if err != nil {
		return nil, malformed("corrupt zlib data")
	}
	if len(doc) > maxDocLen {
		return nil, malformed("document larger than %d bytes", maxDocLen)
	}
	// flate reads a bytes.Reader byte by byte, without buffering ahead, so
	// what is left is what follows the zlib stream.
	if src.Len() != 0 {
		return nil, malformed("data after the zlib stream")
	}
	return doc, nil
}

func decodeUserSig(userSig string) (sigDoc, error) {
	if userSig == "" {
		return sigDoc{}, malformed("empty")
	}
	if len(userSig) > maxUserSigLen {
		return sigDoc{}, malformed("longer than %d bytes", maxUserSigLen)
	}
	enc := sigEncoding
	if len(userSig)%4 != 0 {
		enc = sigEncodingRaw // tolerate a UserSig whose padding was cut
	}
	compressed, err := enc.DecodeString(userSig)
	if err != nil {
		return sigDoc{}, malformed("not in the UserSig base64 alphabet")
	}
	doc, err := inflate(compressed)
	if err != nil {
		return sigDoc{}, err
	}
	return parseDoc(doc)
}

// Field bits for parseDoc's bookkeeping.
const (
	fVer = 1 << iota
	fIdentifier
	fSDKAppID
	fTime
	fExpire
	fUserBuf
	fSig
	fRequired = fVer | fIdentifier | fSDKAppID | fTime | fExpire | fSig
)

// fields lists the document's known fields in the vendor's order.
var fields = []struct {
	name string
	bit  int
}{
	{"TLS.ver", fVer},
	{"TLS.identifier", fIdentifier},
	{"TLS.sdkappid", fSDKAppID},
	{"TLS.time", fTime},
	{"TLS.expire", fExpire},
	{"TLS.userbuf", fUserBuf},
	{"TLS.sig", fSig},
}

func fieldBit(name string) int {
	for _, f := range fields {
		if f.name == name {
			return f.bit
		}
	}
	return 0
}

// parseDoc parses the inflated document strictly: one JSON object, exact
// field names, no duplicate known fields, integers as JSON numbers.
// encoding/json's struct decoding would match names case-insensitively,
// keep the last duplicate and accept numbers in strings, so it is not used.
func parseDoc(doc []byte) (sigDoc, error) {
	var d sigDoc
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return d, malformed("document is not a JSON object")
	}
	seen := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return d, malformed("document is not valid JSON")
		}
		name, _ := tok.(string) // dec.Token only returns a string here
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return d, malformed("document is not valid JSON")
		}
		bit := fieldBit(name)
		if bit == 0 {
			continue // unknown fields are ignored
		}
		if seen&bit != 0 {
			return d, malformed("duplicate field %s", name)
		}
		seen |= bit
		switch bit {
		case fVer:
			var v string
			if err := jsonString(raw, &v); err != nil || v != "2.0" {
				return d, malformed(`TLS.ver is not "2.0"`)
			}
		case fIdentifier:
			if err := jsonString(raw, &d.identifier); err != nil {
				return d, malformed("TLS.identifier is not a string")
			}
		case fSDKAppID:
			if d.sdkAppID, err = strconv.ParseUint(string(raw), 10, 64); err != nil {
				return d, malformed("TLS.sdkappid is not an unsigned integer")
			}
		case fTime:
			if d.time, err = strconv.ParseInt(string(raw), 10, 64); err != nil {
				return d, malformed("TLS.time is not an integer")
			}
		case fExpire:
			if d.expire, err = strconv.ParseInt(string(raw), 10, 64); err != nil || d.expire < 0 || d.expire > maxExpire {
				return d, malformed("TLS.expire is not an integer in [0, %d]", maxExpire)
			}
		case fUserBuf:
			if err := jsonString(raw, &d.userBufB64); err != nil {
				return d, malformed("TLS.userbuf is not a string")
			}
			if d.userBuf, err = base64.StdEncoding.DecodeString(d.userBufB64); err != nil {
				return d, malformed("TLS.userbuf is not base64")
			}
			d.hasUserBuf = true
		case fSig:
			var s string
			if err := jsonString(raw, &s); err != nil {
				return d, malformed("TLS.sig is not a string")
			}
			if d.sig, err = base64.StdEncoding.Strict().DecodeString(s); err != nil {
				return d, malformed("TLS.sig is not base64")
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return d, malformed("document is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return d, malformed("data after the JSON document")
	}
	if missing := fRequired &^ seen; missing != 0 {
		for _, f := range fields {
			if missing&f.bit != 0 {
				return d, malformed("field %s missing", f.name)
			}
		}
	}
	if d.time > math.MaxInt64-d.expire {
		return d, malformed("TLS.time + TLS.expire overflows")
	}
	if d.userBuf == nil && d.hasUserBuf {
		d.userBuf = []byte{}
	}
	return d, nil
}

// jsonString decodes raw, which must be a JSON string, into s.
func jsonString(raw json.RawMessage, s *string) error {
	if len(raw) == 0 || raw[0] != '"' {
		return errors.New("not a string")
	}
	return json.Unmarshal(raw, s)
}
