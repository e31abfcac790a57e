package timrest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
)

// countingServer is an httptest server that counts the requests it gets
// and answers each with friendListsOK.
func countingServer(t *testing.T, tls bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, friendListsOK)
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv, &n
}

// redirector answers every request with status, to target's URL with the
// request's path and query (as an http → https redirect does, so the
// target would receive the usersig).
func redirector(t *testing.T, status int, target string, tls bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Redirect(w, r, target+r.URL.Path+"?"+r.URL.RawQuery, status)
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestRedirectsNotFollowed: whatever *http.Client the caller gives (none,
// a plain one, one whose CheckRedirect follows everything), a 3xx answer
// is not followed: the target gets nothing (not the usersig in the
// query), the call fails at once with an *Error holding the HTTP status,
// and the caller's client is left as it was.
func TestRedirectsNotFollowed(t *testing.T) {
	t.Parallel()
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, client := range []string{"default", "plain", "follows"} {
			t.Run(fmt.Sprintf("%d/%s", status, client), func(t *testing.T) {
				t.Parallel()
				target, got := countingServer(t, false)
				from, asked := redirector(t, status, target.URL, false)
				var callerChecks atomic.Int64
				var opts []timrest.Option
				var hc *http.Client
				switch client {
				case "plain":
					hc = &http.Client{}
				case "follows":
					hc = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
						callerChecks.Add(1)
						return nil
					}}
				}
				if hc != nil {
					opts = append(opts, timrest.WithHTTPClient(hc))
				}
				c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: from.URL},
					append(opts, timrest.WithoutRateLimit(), timrest.WithSleeper((&sleeps{}).sleep))...)
				if err != nil {
					t.Fatal(err)
				}
				defer c.CloseIdleConnections()
				err = getLists(c)
				var e *timrest.Error
				if !errors.As(err, &e) || e.HTTPStatus != status || e.Retryable() {
					t.Fatalf("err = %v, want an *Error with HTTP %d, not retryable", err, status)
				}
				if !strings.Contains(err.Error(), "redirect not followed") || strings.Contains(err.Error(), "usersig") || !strings.Contains(err.Error(), target.URL) {
					t.Errorf("err = %v, want it to say the redirect (to %s, without the query) was not followed", err, target.URL)
				}
				if n := got.Load(); n != 0 {
					t.Errorf("the redirect target received %d requests", n)
				}
				if n := asked.Load(); n != 1 {
					t.Errorf("%d attempts, want 1 (a redirect is not retried)", n)
				}

				// Through the generated client: the 3xx answer as it is.
				resp, err := c.API().GetFriendListsWithResponse(context.Background(), gen.GetFriendListsRequest{FromAccount: "alice"})
				if err != nil || resp.StatusCode() != status {
					t.Errorf("API(): %v, status %v; want the %d answer", err, resp, status)
				}
				if n := got.Load(); n != 0 {
					t.Errorf("the redirect target received %d requests through API()", n)
				}

				if client == "follows" {
					if n := callerChecks.Load(); n != 0 {
						t.Errorf("the caller's CheckRedirect was called %d times", n)
					}
					// The caller's own client still follows redirects.
					r, err := hc.Get(from.URL + "/x")
					if err != nil {
						t.Fatal(err)
					}
					r.Body.Close()
					if callerChecks.Load() != 1 || got.Load() != 1 {
						t.Errorf("the caller's client was changed: CheckRedirect called %d times, target got %d", callerChecks.Load(), got.Load())
					}
				}
			})
		}
	}
}

// TestRedirectToPlainHTTP: an https base URL whose answer redirects to a
// plain-http host: the http host gets nothing, even with the caller's
// client that follows redirects.
func TestRedirectToPlainHTTP(t *testing.T) {
	t.Parallel()
	target, got := countingServer(t, false)
	from, _ := redirector(t, http.StatusFound, target.URL, true)
	hc := from.Client() // trusts the test certificate, follows redirects
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: from.URL},
		timrest.WithHTTPClient(hc), timrest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	var e *timrest.Error
	if err := getLists(c); !errors.As(err, &e) || e.HTTPStatus != http.StatusFound {
		t.Errorf("err = %v, want an *Error with HTTP 302", err)
	}
	if n := got.Load(); n != 0 {
		t.Errorf("the plain-http target received %d requests", n)
	}
}
