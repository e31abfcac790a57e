package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const sig = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NSS1KLUpNTwYoMjMwsDAz0zNS0AEXNCaA_"

func TestURL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://adminapisgp.im.qcloud.com/v4/sns/friend_import?sdkappid=1&usersig=" + sig: "https://adminapisgp.im.qcloud.com/v4/sns/friend_import?[REDACTED]",
		"http://127.0.0.1:8080/v4/sns/group_get":                                           "http://127.0.0.1:8080/v4/sns/group_get",
		"https://user:pw@host/p?x=1#frag":                                                  "https://host/p?[REDACTED]",
		"::not a url?usersig=" + sig:                                                       "::not a url?[REDACTED]",
	}
	for in, want := range cases {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestError(t *testing.T) {
	t.Parallel()
	raw := "http://127.0.0.1:1/v4/sns/group_get?identifier=admin&usersig=" + url.QueryEscape(sig)
	base := &url.Error{Op: "Post", URL: raw, Err: context.Canceled}
	for _, err := range []error{base, fmt.Errorf("group_get: %w", base), fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", base))} {
		got := Error(err)
		if strings.Contains(got.Error(), "usersig") || strings.Contains(got.Error(), url.QueryEscape(sig)) {
			t.Errorf("redacted error still has the query: %v", got)
		}
		if !strings.Contains(got.Error(), "/v4/sns/group_get") || !strings.Contains(got.Error(), "context canceled") {
			t.Errorf("redacted error lost the path or the cause: %v", got)
		}
		if !errors.Is(got, context.Canceled) {
			t.Errorf("errors.Is(context.Canceled) fails on %v", got)
		}
		var ue *url.Error
		if !errors.As(got, &ue) || strings.Contains(ue.URL, "usersig") {
			t.Errorf("errors.As finds %v", ue)
		}
		if strings.Contains(base.URL, "REDACTED") {
			t.Fatal("Error modified the original")
		}
	}
	plain := errors.New("no url here")
	if Error(plain) != plain || Error(nil) != nil {
		t.Error("errors without a *url.Error must come back unchanged")
	}
}
