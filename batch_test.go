package timrest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// friendsServer answers friend_get_list: every account is a friend with a
// remark, except "stranger*" (30001, in Fail_Account) and "ghost*" (left
// out of the answer); items come back in reverse order.
func friendsServer(t *testing.T) func(r *recorded) (*http.Response, error) {
	return func(r *recorded) (*http.Response, error) {
		var req gen.GetFriendsRequest
		r.decode(t, &req)
		a := gen.GetFriendsResponse{ActionStatus: gen.ActionStatusOK}
		for _, to := range slices.Backward(req.ToAccount) {
			switch {
			case strings.HasPrefix(to, "stranger"):
				a.InfoItem = append(a.InfoItem, gen.FriendInfo{ToAccount: to, ResultCode: 30001, ResultInfo: ptr("Err_SNS_FriendGetList_Friend_Not_Exist")})
				a.FailAccount = append(a.FailAccount, to)
			case strings.HasPrefix(to, "ghost"):
			default:
				a.InfoItem = append(a.InfoItem, gen.FriendInfo{ToAccount: to, SNSProfileItem: []gen.TagItem{
					{Tag: "Tag_SNS_IM_Remark", Value: tag.String("remark " + to)},
					{Tag: "Tag_SNS_IM_Group", Value: tag.Strings("work")},
				}})
			}
		}
		return answerJSON(t, a), nil
	}
}

// TestGetFriendsBatches: To_Account is split into requests of at most
// 100, the answers are merged in input order, duplicates are asked once,
// and every input entry has exactly one result.
func TestGetFriendsBatches(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, friendsServer(t))
	c, _ := newClient(t, rt, timrest.WithConcurrency(3))
	var to []string
	for i := range 250 {
		to = append(to, fmt.Sprintf("user%03d", i))
	}
	to[10] = "stranger1"
	to[120] = "ghost1"
	to[130] = strings.Repeat("x", 33) // not a UserID: not sent
	to = append(to, "user005", "stranger1")

	res, err := c.Friends.Get(context.Background(), []gen.GetFriendsRequest{{FromAccount: "alice", ToAccount: to, TagList: []string{timrest.TagRemark, timrest.TagFriendLists}}})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rt.requests()
	sent := map[string]int{}
	for _, r := range reqs {
		var req gen.GetFriendsRequest
		r.decode(t, &req)
		if len(req.ToAccount) > 100 {
			t.Errorf("request %d has %d accounts, want at most 100", r.N, len(req.ToAccount))
		}
		for _, a := range req.ToAccount {
			sent[a]++
		}
	}
	if len(reqs) != 3 {
		t.Errorf("%d requests, want 3 (249 distinct valid accounts)", len(reqs))
	}
	for a, n := range sent {
		if n != 1 {
			t.Errorf("%s sent %d times", a, n)
		}
	}
	if len(res.Items) != len(to) {
		t.Fatalf("%d results for %d accounts", len(res.Items), len(to))
	}
	for i, f := range res.Items {
		if f.Request != 0 || f.Index != i || f.Key != to[i] || f.Account != "alice" {
			t.Fatalf("result %d is for request %d index %d %q (account %q), want %q", i, f.Request, f.Index, f.Key, f.Account, to[i])
		}
		switch {
		case strings.HasPrefix(f.Key, "stranger"):
			if f.Code != 30001 || !errors.Is(f.Err, timrest.ErrBadRequest) || f.Result == nil || f.Result.ToAccount != f.Key {
				t.Errorf("%d %s: code %d err %v result %+v, want 30001", i, f.Key, f.Code, f.Err, f.Result)
			}
		case strings.HasPrefix(f.Key, "ghost"):
			if !errors.Is(f.Err, timrest.ErrMissingResult) || f.Result != nil {
				t.Errorf("%d %s: err %v, want ErrMissingResult", i, f.Key, f.Err)
			}
		case i == 130:
			var ve *timrest.ValidationError
			if !errors.As(f.Err, &ve) || ve.Field != "To_Account" || ve.Index != 130 || ve.Account != f.Key {
				t.Errorf("%d: err %v, want a ValidationError for To_Account[130]", i, f.Err)
			}
		default:
			if f.Err != nil || f.Result == nil {
				t.Errorf("%d %s: err %v, result %v", i, f.Key, f.Err, f.Result)
				continue
			}
			tags := timrest.Tags(f.Result.SNSProfileItem)
			if r, ok := tags.Remark(); !ok || r != "remark "+f.Key {
				t.Errorf("%d %s: remark %q", i, f.Key, r)
			}
			if l, _ := tags.FriendLists(); !slices.Equal(l, []string{"work"}) {
				t.Errorf("%d %s: lists %v", i, f.Key, l)
			}
		}
	}
	if diff := cmp.Diff(map[string][]string{"alice": {"stranger1"}}, res.Fail); diff != "" {
		t.Errorf("Fail (-want +got):\n%s", diff)
	}
	if got := len(res.Failed()); got != 4 {
		t.Errorf("%d failed, want 4 (stranger twice, ghost, the bad ID)", got)
	}
}

