package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/regions"
	"github.com/timrest/timrest/tag"
)

// capture is an http.RoundTripper that validates each request against the
// document and answers with a canned OK (or, by path, the answers given),
// so no server is involved.
type capture struct {
	t       *testing.T
	v       *contract.Validator
	answers map[string][]byte // by path; nil: a bare OK
	mu      sync.Mutex
	reqs    []*http.Request
}

// captureClient returns the contract, a capture transport and a client
// (package timrest) sending through it, rate limiting off. With answers,
// the transport answers each operation with its first sample answer;
// without, with a bare OK.
func captureClient(t *testing.T, answers bool) (*contract.Contract, *capture, *timrest.Client) {
	t.Helper()
	c, v := load(t)
	rt := &capture{t: t, v: v}
	if answers {
		rt.answers = map[string][]byte{}
		for _, o := range spec.Operations {
			_, ans, err := c.Examples(o.ID)
			if err != nil || len(ans) == 0 {
				t.Fatalf("%s: no sample answer: %v", o.ID, err)
			}
			rt.answers[o.Path] = ans[0].Value
		}
	}
	client, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: "conformance-test-key-not-a-secret",
		Admin: "administrator", Region: regions.Singapore},
		timrest.WithHTTPClient(&http.Client{Transport: rt}), timrest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	return c, rt, client
}

var errInvalidRequest = errors.New("request does not match the document")

