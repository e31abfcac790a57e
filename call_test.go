package timrest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// TestCall: Client.Call finds the operation by its operationId or its
// path (with or without the leading slash), sends the request as given
// (a json.RawMessage as is, a struct encoded), signed, to the operation's
// URL, and returns the answer's JSON as it came.
func TestCall(t *testing.T) {
	t.Parallel()
	const lists = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"GroupName":"work","FriendNumber":2}],"CurrentSequence":7}`
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) { return answer(lists), nil })
	c, _ := newClient(t, rt)
	ctx := context.Background()
	for _, tt := range []struct {
		op   string
		req  any
		body string
	}{
		{"GetFriendLists", json.RawMessage(`{"From_Account":"alice","NeedFriend":"Need_Friend_Type_Yes"}`), `{"From_Account":"alice","NeedFriend":"Need_Friend_Type_Yes"}`},
		{"v4/sns/group_get", gen.GetFriendListsRequest{FromAccount: "bob"}, `{"From_Account":"bob"}`},
		{"/v4/sns/group_get", &gen.GetFriendListsRequest{FromAccount: "carol", GroupName: []string{"work"}}, `{"From_Account":"carol","GroupName":["work"]}`},
		{spec.GetFriendLists.Path, map[string]any{"From_Account": "dave"}, `{"From_Account":"dave"}`},
	} {
		n := len(rt.requests())
		raw, err := c.Call(ctx, tt.op, tt.req)
		if err != nil {
			t.Errorf("Call(%q): %v", tt.op, err)
			continue
		}
		if string(raw) != lists {
			t.Errorf("Call(%q) = %s, want the answer as it came", tt.op, raw)
		}
		reqs := rt.requests()
		if len(reqs) != n+1 {
			t.Fatalf("Call(%q): %d requests sent, want 1", tt.op, len(reqs)-n)
		}
		r := reqs[n]
		if r.Op != spec.GetFriendLists.ID || r.Path != "/proxy"+spec.GetFriendLists.Path || r.Req.URL.Query().Get("usersig") == "" {
			t.Errorf("Call(%q): sent %s (%s), signed %v", tt.op, r.Path, r.Op, r.Req.URL.Query().Has("usersig"))
		}
		if string(r.Body) != tt.body {
			t.Errorf("Call(%q): body %s, want %s", tt.op, r.Body, tt.body)
		}
	}
}

// TestCallErrors: an unknown operation, or a request the document's rules
// refuse, is a *ValidationError and sends nothing; a failed answer is an
// *Error of the operation (retried as its code says first), returned with
// the answer's JSON; an answer that is not an object with ActionStatus and
// ErrorCode, or not JSON, is an error that is not an *Error.
func TestCallErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(okAnswer), nil })
	c, _ := newClient(t, rt)
	for _, op := range []string{"ImportFriend", "v4/sns/friend_imports", "", "POST /v4/sns/friend_import"} {
		_, err := c.Call(ctx, op, json.RawMessage(`{}`))
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) || ve.Op != "Call" || ve.Field != "op" || !strings.Contains(ve.Reason, fmt.Sprintf("%q", op)) {
			t.Errorf("Call(%q): %v, want a ValidationError naming the op", op, err)
		}
	}
	for _, tt := range []struct {
		op   string
		req  any
		want *timrest.ValidationError
	}{
		{"ImportFriends", json.RawMessage(`{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web"},{"To_Account":"carol","AddSource":"Web"}]}`),
			&timrest.ValidationError{Op: "ImportFriends", Field: "AddFriendItem.AddSource", Index: 1, Reason: "does not match ^AddSource_Type_[A-Za-z]{1,8}$"}},
		{"ImportFriends", gen.ImportFriendsRequest{FromAccount: "alice", AddFriendItem: items("b", 1001)},
			&timrest.ValidationError{Op: "ImportFriends", Field: "AddFriendItem", Index: -1, Reason: "has 1001 items, want at most 1000"}},
		{"GetFriendLists", gen.GetFriendListsRequest{FromAccount: strings.Repeat("a", 33)},
			&timrest.ValidationError{Op: "GetFriendLists", Field: "From_Account", Index: -1, Reason: "is 33 bytes, want at most 32"}},
		{"ListGroupIDs", nil, nil}, // an empty request is a valid one
	} {
		_, err := c.Call(ctx, tt.op, tt.req)
		var ve *timrest.ValidationError
		switch {
		case tt.want == nil && errors.As(err, &ve):
			t.Errorf("Call(%s, %v): %v", tt.op, tt.req, err)
		case tt.want != nil && !errors.As(err, &ve):
			t.Errorf("Call(%s): %v, want a ValidationError", tt.op, err)
		case tt.want != nil:
			if diff := cmp.Diff(tt.want, ve); diff != "" {
				t.Errorf("Call(%s) (-want +got):\n%s", tt.op, diff)
			}
		}
	}
	if _, err := c.Call(ctx, "GetFriendLists", json.RawMessage(`{"From_Account":5}`)); !errors.As(err, new(*timrest.ValidationError)) || !strings.Contains(err.Error(), "From_Account") {
		t.Errorf("a field of the wrong JSON type: %v, want a ValidationError naming it", err)
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests sent, want only the valid one", n)
	}

	const failed = `{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"Err_SNS_Bad","ErrorDisplay":"bad"}`
	rt = newFakeRT(t, script(fail(30006), ok(failed)))
	c, s := newClient(t, rt)
	raw, err := c.Call(ctx, "ImportFriends", gen.ImportFriendsRequest{FromAccount: "alice", AddFriendItem: items("b", 1)})
	var e *timrest.Error
	if !errors.As(err, &e) || string(raw) != failed {
		t.Fatalf("FAIL answer: %s, %v; want the answer and an *Error", raw, err)
	}
	if diff := cmp.Diff(&timrest.Error{Op: "ImportFriends", Code: 30001, Info: "Err_SNS_Bad", Display: "bad"}, e); diff != "" || !errors.Is(err, timrest.ErrBadRequest) {
		t.Errorf("FAIL answer (-want +got):\n%s", diff)
	}
	if n, d := len(rt.requests()), len(s.all()); n != 2 || d != 1 {
		t.Errorf("%d attempts, %d backoffs; want 30006 retried once", n, d)
	}

	for _, body := range []string{`[1,2]`, `"OK"`, `42`, `{"ActionStatus":"OK","ErrorCode":"0"}`} {
		rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(body), nil })
		c, _ := newClient(t, rt)
		raw, err := c.Call(ctx, "GetFriendLists", gen.GetFriendListsRequest{FromAccount: "alice"})
		if err == nil || errors.As(err, &e) || !strings.Contains(err.Error(), "not an object with ActionStatus and ErrorCode") || raw != nil {
			t.Errorf("answer %s: %s, %v; want an error saying it is not an object", body, raw, err)
		}
	}
	rt = newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(`<html>`), nil })
	c, _ = newClient(t, rt)
	if raw, err := c.Call(ctx, "GetFriendLists", gen.GetFriendListsRequest{FromAccount: "alice"}); err == nil || errors.As(err, &e) || raw != nil {
		t.Errorf("answer that is not JSON: %s, %v; want an error", raw, err)
	}

	// A request that cannot be encoded.
	if _, err := c.Call(ctx, "GetFriendLists", json.RawMessage(`{"From_Account":`)); err == nil {
		t.Error("a request that is not JSON: no error")
	}
}

