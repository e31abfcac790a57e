package timrest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/redact"
)

// TestSecretsNeverInErrorsOrLogs: a *url.Error from net/http carries the
// whole URL; the client redacts the UserSig from it, from its log lines,
// and from an ErrorInfo that echoes it. The key never appears either.
func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	var sent []string // the UserSigs sent
	var mu sync.Mutex
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		sig := r.Req.URL.Query().Get("usersig")
		mu.Lock()
		sent = append(sent, sig)
		mu.Unlock()
		if r.N < 3 {
			return nil, errors.New("dial tcp: lookup " + r.Req.URL.String() + ": no such host")
		}
		// An answer that echoes the UserSig and the request URL.
		return failAnswer(70003, "usersig "+sig+" invalid for "+r.Req.URL.String()), nil
	})
	logs := &emulatortest.LogBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newClient(t, rt, timrest.WithLogger(logger), timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 3}))

	// Network errors until the attempts run out.
	err1 := getLists(c)
	var ue *url.Error
	if !errors.As(err1, &ue) {
		t.Fatalf("err = %v, want a *url.Error", err1)
	}
	if !strings.Contains(ue.URL, "usersig=REDACTED") {
		t.Errorf("the *url.Error's URL %q is not redacted", ue.URL)
	}
	// An ErrorInfo that echoes the UserSig.
	err2 := getLists(c)
	if !errors.Is(err2, timrest.ErrUserSig) {
		t.Fatalf("err = %v, want ErrUserSig", err2)
	}

	t.Logf("network error: %v\nservice error: %v", err1, err2)
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 4 {
		t.Fatalf("%d requests, want 4", len(sent))
	}
	texts := map[string]string{"network error": err1.Error(), "inner error": ue.Err.Error(), "service error": err2.Error(), "logs": logs.String()}
	for what, text := range texts {
		if strings.Contains(text, testKey) {
			t.Errorf("%s contains the secret key: %s", what, text)
		}
		for _, sig := range sent {
			if strings.Contains(text, sig) || strings.Contains(text, url.QueryEscape(sig)) {
				t.Errorf("%s contains a UserSig: %s", what, text)
			}
		}
	}
	if n := strings.Count(logs.String(), "timrest: attempt"); n != 4 {
		t.Errorf("%d log lines, want one per attempt (4):\n%s", n, logs)
	}
	for _, want := range []string{`"op":"GetFriendLists"`, `"attempt":3`, `"code":70003`, `"duration":`, `"next":"backoff"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

// TestResponseSizeCap: an answer over the cap fails with
// ErrResponseTooLarge, whether or not its length is announced, and is not
// retried.
func TestResponseSizeCap(t *testing.T) {
	t.Parallel()
	const limit = 1024
	big := `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"` + strings.Repeat("x", limit) + `"}`
	for _, announced := range []bool{true, false} {
		rt := newFakeRT(t, func(*recorded) (*http.Response, error) {
			resp := answer(big)
			if !announced {
				resp.ContentLength = -1
				resp.Body = io.NopCloser(io.MultiReader(strings.NewReader(big))) // unknown length
			}
			return resp, nil
		})
		c, _ := newClient(t, rt, timrest.WithMaxResponseBytes(limit))
		err := getLists(c)
		if !errors.Is(err, timrest.ErrResponseTooLarge) {
			t.Errorf("announced %v: err = %v, want ErrResponseTooLarge", announced, err)
		}
		if got := len(rt.requests()); got != 1 {
			t.Errorf("announced %v: %d attempts, want 1", announced, got)
		}
	}
	// An answer at the cap is fine.
	exact := `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"` + strings.Repeat("x", limit-len(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`)) + `"}`
	rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(exact), nil })
	c, _ := newClient(t, rt, timrest.WithMaxResponseBytes(limit))
	if err := getLists(c); err != nil {
		t.Errorf("answer of exactly the cap: %v", err)
	}
}

// TestNewValidates: New names the field of a bad Config or option.
func TestNewValidates(t *testing.T) {
	t.Parallel()
	good := timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: "https://example.test"}
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	tests := []struct {
		name  string
		cfg   func(*timrest.Config)
		opts  []timrest.Option
		field string // "" for success
	}{
		{"good", nil, nil, ""},
		{"no app id", func(c *timrest.Config) { c.SDKAppID = 0 }, nil, "Config.SDKAppID"},
		{"no key", func(c *timrest.Config) { c.SecretKey = "" }, nil, "Config.SecretKey"},
		{"key too short", func(c *timrest.Config) { c.SecretKey = "secret" }, nil, "Config.SecretKey"},
		{"key one byte short", func(c *timrest.Config) { c.SecretKey = testKey[:auth.MinKeyLen-1] }, nil, "Config.SecretKey"},
		{"key of the minimum length", func(c *timrest.Config) { c.SecretKey = testKey[:auth.MinKeyLen] }, nil, ""},
		{"no admin", func(c *timrest.Config) { c.Admin = "" }, nil, "Config.Admin"},
		{"admin too long", func(c *timrest.Config) { c.Admin = strings.Repeat("a", 33) }, nil, "Config.Admin"},
		{"no region or base URL", func(c *timrest.Config) { c.BaseURL = "" }, nil, "Config.Region"},
		{"base URL not a URL", func(c *timrest.Config) { c.BaseURL = "://x" }, nil, "Config.BaseURL"},
		{"base URL without host", func(c *timrest.Config) { c.BaseURL = "https:///v4" }, nil, "Config.BaseURL"},
		{"base URL with a query", func(c *timrest.Config) { c.BaseURL = "https://example.test/?usersig=x" }, nil, "Config.BaseURL"},
		{"plain http elsewhere", func(c *timrest.Config) { c.BaseURL = "http://example.test" }, nil, "Config.BaseURL"},
		{"plain http allowed", func(c *timrest.Config) { c.BaseURL = "http://example.test" }, []timrest.Option{timrest.WithAllowHTTP()}, ""},
		{"plain http on loopback", func(c *timrest.Config) { c.BaseURL = "http://127.0.0.1:8080/x" }, nil, ""},
		{"plain http on localhost", func(c *timrest.Config) { c.BaseURL = "http://localhost:8080" }, nil, ""},
		{"plain http on ::1", func(c *timrest.Config) { c.BaseURL = "http://[::1]:8080" }, nil, ""},
		{"ftp", func(c *timrest.Config) { c.BaseURL = "ftp://example.test" }, nil, "Config.BaseURL"},
		{"insecure TLS", nil, []timrest.Option{timrest.WithHTTPClient(insecure)}, "WithHTTPClient"},
		{"zero timeout", nil, []timrest.Option{timrest.WithAttemptTimeout(0)}, "WithAttemptTimeout"},
		{"zero cap", nil, []timrest.Option{timrest.WithMaxResponseBytes(0)}, "WithMaxResponseBytes"},
		{"zero concurrency", nil, []timrest.Option{timrest.WithConcurrency(0)}, "WithConcurrency"},
		{"nil sleeper", nil, []timrest.Option{timrest.WithSleeper(nil)}, "WithSleeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			_, err := timrest.New(cfg, tt.opts...)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			var ve *timrest.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v (%T), want a *ValidationError", err, err)
			}
			if ve.Field != tt.field || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("err = %v (field %q), want field %s named", err, ve.Field, tt.field)
			}
			if cfg.SecretKey != "" && strings.Contains(err.Error(), cfg.SecretKey) {
				t.Errorf("the error contains the key: %v", err)
			}
		})
	}
}

// TestAcceptedKeysAreRedacted: every key New accepts is long enough for
// the redaction of errors and logs, which skips shorter strings; a key of
// the minimum length echoed by the service is removed from the error.
func TestAcceptedKeysAreRedacted(t *testing.T) {
	t.Parallel()
	if auth.MinKeyLen < redact.MinSecret {
		t.Fatalf("auth.MinKeyLen %d < redact.MinSecret %d: an accepted key could appear in an error", auth.MinKeyLen, redact.MinSecret)
	}
	key := testKey[:auth.MinKeyLen]
	rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return failAnswer(70009, "bad key "+key), nil })
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: key, Admin: testAdmin, BaseURL: testBase},
		timrest.WithHTTPClient(&http.Client{Transport: rt}), timrest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	if err := getLists(c); err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("err = %v, want it without the key", err)
	}
}

// TestRegionBaseURL: without a BaseURL the client calls the region's host.
func TestRegionBaseURL(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(friendListsOK), nil })
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, Region: mustRegion(t, "sgp")},
		timrest.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Friends.Lists(context.Background(), gen.GetFriendListsRequest{FromAccount: "alice"}); err != nil {
		t.Fatal(err)
	}
	if got := rt.requests()[0].Req.URL.Host; got != "adminapisgp.im.qcloud.com" {
		t.Errorf("host %q, want the Singapore host", got)
	}
	if s := c.String(); strings.Contains(s, testKey) || !strings.Contains(s, "adminapisgp") {
		t.Errorf("String() = %q", s)
	}
}

// TestConfigHidesTheKey: printing or logging a Config never shows the key.
func TestConfigHidesTheKey(t *testing.T) {
	t.Parallel()
	cfg := timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, Region: mustRegion(t, "sgp")}
	logs := &emulatortest.LogBuffer{}
	slog.New(slog.NewJSONHandler(logs, nil)).Info("config", "cfg", cfg)
	for _, text := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%s", &cfg), logs.String()} {
		if strings.Contains(text, testKey) || !strings.Contains(text, "administrator") {
			t.Errorf("%s", text)
		}
	}
}
