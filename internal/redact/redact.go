// Package redact keeps secrets out of error strings and logs. A request to
// the IM REST API carries the admin's UserSig in its URL query, and Go's
// http.Client reports transport failures as a *url.Error holding that full
// URL; texts the service sends back could echo a secret too. URL, Text
// and Error remove them before anything is printed. The timrest client,
// the command-line tool and the emulator's test helpers all use it.
package redact

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret removed.
const Redacted = "REDACTED"

// secretParams are the query parameters whose values are never shown.
var secretParams = []string{"usersig"}

// MinSecret is the shortest secret Text replaces: a shorter "secret" (a
// test's key) would mangle ordinary words, and no real key or UserSig is
// that short. timrest.New and auth.NewSigner refuse keys shorter than
// auth.MinKeyLen (16 bytes), so every key they accept is replaced.
const MinSecret = 8

// URL returns u (a URL in text) with the values of the secret query
// parameters (usersig, in any case, raw or escaped name) replaced by
// REDACTED. Other parameters stay: sdkappid, identifier and random help
// to trace a call.
func URL(u string) string {
	base, query, ok := strings.Cut(u, "?")
	if !ok {
		return u
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteByte('?')
	for i, kv := range strings.Split(query, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, _, hasValue := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		secret := false
		for _, p := range secretParams {
			if strings.EqualFold(name, p) {
				secret = true
			}
		}
		if secret && hasValue {
			b.WriteString(k)
			b.WriteString("=" + Redacted)
			continue
		}
		b.WriteString(kv)
	}
	return b.String()
}

// usersigParam matches a usersig query parameter in any text (the UserSig
// alphabet, raw or query-escaped).
var usersigParam = regexp.MustCompile(`(?i)(usersig=)[A-Za-z0-9*_.~%+/=-]+`)

// Text removes secrets from s (an error text, a log line, or a text the
// service sent such as ErrorInfo): the value of any usersig= parameter,
// and each of secrets (at least MinSecret bytes long), as is or
// query-escaped.
func Text(s string, secrets ...string) string {
	if strings.Contains(strings.ToLower(s), "usersig=") {
		s = usersigParam.ReplaceAllString(s, "${1}"+Redacted)
	}
	for _, sec := range secrets {
		if len(sec) < MinSecret {
			continue
		}
		s = strings.ReplaceAll(s, sec, Redacted)
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, Redacted)
		}
	}
	return s
}

// Error returns err with its secrets removed from its text: the URL of a
// *url.Error anywhere in its chain is redacted by URL, and secrets are
// removed by Text. The original is not modified; a nil err gives nil and
// an err with nothing to remove is returned as is.
//
// The result matches the same errors with errors.Is (for example
// context.Canceled), and errors.As(*url.Error) finds the redacted copy.
// When the *url.Error is wrapped inside other errors, those wrappers are
// flattened into the message so that nothing reachable through the result
// still holds the secret.
func Error(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		if msg := Text(err.Error(), secrets...); msg != err.Error() {
			return &scrubbed{msg: msg, err: err}
		}
		return err
	}
	inner := ue.Err
	if inner != nil {
		if msg := Text(inner.Error(), secrets...); msg != inner.Error() {
			inner = &scrubbed{msg: msg, err: inner}
		}
	}
	clean := &url.Error{Op: ue.Op, URL: Text(URL(ue.URL), secrets...), Err: inner}
	if err == error(ue) {
		return clean
	}
	msg := Text(strings.ReplaceAll(err.Error(), ue.Error(), clean.Error()), secrets...)
	return &scrubbed{msg: msg, err: clean}
}

// scrubbed is an error whose text had secrets removed. It unwraps to an
// error that holds no secret in its own text (the cause of a *url.Error,
// or the redacted *url.Error).
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