// TestCallRetryOption: WithCallRetry sets the policy of one call only:
// MaxAttempts 1 there while the client's is 4.
func TestCallRetryOption(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, script(fail(70500))) // transient for every operation
	c, _ := newClient(t, rt, timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 4}))
	ctx := context.Background()
	req := gen.GetFriendListsRequest{FromAccount: "alice"}
	once := timrest.WithCallRetry(timrest.RetryPolicy{MaxAttempts: 1})
	calls := []struct {
		name string
		call func() error
		want int
	}{
		{"Lists, once", func() error { _, err := c.Friends.Lists(ctx, req, once); return err }, 1},
		{"Lists, the client's policy", func() error { _, err := c.Friends.Lists(ctx, req); return err }, 4},
		{"Call, once", func() error { _, err := c.Call(ctx, "GetFriendLists", req, once); return err }, 1},
		{"Call, twice", func() error {
			_, err := c.Call(ctx, "GetFriendLists", req, timrest.WithCallRetry(timrest.RetryPolicy{MaxAttempts: 2}))
			return err
		}, 2},
		{"Import, once", func() error {
			_, err := c.Friends.Import(ctx, []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: items("b", 1)}}, once)
			return err
		}, 1},
		{"IDs, once", func() error {
			_, err := c.Groups.IDs(ctx, gen.ListGroupIDsRequest{}, once)
			return err
		}, 1},
		{"a nil option", func() error { _, err := c.Friends.Lists(ctx, req, nil); return err }, 4},
	}
	for _, cl := range calls {
		before := len(rt.requests())
		if err := cl.call(); !errors.Is(err, timrest.ErrTransient) {
			t.Errorf("%s: err %v, want the 70500 error", cl.name, err)
		}
		if n := len(rt.requests()) - before; n != cl.want {
			t.Errorf("%s: %d attempts, want %d", cl.name, n, cl.want)
		}
	}
}