// TestGetFriendsValidation: a bad From_Account or TagList refuses the
// whole call, naming the field; nothing is sent.
func TestGetFriendsValidation(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, friendsServer(t))
	c, _ := newClient(t, rt)
	tests := []struct {
		req   gen.GetFriendsRequest
		field string
		index int
	}{
		{gen.GetFriendsRequest{FromAccount: "", ToAccount: []string{"bob"}, TagList: []string{timrest.TagRemark}}, "From_Account", -1},
		{gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob"}}, "TagList", -1},
		{gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob"}, TagList: []string{timrest.TagRemark, "Remark"}}, "TagList", 1},
	}
	for _, tt := range tests {
		res, err := c.Friends.Get(context.Background(), []gen.GetFriendsRequest{tt.req})
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field || ve.Index != tt.index || res != nil {
			t.Errorf("%+v: err %v, want a ValidationError for %s[%d]", tt.req, err, tt.field, tt.index)
		}
	}
	if n := len(rt.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// importServer answers friend_import: each item is imported, except
// To_Accounts starting with "full" (30010, in Fail_Account) and "lost"
// (left out of the answer). It fails the whole request with 30008 when
// two requests for the same From_Account overlap, and records the most
// requests in flight.
type importServer struct {
	t        *testing.T
	mu       sync.Mutex
	busy     map[string]bool
	inFlight atomic.Int64
	maxIn    atomic.Int64
	failFrom map[string]int // From_Account → ErrorCode for the whole request
	gate     chan struct{}  // if set, each request waits on it
}

func (s *importServer) handle(r *recorded) (*http.Response, error) {
	var req gen.ImportFriendsRequest
	r.decode(s.t, &req)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxIn.Load()
		if n <= m || s.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	s.mu.Lock()
	conflict := s.busy[req.FromAccount]
	s.busy[req.FromAccount] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.busy, req.FromAccount)
		s.mu.Unlock()
	}()
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-r.Ctx.Done():
			return nil, r.Ctx.Err()
		}
	}
	if conflict {
		s.t.Errorf("two concurrent imports for %s", req.FromAccount)
		return failAnswer(30008, "Err_SNS_FriendImport_Conflict"), nil
	}
	if code := s.failFrom[req.FromAccount]; code != 0 {
		return failAnswer(code, "injected"), nil
	}
	a := gen.ImportFriendsResponse{ActionStatus: gen.ActionStatusOK}
	for _, it := range req.AddFriendItem {
		switch {
		case strings.HasPrefix(it.ToAccount, "full"):
			a.ResultItem = append(a.ResultItem, gen.FriendResult{ToAccount: it.ToAccount, ResultCode: 30010, ResultInfo: ptr("Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold")})
			a.FailAccount = append(a.FailAccount, it.ToAccount)
		case strings.HasPrefix(it.ToAccount, "lost"):
		default:
			a.ResultItem = append(a.ResultItem, gen.FriendResult{ToAccount: it.ToAccount})
		}
	}
	return answerJSON(s.t, a), nil
}

func newImportServer(t *testing.T) *importServer {
	return &importServer{t: t, busy: map[string]bool{}, failFrom: map[string]int{}}
}

func items(prefix string, n int) []gen.AddFriendItem {
	out := make([]gen.AddFriendItem, n)
	for i := range out {
		out[i] = gen.AddFriendItem{ToAccount: fmt.Sprintf("%s%04d", prefix, i), AddSource: "AddSource_Type_Test"}
	}
	return out
}

