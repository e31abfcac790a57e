package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
)

// walk pages through get_appid_group_list with limit and returns the IDs
// and the TotalCount of every page.
func walk(t *testing.T, client *gen.ClientWithResponses, limit int64, typ *gen.GroupType) (ids []string, totals []int64) {
	t.Helper()
	next := int64(0)
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("the walk does not end")
		}
		resp, err := client.ListGroupIDsWithResponse(context.Background(), gen.ListGroupIDsRequest{Limit: &limit, Next: &next, GroupType: typ})
		if err != nil {
			t.Fatal(err)
		}
		a := resp.JSON200
		if a.ErrorCode != 0 {
			t.Fatalf("page %d: %s", pages, resp.Body)
		}
		if int64(len(a.GroupIDList)) > limit {
			t.Fatalf("page %d has %d IDs, Limit %d", pages, len(a.GroupIDList), limit)
		}
		for _, g := range a.GroupIDList {
			ids = append(ids, g.GroupID)
		}
		totals = append(totals, *a.TotalCount)
		if *a.Next == 0 {
			return ids, totals
		}
		if *a.Next <= 1<<32 {
			t.Fatalf("page %d: Next %d is not above 2^32", pages, *a.Next)
		}
		next = *a.Next
	}
}

func TestPagingThousandsOfGroups(t *testing.T) {
	t.Parallel()
	groups := emulator.GenerateGroups(5000, 42)
	cfg, _ := testConfig(t)
	cfg.Seed = &emulator.Seed{Groups: groups}
	base, _ := emulatortest.Start(t, cfg)
	client := emulatortest.NewClient(t, base, cfg)

	for _, limit := range []int64{1000, 777, 5000, 10000} {
		t.Run(fmt.Sprintf("Limit %d", limit), func(t *testing.T) {
			ids, totals := walk(t, client, limit, nil)
			if len(ids) != len(groups) {
				t.Fatalf("walked %d IDs, want %d", len(ids), len(groups))
			}
			for i, g := range groups {
				if ids[i] != g.GroupID {
					t.Fatalf("ID %d is %s, want %s (every group once, in order)", i, ids[i], g.GroupID)
				}
			}
			for _, n := range totals {
				if n != int64(len(groups)) {
					t.Fatalf("TotalCount %d, want %d on every page", n, len(groups))
				}
			}
			if want := (len(groups) + int(limit) - 1) / int(limit); len(totals) != want {
				t.Errorf("%d pages, want %d", len(totals), want)
			}
		})
	}

	for _, typ := range []gen.GroupType{gen.GroupTypePublic, gen.GroupTypeMeeting, gen.GroupTypeCommunity} {
		t.Run("GroupType "+string(typ), func(t *testing.T) {
			want := map[string]bool{}
			for _, g := range groups {
				if g.Type == typ || (typ == gen.GroupTypeMeeting && g.Type == gen.GroupTypeChatRoom) {
					want[g.GroupID] = true
				}
			}
			if len(want) == 0 {
				t.Fatal("no groups of the type; pick another seed")
			}
			ids, totals := walk(t, client, 300, &typ)
			if len(ids) != len(want) {
				t.Errorf("walked %d IDs, want %d", len(ids), len(want))
			}
			seen := map[string]bool{}
			for _, id := range ids {
				if !want[id] || seen[id] {
					t.Fatalf("ID %s: not of type %s or seen twice", id, typ)
				}
				seen[id] = true
			}
			for _, n := range totals {
				if n != int64(len(want)) {
					t.Fatalf("TotalCount %d, want %d (the type's count) on every page", n, len(want))
				}
			}
		})
	}
}

// TestLimitDefault sends {} to an app with 10001 groups: the answer has
// the default Limit, 10000 IDs, and a Next to the last one.
func TestLimitDefault(t *testing.T) {
	t.Parallel()
	groups := make([]emulator.Group, 10001)
	for i := range groups {
		groups[i] = emulator.Group{GroupID: fmt.Sprintf("@TGS#%05d", i), Type: gen.GroupTypePublic}
	}
	cfg, _ := testConfig(t)
	cfg.Seed = &emulator.Seed{Groups: groups}
	base, _ := emulatortest.Start(t, cfg)
	c := newCaller(t, base, cfg)
	type page struct {
		ErrorCode   int
		GroupIDList []struct {
			GroupID string `json:"GroupId"`
		} `json:"GroupIdList"`
		Next       int64
		TotalCount int64
	}
	get := func(body string) page {
		t.Helper()
		var p page
		_, raw := c.postRaw(pathGroupList, nil, body)
		if err := json.Unmarshal(raw, &p); err != nil || p.ErrorCode != 0 {
			t.Fatalf("answer %.300s: %v", raw, err)
		}
		return p
	}
	first := get(`{}`)
	if len(first.GroupIDList) != 10000 || first.Next == 0 || first.TotalCount != 10001 {
		t.Fatalf("{} answered %d IDs, Next %d, TotalCount %d; want 10000 IDs, a Next and 10001", len(first.GroupIDList), first.Next, first.TotalCount)
	}
	second := get(fmt.Sprintf(`{"Next":%d}`, first.Next))
	if len(second.GroupIDList) != 1 || second.GroupIDList[0].GroupID != groups[10000].GroupID || second.Next != 0 {
		t.Errorf("the second page: %d IDs, Next %d; want only %s and Next 0", len(second.GroupIDList), second.Next, groups[10000].GroupID)
	}
}

// TestAnswerSizeCap finds the largest Limit that still answers and checks
// that it is exactly where the answer crosses 1 MB: its answer is at most
// 1 MB and one more ID would take it over; the next Limit gets 10018.
func TestAnswerSizeCap(t *testing.T) {
	t.Parallel()
	const idLen = 100
	var groups []emulator.Group
	for i := range 10000 {
		id := fmt.Sprintf("@TGS#%s%05d", strings.Repeat("L", idLen-10), i)
		groups = append(groups, emulator.Group{GroupID: id, Type: gen.GroupTypePublic})
	}
	cfg, _ := testConfig(t)
	cfg.Seed = &emulator.Seed{Groups: groups}
	base, _ := emulatortest.Start(t, cfg)
	c := newCaller(t, base, cfg)
	call := func(limit int) (int, int) {
		_, raw := c.postRaw(pathGroupList, nil, fmt.Sprintf(`{"Limit":%d}`, limit))
		return codeOf(t, raw), len(raw)
	}
	if code, _ := call(10000); code != 10018 {
		t.Fatalf("Limit 10000 with %d-byte IDs: ErrorCode %d, want 10018", idLen, code)
	}
	lo, hi := 1, 10000 // lo answers, hi does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if code, _ := call(mid); code == 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	_, size := call(lo)
	perID := len(`,{"GroupId":""}`) + idLen
	if size > 1<<20 || size+perID <= 1<<20 {
		t.Errorf("largest Limit %d answers %d bytes; one more ID (%d bytes) would give %d: the cap is not at 1 MB (%d)", lo, size, perID, size+perID, 1<<20)
	}
	if code, _ := call(hi); code != 10018 {
		t.Errorf("Limit %d: ErrorCode %d, want 10018", hi, code)
	}
	t.Logf("with %d-byte IDs the largest page is %d IDs, %d bytes", idLen, lo, size)
}
