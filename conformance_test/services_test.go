package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/spec"
)

// serviceCall sends a sample request of one operation through the
// client's service method(s) for it.
type serviceCall func(ctx context.Context, sample []byte) error

func decode[Req any](sample []byte) (Req, error) {
	var req Req
	err := json.Unmarshal(sample, &req)
	return req, err
}

// oneCall is a simple method: the sample is its request.
func oneCall[Req, Ans any](method func(context.Context, Req, ...timrest.CallOption) (*Ans, error)) serviceCall {
	return func(ctx context.Context, sample []byte) error {
		req, err := decode[Req](sample)
		if err != nil {
			return err
		}
		_, err = method(ctx, req)
		return err
	}
}

// batchCall is a batch method: the sample is its one request.
func batchCall[Req, Res any](method func(context.Context, []Req, ...timrest.CallOption) (*timrest.BatchResult[Res], error)) serviceCall {
	return func(ctx context.Context, sample []byte) error {
		req, err := decode[Req](sample)
		if err != nil {
			return err
		}
		_, err = method(ctx, []Req{req})
		return err
	}
}

// pagedCall is a paged operation: its page method, then the first page
// of its page iterator (each sends the sample once; the iterator's later
// requests carry the answer's position, not the sample's).
func pagedCall[Req, Ans any](page func(context.Context, Req, ...timrest.CallOption) (*Ans, error),
	pages func(context.Context, Req, ...timrest.CallOption) iter.Seq2[*Ans, error]) serviceCall {
	return func(ctx context.Context, sample []byte) error {
		req, err := decode[Req](sample)
		if err != nil {
			return err
		}
		if _, err := page(ctx, req); err != nil {
			return err
		}
		for _, err := range pages(ctx, req) {
			return err
		}
		return errors.New("the page iterator yielded nothing")
	}
}

