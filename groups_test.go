package timrest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
)

// pagesServer serves the given pages: the answer to cursor c is pages[c]
// (cursors are the map keys; 0 is the first page).
func pagesServer(t *testing.T, pages map[int64]gen.ListGroupIDsResponse) func(r *recorded) (*http.Response, error) {
	return func(r *recorded) (*http.Response, error) {
		var req gen.ListGroupIDsRequest
		r.decode(t, &req)
		var next int64
		if req.Next != nil {
			next = *req.Next
		}
		p, ok := pages[next]
		if !ok {
			return failAnswer(10004, fmt.Sprintf("no page at %d", next)), nil
		}
		p.ActionStatus = gen.ActionStatusOK
		return answerJSON(t, p), nil
	}
}

func page(next int64, ids ...string) gen.ListGroupIDsResponse {
	p := gen.ListGroupIDsResponse{Next: &next, TotalCount: ptr(int64(5))}
	for _, id := range ids {
		p.GroupIDList = append(p.GroupIDList, gen.GroupIDItem{GroupID: id})
	}
	return p
}

func collect(seq func(func(string, error) bool)) (ids []string, errs []error) {
	for id, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, id)
	}
	return ids, errs
}

// TestAllGroupIDs: the iterator follows Next (64-bit values included) to
// the last page, sends the caller's Limit and GroupType on every page and
// leaves the caller's request as it was.
func TestAllGroupIDs(t *testing.T) {
	t.Parallel()
	const big = int64(9040992949) // over 2^32
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{
		0:          page(4454685361, "@TGS#1", "@TGS#2"),
		4454685361: page(big), // an empty page that is not the last
		big:        page(0, "@TGS#3"),
	}))
	c, _ := newClient(t, rt)
	public := gen.GroupTypePublic
	req := gen.ListGroupIDsRequest{Limit: ptr(int64(2)), GroupType: &public}
	before := fmt.Sprintf("%v %v %v", *req.Limit, req.Next, *req.GroupType)
	ids, errs := collect(c.AllGroupIDs(context.Background(), req))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if diff := cmp.Diff([]string{"@TGS#1", "@TGS#2", "@TGS#3"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if after := fmt.Sprintf("%v %v %v", *req.Limit, req.Next, *req.GroupType); after != before {
		t.Errorf("the caller's request changed: %s → %s", before, after)
	}
	var nexts []int64
	for _, r := range rt.requests() {
		var sent gen.ListGroupIDsRequest
		r.decode(t, &sent)
		if *sent.Limit != 2 || *sent.GroupType != public {
			t.Errorf("page %d: Limit %v GroupType %v", r.N, sent.Limit, sent.GroupType)
		}
		nexts = append(nexts, *sent.Next)
	}
	if diff := cmp.Diff([]int64{0, 4454685361, big}, nexts); diff != "" {
		t.Errorf("cursors sent (-want +got):\n%s", diff)
	}
}

// TestAllGroupIDsRepeatedCursor: a service that hands back a cursor it
// gave before ends the iteration with ErrRepeatedCursor instead of
// looping.
func TestAllGroupIDsRepeatedCursor(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{
		0: page(7, "a"),
		7: page(8, "b"),
		8: page(7, "c"), // back to 7
	}))
	c, _ := newClient(t, rt)
	ids, errs := collect(c.AllGroupIDs(context.Background(), gen.ListGroupIDsRequest{}))
	if diff := cmp.Diff([]string{"a", "b", "c"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if len(errs) != 1 || !errors.Is(errs[0], timrest.ErrRepeatedCursor) {
		t.Errorf("errors %v, want one ErrRepeatedCursor", errs)
	}
	if n := len(rt.requests()); n != 3 {
		t.Errorf("%d pages fetched, want 3", n)
	}
}

// TestAllGroupIDsErrorsAndBreak: an error is yielded once and ends the
// loop; breaking out of the loop fetches no further page.
func TestAllGroupIDsErrorsAndBreak(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(5, "a", "b")})) // no page at 5: 10004
	c, _ := newClient(t, rt)
	ids, errs := collect(c.AllGroupIDs(context.Background(), gen.ListGroupIDsRequest{}))
	if len(ids) != 2 || len(errs) != 1 || !errors.Is(errs[0], timrest.ErrBadRequest) {
		t.Errorf("ids %v errors %v, want 2 IDs then one ErrBadRequest", ids, errs)
	}

	rt2 := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(5, "a", "b"), 5: page(0, "c")}))
	c2, _ := newClient(t, rt2)
	for id, err := range c2.AllGroupIDs(context.Background(), gen.ListGroupIDsRequest{}) {
		if err != nil || id != "a" {
			t.Fatalf("first: %q %v", id, err)
		}
		break
	}
	if n := len(rt2.requests()); n != 1 {
		t.Errorf("%d pages fetched after a break on the first ID, want 1", n)
	}

	// A bad request is refused before anything is sent.
	_, errs = collect(c2.AllGroupIDs(context.Background(), gen.ListGroupIDsRequest{Limit: ptr(int64(10001))}))
	var ve *timrest.ValidationError
	if len(errs) != 1 || !errors.As(errs[0], &ve) || ve.Field != "Limit" {
		t.Errorf("errors %v, want a ValidationError for Limit", errs)
	}
}