func (c *capture) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	clone := req.Clone(req.Context())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	if err := c.v.ValidateRequest(req.Context(), clone); err != nil {
		c.t.Errorf("%s: %v", req.URL.Path, err)
		return nil, errInvalidRequest
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, clone)
	c.mu.Unlock()
	if a, ok := c.answers[req.URL.Path]; ok {
		return httpAnswer(a), nil
	}
	return httpAnswer([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`)), nil
}

// requests returns the captured requests to path with their bodies.
func (c *capture) requests(t *testing.T, path string) [][]byte {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out [][]byte
	for _, r := range c.reqs {
		if r.URL.Path == path {
			b, err := r.GetBody()
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(b)
			out = append(out, body)
		}
	}
	return out
}

// TestClientRequestsValidate: requests the client (package timrest)
// builds validate against the document: every operation through
// Client.Call with each of its sample requests, and the services, which
// split batches, page and fill requests themselves. Answers are each
// operation's first sample answer.
func TestClientRequestsValidate(t *testing.T) {
	t.Parallel()
	c, rt, client := captureClient(t, true)
	ctx := context.Background()
	for _, o := range spec.Operations {
		requests, _, err := c.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range requests {
			if _, err := client.Call(ctx, o.ID, json.RawMessage(r.Value)); err != nil {
				t.Errorf("Call %s with the sample %s: %v", o.ID, r.Name, err)
			}
		}
		if n := len(rt.requests(t, o.Path)); n != len(requests) {
			t.Errorf("%s: %d requests sent for %d samples", o.ID, n, len(requests))
		}
	}

	// The services.
	yes, public := gen.NeedFriendYes, gen.GroupTypePublic
	if _, err := client.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice", NeedFriend: &yes}); err != nil {
		t.Errorf("Friends.Lists: %v", err)
	}
	if _, err := client.Groups.IDs(ctx, gen.ListGroupIDsRequest{Limit: ptrTo(int64(10000)), GroupType: &public}); err != nil {
		t.Errorf("Groups.IDs: %v", err)
	}
	accounts := make([]string, 250)
	items := make([]gen.AddFriendItem, spec.ImportFriends.Batch.Max+1)
	for i := range accounts {
		accounts[i] = fmt.Sprintf("user%03d", i)
	}
	for i := range items {
		items[i] = gen.AddFriendItem{ToAccount: fmt.Sprintf("user%04d", i), AddSource: "AddSource_Type_Web"}
	}
	items[3].Remark, items[3].GroupName = ptrTo("Caz"), []string{"work"}
	items[3].CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Score", Value: tag.Int(3)}}
	if _, err := client.Friends.Get(ctx, []gen.GetFriendsRequest{{FromAccount: "alice", ToAccount: accounts,
		TagList: []string{"Tag_SNS_IM_Remark", "Tag_Profile_IM_Nick", "Tag_SNS_Custom_Test"}}}); err != nil {
		t.Errorf("Friends.Get: %v", err)
	}
	if _, err := client.Friends.Import(ctx, []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: items}}); err != nil {
		t.Errorf("Friends.Import: %v", err)
	}
	// The batches were split to the document's maximum: every item sent
	// once, no request over the maximum.
	for _, tc := range []struct {
		op    *spec.Operation
		items int
	}{{spec.GetFriends, len(accounts)}, {spec.ImportFriends, len(items)}} {
		samples, _, _ := c.Examples(tc.op.ID)
		sent := 0
		for _, body := range rt.requests(t, tc.op.Path)[len(samples):] {
			var m map[string]json.RawMessage
			var list []json.RawMessage
			if err := json.Unmarshal(body, &m); err != nil || json.Unmarshal(m[tc.op.Batch.Items], &list) != nil {
				t.Fatalf("%s: request %s", tc.op.ID, body)
			}
			if len(list) > tc.op.Batch.Max {
				t.Errorf("%s: a request of %d items, more than %d", tc.op.ID, len(list), tc.op.Batch.Max)
			}
			sent += len(list)
		}
		if sent != tc.items {
			t.Errorf("%s: %d items sent, want %d", tc.op.ID, sent, tc.items)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestGeneratedClientRequestsValidate: requests the generated client builds,
// signed by auth's Signer, validate against the document: body, path and
// the five query parameters.
func TestGeneratedClientRequestsValidate(t *testing.T) {
	t.Parallel()
	c, v := load(t)
	signer, err := auth.NewSigner(1400000001, "conformance-test-key-not-a-secret", "administrator")
	if err != nil {
		t.Fatal(err)
	}
	rt := &capture{t: t, v: v}
	client, err := gen.NewClientWithResponses("https://adminapisgp.im.qcloud.com",
		gen.WithHTTPClient(&http.Client{Transport: rt}),
		gen.WithRequestEditorFn(signer.Edit))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ptr := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	needFriend := gen.NeedFriendYes
	public := gen.GroupTypePublic
	calls := map[string]func() error{
		"GetFriendLists": func() error {
			_, err := client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "alice", NeedFriend: &needFriend})
			return err
		},
		"GetFriends": func() error {
			_, err := client.GetFriendsWithResponse(ctx, gen.GetFriendsRequest{
				FromAccount: "alice", ToAccount: []string{"bob", "carol"},
				TagList: []string{"Tag_SNS_IM_Remark", "Tag_SNS_IM_Group", "Tag_Profile_IM_Nick", "Tag_SNS_Custom_Test"}})
			return err
		},
		"ListGroupIDs": func() error {
			_, err := client.ListGroupIDsWithResponse(ctx, gen.ListGroupIDsRequest{Limit: i64(10000), Next: i64(9040992949), GroupType: &public})
			return err
		},
		"ImportFriends": func() error {
			_, err := client.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{
				FromAccount: "alice",
				AddFriendItem: []gen.AddFriendItem{
					{ToAccount: "bob", AddSource: "AddSource_Type_Web"},
					{ToAccount: "carol", AddSource: "AddSource_Type_Android", Remark: ptr("Caz"), GroupName: []string{"work"},
						AddTime: i64(1420000001), CustomItem: []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Score", Value: tag.Int(3)}}},
				}})
			return err
		},
	}
	for id, call := range calls {
		if err := call(); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	// Every operation: each of its sample requests, decoded into its
	// generated type and sent with the generated client's
	// <operationId>WithResponse.
	samples := 0
	for _, o := range spec.Operations {
		method := reflect.ValueOf(client).MethodByName(o.ID + "WithResponse")
		if !method.IsValid() {
			t.Errorf("the generated client has no %sWithResponse", o.ID)
			continue
		}
		requests, _, err := c.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range requests {
			req := reflect.New(method.Type().In(1))
			if err := json.Unmarshal(ex.Value, req.Interface()); err != nil {
				t.Fatalf("%s sample %s: %v", o.ID, ex.Name, err)
			}
			out := method.Call([]reflect.Value{reflect.ValueOf(ctx), req.Elem()})
			if err, _ := out[1].Interface().(error); err != nil {
				t.Errorf("%s sample %s: %v", o.ID, ex.Name, err)
			}
			samples++
		}
	}
	// An empty request body is sent as {}, never empty.
	if _, err := client.ListGroupIDsWithResponse(ctx, gen.ListGroupIDsRequest{}); err != nil {
		t.Errorf("empty ListGroupIDs: %v", err)
	}
	randoms := map[string]bool{}
	for _, r := range rt.reqs {
		q := r.URL.Query()
		if _, err := strconv.ParseUint(q.Get("random"), 10, 32); err != nil {
			t.Errorf("random %q is not a uint32", q.Get("random"))
		}
		randoms[q.Get("random")] = true
		if _, err := auth.VerifyUserSig(q.Get("usersig"), 1400000001, "conformance-test-key-not-a-secret", "administrator", time.Now()); err != nil {
			t.Errorf("the request's UserSig does not verify: %v", err)
		}
		if r.URL.Host != "adminapisgp.im.qcloud.com" || r.URL.Scheme != "https" || r.Method != http.MethodPost {
			t.Errorf("request went to %s %s://%s", r.Method, r.URL.Scheme, r.URL.Host)
		}
	}
	if len(rt.reqs) != len(calls)+samples+1 {
		t.Errorf("%d requests captured, want %d", len(rt.reqs), len(calls)+samples+1)
	}
	if len(randoms) != len(rt.reqs) {
		t.Errorf("random repeated across %d requests: %v", len(rt.reqs), randoms)
	}
	for _, o := range spec.Operations {
		if len(rt.requests(t, o.Path)) == 0 {
			t.Errorf("%s: no request sent", o.ID)
		}
	}
	last := rt.reqs[len(rt.reqs)-1]
	if b, _ := io.ReadAll(last.Body); string(bytes.TrimSpace(b)) != "{}" {
		t.Errorf("an empty request is sent as %q, want {}", b)
	}
}