// TestImportFriendsBatches: items are split into requests of at most
// 1000, one From_Account's requests go one after another, several
// From_Accounts in parallel, a duplicate To_Account starts the account's
// next request, and every item has exactly one result in input order:
// imported, refused by the service (with Fail_Account), not answered,
// invalid, or failed with its request.
func TestImportFriendsBatches(t *testing.T) {
	t.Parallel()
	srv := newImportServer(t)
	srv.failFrom["dave"] = 30001 // every request of dave fails as a whole
	rt := newFakeRT(t, srv.handle)
	c, _ := newClient(t, rt, timrest.WithConcurrency(4))

	alice := items("bob", 2500)
	alice[7].ToAccount = "full1"
	alice[1500].ToAccount = "lost1"
	alice[2000].AddSource = "Web"   // invalid: not sent
	alice = append(alice, alice[3]) // an identical duplicate
	conflicting := alice[4]         // a duplicate with other fields
	conflicting.Remark = ptr("other")
	alice = append(alice, conflicting)
	reqs := []gen.ImportFriendsRequest{
		{FromAccount: "alice", AddFriendItem: alice},
		{FromAccount: "carol", AddFriendItem: items("c", 10)},
		{FromAccount: "dave", AddFriendItem: items("d", 3)},
		{FromAccount: "alice", AddFriendItem: items("extra", 5)},             // more of alice: same sequence
		{FromAccount: "alice", AddFriendItem: []gen.AddFriendItem{alice[3]}}, // a duplicate across requests
	}
	res, err := c.Friends.Import(context.Background(), reqs)
	var e *timrest.Error
	if !errors.As(err, &e) || e.Code != 30001 || !strings.Contains(err.Error(), "1 of 6 requests") {
		t.Errorf("err = %v, want the summary of dave's failed request (30001)", err)
	}

	// Requests: alice's 2507 valid items in order: 1000, 1000, then 499
	// + bob0003 + bob0004 (first seen in the first request) + 5 extra,
	// then the second bob0003 of that run starts a fourth request. carol
	// 1, dave 1.
	perFrom := map[string][]int{}
	var aliceSent [][]gen.AddFriendItem
	for _, r := range rt.requests() {
		var req gen.ImportFriendsRequest
		r.decode(t, &req)
		if len(req.AddFriendItem) > 1000 {
			t.Errorf("request %d has %d items, want at most 1000", r.N, len(req.AddFriendItem))
		}
		seen := map[string]bool{}
		for _, it := range req.AddFriendItem {
			if seen[it.ToAccount] {
				t.Errorf("request %d holds %s twice", r.N, it.ToAccount)
			}
			seen[it.ToAccount] = true
		}
		perFrom[req.FromAccount] = append(perFrom[req.FromAccount], len(req.AddFriendItem))
		if req.FromAccount == "alice" {
			aliceSent = append(aliceSent, req.AddFriendItem)
		}
	}
	want := map[string][]int{"alice": {1000, 1000, 506, 1}, "carol": {10}, "dave": {3}}
	if diff := cmp.Diff(want, perFrom); diff != "" {
		t.Errorf("request sizes per From_Account (-want +got):\n%s", diff)
	}

	// Every item once, in input order.
	var order [][2]int
	for n, r := range reqs {
		for i := range r.AddFriendItem {
			order = append(order, [2]int{n, i})
		}
	}
	if len(res.Items) != len(order) {
		t.Fatalf("%d results for %d items", len(res.Items), len(order))
	}
	for k, it := range res.Items {
		if it.Request != order[k][0] || it.Index != order[k][1] {
			t.Fatalf("result %d is for request %d item %d, want %v", k, it.Request, it.Index, order[k])
		}
		if want := reqs[it.Request].AddFriendItem[it.Index].ToAccount; it.Key != want || it.Account != reqs[it.Request].FromAccount {
			t.Fatalf("result %d: %s → %s, want %s", k, it.Account, it.Key, want)
		}
	}
	var ve *timrest.ValidationError
	check := func(k int, ok bool, what string) {
		t.Helper()
		if !ok {
			t.Errorf("item %d (%s → %s): %s; got code %d err %v", k, res.Items[k].Account, res.Items[k].Key, what, res.Items[k].Code, res.Items[k].Err)
		}
	}
	check(7, res.Items[7].Code == 30010 && errors.Is(res.Items[7].Err, timrest.ErrLimit), "want 30010")
	check(1500, errors.Is(res.Items[1500].Err, timrest.ErrMissingResult), "want ErrMissingResult")
	check(2000, errors.As(res.Items[2000].Err, &ve) && ve.Field == "AddFriendItem.AddSource" && ve.Index == 2000 && ve.Account == "bob2000", "want a ValidationError for AddSource")
	check(2500, res.Items[2500].OK() && res.Items[2500].Key == "bob0003", "want the identical duplicate imported")
	check(2501, res.Items[2501].OK() && res.Items[2501].Key == "bob0004", "want the duplicate with other fields imported")
	check(4, res.Items[4].OK(), "want the first of the pair imported")
	// The later bob0004 (with a remark) is sent after the first one, in a
	// later request of alice, which were sent in order.
	if len(aliceSent) == 4 {
		if it := aliceSent[0][4]; it.ToAccount != "bob0004" || it.Remark != nil {
			t.Errorf("alice's first request, item 4: %+v", it)
		}
		if it := aliceSent[2][500]; it.ToAccount != "bob0004" || it.Remark == nil || *it.Remark != "other" {
			t.Errorf("alice's third request, item 500: %+v, want bob0004 with its remark", it)
		}
		if it := aliceSent[3][0]; it.ToAccount != "bob0003" {
			t.Errorf("alice's fourth request: %+v, want the second bob0003 of the third request", it)
		}
	}
	for k := 2512; k < 2515; k++ {
		check(k, errors.As(res.Items[k].Err, &e) && e.Code == 30001 && res.Items[k].Account == "dave", "want dave's request error")
	}
	if last := res.Items[len(res.Items)-1]; !last.OK() || last.Request != 4 || last.Key != "bob0003" {
		t.Errorf("the duplicate across requests: %+v", last)
	}
	if got, want := res.Succeeded(), len(order)-6; got != want {
		t.Errorf("%d imported, want %d", got, want)
	}
	if got, want := len(res.Failed()), 6; got != want {
		t.Errorf("%d failed, want %d", got, want)
	}
	if diff := cmp.Diff(map[string][]string{"alice": {"full1"}}, res.Fail); diff != "" {
		t.Errorf("Fail (-want +got):\n%s", diff)
	}
	if srv.maxIn.Load() < 2 {
		t.Logf("at most %d requests in flight (parallelism not observed)", srv.maxIn.Load())
	}
}

