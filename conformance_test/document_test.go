package conformance

import (
	"bytes"
	"context"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/openapi"
)

// TestDocumentLints loads openapi/ from disk and validates it, examples
// included, and checks that package openapi embeds exactly this document
// and that internal/spec was generated from it (same operations, paths
// and families).
func TestDocumentLints(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../openapi/timrest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, openapi.Document) {
		t.Error("openapi.Document is not openapi/timrest.yaml")
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("openapi/timrest.yaml does not lint clean: %v", err)
	}
	type op struct{ ID, Path, Family, Summary string }
	var fromDoc, fromSpec []op
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, o := range doc.Paths.Value(path).Operations() {
			family := ""
			if len(o.Tags) > 0 {
				family = o.Tags[0]
			}
			fromDoc = append(fromDoc, op{o.OperationID, path, family, o.Summary})
		}
	}
	for _, o := range spec.Operations {
		fromSpec = append(fromSpec, op{o.ID, o.Path, o.Family, o.Summary})
	}
	byID := func(a, b op) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(fromDoc, byID)
	slices.SortFunc(fromSpec, byID)
	if diff := cmp.Diff(fromDoc, fromSpec); diff != "" {
		t.Errorf("internal/spec was not generated from openapi/timrest.yaml; run go generate ./... (-document +spec):\n%s", diff)
	}
}

// TestEveryOperationHasCase: the generated client has, for every
// operation, the methods ops finds its types by.
func TestEveryOperationHasCase(t *testing.T) {
	t.Parallel()
	var ids []string
	for _, o := range spec.Operations {
		ids = append(ids, o.ID)
	}
	slices.Sort(ids)
	if diff := cmp.Diff(slices.Sorted(maps.Keys(ops)), ids); diff != "" {
		t.Errorf("gen.ClientWithResponses lacks <operationId>WithResponse or <operationId>WithBodyWithResponse (-ops +document):\n%s", diff)
	}
}

