package timrest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// startEmulator starts an emulator for the test and a Client on it. The
// client's transport checks every request and answer against openapi/
// unless validate is false (for the largest tests, where kin-openapi's
// checks would dominate the run time; the smaller tests cover them).
func startEmulator(t testing.TB, cfg emulator.Config, validate bool, opts ...timrest.Option) (*timrest.Client, *emulator.Emulator) {
	t.Helper()
	if cfg.SDKAppID == 0 {
		cfg.SDKAppID = testAppID
	}
	if cfg.Key == "" {
		cfg.Key = emulatortest.NewKey(t)
	}
	base, emu := emulatortest.Start(t, cfg)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	t.Cleanup(tr.CloseIdleConnections)
	var rt http.RoundTripper = tr
	if validate {
		rt = emulatortest.ValidatingTransport(t, tr)
	}
	all := append([]timrest.Option{timrest.WithHTTPClient(&http.Client{Transport: rt})}, opts...)
	c, err := timrest.New(timrest.Config{SDKAppID: cfg.SDKAppID, SecretKey: cfg.Key, Admin: emulatortest.Admin(cfg), BaseURL: base}, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c, emu
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// importPlan is the friends of n accounts with m friends each, every
// field set, and the relations the emulator must hold afterwards.
func importPlan(n, m int) (accounts []string, reqs []gen.ImportFriendsRequest) {
	for i := range m {
		accounts = append(accounts, fmt.Sprintf("friend%05d", i))
	}
	for a := range n {
		from := fmt.Sprintf("user%03d", a)
		accounts = append(accounts, from)
		req := gen.ImportFriendsRequest{FromAccount: from, AddFriendItem: make([]gen.AddFriendItem, m)}
		for i := range m {
			req.AddFriendItem[i] = gen.AddFriendItem{
				ToAccount: accounts[i], AddSource: "AddSource_Type_Import",
				Remark: ptr(fmt.Sprintf("r%d-%d", a, i)), RemarkTime: ptr(int64(1700000500 + i)),
				GroupName: []string{fmt.Sprintf("list%d", i%3)}, AddTime: ptr(int64(1700000000 + i)),
				CustomItem: []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(int64(i))}},
			}
		}
		reqs = append(reqs, req)
	}
	return accounts, reqs
}

// wantFriends is what Emulator.Friends must return for req.
func wantFriends(req gen.ImportFriendsRequest) []emulator.Friend {
	var out []emulator.Friend
	for _, it := range req.AddFriendItem {
		out = append(out, emulator.Friend{
			ToAccount: it.ToAccount, GroupName: it.GroupName, Remark: *it.Remark, RemarkTime: *it.RemarkTime,
			AddSource: it.AddSource, AddTime: *it.AddTime,
			Custom: map[string]tag.Value{"Tag_SNS_Custom_Rank": it.CustomItem[0].Value},
		})
	}
	slices.SortFunc(out, func(a, b emulator.Friend) int { return cmpString(a.ToAccount, b.ToAccount) })
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var friendOpts = cmp.Comparer(func(a, b tag.Value) bool { return a.Equal(b) })

func sameFriend(a, b emulator.Friend) bool {
	if a.ToAccount != b.ToAccount || !slices.Equal(a.GroupName, b.GroupName) || a.Remark != b.Remark ||
		a.RemarkTime != b.RemarkTime || a.AddSource != b.AddSource || a.AddWording != b.AddWording ||
		a.AddTime != b.AddTime || len(a.Custom) != len(b.Custom) {
		return false
	}
	for k, v := range a.Custom {
		if w, ok := b.Custom[k]; !ok || !v.Equal(w) {
			return false
		}
	}
	return true
}

// TestImportFriendsWithFaults: 50 accounts × 2500 friends into the
// emulator while it fails 20% of the calls (transient codes, HTTP 502,
// dropped connections) ends with exactly the expected relations, no
// duplicates and every item accounted for. Rate limits are off, backoffs
// take no time.
func TestImportFriendsWithFaults(t *testing.T) {
	t.Parallel()
	accounts, reqs := importPlan(50, 2500)
	c, emu := startEmulator(t, emulator.Config{
		Faults: emulator.Faults{Seed: 4, Transient: 0.14, HTTP502: 0.03, Drop: 0.03},
	}, false, timrest.WithoutRateLimit(), timrest.WithSleeper(noSleep),
		timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 12})) // 0.2^12: no request runs out of attempts
	if err := emu.AddAccounts(accounts...); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := c.Friends.Import(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d relations in %v", len(res.Items), time.Since(start))
	if len(res.Items) != 50*2500 {
		t.Fatalf("%d results, want %d", len(res.Items), 50*2500)
	}
	for k, it := range res.Items {
		if !it.OK() || it.Request != k/2500 || it.Index != k%2500 {
			t.Fatalf("item %d: request %d index %d: %v", k, it.Request, it.Index, it.Err)
		}
	}
	if len(res.Fail) != 0 {
		t.Errorf("Fail_Account: %v", res.Fail)
	}
	for _, req := range reqs {
		want, got := wantFriends(req), emu.Friends(req.FromAccount)
		if !slices.EqualFunc(want, got, sameFriend) { // cmp.Diff only on a mismatch: it is slow on 125,000 values
			t.Fatalf("friends of %s (-want +got):\n%s", req.FromAccount, cmp.Diff(want, got, friendOpts))
		}
	}
	st := emu.Stats()
	injected := st.Faults["transient"] + st.Faults["http502"] + st.Faults["drop"]
	t.Logf("%d calls, %d faults injected: %v", st.Calls["ImportFriends"], injected, st.Faults)
	if injected == 0 || st.Calls["ImportFriends"] != 150+injected {
		t.Errorf("%d calls with %d faults, want 150 successful calls plus one retry per fault", st.Calls["ImportFriends"], injected)
	}
}