// TestCallConcurrencyOption: WithCallConcurrency sets how many requests of
// one batch call are in flight, whatever the client's concurrency.
func TestCallConcurrencyOption(t *testing.T) {
	t.Parallel()
	reqs := make([]gen.ImportFriendsRequest, 3)
	for i := range reqs {
		reqs[i] = gen.ImportFriendsRequest{FromAccount: fmt.Sprintf("u%d", i), AddFriendItem: items("f", 2)}
	}
	imported := func(r *recorded) *http.Response {
		var req gen.ImportFriendsRequest
		r.decode(t, &req)
		a := gen.ImportFriendsResponse{ActionStatus: gen.ActionStatusOK}
		for _, it := range req.AddFriendItem {
			a.ResultItem = append(a.ResultItem, gen.FriendResult{ToAccount: it.ToAccount})
		}
		return answerJSON(t, a)
	}

	// With 3 on a client of 1: the three requests are answered only once
	// all three are in flight.
	var (
		mu      sync.Mutex
		waiting int
		all     = make(chan struct{})
	)
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		mu.Lock()
		if waiting++; waiting == len(reqs) {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			return imported(r), nil
		case <-time.After(5 * time.Second):
			return nil, errors.New("fewer than 3 requests in flight at once")
		}
	})
	c, _ := newClient(t, rt, timrest.WithConcurrency(1), timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 1}))
	res, err := c.Friends.Import(context.Background(), reqs, timrest.WithCallConcurrency(len(reqs)))
	if err != nil || res.Succeeded() != 6 {
		t.Fatalf("concurrency 3: err %v, %d of 6 imported", err, res.Succeeded())
	}

	// With 1 (0 is taken as 1) on a client of 8: one after another.
	var inFlight, most atomic.Int64
	rt = newFakeRT(t, func(r *recorded) (*http.Response, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond) // long enough for parallel requests to overlap
		return imported(r), nil
	})
	c, _ = newClient(t, rt, timrest.WithConcurrency(8))
	for _, opt := range []timrest.CallOption{timrest.WithCallConcurrency(1), timrest.WithCallConcurrency(0)} {
		most.Store(0)
		if res, err := c.Friends.Import(context.Background(), reqs, opt); err != nil || res.Succeeded() != 6 {
			t.Fatalf("concurrency 1: err %v", err)
		}
		if m := most.Load(); m != 1 {
			t.Errorf("at most %d requests in flight, want 1", m)
		}
	}
}

// TestCallAttemptTimeoutOption: WithCallAttemptTimeout bounds each attempt
// of one call; the other calls keep the client's timeout.
func TestCallAttemptTimeoutOption(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var left []time.Duration // time to the attempt's deadline, as each attempt arrived
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		d, ok := r.Ctx.Deadline()
		if !ok {
			return nil, errors.New("an attempt without a deadline")
		}
		mu.Lock()
		left = append(left, time.Until(d))
		mu.Unlock()
		if r.N == 0 {
			<-r.Ctx.Done() // the first attempt hangs until its deadline
			return nil, r.Ctx.Err()
		}
		return answer(friendListsOK), nil
	})
	c, _ := newClient(t, rt, timrest.WithAttemptTimeout(3*time.Second))
	ctx := context.Background()
	start := time.Now()
	if _, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"}, timrest.WithCallAttemptTimeout(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the call took %v", d)
	}
	if _, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice"}, timrest.WithCallAttemptTimeout(0)); err != nil { // 0: the client's
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(left) != 3 || left[0] > 20*time.Millisecond || left[1] > 20*time.Millisecond || left[2] < time.Second {
		t.Errorf("time left per attempt %v, want two of at most 20ms, then the client's 3s", left)
	}
}