// TestImportFriendsStopsOnFatalError: after a UserSig error (which every
// later request would get too), the other requests are not sent; their
// items carry ErrNotSent and the cause.
func TestImportFriendsStopsOnFatalError(t *testing.T) {
	t.Parallel()
	srv := newImportServer(t)
	srv.failFrom["alice"] = 70009
	rt := newFakeRT(t, srv.handle)
	c, _ := newClient(t, rt, timrest.WithConcurrency(1))
	res, err := c.Friends.Import(context.Background(), []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: items("b", 3500)}})
	if !errors.Is(err, timrest.ErrUserSig) {
		t.Fatalf("err = %v, want ErrUserSig", err)
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
	for k, it := range res.Items {
		if !errors.Is(it.Err, timrest.ErrUserSig) {
			t.Fatalf("item %d: %v, want ErrUserSig", k, it.Err)
		}
		if notSent := errors.Is(it.Err, timrest.ErrNotSent); notSent != (k >= 1000) {
			t.Fatalf("item %d: ErrNotSent is %v", k, notSent)
		}
	}
}

// TestImportFriendsCancel: when the context ends, the call returns
// promptly; items answered before keep their outcome, the rest fail with
// the context's error.
func TestImportFriendsCancel(t *testing.T) {
	t.Parallel()
	srv := newImportServer(t)
	srv.gate = make(chan struct{})
	rt := newFakeRT(t, srv.handle)
	c, _ := newClient(t, rt, timrest.WithConcurrency(2))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		srv.gate <- struct{}{} // let one request through
		srv.gate <- struct{}{} // and a second
		cancel()
	}()
	var reqs []gen.ImportFriendsRequest
	for i := range 10 {
		reqs = append(reqs, gen.ImportFriendsRequest{FromAccount: fmt.Sprintf("u%d", i), AddFriendItem: items("f", 1000)})
	}
	res, err := c.Friends.Import(ctx, reqs)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	imported, notSent, other := 0, 0, 0
	for _, it := range res.Items {
		switch {
		case it.OK():
			imported++
		case errors.Is(it.Err, timrest.ErrNotSent) && errors.Is(it.Err, context.Canceled):
			notSent++
		case errors.Is(it.Err, context.Canceled):
			other++ // in flight when the context ended
		default:
			t.Fatalf("item %+v: unexpected error %v", it, it.Err)
		}
	}
	if imported != 2000 || imported+notSent+other != 10000 {
		t.Errorf("imported %d, not sent %d, cancelled in flight %d: want 2000 imported and all 10000 accounted for", imported, notSent, other)
	}
	if n := len(rt.requests()); n > 4 {
		t.Errorf("%d requests sent after the cancel, want at most 4", n)
	}
}

