package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const sig = "eJwsylELgjAUBeD*cp9DNtPMQU8iUgRR2ahHYbe4mja2pUb03wPneTvfOV8o9-egRwMCwoDBYuqksHN0p4k_"

func TestURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://h/v4/x?a=1&usersig=eJw*ab-c_&random=5":  "https://h/v4/x?a=1&usersig=REDACTED&random=5",
		"https://h/v4/x?UserSig=abc":                     "https://h/v4/x?UserSig=REDACTED",
		"https://h/v4/x?user%73ig=abc&b":                 "https://h/v4/x?user%73ig=REDACTED&b",
		"https://h/v4/x":                                 "https://h/v4/x",
		"https://h/v4/x?usersig":                         "https://h/v4/x?usersig",
		"https://h/v4/x?identifier=admin&sdkappid=14000": "https://h/v4/x?identifier=admin&sdkappid=14000",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Post \"https://h?usersig=eJw%2Aab\": EOF":      "Post \"https://h?usersig=REDACTED\": EOF",
		"usersig " + sig + " is invalid":                "usersig REDACTED is invalid",
		"escaped " + url.QueryEscape(sig):               "escaped REDACTED",
		"escaped: eJwsylELgjAUBeD%2Acp9DNtPMQU8iUgRR2a": "escaped: eJwsylELgjAUBeD%2Acp9DNtPMQU8iUgRR2a", // a prefix only: not the secret
		"a short key abc stays":                         "a short key abc stays",
	} {
		if got := Text(in, sig, "abc"); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestError(t *testing.T) {
	t.Parallel()
	raw := "http://127.0.0.1:1/v4/sns/group_get?identifier=admin&usersig=" + url.QueryEscape(sig)
	base := &url.Error{Op: "Post", URL: raw, Err: context.Canceled}
	for _, err := range []error{base, fmt.Errorf("group_get: %w", base), fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", base))} {
		got := Error(err)
		if strings.Contains(got.Error(), url.QueryEscape(sig)) || !strings.Contains(got.Error(), "usersig=REDACTED") {
			t.Errorf("redacted error still has the UserSig: %v", got)
		}
		if !strings.Contains(got.Error(), "/v4/sns/group_get") || !strings.Contains(got.Error(), "context canceled") {
			t.Errorf("redacted error lost the path or the cause: %v", got)
		}
		if !errors.Is(got, context.Canceled) {
			t.Errorf("errors.Is(context.Canceled) fails on %v", got)
		}
		var ue *url.Error
		if !errors.As(got, &ue) || strings.Contains(ue.URL, url.QueryEscape(sig)) {
			t.Errorf("errors.As finds %v", ue)
		}
		if !strings.Contains(base.URL, url.QueryEscape(sig)) {
			t.Fatal("Error modified the original")
		}
	}
	// A secret inside the cause's text, and in a plain error.
	leaky := &url.Error{Op: "Post", URL: "https://h/x", Err: errors.New("bad key " + sig)}
	if got := Error(leaky, sig); strings.Contains(got.Error(), sig) {
		t.Errorf("secret in the cause survived: %v", got)
	}
	if got := Error(errors.New("key "+sig), sig); strings.Contains(got.Error(), sig) {
		t.Errorf("secret in a plain error survived: %v", got)
	}
	plain := errors.New("no url here")
	if Error(plain) != plain || Error(nil) != nil {
		t.Error("errors without secrets must come back unchanged")
	}
}
