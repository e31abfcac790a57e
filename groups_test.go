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
	"github.com/timrest/timrest/internal/spec"
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

// TestAllIDs: the iterator follows Next (64-bit values included) to
// the last page, sends the caller's Limit and GroupType on every page and
// leaves the caller's request as it was.
func TestAllIDs(t *testing.T) {
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
	ids, errs := collect(c.Groups.AllIDs(context.Background(), req))
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
		next := int64(0) // the first request is the caller's: no Next
		if sent.Next != nil {
			next = *sent.Next
		}
		nexts = append(nexts, next)
	}
	if diff := cmp.Diff([]int64{0, 4454685361, big}, nexts); diff != "" {
		t.Errorf("cursors sent (-want +got):\n%s", diff)
	}
}

// TestAllIDsRepeatedCursor: a service that hands back a cursor it
// gave before ends the iteration with ErrRepeatedCursor instead of
// looping.
func TestAllIDsRepeatedCursor(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{
		0: page(7, "a"),
		7: page(8, "b"),
		8: page(7, "c"), // back to 7
	}))
	c, _ := newClient(t, rt)
	ids, errs := collect(c.Groups.AllIDs(context.Background(), gen.ListGroupIDsRequest{}))
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

// TestAllIDsErrorsAndBreak: an error is yielded once and ends the
// loop; breaking out of the loop fetches no further page.
func TestAllIDsErrorsAndBreak(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(5, "a", "b")})) // no page at 5: 10004
	c, _ := newClient(t, rt)
	ids, errs := collect(c.Groups.AllIDs(context.Background(), gen.ListGroupIDsRequest{}))
	if len(ids) != 2 || len(errs) != 1 || !errors.Is(errs[0], timrest.ErrBadRequest) {
		t.Errorf("ids %v errors %v, want 2 IDs then one ErrBadRequest", ids, errs)
	}

	rt2 := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(5, "a", "b"), 5: page(0, "c")}))
	c2, _ := newClient(t, rt2)
	for id, err := range c2.Groups.AllIDs(context.Background(), gen.ListGroupIDsRequest{}) {
		if err != nil || id != "a" {
			t.Fatalf("first: %q %v", id, err)
		}
		break
	}
	if n := len(rt2.requests()); n != 1 {
		t.Errorf("%d pages fetched after a break on the first ID, want 1", n)
	}

	// A bad request is refused before anything is sent.
	_, errs = collect(c2.Groups.AllIDs(context.Background(), gen.ListGroupIDsRequest{Limit: ptr(int64(10001))}))
	var ve *timrest.ValidationError
	if len(errs) != 1 || !errors.As(errs[0], &ve) || ve.Field != "Limit" || ve.Reason != "is 10001, want at most 10000" {
		t.Errorf("errors %v, want a ValidationError for Limit", errs)
	}
	if n := len(rt2.requests()); n != 1 {
		t.Errorf("%d pages fetched for an invalid request, want none", n-1)
	}
}