// TestImportFriendsBadFromAccount: an invalid From_Account refuses the
// call, naming the field; nothing is sent.
func TestImportFriendsBadFromAccount(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, newImportServer(t).handle)
	c, _ := newClient(t, rt)
	res, err := c.Friends.Import(context.Background(), []gen.ImportFriendsRequest{
		{FromAccount: "alice", AddFriendItem: items("b", 1)},
		{FromAccount: strings.Repeat("z", 40), AddFriendItem: items("b", 1)}})
	var ve *timrest.ValidationError
	if !errors.As(err, &ve) || res != nil {
		t.Fatalf("err = %v, want a ValidationError for From_Account", err)
	}
	want := &timrest.ValidationError{Op: "ImportFriends", Field: "From_Account", Index: -1, Account: strings.Repeat("z", 40),
		Reason: "(request 1) is 40 bytes, want at most 32"}
	if diff := cmp.Diff(want, ve); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if n := len(rt.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestImportItemValidation: each rule of the document's AddFriendItem
// schema refuses the item alone, naming the field by its JSON path (under
// AddFriendItem), the item's index and To_Account, with the reason the
// generated check gives.
func TestImportItemValidation(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, newImportServer(t).handle)
	c, _ := newClient(t, rt)
	good := gen.AddFriendItem{ToAccount: "ok", AddSource: "AddSource_Type_Web"}
	bad := []struct {
		field, reason string
		edit          func(*gen.AddFriendItem)
	}{
		{"To_Account", "is empty", func(it *gen.AddFriendItem) { it.ToAccount = "" }},
		{"To_Account", "is 34 bytes, want at most 32", func(it *gen.AddFriendItem) { it.ToAccount = strings.Repeat("é", 17) }},
		{"AddSource", "does not match ^AddSource_Type_[A-Za-z]{1,8}$", func(it *gen.AddFriendItem) { it.AddSource = "AddSource_Type_123" }},
		{"AddSource", "does not match ^AddSource_Type_[A-Za-z]{1,8}$", func(it *gen.AddFriendItem) { it.AddSource = "" }},
		{"Remark", "is 97 bytes, want at most 96", func(it *gen.AddFriendItem) { it.Remark = ptr(strings.Repeat("r", 97)) }},
		{"Remark", "is 99 bytes, want at most 96", func(it *gen.AddFriendItem) { it.Remark = ptr(strings.Repeat("é", 49) + "x") }}, // 50 characters
		{"AddWording", "is 257 bytes, want at most 256", func(it *gen.AddFriendItem) { it.AddWording = ptr(strings.Repeat("w", 257)) }},
		{"GroupName", "has 33 items, want at most 32", func(it *gen.AddFriendItem) { it.GroupName = make([]string, 33) }},
		{"GroupName[0]", "is 31 bytes, want at most 30", func(it *gen.AddFriendItem) { it.GroupName = []string{strings.Repeat("g", 31)} }},
		{"GroupName[1]", "is empty", func(it *gen.AddFriendItem) { it.GroupName = []string{"work", ""} }},
		{"CustomItem[0].Tag", "does not match ^Tag_SNS_Custom_[A-Za-z]{1,8}$", func(it *gen.AddFriendItem) {
			it.CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Too_Long_Name", Value: tag.Int(1)}}
		}},
		{"CustomItem[1].Value", "is array of strings, want string or integer", func(it *gen.AddFriendItem) {
			it.CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(1)}, {Tag: "Tag_SNS_Custom_List", Value: tag.Strings("a")}}
		}},
	}
	var list []gen.AddFriendItem
	for i, b := range bad {
		it := good
		it.ToAccount = fmt.Sprintf("bad%d", i)
		b.edit(&it)
		list = append(list, it)
	}
	list = append(list, good)
	res, err := c.Friends.Import(context.Background(), []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: list}})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bad {
		var ve *timrest.ValidationError
		if !errors.As(res.Items[i].Err, &ve) {
			t.Errorf("item %d: err %v, want a ValidationError", i, res.Items[i].Err)
			continue
		}
		want := &timrest.ValidationError{Op: "ImportFriends", Field: "AddFriendItem." + b.field, Index: i, Account: list[i].ToAccount, Reason: b.reason}
		if diff := cmp.Diff(want, ve); diff != "" {
			t.Errorf("item %d (-want +got):\n%s", i, diff)
		}
		if !strings.Contains(ve.Error(), fmt.Sprintf("AddFriendItem[%d].%s", i, b.field)) {
			t.Errorf("item %d: %q does not name the field", i, ve.Error())
		}
	}
	if !res.Items[len(bad)].OK() {
		t.Errorf("the good item: %v", res.Items[len(bad)].Err)
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests, want 1 with the good item", n)
	}
}