// TestServiceRequestsValidate: every operation's service method, given
// each of the document's sample requests, sends requests that validate
// against the document and carry the sample unchanged (a batch's
// repeated key, under duplicates share, sent once).
func TestServiceRequestsValidate(t *testing.T) {
	t.Parallel()
	c, rt, client := captureClient(t, true)
	a, p, f, g := client.Accounts, client.Profiles, client.Friends, client.Groups
	calls := map[string]serviceCall{
		"CheckAccounts":   batchCall(a.Check),
		"DeleteAccounts":  batchCall(a.Delete),
		"ImportAccount":   oneCall(a.ImportOne),
		"KickAccount":     oneCall(a.Kick),
		"ImportAccounts":  batchCall(a.Import),
		"GetOnlineStatus": batchCall(a.OnlineStatus),

		"GetProfiles": batchCall(p.Get),
		"SetProfile":  oneCall(p.Set),

		"BlockAccounts":     batchCall(f.Block),
		"CheckBlocked":      batchCall(f.CheckBlocked),
		"UnblockAccounts":   batchCall(f.Unblock),
		"ListBlocked":       pagedCall(f.Blocked, f.BlockedPages),
		"AddFriends":        batchCall(f.Add),
		"CheckFriends":      batchCall(f.Check),
		"DeleteFriends":     batchCall(f.Delete),
		"DeleteAllFriends":  oneCall(f.DeleteAll),
		"ListFriends":       pagedCall(f.Page, f.Pages),
		"GetFriends":        batchCall(f.Get),
		"ImportFriends":     batchCall(f.Import),
		"UpdateFriends":     batchCall(f.Update),
		"AddFriendLists":    oneCall(f.AddLists),
		"DeleteFriendLists": oneCall(f.DeleteLists),
		"GetFriendLists":    oneCall(f.Lists),

		"ListGroupIDs": pagedCall(g.IDs, g.IDPages),
	}
	// The samples a method refuses, by operation and sample name: the
	// older shape of ImportAccounts (Accounts) goes through Client.Call.
	refused := map[[2]string]bool{{"ImportAccounts", "accounts"}: true}

	ctx := context.Background()
	for _, o := range spec.Operations {
		call, ok := calls[o.ID]
		if !ok {
			t.Errorf("%s: no service call in this test", o.ID)
			continue
		}
		requests, _, err := c.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range requests {
			before := len(rt.requests(t, o.Path))
			err := call(ctx, ex.Value)
			sent := rt.requests(t, o.Path)[before:]
			if refused[[2]string{o.ID, ex.Name}] {
				var ve *timrest.ValidationError
				if !errors.As(err, &ve) || len(sent) != 0 {
					t.Errorf("%s sample %s: %d requests sent, error %v; want a *ValidationError and none sent", o.ID, ex.Name, len(sent), err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s sample %s: %v", o.ID, ex.Name, err)
				continue
			}
			if len(sent) == 0 {
				t.Errorf("%s sample %s: nothing sent", o.ID, ex.Name)
				continue
			}
			if o.Batch != nil && o.Batch.Duplicates == spec.DupSplit {
				checkSplit(t, o, ex.Name, ex.Value, sent)
				continue
			}
			want := generic(t, withoutRepeats(t, o, ex.Value))
			for _, body := range sent {
				if diff := cmp.Diff(want, generic(t, body)); diff != "" {
					t.Errorf("%s sample %s: the request sent is not the sample (-sample +sent):\n%s", o.ID, ex.Name, diff)
				}
			}
		}
	}
	for id := range calls {
		if spec.ByID(id) == nil {
			t.Errorf("%s is not an operation of the document", id)
		}
	}
}

// checkSplit checks the requests sent for a sample of a batch whose
// repeated keys are all sent (duplicates split): each request carries the
// sample's other fields unchanged and a key at most once, and together
// they carry every item of the sample, each key's items in the sample's
// order (so the last one wins).
func checkSplit(t *testing.T, o *spec.Operation, name string, sample []byte, sent [][]byte) {
	t.Helper()
	head, items := splitItems(t, o, sample)
	byKey := map[string][]any{}
	for _, it := range items {
		byKey[it.key] = append(byKey[it.key], it.value)
	}
	got := map[string][]any{}
	for i, body := range sent {
		h, its := splitItems(t, o, body)
		if diff := cmp.Diff(head, h); diff != "" {
			t.Errorf("%s sample %s: request %d's other fields are not the sample's (-sample +sent):\n%s", o.ID, name, i, diff)
		}
		seen := map[string]bool{}
		for _, it := range its {
			if seen[it.key] {
				t.Errorf("%s sample %s: request %d holds %q twice", o.ID, name, i, it.key)
			}
			seen[it.key] = true
			got[it.key] = append(got[it.key], it.value)
		}
	}
	if diff := cmp.Diff(byKey, got); diff != "" {
		t.Errorf("%s sample %s: the items sent, by key in order, are not the sample's (-sample +sent):\n%s", o.ID, name, diff)
	}
}

type keyedItem struct {
	key   string
	value any
}

// splitItems returns a request's fields but its batch items, and the items
// with their keys.
func splitItems(t *testing.T, o *spec.Operation, body []byte) (map[string]any, []keyedItem) {
	t.Helper()
	var m map[string]json.RawMessage
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || json.Unmarshal(m[o.Batch.Items], &raw) != nil {
		t.Fatalf("%s: request %s", o.ID, body)
	}
	delete(m, o.Batch.Items)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var items []keyedItem
	for _, it := range raw {
		items = append(items, keyedItem{itemKey(o, it), generic(t, it)})
	}
	head, _ := generic(t, b).(map[string]any)
	return head, items
}

// itemKey returns the key of a batch item (its x-tim-batch key field, or
// the item itself for an array of strings).
func itemKey(o *spec.Operation, it json.RawMessage) string {
	var key string
	if o.Batch.Key == "" {
		_ = json.Unmarshal(it, &key)
		return key
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(it, &fields)
	_ = json.Unmarshal(fields[o.Batch.Key], &key)
	return key
}

// withoutRepeats returns the sample with a repeated key of its batch
// items left out after its first occurrence, when the operation sends a
// key once (duplicates share).
func withoutRepeats(t *testing.T, o *spec.Operation, sample []byte) []byte {
	t.Helper()
	if o.Batch == nil || o.Batch.Duplicates != spec.DupShare {
		return sample
	}
	var m map[string]json.RawMessage
	var items []json.RawMessage
	if err := json.Unmarshal(sample, &m); err != nil || json.Unmarshal(m[o.Batch.Items], &items) != nil {
		t.Fatalf("%s: sample %s", o.ID, sample)
	}
	seen := map[string]bool{}
	var kept []json.RawMessage
	for _, it := range items {
		if key := itemKey(o, it); !seen[key] {
			seen[key] = true
			kept = append(kept, it)
		}
	}
	if len(kept) == len(items) {
		return sample
	}
	b, err := json.Marshal(kept)
	if err != nil {
		t.Fatal(err)
	}
	m[o.Batch.Items] = b
	if sample, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	return sample
}

// TestServiceBatchesSplit: every batch method splits more items than a
// request may carry (the document's max plus one, built from the first
// item of the operation's first sample, with distinct keys) into
// requests of at most max items that validate, every item sent once.
func TestServiceBatchesSplit(t *testing.T) {
	t.Parallel()
	c, rt, client := captureClient(t, false)
	a, p, f := client.Accounts, client.Profiles, client.Friends
	calls := map[string]serviceCall{
		"CheckAccounts": batchCall(a.Check), "DeleteAccounts": batchCall(a.Delete), "ImportAccounts": batchCall(a.Import),
		"GetOnlineStatus": batchCall(a.OnlineStatus), "GetProfiles": batchCall(p.Get), "BlockAccounts": batchCall(f.Block),
		"CheckBlocked": batchCall(f.CheckBlocked), "UnblockAccounts": batchCall(f.Unblock), "AddFriends": batchCall(f.Add),
		"CheckFriends": batchCall(f.Check), "DeleteFriends": batchCall(f.Delete), "GetFriends": batchCall(f.Get),
		"ImportFriends": batchCall(f.Import), "UpdateFriends": batchCall(f.Update),
	}
	ctx := context.Background()
	for _, o := range spec.Operations {
		if o.Batch == nil {
			continue
		}
		call, ok := calls[o.ID]
		if !ok {
			t.Errorf("%s: a batch without a call in this test", o.ID)
			continue
		}
		requests, _, err := c.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		var items []json.RawMessage
		if err := json.Unmarshal(requests[0].Value, &m); err != nil || json.Unmarshal(m[o.Batch.Items], &items) != nil || len(items) == 0 {
			t.Fatalf("%s: sample %s", o.ID, requests[0].Value)
		}
		many := make([]any, o.Batch.Max+1)
		for i := range many {
			key := "user" + strconv.Itoa(i)
			if o.Batch.Key == "" {
				many[i] = key
				continue
			}
			var it map[string]any
			if err := json.Unmarshal(items[0], &it); err != nil {
				t.Fatal(err)
			}
			it[o.Batch.Key] = key
			many[i] = it
		}
		b, _ := json.Marshal(many)
		m[o.Batch.Items] = b
		body, _ := json.Marshal(m)
		if err := call(ctx, body); err != nil {
			t.Errorf("%s: %v", o.ID, err)
		}
		sent := rt.requests(t, o.Path)
		total := 0
		for _, s := range sent {
			var got map[string]json.RawMessage
			var list []json.RawMessage
			if err := json.Unmarshal(s, &got); err != nil || json.Unmarshal(got[o.Batch.Items], &list) != nil {
				t.Fatalf("%s: request %s", o.ID, s)
			}
			if len(list) > o.Batch.Max {
				t.Errorf("%s: a request of %d items, more than %d", o.ID, len(list), o.Batch.Max)
			}
			total += len(list)
		}
		if len(sent) != 2 || total != o.Batch.Max+1 {
			t.Errorf("%s: %d items in %d requests, want %d in 2", o.ID, total, len(sent), o.Batch.Max+1)
		}
	}
}
