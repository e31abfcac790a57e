package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/tag"
)

// capture is an http.RoundTripper that validates each request against the
// document and answers with a canned OK, so no server is involved.
type capture struct {
	t    *testing.T
	v    *contract.Validator
	mu   sync.Mutex
	reqs []*http.Request
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
	return httpAnswer([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`)), nil
}

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
	if len(calls) != len(c.Operations) {
		t.Fatalf("%d calls for %d operations", len(calls), len(c.Operations))
	}
	for _, o := range c.Operations {
		call, ok := calls[o.ID]
		if !ok {
			t.Fatalf("no call for %s", o.ID)
		}
		if err := call(); err != nil {
			t.Errorf("%s: %v", o.ID, err)
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
	if len(rt.reqs) != len(c.Operations)+1 {
		t.Errorf("%d requests captured", len(rt.reqs))
	}
	if len(randoms) != len(rt.reqs) {
		t.Errorf("random repeated across %d requests: %v", len(rt.reqs), randoms)
	}
	last := rt.reqs[len(rt.reqs)-1]
	if b, _ := io.ReadAll(last.Body); string(bytes.TrimSpace(b)) != "{}" {
		t.Errorf("an empty request is sent as %q, want {}", b)
	}
}
