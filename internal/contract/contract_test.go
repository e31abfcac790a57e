package contract

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/gen"
)

// fresh returns a private copy of the embedded document to break.
func fresh(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := gen.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestParseEmbedded(t *testing.T) {
	t.Parallel()
	c, err := Parse(fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Operations) != 4 || len(c.Servers) != 8 || len(c.QueryParams) != 5 {
		t.Errorf("%d operations, %d servers, %d query params", len(c.Operations), len(c.Servers), len(c.QueryParams))
	}
	if e, ok := c.ErrorCode("ImportFriends", 30008); !ok || e.Class != ClassConflict || e.Retry != RetryYes {
		t.Errorf("ImportFriends 30008: %+v %v", e, ok)
	}
	if _, ok := c.ErrorCode("ListGroupIDs", 30008); ok {
		t.Error("30008 is not a code of ListGroupIDs")
	}
	if e, ok := c.ErrorCode("", 70001); !ok || e.Retry != RetryRenew {
		t.Errorf("public 70001: %+v %v", e, ok)
	}
}

// TestParseRefuses: a malformed extension is an error naming it, never a
// silently wrong table.
func TestParseRefuses(t *testing.T) {
	t.Parallel()
	op := func(doc *openapi3.T, path string) *openapi3.Operation { return doc.Paths.Value(path).Post }
	cases := []struct {
		name   string
		break_ func(*openapi3.T)
		want   string
	}{
		{"unknown class", func(d *openapi3.T) {
			d.Extensions["x-tim-public-errors"] = []any{map[string]any{"code": 60002, "class": "oops", "retry": "no", "meaning": "m"}}
		}, "unknown class"},
		{"unknown retry", func(d *openapi3.T) {
			d.Extensions["x-tim-public-errors"] = []any{map[string]any{"code": 60002, "class": "auth", "retry": "maybe", "meaning": "m"}}
		}, "unknown retry"},
		{"duplicate code", func(d *openapi3.T) {
			e := map[string]any{"code": 60002, "class": "auth", "retry": "no", "meaning": "m"}
			d.Extensions["x-tim-public-errors"] = []any{e, e}
		}, "listed twice"},
		{"no meaning", func(d *openapi3.T) {
			d.Extensions["x-tim-public-errors"] = []any{map[string]any{"code": 60002, "class": "auth", "retry": "no", "meaning": " "}}
		}, "no meaning"},
		{"unknown field", func(d *openapi3.T) {
			d.Extensions["x-tim-public-errors"] = []any{map[string]any{"code": 60002, "class": "auth", "retry": "no", "meaning": "m", "retryable": true}}
		}, "retryable"},
		{"limits missing", func(d *openapi3.T) { delete(d.Extensions, "x-tim-limits") }, "x-tim-limits is missing"},
		{"limit zero", func(d *openapi3.T) {
			d.Extensions["x-tim-limits"] = map[string]any{"friends-per-account": 0, "friend-lists-per-account": 32, "group-answer-bytes": 1}
		}, "positive"},
		{"rate missing", func(d *openapi3.T) { delete(op(d, "/v4/sns/friend_import").Extensions, "x-tim-rate-limit") }, "x-tim-rate-limit is missing"},
		{"rate zero", func(d *openapi3.T) { op(d, "/v4/sns/friend_import").Extensions["x-tim-rate-limit"] = 0 }, "positive"},
		{"doc missing", func(d *openapi3.T) { delete(op(d, "/v4/sns/group_get").Extensions, "x-tim-doc") }, "x-tim-doc is missing"},
		{"batch field not in request", func(d *openapi3.T) {
			op(d, "/v4/sns/friend_import").Extensions["x-tim-batch-limit"] = map[string]any{"field": "Items", "max": 10, "hard": true}
		}, `"Items"`},
		{"rename outside the enum", func(d *openapi3.T) {
			d.Components.Schemas["GroupType"].Value.Extensions["x-tim-renamed"] = map[string]any{"Private": "Secret"}
		}, "enum"},
		{"server without region", func(d *openapi3.T) { delete(d.Servers[0].Extensions, "x-tim-region") }, "x-tim-region is missing"},
		{"query param without schema", func(d *openapi3.T) {
			delete(d.Components.SecuritySchemes["random"].Value.Extensions, "x-tim-schema")
		}, "x-tim-schema is missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := fresh(t)
			tc.break_(doc)
			_, err := Parse(doc)
			if err == nil {
				t.Fatal("Parse accepted the broken document")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestCheckQueryParam(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	ok := map[string]string{"sdkappid": "18446744073709551615", "random": "0", "identifier": "admin", "usersig": "x", "contenttype": "json"}
	for name, v := range ok {
		if err := c.CheckQueryParam(name, []string{v}); err != nil {
			t.Errorf("%s=%s: %v", name, v, err)
		}
	}
	bad := map[string]string{"sdkappid": "18446744073709551616", "random": "4294967296", "identifier": strings.Repeat("a", 33), "contenttype": "JSON"}
	for name, v := range bad {
		if err := c.CheckQueryParam(name, []string{v}); err == nil {
			t.Errorf("%s=%s accepted", name, v)
		} else if strings.Contains(err.Error(), v) {
			t.Errorf("%s: the error quotes the value: %v", name, err)
		}
	}
	if err := c.CheckQueryParam("nope", []string{"1"}); err == nil {
		t.Error("an unknown parameter was accepted")
	}
}