// TestListGroupIDsPage: the single-page call returns the IDs, the cursor
// and the total.
func TestListGroupIDsPage(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(9040992949, "x", "y")}))
	c, _ := newClient(t, rt)
	p, err := c.ListGroupIDs(context.Background(), gen.ListGroupIDsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := &timrest.GroupIDsPage{GroupIDs: []string{"x", "y"}, Next: 9040992949, TotalCount: 5}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	for _, bad := range []gen.ListGroupIDsRequest{
		{Limit: ptr(int64(0))}, {Next: ptr(int64(-1))}, {GroupType: ptr(gen.GroupType("Type"))},
	} {
		var ve *timrest.ValidationError
		if _, err := c.ListGroupIDs(context.Background(), bad); !errors.As(err, &ve) {
			t.Errorf("%+v: err %v, want a ValidationError", bad, err)
		}
	}
}

// recordingLimiter records the operation of every Wait.
type recordingLimiter struct {
	mu  sync.Mutex
	ops []string
}

func (l *recordingLimiter) Wait(ctx context.Context, op string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops = append(l.ops, op)
	return ctx.Err()
}

// TestRateLimiterWaitsPerAttempt: every attempt, retries included, waits
// on the limiter with its operation; a limiter error stops the call.
func TestRateLimiterWaitsPerAttempt(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, script(fail(30006), ok(friendListsOK)))
	lim := &recordingLimiter{}
	c, _ := newClient(t, rt, timrest.WithRateLimiter(lim))
	if err := getLists(c); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroupIDs(context.Background(), gen.ListGroupIDsRequest{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"GetFriendLists", "GetFriendLists", "ListGroupIDs"}, lim.ops); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetFriendLists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "rate limiter") {
		t.Errorf("err = %v, want the limiter's context.Canceled", err)
	}
	if n := len(rt.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestDefaultLimiterRates: the default limiter allows each operation the
// document's x-tim-rate-limit; overrides are checked.
func TestDefaultLimiterRates(t *testing.T) {
	t.Parallel()
	l, err := timrest.NewLimiter(map[string]float64{"ImportFriends": 50})
	if err != nil {
		t.Fatal(err)
	}
	for op, want := range map[string]float64{"GetFriendLists": 200, "GetFriends": 200, "ListGroupIDs": 1, "ImportFriends": 50} {
		if got, ok := l.Rate(op); !ok || got != want {
			t.Errorf("%s: %v %v, want %v", op, got, ok, want)
		}
	}
	for _, bad := range []map[string]float64{{"ImportFriend": 1}, {"ImportFriends": 0}} {
		var ve *timrest.ValidationError
		if _, err := timrest.NewLimiter(bad); !errors.As(err, &ve) {
			t.Errorf("%v: err %v, want a ValidationError", bad, err)
		}
	}
	// The default client limits ListGroupIDs to one call a second: a
	// second call must wait, and gives up on a context that ends sooner.
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(0, "x")}))
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: testBase},
		timrest.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroupIDs(context.Background(), gen.ListGroupIDsRequest{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.ListGroupIDs(ctx, gen.ListGroupIDsRequest{}); err == nil || !strings.Contains(err.Error(), "rate limiter") {
		t.Errorf("second call within a second: err %v, want a rate limiter wait that cannot finish in time", err)
	}
}