// TestIDsOnePage: the single-page call returns the answer: the IDs, the
// cursor and the total. Invalid requests are refused, naming the field.
func TestIDsOnePage(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(9040992949, "x", "y")}))
	c, _ := newClient(t, rt)
	p, err := c.Groups.IDs(context.Background(), gen.ListGroupIDsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := page(9040992949, "x", "y")
	want.ActionStatus = gen.ActionStatusOK
	if diff := cmp.Diff(&want, p); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		req           gen.ListGroupIDsRequest
		field, reason string
	}{
		{gen.ListGroupIDsRequest{Limit: ptr(int64(0))}, "Limit", "is 0, want at least 1"},
		{gen.ListGroupIDsRequest{Next: ptr(int64(-1))}, "Next", "is -1, want at least 0"},
		{gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupType("Type"))}, "GroupType", `is "Type", want one of Public, Private, Work, ChatRoom, Meeting, AVChatRoom, BChatRoom, Community`},
	} {
		_, err := c.Groups.IDs(context.Background(), tt.req)
		var ve *timrest.ValidationError
		want := &timrest.ValidationError{Op: "ListGroupIDs", Field: tt.field, Index: -1, Reason: tt.reason}
		if !errors.As(err, &ve) {
			t.Errorf("%+v: err %v, want a ValidationError", tt.req, err)
		} else if diff := cmp.Diff(want, ve); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.req, diff)
		}
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestIDPages: the page iterator yields every answer in order, from the
// request's own position, and stops at the page with Next 0; a break
// fetches nothing more; an error is yielded once, with a nil page, and
// ends the loop; a repeated cursor is an error after the page that gave
// it.
func TestIDPages(t *testing.T) {
	t.Parallel()
	pages := map[int64]gen.ListGroupIDsResponse{
		0:  page(10, "a", "b"),
		10: page(20, "c"),
		20: page(0, "d"),
		30: page(31, "x"),
		31: page(30, "y"), // back to the first cursor
		40: page(50, "z"), // then no page at 50: 10004
	}
	type pageSeen struct {
		ids  []string
		next int64
		err  error
	}
	walk := func(t *testing.T, c *timrest.Client, from int64, stopAfter int) []pageSeen {
		var out []pageSeen
		for p, err := range c.Groups.IDPages(context.Background(), gen.ListGroupIDsRequest{Next: ptr(from)}) {
			if (p == nil) == (err == nil) {
				t.Fatalf("page %v, err %v: want exactly one", p, err)
			}
			s := pageSeen{err: err}
			if p != nil {
				for _, g := range p.GroupIDList {
					s.ids = append(s.ids, g.GroupID)
				}
				s.next = *p.Next
			}
			out = append(out, s)
			if len(out) == stopAfter {
				break
			}
		}
		return out
	}
	opts := cmp.Comparer(func(a, b error) bool { return (a == nil) == (b == nil) })

	rt := newFakeRT(t, pagesServer(t, pages))
	c, _ := newClient(t, rt)
	got := walk(t, c, 0, -1)
	if diff := cmp.Diff([]pageSeen{{[]string{"a", "b"}, 10, nil}, {[]string{"c"}, 20, nil}, {[]string{"d"}, 0, nil}}, got, opts, cmp.AllowUnexported(pageSeen{})); diff != "" {
		t.Errorf("pages from 0 (-want +got):\n%s", diff)
	}
	if n := len(rt.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	// From a saved position; a break after the first page.
	rt = newFakeRT(t, pagesServer(t, pages))
	c, _ = newClient(t, rt)
	if got := walk(t, c, 10, 1); len(got) != 1 || got[0].next != 20 {
		t.Errorf("from 10, break after one: %+v", got)
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests after a break on the first page, want 1", n)
	}

	// A cursor given before (the request's own): an error after the
	// page that gave it.
	rt = newFakeRT(t, pagesServer(t, pages))
	c, _ = newClient(t, rt)
	got = walk(t, c, 30, -1)
	if len(got) != 3 || got[1].next != 30 || !errors.Is(got[2].err, timrest.ErrRepeatedCursor) {
		t.Errorf("from 30: %+v, want the pages at 30 and 31 then ErrRepeatedCursor", got)
	}
	if n := len(rt.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	// A failing page: the error once, then nothing.
	rt = newFakeRT(t, pagesServer(t, pages))
	c, _ = newClient(t, rt)
	got = walk(t, c, 40, -1)
	var e *timrest.Error
	if len(got) != 2 || got[0].next != 50 || !errors.As(got[1].err, &e) || e.Code != 10004 || e.Op != "ListGroupIDs" {
		t.Errorf("from 40: %+v, want one page then the 10004 error", got)
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
	if _, err := c.Groups.IDs(context.Background(), gen.ListGroupIDsRequest{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{spec.GetFriendLists.ID, spec.GetFriendLists.ID, spec.ListGroupIDs.ID}, lim.ops); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "rate limiter") {
		t.Errorf("err = %v, want the limiter's context.Canceled", err)
	}
	if n := len(rt.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestDefaultLimiterRates: the default limiter allows each operation of
// the document its x-tim-rate-limit; overrides are checked.
func TestDefaultLimiterRates(t *testing.T) {
	t.Parallel()
	override := spec.Operations[0]
	l, err := timrest.NewLimiter(map[string]float64{override.ID: override.Rate / 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range spec.Operations {
		want := op.Rate
		if op == override {
			want = op.Rate / 4
		}
		if got, ok := l.Rate(op.ID); !ok || got != want || !(want > 0) {
			t.Errorf("%s: %v %v, want %v", op.ID, got, ok, want)
		}
	}
	for _, bad := range []map[string]float64{{override.ID + "x": 1}, {override.ID: 0}, {override.ID: -1}} {
		var ve *timrest.ValidationError
		if _, err := timrest.NewLimiter(bad); !errors.As(err, &ve) {
			t.Errorf("%v: err %v, want a ValidationError", bad, err)
		}
	}
	// The default client limits ListGroupIDs to its rate: a second call
	// at once must wait 1/rate, and gives up on a context that ends
	// sooner.
	rt := newFakeRT(t, pagesServer(t, map[int64]gen.ListGroupIDsResponse{0: page(0, "x")}))
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: testBase},
		timrest.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Groups.IDs(context.Background(), gen.ListGroupIDsRequest{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(float64(time.Second)/spec.ListGroupIDs.Rate/2))
	defer cancel()
	if _, err := c.Groups.IDs(ctx, gen.ListGroupIDsRequest{}); err == nil || !strings.Contains(err.Error(), "rate limiter") {
		t.Errorf("second call at once: err %v, want a rate limiter wait that cannot finish in time", err)
	}
}
