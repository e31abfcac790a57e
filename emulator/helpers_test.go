package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/internal/redact"
)

const testAppID = 1400000001

// t0 is the fake clock's start.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ ns atomic.Int64 }

func newClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t0.UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// testConfig returns a config with a fresh key, the sample data and a fake
// clock.
func testConfig(t testing.TB) (emulator.Config, *fakeClock) {
	clock := newClock()
	return emulator.Config{
		SDKAppID: testAppID,
		Key:      emulatortest.NewKey(t),
		Seed:     emulator.SampleSeed(),
		Now:      clock.Now,
	}, clock
}

// caller posts raw bodies, signed or not, to an emulator.
type caller struct {
	t       testing.TB
	baseURL string
	cfg     emulator.Config
	client  *http.Client
}

func newCaller(t testing.TB, baseURL string, cfg emulator.Config) *caller {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &caller{t: t, baseURL: baseURL, cfg: cfg,
		client: &http.Client{Transport: emulatortest.AnswerValidatingTransport(t, tr)}}
}

// query returns valid common query parameters for the admin.
func (c *caller) query() url.Values {
	c.t.Helper()
	sig, err := auth.GenUserSigAt(c.cfg.SDKAppID, c.cfg.Key, emulatortest.Admin(c.cfg), time.Hour, c.cfg.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	return url.Values{
		"sdkappid":    {strconv.FormatUint(c.cfg.SDKAppID, 10)},
		"identifier":  {emulatortest.Admin(c.cfg)},
		"usersig":     {sig},
		"random":      {"4294967295"},
		"contenttype": {"json"},
	}
}

// post sends body to path with query q (valid parameters when nil) and
// returns the HTTP status and the answer, decoded into a generic map.
func (c *caller) post(path string, q url.Values, body string) (int, map[string]any) {
	c.t.Helper()
	status, raw := c.postRaw(path, q, body)
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		c.t.Fatalf("POST %s: answer %q is not a JSON object: %v", path, raw, err)
	}
	return status, m
}

func (c *caller) postRaw(path string, q url.Values, body string) (int, []byte) {
	c.t.Helper()
	if q == nil {
		q = c.query()
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.baseURL+path+"?"+q.Encode(), bytes.NewReader([]byte(body)))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, redact.Error(err)) // the URL carries the UserSig
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// code returns the ErrorCode of a generic answer.
func code(t testing.TB, m map[string]any) int {
	t.Helper()
	n, ok := m["ErrorCode"].(json.Number)
	if !ok {
		t.Fatalf("answer has no numeric ErrorCode: %v", m)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return int(i)
}

// Operation paths.
const (
	pathGroupGet   = "/v4/sns/group_get"
	pathFriendGet  = "/v4/sns/friend_get_list"
	pathGroupList  = "/v4/group_open_http_svc/get_appid_group_list"
	pathFriendImpt = "/v4/sns/friend_import"
)

func jsonUnmarshalNumber(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}
