package contract

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/openapi"
)

// fresh returns a private copy of the embedded document to break.
func fresh(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document)
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
	if len(c.Servers) != 8 || len(c.QueryParams) != 5 {
		t.Errorf("%d servers, %d query params", len(c.Servers), len(c.QueryParams))
	}
	if s := c.Servers[1]; s != (Server{URL: "https://adminapisgp.im.qcloud.com", Code: "sgp", Name: "Singapore", BackupHost: "adminapisgp.my-imcloud.com"}) {
		t.Errorf("second server %+v", s)
	}
	want := []string{"contenttype", "identifier", "random", "sdkappid", "usersig"}
	if got := c.QueryParamNames(); !slices.Equal(got, want) {
		t.Errorf("query parameters %v, want %v", got, want)
	}
}

// TestOperationsAreSpecs: Operation finds every operation of spec by its
// operationId, at spec's path.
func TestOperationsAreSpecs(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	for _, o := range spec.Operations {
		path, op, ok := c.Operation(o.ID)
		if !ok || path != o.Path || op.OperationID != o.ID {
			t.Errorf("%s: %q %v", o.ID, path, ok)
		}
	}
	if _, _, ok := c.Operation("NoSuchOperation"); ok {
		t.Error("found an operation that does not exist")
	}
}

// TestExamplesInDocumentOrder: examples come in the order the document
// writes them, not sorted by name (ListGroupIDs' requests are basic,
// paged, type, all), with their JSON.
func TestExamplesInDocumentOrder(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	names := func(exs []Example) []string {
		var out []string
		for _, e := range exs {
			out = append(out, e.Name)
		}
		return out
	}
	req, ans, err := c.Examples("ListGroupIDs")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(req), []string{"basic", "paged", "type", "all"}; !slices.Equal(got, want) {
		t.Errorf("ListGroupIDs requests %v, want %v", got, want)
	}
	if got := names(ans); !slices.Equal(got, []string{"page"}) {
		t.Errorf("ListGroupIDs answers %v", got)
	}
	if string(req[1].Value) != `{"Limit":1000,"Next":0}` {
		t.Errorf("paged request %s", req[1].Value)
	}
	var page map[string]any
	if err := json.Unmarshal(ans[0].Value, &page); err != nil || page["Next"] != 4454685361.0 || page["ActionStatus"] != "OK" {
		t.Errorf("page answer %s: %v", ans[0].Value, err)
	}
	for k := range page {
		if strings.HasPrefix(k, "__") {
			t.Errorf("the example carries the loader's key %s", k)
		}
	}
	// Every operation has an example of each.
	for _, o := range spec.Operations {
		req, ans, err := c.Examples(o.ID)
		if err != nil || len(req) == 0 || len(ans) == 0 {
			t.Errorf("%s: %d request and %d answer examples, %v", o.ID, len(req), len(ans), err)
		}
	}
	if _, _, err := c.Examples("NoSuchOperation"); err == nil {
		t.Error("examples of an operation that does not exist")
	}
}

// TestExamplesWithoutOrigins: a document loaded without origins gives
// its examples sorted by name, never in map order.
func TestExamplesWithoutOrigins(t *testing.T) {
	t.Parallel()
	c, err := Parse(fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		req, _, err := c.Examples("ListGroupIDs")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range req {
			got = append(got, e.Name)
		}
		if want := []string{"all", "basic", "paged", "type"}; !slices.Equal(got, want) {
			t.Fatalf("requests %v, want %v", got, want)
		}
	}
}

// TestParseRefuses: a malformed extension is an error naming it, never a
// silently wrong table.
func TestParseRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		break_ func(*openapi3.T)
		want   string
	}{
		{"server without region", func(d *openapi3.T) { delete(d.Servers[0].Extensions, "x-tim-region") }, "x-tim-region is missing"},
		{"region with an unknown field", func(d *openapi3.T) {
			d.Servers[0].Extensions["x-tim-region"] = map[string]any{"code": "cn", "name": "China", "backup": "b", "country": "CN"}
		}, "country"},
		{"region without backup", func(d *openapi3.T) {
			d.Servers[0].Extensions["x-tim-region"] = map[string]any{"code": "cn", "name": "China"}
		}, "needs code, name and backup"},
		{"query param without schema", func(d *openapi3.T) {
			delete(d.Components.SecuritySchemes["random"].Value.Extensions, "x-tim-schema")
		}, "x-tim-schema is missing"},
		{"query param in a header", func(d *openapi3.T) {
			d.Components.SecuritySchemes["random"].Value.In = "header"
		}, "apiKey in the query"},
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
