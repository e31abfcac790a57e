package conformance

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
)

// TestDocumentLints loads openapi/ from disk and validates it, examples
// included, and checks that gen embeds exactly this document.
func TestDocumentLints(t *testing.T) {
	t.Parallel()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../openapi/timrest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("openapi/timrest.yaml does not lint clean: %v", err)
	}
	embedded, err := gen.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(doc)
	b, _ := json.Marshal(embedded)
	if diff := cmp.Diff(generic(t, a), generic(t, b)); diff != "" {
		t.Errorf("gen embeds another document than openapi/timrest.yaml; run go generate ./...:\n%s", diff)
	}
}

func TestEveryOperationHasCase(t *testing.T) {
	t.Parallel()
	c, _ := load(t)
	var ids []string
	for _, o := range c.Operations {
		ids = append(ids, o.ID)
	}
	slices.Sort(ids)
	if diff := cmp.Diff(slices.Sorted(maps.Keys(ops)), ids); diff != "" {
		t.Errorf("the test table ops and the document's operations differ (-ops +document):\n%s", diff)
	}
}

// TestContractFacts pins the facts of REFERENCE.md that the document must
// state: paths, rates, batch limits.
func TestContractFacts(t *testing.T) {
	t.Parallel()
	c, _ := load(t)
	type fact struct {
		Path  string
		Rate  float64
		Batch *contract.BatchLimit
	}
	want := map[string]fact{
		"GetFriendLists": {"/v4/sns/group_get", 200, nil},
		"GetFriends":     {"/v4/sns/friend_get_list", 200, &contract.BatchLimit{Field: "To_Account", Max: 100, Hard: false}},
		"ListGroupIDs":   {"/v4/group_open_http_svc/get_appid_group_list", 1, &contract.BatchLimit{Field: "Limit", Max: 10000, Hard: true}},
		"ImportFriends":  {"/v4/sns/friend_import", 200, &contract.BatchLimit{Field: "AddFriendItem", Max: 1000, Hard: true}},
	}
	got := map[string]fact{}
	for _, o := range c.Operations {
		got[o.ID] = fact{o.Path, o.RateLimit, o.BatchLimit}
		if o.DocURL == "" || len(o.Errors) == 0 {
			t.Errorf("%s: missing x-tim-doc or x-tim-errors", o.ID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("operations (-want +got):\n%s", diff)
	}
	if want := (contract.Limits{FriendsPerAccount: 3000, FriendListsPerAccount: 32, GroupAnswerBytes: 1 << 20}); c.Limits != want {
		t.Errorf("x-tim-limits: got %+v, want %+v", c.Limits, want)
	}
	if diff := cmp.Diff(map[string]string{"Private": "Work", "ChatRoom": "Meeting"}, c.GroupTypeRenames); diff != "" {
		t.Errorf("GroupType x-tim-renamed (-want +got):\n%s", diff)
	}
	for _, e := range c.PublicErrors {
		if e.Code < 60000 || e.Code > 79999 {
			t.Errorf("public error %d is outside 60000-79999", e.Code)
		}
	}
	// Retry advice the client depends on.
	for code, retry := range map[int]contract.Retry{70001: contract.RetryRenew, 60007: contract.RetrySlow, 70500: contract.RetryYes, 70009: contract.RetryNo} {
		if e, ok := c.ErrorCode("", code); !ok || e.Retry != retry {
			t.Errorf("public code %d: got %+v, want retry %q", code, e, retry)
		}
	}
	for op, codes := range map[string][]int{"GetFriendLists": {30006, 30007}, "GetFriends": {30006, 30007}, "ImportFriends": {30006, 30007, 30008}, "ListGroupIDs": {10002}} {
		for _, code := range codes {
			if e, ok := c.ErrorCode(op, code); !ok || e.Retry != contract.RetryYes {
				t.Errorf("%s code %d: got %+v, want a transient code", op, code, e)
			}
		}
	}
}

// TestHardBatchLimitsMatchSchemas: a hard x-tim-batch-limit is the schema's
// own maxItems or maximum, so the two cannot drift.
func TestHardBatchLimitsMatchSchemas(t *testing.T) {
	t.Parallel()
	c, _ := load(t)
	for _, o := range c.Operations {
		if o.BatchLimit == nil {
			continue
		}
		op := c.Doc.Paths.Value(o.Path).Post
		prop := op.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties[o.BatchLimit.Field].Value
		var schemaMax float64
		switch {
		case prop.Type.Is(openapi3.TypeArray) && prop.MaxItems != nil:
			schemaMax = float64(*prop.MaxItems)
		case prop.Type.Is(openapi3.TypeInteger) && prop.Max != nil:
			schemaMax = *prop.Max
		}
		if o.BatchLimit.Hard && schemaMax != float64(o.BatchLimit.Max) {
			t.Errorf("%s: x-tim-batch-limit %d but the schema's maximum of %s is %v", o.ID, o.BatchLimit.Max, o.BatchLimit.Field, schemaMax)
		}
		if !o.BatchLimit.Hard && schemaMax != 0 {
			t.Errorf("%s: %s is only a recommended limit but the schema enforces %v", o.ID, o.BatchLimit.Field, schemaMax)
		}
	}
}