// TestImportFriendsDuplicates: a From_Account's items are applied in
// input order and a request never holds a To_Account twice: a repeated
// To_Account starts the account's next request. Every occurrence is sent
// and gets its own outcome, and how the items are spread over the input
// requests makes no difference.
func TestImportFriendsDuplicates(t *testing.T) {
	t.Parallel()
	it := func(to, remark string) gen.AddFriendItem {
		return gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Test", Remark: ptr(remark)}
	}
	all := []gen.AddFriendItem{it("a", "1"), it("b", "1"), it("a", "2"), it("a", "3"), it("c", "1"), it("b", "2")}
	layouts := map[string][]gen.ImportFriendsRequest{
		"one request": {{FromAccount: "alice", AddFriendItem: all}},
		"three requests": {
			{FromAccount: "alice", AddFriendItem: all[:1]},
			{FromAccount: "carol", AddFriendItem: []gen.AddFriendItem{it("a", "x")}},
			{FromAccount: "alice", AddFriendItem: all[1:3]},
			{FromAccount: "alice", AddFriendItem: all[3:]},
		},
	}
	for name, reqs := range layouts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rt := newFakeRT(t, newImportServer(t).handle)
			c, _ := newClient(t, rt, timrest.WithConcurrency(2))
			res, err := c.Friends.Import(context.Background(), reqs)
			if err != nil {
				t.Fatal(err)
			}
			var sent []string // alice's requests, in the order sent
			for _, r := range rt.requests() {
				var req gen.ImportFriendsRequest
				r.decode(t, &req)
				if req.FromAccount != "alice" {
					continue
				}
				var s []string
				for _, item := range req.AddFriendItem {
					s = append(s, item.ToAccount+*item.Remark)
				}
				sent = append(sent, strings.Join(s, " "))
			}
			if diff := cmp.Diff([]string{"a1 b1", "a2", "a3 c1 b2"}, sent); diff != "" {
				t.Errorf("alice's requests (-want +got):\n%s", diff)
			}
			n := 0
			for _, r := range res.Items {
				if r.Account != "alice" {
					continue
				}
				if !r.OK() || r.Key != all[n].ToAccount {
					t.Errorf("alice's item %d: %s %v, want %s imported", n, r.Key, r.Err, all[n].ToAccount)
				}
				n++
			}
			if n != len(all) || res.Succeeded() != len(res.Items) {
				t.Errorf("%d of alice's items in the result, %d of %d imported", n, res.Succeeded(), len(res.Items))
			}
		})
	}
}

// TestImportFriendsDuplicatesChunking: the batch limit and duplicates
// together. Items whose To_Accounts cycle through n accounts: a request
// ends at 1000 items or at the first To_Account it already holds.
func TestImportFriendsDuplicatesChunking(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cycle, items int
		want         []int
	}{
		{600, 1500, []int{600, 600, 300}},    // each repeat of u0 starts a request
		{1200, 2600, []int{1000, 1000, 600}}, // u1000..u1199 u0..u799 | u800..u1199 u0..u199
		{1, 3, []int{1, 1, 1}},               // the same account three times
		{2000, 2000, []int{1000, 1000}},      // no duplicates: the limit only
	} {
		rt := newFakeRT(t, newImportServer(t).handle)
		c, _ := newClient(t, rt)
		list := make([]gen.AddFriendItem, 0, tt.items)
		for i := range tt.items {
			list = append(list, gen.AddFriendItem{ToAccount: fmt.Sprintf("u%d", i%tt.cycle), AddSource: "AddSource_Type_Test"})
		}
		res, err := c.Friends.Import(context.Background(), []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: list}})
		if err != nil || res.Succeeded() != tt.items {
			t.Fatalf("cycle %d: err %v, %d imported", tt.cycle, err, res.Succeeded())
		}
		var sizes []int
		for _, r := range rt.requests() {
			var req gen.ImportFriendsRequest
			r.decode(t, &req)
			sizes = append(sizes, len(req.AddFriendItem))
		}
		if diff := cmp.Diff(tt.want, sizes); diff != "" {
			t.Errorf("cycle %d: request sizes (-want +got):\n%s", tt.cycle, diff)
		}
	}
}

// TestImportFriendsMerge: one From_Account's requests share requests up
// to the document's limit (the request holds nothing but the account and
// its items), in input order, whatever other accounts come between; every
// item keeps its own request and index in the result.
func TestImportFriendsMerge(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, newImportServer(t).handle)
	c, _ := newClient(t, rt, timrest.WithConcurrency(1))
	reqs := []gen.ImportFriendsRequest{
		{FromAccount: "alice", AddFriendItem: items("a", 400)},
		{FromAccount: "bob", AddFriendItem: items("b", 3)},
		{FromAccount: "alice", AddFriendItem: items("c", 400)},
		{FromAccount: "alice", AddFriendItem: items("d", 400)},
		{FromAccount: "bob", AddFriendItem: items("e", 2)},
	}
	res, err := c.Friends.Import(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	type sent struct {
		from        string
		size        int
		first, last string
	}
	var got []sent
	for _, r := range rt.requests() {
		var req gen.ImportFriendsRequest
		r.decode(t, &req)
		n := len(req.AddFriendItem)
		got = append(got, sent{req.FromAccount, n, req.AddFriendItem[0].ToAccount, req.AddFriendItem[n-1].ToAccount})
	}
	want := []sent{{"alice", 1000, "a0000", "d0199"}, {"alice", 200, "d0200", "d0399"}, {"bob", 5, "b0000", "e0001"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sent{})); diff != "" {
		t.Errorf("requests sent (-want +got):\n%s", diff)
	}
	k := 0
	for n, r := range reqs {
		for i, it := range r.AddFriendItem {
			if got := res.Items[k]; got.Request != n || got.Index != i || got.Key != it.ToAccount || got.Account != r.FromAccount || !got.OK() {
				t.Fatalf("item %d: %+v, want request %d index %d (%s → %s) imported", k, got, n, i, r.FromAccount, it.ToAccount)
			}
			k++
		}
	}
}

