package emulator_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	got, err := emulator.ParseFaults("seed=1,transient=0.2,502=0.05,drop=0.01,latency=20ms")
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.Faults{Seed: 1, Transient: 0.2, HTTP502: 0.05, Drop: 0.01, Latency: 20 * time.Millisecond}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if again, err := emulator.ParseFaults(got.String()); err != nil || again != got {
		t.Errorf("String %q does not parse back: %+v %v", got.String(), again, err)
	}
	for _, spec := range []string{"", "off", " "} {
		if f, err := emulator.ParseFaults(spec); err != nil || f.Enabled() {
			t.Errorf("%q: %+v %v, want no faults", spec, f, err)
		}
	}
	for _, bad := range []string{"transient", "transient=x", "drop=1.5", "502=-0.1", "latency=-1s", "seed=1,seed=2",
		"transient=0.6,502=0.6", "typo=1", "drop=NaN"} {
		if _, err := emulator.ParseFaults(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// outcomes makes n calls to a fresh emulator with faults f and returns
// what each call got: "drop", "http502", or the ErrorCode.
func outcomes(t *testing.T, f emulator.Faults, n int) ([]string, emulator.Stats) {
	t.Helper()
	cfg, _ := testConfig(t)
	cfg.Faults = f
	base, emu := emulatortest.Start(t, cfg)
	c := newCaller(t, base, cfg)
	var out []string
	for i := range n {
		path, body := pathGroupGet, `{"From_Account":"alice"}`
		if i%3 == 2 {
			path, body = pathGroupList, `{"Limit":1}`
		}
		req, _ := http.NewRequest(http.MethodPost, base+path+"?"+c.query().Encode(), strings.NewReader(body))
		resp, err := c.client.Do(req)
		if err != nil {
			out = append(out, "drop")
			continue
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			if !bytes.Contains(raw, []byte("502 Bad Gateway")) {
				t.Errorf("HTTP %d %q", resp.StatusCode, raw)
			}
			out = append(out, fmt.Sprint("http", resp.StatusCode))
			continue
		}
		out = append(out, fmt.Sprint(codeOf(t, raw)))
	}
	return out, emu.Stats()
}

func TestFaultsAreDeterministic(t *testing.T) {
	t.Parallel()
	f := emulator.Faults{Seed: 7, Transient: 0.3, HTTP502: 0.15, Drop: 0.1}
	a, stats := outcomes(t, f, 120)
	b, _ := outcomes(t, f, 120)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("the same seed gave different faults (-first +second):\n%s", diff)
	}
	f.Seed = 8
	if c, _ := outcomes(t, f, 120); cmp.Equal(a, c) {
		t.Error("seeds 7 and 8 gave the same faults")
	}
	count := map[string]int{}
	for _, o := range a {
		count[o]++
	}
	// group_get's transient codes are 30006 and 30007, get_appid_group_list's 10002.
	for _, kind := range []string{"0", "drop", "http502", "30006", "30007", "10002"} {
		if count[kind] == 0 {
			t.Errorf("no %s among %v", kind, count)
		}
	}
	if stats.Faults["drop"] != count["drop"] || stats.Faults["http502"] != count["http502"] ||
		stats.Faults["transient"] != count["30006"]+count["30007"]+count["10002"] {
		t.Errorf("Stats.Faults %v do not match the outcomes %v", stats.Faults, count)
	}
	if stats.Calls["GetFriendLists"]+stats.Calls["ListGroupIDs"] != 120 {
		t.Errorf("Stats.Calls %v, want 120 in all", stats.Calls)
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	const latency = 3 * time.Millisecond
	f := start(t, func(c *emulator.Config) { c.Faults = emulator.Faults{Latency: latency} })
	began := time.Now()
	if _, err := f.client.ListGroupIDsWithResponse(context.Background(), gen.ListGroupIDsRequest{Limit: ptr[int64](1)}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < latency {
		t.Errorf("call took %v, want at least %v", d, latency)
	}
	if n := f.emu.Stats().Faults["latency"]; n != 1 {
		t.Errorf("Stats.Faults[latency] = %d, want 1", n)
	}
}
