package timrest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/gen"
)

var errNetwork = errors.New("connection reset by peer")

// script answers the n-th attempt with steps[n] (the last one repeats).
func script(steps ...func() (*http.Response, error)) func(r *recorded) (*http.Response, error) {
	return func(r *recorded) (*http.Response, error) {
		return steps[min(r.N, len(steps)-1)]()
	}
}

func fail(code int) func() (*http.Response, error) {
	return func() (*http.Response, error) { return failAnswer(code, "injected"), nil }
}

func status(s int) func() (*http.Response, error) {
	return func() (*http.Response, error) { return httpAnswer(s, "<html>bad gateway</html>"), nil }
}

func netErr() (*http.Response, error) { return nil, errNetwork }

func ok(body string) func() (*http.Response, error) {
	return func() (*http.Response, error) { return answer(body), nil }
}

const friendListsOK = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"GroupName":"work","FriendNumber":2}],"CurrentSequence":7}`

func getLists(c *timrest.Client) error {
	_, err := c.Friends.Lists(context.Background(), gen.GetFriendListsRequest{FromAccount: "alice"})
	return err
}

// TestRetryClasses: each kind of failure is retried (or not) as the
// document advises, with the backoff of its kind, and the final outcome is
// what the caller sees.
func TestRetryClasses(t *testing.T) {
	t.Parallel()
	policy := timrest.RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: 250 * time.Millisecond,
		RateLimitedBaseDelay: time.Second, RateLimitedMaxDelay: 3 * time.Second}
	tests := []struct {
		name      string
		steps     []func() (*http.Response, error)
		attempts  int
		wantErr   error // a sentinel the error must match, nil for success
		slow      bool  // backoffs are the rate-limited kind
		wantSleep int
	}{
		{"ok at once", []func() (*http.Response, error){ok(friendListsOK)}, 1, nil, false, 0},
		{"30006 internal error, then ok", []func() (*http.Response, error){fail(30006), fail(30007), ok(friendListsOK)}, 3, nil, false, 2},
		{"network error, then ok", []func() (*http.Response, error){netErr, ok(friendListsOK)}, 2, nil, false, 1},
		{"HTTP 502, then ok", []func() (*http.Response, error){status(502), ok(friendListsOK)}, 2, nil, false, 1},
		{"70500 public transient, then ok", []func() (*http.Response, error){fail(70500), ok(friendListsOK)}, 2, nil, false, 1},
		{"60007 rate limited, then ok", []func() (*http.Response, error){fail(60007), fail(60011), ok(friendListsOK)}, 3, nil, true, 2},
		{"HTTP 429, then ok", []func() (*http.Response, error){status(429), ok(friendListsOK)}, 2, nil, true, 1},
		{"30006 until attempts run out", []func() (*http.Response, error){fail(30006)}, 4, timrest.ErrTransient, false, 3},
		{"HTTP 503 until attempts run out", []func() (*http.Response, error){status(503)}, 4, timrest.ErrTransient, false, 3},
		{"60007 until attempts run out", []func() (*http.Response, error){fail(60007)}, 4, timrest.ErrRateLimited, true, 3},
		{"30001 bad request: no retry", []func() (*http.Response, error){fail(30001)}, 1, timrest.ErrBadRequest, false, 0},
		{"30004 not an admin: no retry", []func() (*http.Response, error){fail(30004)}, 1, timrest.ErrPermission, false, 0},
		{"70009 wrong key: no retry", []func() (*http.Response, error){fail(70009)}, 1, timrest.ErrUserSig, false, 0},
		{"60026 wrong data center: no retry", []func() (*http.Response, error){fail(60026)}, 1, timrest.ErrConfig, false, 0},
		{"HTTP 404: no retry", []func() (*http.Response, error){status(404)}, 1, nil, false, 0},
		{"undocumented code: no retry", []func() (*http.Response, error){fail(91234)}, 1, nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt := newFakeRT(t, script(tt.steps...))
			c, s := newClient(t, rt, timrest.WithRetry(policy))
			err := getLists(c)
			if got := len(rt.requests()); got != tt.attempts {
				t.Errorf("attempts = %d, want %d", got, tt.attempts)
			}
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("err = %v, want one matching %v", err, tt.wantErr)
			case tt.wantErr == nil && tt.name != "HTTP 404: no retry" && tt.name != "undocumented code: no retry" && err != nil:
				t.Errorf("err = %v, want nil", err)
			}
			delays := s.all()
			if len(delays) != tt.wantSleep {
				t.Fatalf("slept %d times (%v), want %d", len(delays), delays, tt.wantSleep)
			}
			for i, d := range delays {
				retry := i + 1
				if tt.slow {
					cap := min(policy.RateLimitedBaseDelay<<(retry-1), policy.RateLimitedMaxDelay)
					if d < cap/2 || d > cap {
						t.Errorf("rate-limited backoff %d = %v, want in [%v, %v]", retry, d, cap/2, cap)
					}
				} else {
					cap := min(policy.BaseDelay<<(retry-1), policy.MaxDelay)
					if d < 0 || d > cap {
						t.Errorf("backoff %d = %v, want in [0, %v]", retry, d, cap)
					}
				}
			}
		})
	}
}

// TestRetryErrorsAreTyped: the error after retries ran out is an *Error
// with the operation, the code and the service's text, Retryable.
func TestRetryErrorsAreTyped(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(*recorded) (*http.Response, error) {
		return answer(`{"ActionStatus":"FAIL","ErrorCode":30006,"ErrorInfo":"Err_SNS_Internal","ErrorDisplay":"busy"}`), nil
	})
	c, _ := newClient(t, rt)
	err := getLists(c)
	var e *timrest.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want an *Error", err, err)
	}
	want := &timrest.Error{Op: "GetFriendLists", Code: 30006, Info: "Err_SNS_Internal", Display: "busy"}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if !e.Retryable() || e.Class() != "transient" || !errors.Is(err, timrest.ErrRetryable) {
		t.Errorf("Retryable %v, Class %q: want a retryable transient error", e.Retryable(), e.Class())
	}
	if got, want := e.Error(), "timrest: GetFriendLists: error 30006 (Internal server error; retry): Err_SNS_Internal"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := len(rt.requests()); got != timrest.DefaultRetryPolicy.MaxAttempts {
		t.Errorf("attempts = %d, want the default %d", got, timrest.DefaultRetryPolicy.MaxAttempts)
	}
}

// TestEveryAttemptSignedAfresh: each attempt carries a new random and a
// UserSig that verifies; signing happens below the retry loop.
func TestEveryAttemptSignedAfresh(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, script(fail(30006), netErr, status(502), ok(friendListsOK)))
	c, _ := newClient(t, rt)
	if err := getLists(c); err != nil {
		t.Fatal(err)
	}
	reqs := rt.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d attempts, want 4", len(reqs))
	}
	randoms := map[string]bool{}
	for _, r := range reqs {
		q := r.Req.URL.Query()
		randoms[q.Get("random")] = true
		if _, err := auth.VerifyUserSig(q.Get("usersig"), testAppID, testKey, testAdmin, time.Now()); err != nil {
			t.Errorf("attempt %d: UserSig does not verify: %v", r.N, err)
		}
		if q.Get("identifier") != testAdmin || q.Get("sdkappid") != "1400000001" || q.Get("contenttype") != "json" {
			t.Errorf("attempt %d: query %v", r.N, q)
		}
	}
	if len(randoms) != len(reqs) {
		t.Errorf("%d distinct randoms over %d attempts: want one per attempt", len(randoms), len(reqs))
	}
}

// TestUserSigRenewedAfter70001: an expired UserSig is renewed and the call
// retried once, at once; a second 70001 is returned.
func TestUserSigRenewedAfter70001(t *testing.T) {
	t.Parallel()
	t.Run("renewed", func(t *testing.T) {
		t.Parallel()
		clock := &fakeClock{}
		rt := newFakeRT(t, script(fail(70001), ok(friendListsOK)))
		c, s := newClient(t, rt, timrest.WithSignerOptions(auth.WithClock(clock.now)))
		if err := getLists(c); err != nil {
			t.Fatal(err)
		}
		reqs := rt.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d attempts, want 2", len(reqs))
		}
		first, second := reqs[0].Req.URL.Query().Get("usersig"), reqs[1].Req.URL.Query().Get("usersig")
		if first == second {
			t.Fatal("the retry after 70001 carried the same UserSig")
		}
		c1, err1 := auth.VerifyUserSig(first, testAppID, testKey, testAdmin, clock.now())
		c2, err2 := auth.VerifyUserSig(second, testAppID, testKey, testAdmin, clock.now())
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !c2.IssuedAt.After(c1.IssuedAt) {
			t.Errorf("renewed UserSig issued at %v, not after the first (%v)", c2.IssuedAt, c1.IssuedAt)
		}
		if d := s.all(); len(d) != 0 {
			t.Errorf("slept %v before retrying with a renewed UserSig, want no wait", d)
		}
	})
	t.Run("once only", func(t *testing.T) {
		t.Parallel()
		rt := newFakeRT(t, script(fail(70001)))
		c, _ := newClient(t, rt)
		err := getLists(c)
		if !errors.Is(err, timrest.ErrUserSig) {
			t.Errorf("err = %v, want ErrUserSig", err)
		}
		if got := len(rt.requests()); got != 2 {
			t.Errorf("%d attempts, want 2 (one renewal)", got)
		}
	})
}

// TestRetryStopsWhenContextEnds: a context that ends during a backoff
// stops the call at once with the context's error.
func TestRetryStopsWhenContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	rt := newFakeRT(t, script(fail(30006)))
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: testBase},
		timrest.WithHTTPClient(&http.Client{Transport: rt}), timrest.WithoutRateLimit(),
		timrest.WithSleeper(func(ctx context.Context, d time.Duration) error {
			cancel() // the caller gives up while the client waits
			<-ctx.Done()
			return ctx.Err()
		}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := len(rt.requests()); got != 1 {
		t.Errorf("%d attempts, want 1", got)
	}
}

// TestAttemptTimeout: an attempt that takes longer than the per-attempt
// timeout is abandoned and retried.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		if r.N == 0 {
			<-r.Ctx.Done() // hang until the attempt's deadline
			return nil, r.Ctx.Err()
		}
		return answer(friendListsOK), nil
	})
	c, _ := newClient(t, rt, timrest.WithAttemptTimeout(20*time.Millisecond))
	if err := getLists(c); err != nil {
		t.Fatal(err)
	}
	if got := len(rt.requests()); got != 2 {
		t.Errorf("%d attempts, want 2", got)
	}
}

// TestAPIIsRetriedAndSigned: the generated client from API() goes through
// the same signing and retry loop.
func TestAPIIsRetriedAndSigned(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, script(fail(10002), ok(`{"ActionStatus":"OK","ErrorCode":0,"GroupIdList":[{"GroupId":"@TGS#1"}],"Next":0,"TotalCount":1}`)))
	c, _ := newClient(t, rt)
	resp, err := c.API().ListGroupIDsWithResponse(context.Background(), gen.ListGroupIDsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || len(resp.JSON200.GroupIDList) != 1 {
		t.Fatalf("answer %s", resp.Body)
	}
	reqs := rt.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d attempts, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Req.URL.Query().Get("usersig") == "" {
			t.Errorf("attempt %d is not signed", r.N)
		}
	}
}

// TestNetworkErrorAfterRetries: when every attempt fails on the network,
// the error is the (redacted) *url.Error of the last attempt.
func TestNetworkErrorAfterRetries(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, script(netErr))
	c, _ := newClient(t, rt, timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 2}))
	err := getLists(c)
	var ue *url.Error
	if !errors.As(err, &ue) || !errors.Is(err, errNetwork) {
		t.Fatalf("err = %v, want a *url.Error wrapping the network error", err)
	}
	if got := len(rt.requests()); got != 2 {
		t.Errorf("%d attempts, want 2", got)
	}
}