// TestGetFriendsRequestsNeverMerge: GetFriends requests are sent apart,
// each with its own From_Account and TagList, even when they could share
// a request; a To_Account repeated within a request is asked once and
// every occurrence gets the answer, while one repeated in another request
// is asked again there.
func TestGetFriendsRequestsNeverMerge(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, friendsServer(t))
	c, _ := newClient(t, rt, timrest.WithConcurrency(1))
	reqs := []gen.GetFriendsRequest{
		{FromAccount: "alice", ToAccount: []string{"bob", "carol", "bob"}, TagList: []string{timrest.TagRemark}},
		{FromAccount: "alice", ToAccount: []string{"bob", "dave"}, TagList: []string{timrest.TagRemark}},
		{FromAccount: "erin", ToAccount: []string{"bob"}, TagList: []string{timrest.TagFriendLists}},
	}
	res, err := c.Friends.Get(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rt.requests() {
		var req gen.GetFriendsRequest
		r.decode(t, &req)
		got = append(got, fmt.Sprintf("%s %v %v", req.FromAccount, req.ToAccount, req.TagList))
	}
	want := []string{
		"alice [bob carol] [Tag_SNS_IM_Remark]",
		"alice [bob dave] [Tag_SNS_IM_Remark]",
		"erin [bob] [Tag_SNS_IM_Group]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests sent (-want +got):\n%s", diff)
	}
	wantItems := [][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {2, 0}}
	if len(res.Items) != len(wantItems) {
		t.Fatalf("%d items, want %d", len(res.Items), len(wantItems))
	}
	for k, it := range res.Items {
		if it.Request != wantItems[k][0] || it.Index != wantItems[k][1] || !it.OK() || it.Result == nil || it.Result.ToAccount != it.Key {
			t.Errorf("item %d: %+v, want request %d index %d answered", k, it, wantItems[k][0], wantItems[k][1])
		}
	}
	if res.Items[0].Result == nil || res.Items[2].Result == nil || res.Items[0].Result.ToAccount != res.Items[2].Result.ToAccount {
		t.Errorf("the repeated bob: %+v and %+v, want the same answer", res.Items[0].Result, res.Items[2].Result)
	}
}

// TestStopsBatch: the errors of a whole request whose class the document
// makes auth, permission or config stop a batch; no other error does,
// nor an item's error of those classes.
func TestStopsBatch(t *testing.T) {
	t.Parallel()
	stops := map[spec.Class]bool{spec.ClassAuth: true, spec.ClassPermission: true, spec.ClassConfig: true}
	for _, op := range spec.Operations {
		codes := map[int]spec.ErrorCode{}
		for code, e := range spec.PublicErrors {
			codes[code] = e
		}
		for code, e := range op.Errors {
			codes[code] = e // the operation's own entry wins
		}
		for code, e := range codes {
			whole := &timrest.Error{Op: op.ID, Code: code}
			if got := timrest.StopsBatch(whole); got != stops[e.Class] {
				t.Errorf("%s %d (%s): StopsBatch %v", op.ID, code, e.Class, got)
			}
			if got := timrest.StopsBatch(fmt.Errorf("timrest: 1 of 2 requests failed: %w", whole)); got != stops[e.Class] {
				t.Errorf("%s %d (%s) wrapped: StopsBatch %v", op.ID, code, e.Class, got)
			}
			if timrest.StopsBatch(&timrest.Error{Op: op.ID, Code: code, Account: "bob"}) {
				t.Errorf("%s %d (%s): an item's error stops the batch", op.ID, code, e.Class)
			}
		}
	}
	for _, err := range []error{
		nil,
		errors.New("timrest: network"),
		&timrest.Error{Op: "ImportFriends", HTTPStatus: 502},
		&timrest.Error{Op: "ImportFriends", HTTPStatus: 302},
		&timrest.ValidationError{Op: "ImportFriends", Field: "From_Account", Index: -1, Reason: "is empty"},
		&timrest.Error{Op: "ImportFriends", Code: 99999},
		context.Canceled,
	} {
		if timrest.StopsBatch(err) {
			t.Errorf("StopsBatch(%v) = true", err)
		}
	}
}