// TestContractFacts pins the facts of the vendor's pages that the
// document must state, as internal/spec compiled them: paths, rates,
// batch and paging shapes, limits, renames and retry advice.
func TestContractFacts(t *testing.T) {
	t.Parallel()
	type batch struct {
		Items string
		Max   int
		Hard  bool
	}
	type fact struct {
		Path       string
		Rate       float64
		Idempotent bool
		Batch      *batch
		Paging     *spec.Paging
	}
	want := map[string]fact{
		// sns
		"GetFriendLists":    {"/v4/sns/group_get", 200, true, nil, nil},
		"GetFriends":        {"/v4/sns/friend_get_list", 200, true, &batch{"To_Account", 100, false}, nil},
		"ImportFriends":     {"/v4/sns/friend_import", 200, true, &batch{"AddFriendItem", 1000, true}, nil},
		"AddFriends":        {"/v4/sns/friend_add", 200, false, &batch{"AddFriendItem", 1000, true}, nil},
		"UpdateFriends":     {"/v4/sns/friend_update", 200, true, &batch{"UpdateItem", 1000, true}, nil},
		"DeleteFriends":     {"/v4/sns/friend_delete", 200, false, &batch{"To_Account", 1000, true}, nil},
		"DeleteAllFriends":  {"/v4/sns/friend_delete_all", 200, true, nil, nil},
		"CheckFriends":      {"/v4/sns/friend_check", 200, true, &batch{"To_Account", 1000, true}, nil},
		"BlockAccounts":     {"/v4/sns/black_list_add", 200, false, &batch{"To_Account", 1000, true}, nil},
		"UnblockAccounts":   {"/v4/sns/black_list_delete", 200, false, &batch{"To_Account", 1000, true}, nil},
		"CheckBlocked":      {"/v4/sns/black_list_check", 200, true, &batch{"To_Account", 1000, true}, nil},
		"AddFriendLists":    {"/v4/sns/group_add", 200, false, nil, nil},
		"DeleteFriendLists": {"/v4/sns/group_delete", 200, false, nil, nil},
		// friend_get ends on CompleteFlag and carries no sequence: sent
		// back, StandardSequence and CustomSequence leave data out.
		"ListFriends": {"/v4/sns/friend_get", 200, true, nil,
			&spec.Paging{Cursor: "StartIndex", Next: "NextStartIndex", Done: spec.DoneFlag, Flag: "CompleteFlag", Items: "UserDataItem", Offset: true}},
		"ListBlocked": {"/v4/sns/black_list_get", 200, true, nil,
			&spec.Paging{Cursor: "StartIndex", Next: "StartIndex", Done: spec.DoneZero, Items: "BlackListItem", Offset: true}},
		// group
		"ListGroupIDs": {"/v4/group_open_http_svc/get_appid_group_list", 1, true, nil,
			&spec.Paging{Cursor: "Next", Next: "Next", Done: spec.DoneZero, Items: "GroupIdList", Item: "GroupId"}},
		// account
		"ImportAccount":   {"/v4/im_open_login_svc/account_import", 200, true, nil, nil},
		"ImportAccounts":  {"/v4/im_open_login_svc/multiaccount_import", 100, true, &batch{"AccountList", 100, true}, nil},
		"DeleteAccounts":  {"/v4/im_open_login_svc/account_delete", 100, false, &batch{"DeleteItem", 100, true}, nil},
		"CheckAccounts":   {"/v4/im_open_login_svc/account_check", 100, true, &batch{"CheckItem", 100, true}, nil},
		"KickAccount":     {"/v4/im_open_login_svc/kick", 200, true, nil, nil},
		"GetOnlineStatus": {"/v4/openim/query_online_status", 200, true, &batch{"To_Account", 500, true}, nil},
		// profile
		"SetProfile":  {"/v4/profile/portrait_set", 200, true, nil, nil},
		"GetProfiles": {"/v4/profile/portrait_get", 200, true, &batch{"To_Account", 100, false}, nil},
	}
	got := map[string]fact{}
	for _, o := range spec.Operations {
		f := fact{Path: o.Path, Rate: o.Rate, Idempotent: o.Idempotent, Paging: o.Paging}
		if o.Batch != nil {
			f.Batch = &batch{o.Batch.Items, o.Batch.Max, o.Batch.Hard}
		}
		got[o.ID] = f
		if o.Doc == "" || len(o.Errors) == 0 {
			t.Errorf("%s: missing x-tim-doc or error codes", o.ID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("operations (-want +got):\n%s", diff)
	}
	if spec.LimitFriendsPerAccount != 3000 || spec.LimitFriendListsPerAccount != 32 || spec.LimitGroupAnswerBytes != 1<<20 ||
		spec.LimitProfileValueBytes != 500 || spec.LimitBlocklistPerAccount != 1000 {
		t.Errorf("x-tim-limits: %d %d %d %d %d", spec.LimitFriendsPerAccount, spec.LimitFriendListsPerAccount, spec.LimitGroupAnswerBytes,
			spec.LimitProfileValueBytes, spec.LimitBlocklistPerAccount)
	}
	if diff := cmp.Diff(map[string]string{"Private": "Work", "ChatRoom": "Meeting"}, spec.GroupTypeRenames); diff != "" {
		t.Errorf("GroupType x-tim-renamed (-want +got):\n%s", diff)
	}
	for code := range spec.PublicErrors {
		if code < 60000 || code > 79999 {
			t.Errorf("public error %d is outside 60000-79999", code)
		}
	}
	// An item code that means the account does not exist is not_found
	// (errors.Is ErrNotFound), and a security filter of the friend
	// service is a rate limit.
	for op, codes := range map[string]map[int]spec.Class{
		"GetOnlineStatus": {70107: spec.ClassNotFound}, "DeleteAccounts": {70107: spec.ClassNotFound}, "GetProfiles": {40003: spec.ClassNotFound},
		"AddFriends": {30540: spec.ClassRateLimited, 30539: spec.ClassConflict}, "DeleteFriends": {31707: spec.ClassRateLimited},
		"BlockAccounts": {30013: spec.ClassLimit},
	} {
		for code, class := range codes {
			if e, ok := spec.ByID(op).Lookup(code); !ok || e.Class != class {
				t.Errorf("%s code %d: got %+v, want class %s", op, code, e, class)
			}
		}
	}
	// Retry advice the client depends on.
	for code, retry := range map[int]spec.Retry{70001: spec.RetryRenew, 60007: spec.RetrySlow, 70500: spec.RetryYes, 70009: spec.RetryNo} {
		if e, ok := spec.PublicErrors[code]; !ok || e.Retry != retry {
			t.Errorf("public code %d: got %+v, want retry %q", code, e, retry)
		}
	}
	for op, codes := range map[string][]int{"GetFriendLists": {30006, 30007}, "GetFriends": {30006, 30007}, "ImportFriends": {30006, 30007, 30008},
		"AddFriends": {30006, 30008}, "ListGroupIDs": {10002}, "GetOnlineStatus": {70169, 70202, 70500}, "ImportAccounts": {40006, 70500},
		"SetProfile": {40006}, "GetProfiles": {40006}} {
		for _, code := range codes {
			if e, ok := spec.ByID(op).Lookup(code); !ok || e.Retry != spec.RetryYes {
				t.Errorf("%s code %d: got %+v, want a transient code", op, code, e)
			}
		}
	}
}

// TestHardBatchLimitsMatchSchemas: a hard batch maximum (x-tim-batch
// hard) is the schema's own maxItems of the batch's array, and a
// recommended one is not in the schema, so the two cannot drift.
func TestHardBatchLimitsMatchSchemas(t *testing.T) {
	t.Parallel()
	c, _ := load(t)
	for _, o := range spec.Operations {
		if o.Batch == nil {
			continue
		}
		_, op, _ := c.Operation(o.ID)
		prop := op.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties[o.Batch.Items].Value
		var schemaMax uint64
		if prop.Type.Is(openapi3.TypeArray) && prop.MaxItems != nil {
			schemaMax = *prop.MaxItems
		}
		if o.Batch.Hard && schemaMax != uint64(o.Batch.Max) {
			t.Errorf("%s: x-tim-batch max %d but the schema's maxItems of %s is %v", o.ID, o.Batch.Max, o.Batch.Items, schemaMax)
		}
		if !o.Batch.Hard && schemaMax != 0 {
			t.Errorf("%s: %s is only a recommended limit but the schema enforces %v", o.ID, o.Batch.Items, schemaMax)
		}
	}
}