// TestImportFriendsCancelled: a context cancelled during an import stops
// it promptly; the result says what was done, and it agrees with the
// emulator: every item reported imported is there, every item not sent is
// not, and only items in flight at the cancel are uncertain.
func TestImportFriendsCancelled(t *testing.T) {
	t.Parallel()
	accounts, reqs := importPlan(40, 1500)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once three requests have been answered (the client logs one
	// line per attempt), while others are in flight.
	var cancelled time.Time
	answered := &countingHandler{n: 3, then: func() { cancelled = time.Now(); cancel() }}
	c, emu := startEmulator(t, emulator.Config{Faults: emulator.Faults{Latency: 20 * time.Millisecond}}, false,
		timrest.WithoutRateLimit(), timrest.WithConcurrency(4), timrest.WithLogger(slog.New(answered)))
	if err := emu.AddAccounts(accounts...); err != nil {
		t.Fatal(err)
	}
	res, err := c.Friends.Import(ctx, reqs)
	returned := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := returned.Sub(cancelled); d > 500*time.Millisecond {
		t.Errorf("returned %v after the cancel, want promptly", d)
	}
	imported, notSent, inFlight := 0, 0, 0
	have := map[[2]string]bool{}
	for _, req := range reqs {
		for _, f := range emu.Friends(req.FromAccount) {
			have[[2]string{req.FromAccount, f.ToAccount}] = true
		}
	}
	for _, it := range res.Items {
		has := have[[2]string{it.Account, it.Key}]
		switch {
		case it.OK():
			imported++
			if !has {
				t.Fatalf("%s → %s reported imported, not in the emulator", it.Account, it.Key)
			}
		case errors.Is(it.Err, timrest.ErrNotSent):
			notSent++
			if has {
				t.Fatalf("%s → %s reported not sent, but in the emulator", it.Account, it.Key)
			}
		case errors.Is(it.Err, context.Canceled):
			inFlight++ // may or may not have been imported
		default:
			t.Fatalf("%s → %s: unexpected %v", it.Account, it.Key, it.Err)
		}
	}
	t.Logf("imported %d, in flight %d, not sent %d, returned %v after the cancel", imported, inFlight, notSent, returned.Sub(cancelled))
	if imported == 0 || notSent == 0 || imported+notSent+inFlight != 40*1500 {
		t.Errorf("imported %d, in flight %d, not sent %d: want some of each kind, %d in all", imported, inFlight, notSent, 40*1500)
	}
}

// countingHandler is a slog.Handler that calls then once it has seen n
// successful attempts.
type countingHandler struct {
	mu   sync.Mutex
	seen int
	n    int
	then func()
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *countingHandler) WithGroup(string) slog.Handler            { return h }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level != slog.LevelDebug { // attempts that succeeded
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen++; h.seen == h.n {
		h.then()
	}
	return nil
}

// TestEmulatorEndToEnd: each service method against the emulator, every
// request and answer checked against openapi/.
func TestEmulatorEndToEnd(t *testing.T) {
	t.Parallel()
	c, emu := startEmulator(t, emulator.Config{Seed: &emulator.Seed{Groups: emulator.GenerateGroups(25, 1)}}, true,
		timrest.WithoutRateLimit())
	if err := emu.AddAccounts("alice", "bob", "carol", "dave"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := c.Friends.Import(ctx, []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: []gen.AddFriendItem{
		{ToAccount: "bob", AddSource: "AddSource_Type_Web", Remark: ptr("Bobby"), GroupName: []string{"work"}, AddTime: ptr(int64(1700000000))},
		{ToAccount: "carol", AddSource: "AddSource_Type_Web", GroupName: []string{"work", "family"}},
		{ToAccount: "nobody", AddSource: "AddSource_Type_Web"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Items[0].OK() || !res.Items[1].OK() || !errors.Is(res.Items[2].Err, timrest.ErrNotFound) {
		t.Fatalf("import: %+v", res.Items)
	}
	if diff := cmp.Diff(map[string][]string{"alice": {"nobody"}}, res.Fail); diff != "" {
		t.Errorf("Fail (-want +got):\n%s", diff)
	}

	lists, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice", NeedFriend: ptr(gen.NeedFriendYes)})
	if err != nil {
		t.Fatal(err)
	}
	if len(lists.ResultItem) != 2 || lists.ResultItem[0].GroupName != "work" || len(lists.ResultItem[0].ToAccount) != 2 {
		t.Errorf("lists: %+v", lists.ResultItem)
	}

	friends, err := c.Friends.Get(ctx, []gen.GetFriendsRequest{{FromAccount: "alice", ToAccount: []string{"bob", "dave", "carol"},
		TagList: []string{timrest.TagRemark, timrest.TagFriendLists, timrest.TagAddTime}}})
	if err != nil {
		t.Fatal(err)
	}
	if !friends.Items[0].OK() || !friends.Items[2].OK() {
		t.Fatalf("bob and carol: %+v", friends.Items)
	}
	bob := timrest.Tags(friends.Items[0].Result.SNSProfileItem)
	if r, _ := bob.Remark(); r != "Bobby" {
		t.Errorf("bob's remark %q", r)
	}
	if at, _ := bob.AddTime(); at.Unix() != 1700000000 {
		t.Errorf("bob's add time %v", at)
	}
	if l, _ := timrest.Tags(friends.Items[2].Result.SNSProfileItem).FriendLists(); !slices.Equal(l, []string{"work", "family"}) {
		t.Errorf("carol's lists %v", l)
	}
	if f := friends.Items[1]; f.Code != 30001 || !errors.Is(f.Err, timrest.ErrBadRequest) {
		t.Errorf("dave (not a friend): %+v", f)
	}

	var ids []string
	for id, err := range c.Groups.AllIDs(ctx, gen.ListGroupIDsRequest{Limit: ptr(int64(10))}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != 25 {
		t.Errorf("%d group IDs, want 25", len(ids))
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 25 {
		t.Errorf("duplicate group IDs")
	}

	// The escape hatch, by path, with the raw answer.
	raw, err := c.Call(ctx, "v4/group_open_http_svc/get_appid_group_list", json.RawMessage(`{"Limit":3}`))
	if err != nil {
		t.Fatal(err)
	}
	var page gen.ListGroupIDsResponse
	if err := json.Unmarshal(raw, &page); err != nil || len(page.GroupIDList) != 3 || page.TotalCount == nil || *page.TotalCount != 25 {
		t.Errorf("Call: %s (%v)", raw, err)
	}

	// An error from the service: a wrong key.
	bad, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: "wrong-key-0123456789abcdef", Admin: "administrator", BaseURL: c.BaseURL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
	var e *timrest.Error
	if !errors.As(err, &e) || e.Code != 70009 || !errors.Is(err, timrest.ErrUserSig) {
		t.Errorf("wrong key: %v, want 70009 ErrUserSig", err)
	}
}

// TestImportFriendsDuplicatesLastWins: against the emulator, the last of
// several items for one friend in a call is the one that stays (each
// re-import updates the fields it sets).
func TestImportFriendsDuplicatesLastWins(t *testing.T) {
	t.Parallel()
	c, emu := startEmulator(t, emulator.Config{}, true, timrest.WithoutRateLimit())
	if err := emu.AddAccounts("alice", "bob", "carol"); err != nil {
		t.Fatal(err)
	}
	item := func(to, remark string) gen.AddFriendItem {
		return gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Test", Remark: ptr(remark)}
	}
	res, err := c.Friends.Import(context.Background(), []gen.ImportFriendsRequest{
		{FromAccount: "alice", AddFriendItem: []gen.AddFriendItem{item("bob", "first"), item("carol", "only")}},
		{FromAccount: "alice", AddFriendItem: []gen.AddFriendItem{item("bob", "second"), item("bob", "last")}}})
	if err != nil || res.Succeeded() != 4 {
		t.Fatalf("err %v, %d of 4 imported: %v", err, res.Succeeded(), res.Failed())
	}
	got := map[string]string{}
	for _, f := range emu.Friends("alice") {
		got[f.ToAccount] = f.Remark
	}
	if diff := cmp.Diff(map[string]string{"bob": "last", "carol": "only"}, got); diff != "" {
		t.Errorf("alice's friends' remarks (-want +got):\n%s", diff)
	}
}
