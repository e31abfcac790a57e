package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

func TestRateLimits(t *testing.T) {
	t.Parallel()
	f := start(t, func(c *emulator.Config) { c.RateLimits = true })
	ctx := context.Background()
	listGroups := func() int32 {
		resp, err := f.client.ListGroupIDsWithResponse(ctx, gen.ListGroupIDsRequest{Limit: ptr[int64](1)})
		if err != nil {
			t.Fatal(err)
		}
		return resp.JSON200.ErrorCode
	}
	// get_appid_group_list: 1/s.
	if got := []int32{listGroups(), listGroups()}; got[0] != 0 || got[1] != 60007 {
		t.Errorf("two calls in one second: codes %v, want [0 60007]", got)
	}
	f.clock.Advance(time.Second)
	if got := listGroups(); got != 0 {
		t.Errorf("a second later: code %d, want 0", got)
	}

	// group_get: 200/s; the 201st call in the same instant is refused.
	codes := map[int32]int{}
	for range 201 {
		resp, err := f.client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		codes[resp.JSON200.ErrorCode]++
	}
	if codes[0] != 200 || codes[60007] != 1 {
		t.Errorf("201 calls at 200/s: codes %v, want 200 OK and one 60007", codes)
	}
	f.clock.Advance(5 * time.Millisecond) // one call's worth
	if resp, _ := f.client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "alice"}); resp.JSON200.ErrorCode != 0 {
		t.Errorf("after 5ms: code %d, want 0", resp.JSON200.ErrorCode)
	}
	if st := f.emu.Stats(); st.RateLimited["ListGroupIDs"] != 1 || st.RateLimited["GetFriendLists"] != 1 {
		t.Errorf("Stats.RateLimited %v", st.RateLimited)
	}
}

func TestRateLimitOverrides(t *testing.T) {
	t.Parallel()
	f := start(t, func(c *emulator.Config) {
		c.RateLimits = true
		c.Rates = map[string]float64{"ListGroupIDs": 0, "GetFriends": 2}
	})
	ctx := context.Background()
	for i := range 5 {
		resp, err := f.client.ListGroupIDsWithResponse(ctx, gen.ListGroupIDsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if resp.JSON200.ErrorCode != 0 {
			t.Fatalf("call %d with the limit off: %s", i, resp.Body)
		}
	}
	var got []int32
	for range 3 {
		resp, err := f.client.GetFriendsWithResponse(ctx, gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob"}, TagList: []string{"Tag_Profile_IM_Nick"}})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.JSON200.ErrorCode)
	}
	if got[0] != 0 || got[1] != 0 || got[2] != 60007 {
		t.Errorf("3 calls at 2/s: %v, want [0 0 60007]", got)
	}

	// Without RateLimits nothing is limited.
	off := start(t)
	for i := range 3 {
		resp, err := off.client.ListGroupIDsWithResponse(ctx, gen.ListGroupIDsRequest{})
		if err != nil || resp.JSON200.ErrorCode != 0 {
			t.Fatalf("call %d without limits: %v %s", i, err, resp.Body)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	base, _ := testConfig(t)
	for _, tt := range []struct {
		name   string
		mutate func(*emulator.Config)
	}{
		{"no SDKAppID", func(c *emulator.Config) { c.SDKAppID = 0 }},
		{"no key", func(c *emulator.Config) { c.Key = "" }},
		{"unknown operation in Rates", func(c *emulator.Config) { c.Rates = map[string]float64{"Nope": 1} }},
		{"negative rate", func(c *emulator.Config) { c.Rates = map[string]float64{"GetFriends": -1} }},
		{"empty admin", func(c *emulator.Config) { c.Admins = []string{""} }},
		{"bad faults", func(c *emulator.Config) { c.Faults.Drop = 2 }},
		{"bad seed", func(c *emulator.Config) {
			c.Seed = &emulator.Seed{Friends: map[string][]gen.AddFriendItem{"nobody": {{ToAccount: "alice", AddSource: "AddSource_Type_Web"}}}}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.mutate(&cfg)
			if _, err := emulator.New(cfg); err == nil {
				t.Error("New accepted the config")
			} else if base.Key != "" && strings.Contains(err.Error(), base.Key) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}