// TestImportFriendsStopsOrGoesOn: a whole request failing with a
// permission or config error stops the call (nothing more is sent, the
// rest fails with ErrNotSent); a bad-request error of a whole request,
// or items failing with any code, do not.
func TestImportFriendsStopsOrGoesOn(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		code      int // of alice's whole request
		itemCode  int // of every item otherwise
		stop      bool
		sentWhole int // requests sent
	}{
		{"30004 permission", 30004, 0, true, 1},
		{"60026 wrong data center", 60026, 0, true, 1},
		{"70001 expired twice", 70001, 0, true, 2}, // renewed and retried once
		{"30001 bad request", 30001, 0, false, 4},
		{"items refused with 30004", 0, 30004, false, 4},
		{"items refused with 70009", 0, 70009, false, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
				var req gen.ImportFriendsRequest
				r.decode(t, &req)
				if req.FromAccount == "alice" && tt.code != 0 {
					return failAnswer(tt.code, "injected"), nil
				}
				a := gen.ImportFriendsResponse{ActionStatus: gen.ActionStatusOK}
				for _, it := range req.AddFriendItem {
					a.ResultItem = append(a.ResultItem, gen.FriendResult{ToAccount: it.ToAccount, ResultCode: int32(tt.itemCode)})
				}
				return answerJSON(t, a), nil
			})
			c, _ := newClient(t, rt, timrest.WithConcurrency(1))
			reqs := []gen.ImportFriendsRequest{
				{FromAccount: "alice", AddFriendItem: items("a", 2)},
				{FromAccount: "bob", AddFriendItem: items("b", 2)},
				{FromAccount: "carol", AddFriendItem: items("c", 2)},
				{FromAccount: "dave", AddFriendItem: items("d", 2)},
			}
			res, err := c.Friends.Import(context.Background(), reqs)
			if n := len(rt.requests()); n != tt.sentWhole {
				t.Errorf("%d requests sent, want %d", n, tt.sentWhole)
			}
			if got := timrest.StopsBatch(err); got != tt.stop {
				t.Errorf("StopsBatch(%v) = %v, want %v", err, got, tt.stop)
			}
			notSent := 0
			for _, it := range res.Items {
				if errors.Is(it.Err, timrest.ErrNotSent) {
					notSent++
				}
			}
			if want := map[bool]int{true: 6, false: 0}[tt.stop]; notSent != want {
				t.Errorf("%d items not sent, want %d", notSent, want)
			}
		})
	}
}

// TestBatchItemSecretsRedacted: an item's ResultInfo that echoes the
// UserSig or the key does not carry them into the item's error (as the
// error of a whole answer does not: TestSecretsNeverInErrorsOrLogs).
func TestBatchItemSecretsRedacted(t *testing.T) {
	t.Parallel()
	var sig string
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		sig = r.Req.URL.Query().Get("usersig")
		var req gen.ImportFriendsRequest
		r.decode(t, &req)
		a := gen.ImportFriendsResponse{ActionStatus: gen.ActionStatusOK}
		for _, it := range req.AddFriendItem {
			a.ResultItem = append(a.ResultItem, gen.FriendResult{ToAccount: it.ToAccount, ResultCode: 30001,
				ResultInfo: ptr("bad usersig=" + sig + " key " + testKey)})
		}
		return answerJSON(t, a), nil
	})
	c, _ := newClient(t, rt)
	res, err := c.Friends.Import(context.Background(), []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: items("b", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	it := res.Items[0]
	if it.Err == nil || sig == "" {
		t.Fatalf("item: %+v", it)
	}
	if text := it.Err.Error(); strings.Contains(text, sig) || strings.Contains(text, testKey) {
		t.Errorf("the item's error carries a secret: %s", text)
	}
}

// TestFromAccountInValidationError: a From_Account the document refuses
// is named in the ValidationError (its Account), for every operation with
// one, as ValidationError's documentation says.
func TestFromAccountInValidationError(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, nil)
	c, _ := newClient(t, rt)
	ctx := context.Background()
	bad := strings.Repeat("z", 33)
	_, listsErr := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: bad})
	_, getErr := c.Friends.Get(ctx, []gen.GetFriendsRequest{{FromAccount: bad, ToAccount: []string{"bob"}, TagList: []string{timrest.TagRemark}}})
	_, importErr := c.Friends.Import(ctx, []gen.ImportFriendsRequest{{FromAccount: bad, AddFriendItem: items("b", 1)}})
	for op, err := range map[string]error{"GetFriendLists": listsErr, "GetFriends": getErr, "ImportFriends": importErr} {
		want := &timrest.ValidationError{Op: op, Field: "From_Account", Index: -1, Account: bad, Reason: "is 33 bytes, want at most 32"}
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", op, err)
		} else if diff := cmp.Diff(want, ve); diff != "" {
			t.Errorf("%s (-want +got):\n%s", op, diff)
		}
	}
}
