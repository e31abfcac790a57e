// Package redact keeps secrets out of error strings and logs. A request to
// the IM REST API carries the admin's UserSig in its URL query, and Go's
// http.Client reports transport failures as a *url.Error holding that full
// URL; URL and Error remove the query before such an error is printed.
package redact

import (
	"errors"
	"net/url"
	"strings"
)

// URL returns rawURL without its query and fragment, with "?[REDACTED]"
// where a query was, so a UserSig (or anything else in the query) is never
// shown. A string that does not parse as a URL is cut at its first '?'.
func URL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		if i := strings.IndexByte(rawURL, '?'); i >= 0 {
			return rawURL[:i] + "?[REDACTED]"
		}
		return rawURL
	}
	hadQuery := u.RawQuery != "" || u.ForceQuery
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	u.User = nil
	if hadQuery {
		return u.String() + "?[REDACTED]"
	}
	return u.String()
}

// Error returns err with the URL of the *url.Error in its chain redacted
// by URL. The original is not modified. The result unwraps to the
// redacted *url.Error and from there to its cause, so errors.Is (for
// example context.Canceled) and errors.As(*url.Error) keep working; error
// types wrapped around the *url.Error are flattened into the message, so
// that nothing reachable through the result holds the secret. A nil err
// gives nil.
func Error(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if ue.URL == URL(ue.URL) {
		return err
	}
	clean := &url.Error{Op: ue.Op, URL: URL(ue.URL), Err: Error(ue.Err)}
	if err == error(ue) {
		return clean
	}
	// The *url.Error is wrapped: keep the outer text, minus the secret.
	return &wrapped{msg: strings.ReplaceAll(err.Error(), ue.Error(), clean.Error()), clean: clean}
}

// wrapped is an error chain whose text had a *url.Error redacted.
type wrapped struct {
	msg   string
	clean *url.Error
}

func (w *wrapped) Error() string { return w.msg }

func (w *wrapped) Unwrap() error { return w.clean }
