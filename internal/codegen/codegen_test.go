package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/internal/spec"
)

// The module's root and the inputs of go generate, as absolute paths
// (TestGoldenOutputs changes the working directory).
var (
	root    = mustAbs("../..")
	docPath = filepath.Join(root, "openapi", "timrest.yaml")
	genPath = filepath.Join(root, "gen", "timrest.gen.go")
)

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return a
}

// realModel is the model of the committed document and gen/.
var realModel = sync.OnceValues(func() (*model, error) { return load(docPath, genPath) })

// TestLoadMatchesSpec: load() accepts the document and gen/, and its model
// is what internal/spec (generated from it) holds.
func TestLoadMatchesSpec(t *testing.T) {
	t.Parallel()
	m, err := realModel()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ops) != len(spec.Operations) || len(m.ops) == 0 {
		t.Fatalf("%d operations, spec has %d", len(m.ops), len(spec.Operations))
	}
	for i, o := range m.ops {
		s := spec.Operations[i]
		got := spec.Operation{ID: o.ID, Path: o.Path, Family: o.Family, Service: o.Service, Method: o.Method,
			Summary: o.Summary, Doc: o.Doc, Rate: o.Rate, Idempotent: o.Idempotent}
		want := spec.Operation{ID: s.ID, Path: s.Path, Family: s.Family, Service: s.Service, Method: s.Method,
			Summary: s.Summary, Doc: s.Doc, Rate: s.Rate, Idempotent: s.Idempotent}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("operation %d:\n model %+v\n  spec %+v", i, got, want)
		}
		if !slices.IsSortedFunc(o.Errors, func(a, b errorCode) int { return a.Code - b.Code }) {
			t.Errorf("%s: errors not sorted by code", o.ID)
		}
		if errs := toSpec(o.Errors); !reflect.DeepEqual(errs, s.Errors) || len(errs) != len(o.Errors) {
			t.Errorf("%s: errors\n model %v\n  spec %v", o.ID, errs, s.Errors)
		}
		switch {
		case (o.Batch == nil) != (s.Batch == nil):
			t.Errorf("%s: batch %v, spec %v", o.ID, o.Batch, s.Batch)
		case o.Batch != nil:
			b := o.Batch
			if got := (spec.Batch{Items: b.Items, Max: b.Max, Hard: b.Hard, Account: b.Account, Sequential: b.Sequential, Key: b.Key,
				Duplicates: spec.Duplicates(b.Duplicates), Results: b.Results, ResultKey: b.ResultKey, ResultCode: b.ResultCode,
				ResultInfo: b.ResultInfo, FailList: b.FailList, Errors: b.Errors, ErrorKey: b.ErrorKey, ErrorCode: b.ErrorCode}); got != *s.Batch {
				t.Errorf("%s: batch\n model %+v\n  spec %+v", o.ID, got, *s.Batch)
			}
		}
		switch {
		case (o.Paging == nil) != (s.Paging == nil):
			t.Errorf("%s: paging %v, spec %v", o.ID, o.Paging, s.Paging)
		case o.Paging != nil:
			p := o.Paging
			var carry []spec.Carry
			for _, c := range p.Carry {
				carry = append(carry, spec.Carry{From: c.From, To: c.To})
			}
			if got := (spec.Paging{Cursor: p.Cursor, Next: p.Next, Done: spec.Done(p.Done), Flag: p.Flag, Carry: carry, Items: p.Items, Item: p.Item, Offset: p.Offset}); !reflect.DeepEqual(got, *s.Paging) {
				t.Errorf("%s: paging\n model %+v\n  spec %+v", o.ID, got, *s.Paging)
			}
			if p.PagesMethod == "" || p.AllMethod == "" {
				t.Errorf("%s: paging methods %q %q", o.ID, p.PagesMethod, p.AllMethod)
			}
		}
		if _, ok := m.structs[o.Req]; !ok {
			t.Errorf("%s: no struct %s", o.ID, o.Req)
		}
	}

	var fams []struct{ Name, Service string }
	for _, f := range m.families {
		fams = append(fams, struct{ Name, Service string }{f, m.services[f]})
	}
	if !reflect.DeepEqual(fams, spec.Families) {
		t.Errorf("families %v, spec %v", fams, spec.Families)
	}
	if pub := toSpec(m.public); !reflect.DeepEqual(pub, spec.PublicErrors) {
		t.Errorf("public errors\n model %v\n  spec %v", pub, spec.PublicErrors)
	}
	var tags []spec.Tag
	for _, x := range m.tags {
		tags = append(tags, spec.Tag{Name: x.Name, Family: x.Family, GoName: x.Go, Type: spec.TagType(x.Type), Enum: x.Enum,
			Uint32: x.Uint32, MaxBytes: x.MaxBytes, UnixTime: x.UnixTime, ItemsSchema: x.Items, Meaning: x.Meaning})
	}
	if !reflect.DeepEqual(tags, withoutItemRules(t, spec.Tags)) {
		t.Errorf("tags\n model %+v\n  spec %+v", tags, spec.Tags)
	}
	if !reflect.DeepEqual(m.renamed, spec.GroupTypeRenames) {
		t.Errorf("renames %v, spec %v", m.renamed, spec.GroupTypeRenames)
	}
	limits := map[string]int{}
	for _, l := range m.limits {
		limits["Limit"+l.Go] = l.Value
	}
	if want := map[string]int{
		"LimitFriendsPerAccount":     spec.LimitFriendsPerAccount,
		"LimitFriendListsPerAccount": spec.LimitFriendListsPerAccount,
		"LimitGroupAnswerBytes":      spec.LimitGroupAnswerBytes,
		"LimitProfileValueBytes":     spec.LimitProfileValueBytes,
		"LimitBlocklistPerAccount":   spec.LimitBlocklistPerAccount,
	}; !reflect.DeepEqual(limits, want) {
		t.Errorf("limits %v, spec %v (a new limit needs a line here)", limits, want)
	}
	// gen's types as goTypes reads them.
	if f := m.structs["ImportFriendsRequest"]["From_Account"]; f != (goField{Name: "FromAccount", Type: "UserID"}) {
		t.Errorf("ImportFriendsRequest.From_Account: %+v", f)
	}
	if f := m.structs["AddFriendItem"]["Remark"]; f != (goField{Name: "Remark", Type: "*string"}) {
		t.Errorf("AddFriendItem.Remark: %+v", f)
	}
	if m.aliases["UserID"] != "string" || m.aliases["CustomTagValue"] != "tag.Value" || m.aliases["GroupType"] != "string" {
		t.Errorf("aliases %v", m.aliases)
	}
}

func toSpec(es []errorCode) map[int]spec.ErrorCode {
	out := map[int]spec.ErrorCode{}
	for _, e := range es {
		out[e.Code] = spec.ErrorCode{Code: e.Code, Class: spec.Class(e.Class), Retry: spec.Retry(e.Retry), Meaning: e.Meaning}
	}
	return out
}

// TestGoldenOutputs: run, as go generate runs it (from the module's root,
// with the same arguments), writes the three files byte for byte as they
// are in the repository: a stale generator or a hand edit of an output
// fails here even without `make check-generated`.
func TestGoldenOutputs(t *testing.T) {
	out := t.TempDir()
	outputs := []string{"internal/spec/spec.gen.go", "operations.gen.go", "emulator/operations.gen.go"}
	for _, o := range outputs {
		if err := os.MkdirAll(filepath.Join(out, filepath.Dir(o)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	// The arguments of the go:generate line in generate.go.
	if err := run("openapi/timrest.yaml", "gen/timrest.gen.go", out); err != nil {
		t.Fatal(err)
	}
	for _, o := range outputs {
		got, err := os.ReadFile(filepath.Join(out, o))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(root, o))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the generator writes (%d bytes, want %d): run go generate ./...\n%s", o, len(got), len(want), firstDiff(got, want))
		}
	}
	// The arguments above are those of generate.go.
	gen, err := os.ReadFile(filepath.Join(root, "generate.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(gen, []byte("go run ./internal/codegen -doc openapi/timrest.yaml -gen gen/timrest.gen.go -root .")) {
		t.Error("generate.go runs internal/codegen with other arguments than this test: update the test")
	}

	// A second run into the same folder leaves the files alone.
	stat := func(o string) os.FileInfo {
		fi, err := os.Stat(filepath.Join(out, o))
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	before := stat(outputs[0])
	old := before.ModTime().Add(-2 * time.Second)
	if err := os.Chtimes(filepath.Join(out, outputs[0]), old, old); err != nil {
		t.Fatal(err)
	}
	if err := run("openapi/timrest.yaml", "gen/timrest.gen.go", out); err != nil {
		t.Fatal(err)
	}
	if !stat(outputs[0]).ModTime().Equal(old) {
		t.Error("an unchanged output was written again")
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + g[i] + "\nwant: " + w[i]
		}
	}
	return "one is a prefix of the other"
}

// TestRunNeedsFolders: run reports a root without the output folders
// rather than writing elsewhere.
func TestRunNeedsFolders(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	err := run(docPath, genPath, out)
	if err == nil {
		t.Fatal("run wrote into a root without internal/spec and emulator")
	}
	if _, statErr := os.Stat(filepath.Join(out, "internal")); !os.IsNotExist(statErr) {
		t.Errorf("run created folders: %v", statErr)
	}
}

// --- load refuses a broken document ---

// docJSON is the document as JSON, which kin-openapi loads like the
// YAML; each case below changes a fresh copy of it, decoded into plain
// maps and slices (cheaper than loading it again with kin-openapi).
var docJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(docPath)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
})

// object is a JSON object of the document.
type object = map[string]any

// broken writes the document, changed by change, to a temporary folder
// and returns its path.
func broken(t *testing.T, change func(d object)) string {
	t.Helper()
	b, err := docJSON()
	if err != nil {
		t.Fatal(err)
	}
	var d object
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	change(d)
	if b, err = json.Marshal(d); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "timrest.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// at follows keys from v, through objects; it panics on a missing key, so
// that a case of a document that changed fails loudly.
func at(v any, keys ...string) object {
	for _, k := range keys {
		next, ok := v.(object)[k]
		if !ok {
			panic(fmt.Sprintf("no %s in the document (of %v)", k, keys))
		}
		v = next
	}
	return v.(object)
}

// list returns the array key of o.
func list(o object, key string) []any { return o[key].([]any) }

// item returns the i-th element of the array key of o, an object.
func item(o object, key string, i int) object { return list(o, key)[i].(object) }

// operation returns the operation id of d.
func operation(d object, id string) object {
	for _, p := range at(d, "paths") {
		for _, o := range p.(object) {
			if o, ok := o.(object); ok && o["operationId"] == id {
				return o
			}
		}
	}
	panic("no operation " + id)
}

// TestUnchangedCopyLoads: the copy the broken documents start from loads
// and gives the model of the document, so each case below fails by its
// change alone.
func TestUnchangedCopyLoads(t *testing.T) {
	t.Parallel()
	m, err := load(broken(t, func(object) {}), genPath)
	if err != nil {
		t.Fatal(err)
	}
	real, err := realModel()
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := emitSpec(m, &a); err != nil {
		t.Fatal(err)
	}
	if err := emitSpec(real, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the JSON copy gives another spec.gen.go:\n%s", firstDiff(a.Bytes(), b.Bytes()))
	}
}

// TestLoadRefuses: load refuses a document whose extensions are malformed
// or do not fit its schemas, with an error that names the problem.
func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		change func(d object)
		want   string // in the error
	}{
		{"no x-tim-method", func(d object) {
			delete(operation(d, "GetFriendLists"), "x-tim-method")
		}, "operation GetFriendLists: x-tim-method is missing"},
		{"x-tim-method not exported", func(d object) {
			operation(d, "GetFriendLists")["x-tim-method"] = "lists"
		}, `operation GetFriendLists: x-tim-method "lists" is not an exported Go name`},
		{"batch key an integer field", func(d object) {
			at(operation(d, "ImportFriends"), "x-tim-batch")["key"] = "RemarkTime"
		}, `operation ImportFriends: x-tim-batch key "RemarkTime" is not a string of the items`},
		{"batch key no field", func(d object) {
			at(operation(d, "ImportFriends"), "x-tim-batch")["key"] = "Nope"
		}, `x-tim-batch key "Nope" is not a string of the items`},
		{"string items with a key", func(d object) {
			at(operation(d, "GetFriends"), "x-tim-batch")["key"] = "To_Account"
		}, `operation GetFriends: x-tim-batch key "To_Account" is not a string of the items`},
		{"hard max other than maxItems", func(d object) {
			at(operation(d, "ImportFriends"), "x-tim-batch")["max"] = 500
		}, "operation ImportFriends: x-tim-batch max 500 is hard: the request's AddFriendItem must have maxItems 500"},
		{"hard max without maxItems", func(d object) {
			at(operation(d, "GetFriends"), "x-tim-batch")["hard"] = true
		}, "operation GetFriends: x-tim-batch max 100 is hard: the request's To_Account must have maxItems 100"},
		{"recommended max with maxItems", func(d object) {
			at(operation(d, "ImportFriends"), "x-tim-batch")["hard"] = false
		}, "operation ImportFriends: x-tim-batch max 1000 is a recommendation: AddFriendItem must not have maxItems"},
		{"batch items not an array", func(d object) {
			at(operation(d, "ImportFriends"), "x-tim-batch")["items"] = "From_Account"
		}, `operation ImportFriends: x-tim-batch items "From_Account" is not an array of the request`},
		{"batch duplicates unknown", func(d object) {
			at(operation(d, "GetFriends"), "x-tim-batch")["duplicates"] = "merge"
		}, `x-tim-batch duplicates "merge": want split or share`},
		{"batch result code a string", func(d object) {
			at(operation(d, "ImportFriends"), "x-tim-batch")["result-code"] = "ResultInfo"
		}, "operation ImportFriends: x-tim-batch: result-key, result-code and result-info must be a string, an integer and a string of FriendResult"},
		{"results without a code and without errors", func(d object) {
			delete(at(operation(d, "GetOnlineStatus"), "x-tim-batch"), "errors")
		}, "operation GetOnlineStatus: x-tim-batch: results without result-code need errors"},
		{"errors not a field of the answer", func(d object) {
			at(operation(d, "GetOnlineStatus"), "x-tim-batch")["errors"] = "Errors"
		}, `operation GetOnlineStatus: x-tim-batch errors "Errors" is not an array of a component schema in the answer`},
		{"errors without a code", func(d object) {
			at(operation(d, "GetOnlineStatus"), "x-tim-batch")["errors"] = "QueryResult"
		}, "operation GetOnlineStatus: x-tim-batch: error-key and error-code must be a string and an integer of OnlineStatusResult"},
		{"error code a string", func(d object) {
			at(operation(d, "GetOnlineStatus"), "x-tim-batch")["error-code"] = "To_Account"
		}, "x-tim-batch: error-key and error-code must be a string and an integer of OnlineStatusError"},
		{"batch without results or fail list", func(d object) {
			b := at(operation(d, "GetFriends"), "x-tim-batch")
			delete(b, "results")
			delete(b, "fail-list")
		}, "x-tim-batch needs results, fail-list or errors"},
		{"batch sequential without account", func(d object) {
			delete(at(operation(d, "ImportFriends"), "x-tim-batch"), "account")
		}, "x-tim-batch sequential needs account"},
		{"batch field misspelt", func(d object) {
			at(operation(d, "GetFriends"), "x-tim-batch")["maximum"] = 100
		}, `operation GetFriends: x-tim-batch: json: unknown field "maximum"`},
		{"old x-tim-batch-limit", func(d object) {
			operation(d, "GetFriendLists")["x-tim-batch-limit"] = 100
		}, "x-tim-batch-limit is replaced by x-tim-batch"},
		{"no request example", func(d object) {
			delete(at(operation(d, "ListGroupIDs"), "requestBody", "content", "application/json"), "examples")
		}, "operation ListGroupIDs: the request has no example"},
		{"no answer example", func(d object) {
			delete(at(operation(d, "GetFriends"), "responses", "200", "content", "application/json"), "examples")
		}, "operation GetFriends: the answer has no example"},
		{"two operations with one method", func(d object) {
			operation(d, "GetFriends")["x-tim-method"] = "Import"
		}, "operations GetFriends and ImportFriends both have the method Friends.Import"},
		{"a paging method that is the operation's", func(d object) {
			at(operation(d, "ListGroupIDs"), "x-tim-paging")["all-method"] = "IDs"
		}, "operations ListGroupIDs and ListGroupIDs both have the method Groups.IDs"},
		{"unknown class of an operation's code", func(d object) {
			item(operation(d, "GetFriends"), "x-tim-errors", 0)["class"] = "fatal"
		}, `operation GetFriends: x-tim-errors: code 30001 has unknown class "fatal"`},
		{"unknown class of a public code", func(d object) {
			item(d, "x-tim-public-errors", 1)["class"] = "server"
		}, `x-tim-public-errors: code 60003 has unknown class "server"`},
		{"unknown class in an error set", func(d object) {
			item(at(d, "x-tim-error-sets"), "group", 0)["class"] = "internal"
		}, `x-tim-error-sets group: code 10002 has unknown class "internal"`},
		{"unknown retry", func(d object) {
			item(d, "x-tim-public-errors", 0)["retry"] = "later"
		}, `x-tim-public-errors: code 60002 has unknown retry "later"`},
		{"a code listed twice", func(d object) {
			pub := list(d, "x-tim-public-errors")
			d["x-tim-public-errors"] = append(pub, pub[0])
		}, "x-tim-public-errors: code 60002 is listed twice"},
		{"an error set of no tag", func(d object) {
			at(d, "x-tim-error-sets")["chat"] = []any{}
		}, "x-tim-error-sets has chat, which is not a tag of the document"},
		{"paging cursor a string", func(d object) {
			at(operation(d, "ListGroupIDs"), "x-tim-paging")["cursor"] = "GroupType"
		}, `operation ListGroupIDs: x-tim-paging cursor "GroupType" is not an integer of the request`},
		{"paging cursor no field", func(d object) {
			at(operation(d, "ListGroupIDs"), "x-tim-paging")["cursor"] = "Offset"
		}, `x-tim-paging cursor "Offset" is not an integer of the request`},
		{"paging next no field", func(d object) {
			at(operation(d, "ListGroupIDs"), "x-tim-paging")["next"] = "NextCursor"
		}, `x-tim-paging next "NextCursor" is not an integer of the answer`},
		{"paging done unknown", func(d object) {
			at(operation(d, "ListGroupIDs"), "x-tim-paging")["done"] = "empty"
		}, `x-tim-paging done "empty": want zero or flag`},
		{"paging item no field", func(d object) {
			at(operation(d, "ListGroupIDs"), "x-tim-paging")["item"] = "GroupID"
		}, `x-tim-paging item "GroupID" is not a field of the items`},
		{"paging without methods", func(d object) {
			delete(at(operation(d, "ListGroupIDs"), "x-tim-paging"), "pages-method")
		}, "x-tim-paging needs pages-method and all-method"},
		{"batch and paged", func(d object) {
			at(d, "components", "schemas", "ImportFriendsRequest", "properties")["Next"] = object{"type": "integer"}
			at(item(at(d, "components", "schemas", "ImportFriendsResponse"), "allOf", 1), "properties")["Next"] = object{"type": "integer"}
			operation(d, "ImportFriends")["x-tim-paging"] = object{"cursor": "Next", "next": "Next", "done": "zero",
				"items": "ResultItem", "pages-method": "ImportPages", "all-method": "ImportAll"}
		}, "operation ImportFriends: an operation is a batch or paged, not both"},
		{"tag of a bad family", func(d object) {
			item(d, "x-tim-tags", 0)["family"] = "group"
		}, `x-tim-tags: Tag_SNS_IM_Group has family "group", want profile or friend`},
		{"tag name of another family", func(d object) {
			item(d, "x-tim-tags", 0)["family"] = "profile"
		}, "x-tim-tags: Tag_SNS_IM_Group does not fit its family profile"},
		{"tag listed twice", func(d object) {
			tags := list(d, "x-tim-tags")
			d["x-tim-tags"] = append(tags, tags[1])
		}, "x-tim-tags: Tag_SNS_IM_Remark is listed twice"},
		{"tag type unknown", func(d object) {
			item(d, "x-tim-tags", 1)["type"] = "text"
		}, `x-tim-tags: Tag_SNS_IM_Remark has type "text", want string, integer or strings`},
		{"tag max-bytes on an integer", func(d object) {
			item(d, "x-tim-tags", 4)["max-bytes"] = 4
		}, "x-tim-tags: Tag_SNS_IM_AddTime: enum and max-bytes are for strings"},
		{"tag items on a string", func(d object) {
			item(d, "x-tim-tags", 1)["items"] = "FriendListName"
		}, "x-tim-tags: Tag_SNS_IM_Remark: items is for a list of strings"},
		{"tag items not a schema", func(d object) {
			item(d, "x-tim-tags", 0)["items"] = "NoSuchSchema"
		}, `x-tim-tags: Tag_SNS_IM_Group: items "NoSuchSchema" is not a string schema of the document`},
		{"tag items not a string schema", func(d object) {
			item(d, "x-tim-tags", 0)["items"] = "ProfileItem"
		}, `x-tim-tags: Tag_SNS_IM_Group: items "ProfileItem" is not a string schema of the document`},
		{"tag pair not true", func(d object) {
			at(d, "components", "schemas", "ProfileItem")["x-tim-tag-pair"] = "yes"
		}, "schema ProfileItem: x-tim-tag-pair must be true"},
		{"tag pair without Value", func(d object) {
			at(d, "components", "schemas", "ProfileItem")["x-tim-tag-pair"] = true
			at(d, "components", "schemas", "UserProfile")["x-tim-tag-pair"] = true
		}, "schema UserProfile: x-tim-tag-pair needs the properties Tag and Value"},
		{"service not exported", func(d object) {
			item(d, "tags", 0)["x-tim-service"] = "friends"
		}, `tag sns: x-tim-service "friends" is not an exported Go name`},
		{"two tags on an operation", func(d object) {
			o := operation(d, "GetFriends")
			o["tags"] = append(list(o, "tags"), "group")
		}, "operation GetFriends: want exactly one tag (its family), got [sns group]"},
		{"doc not https", func(d object) {
			operation(d, "GetFriends")["x-tim-doc"] = "http://example.com"
		}, `operation GetFriends: x-tim-doc "http://example.com" is not an https URL`},
		{"rate zero", func(d object) {
			operation(d, "GetFriends")["x-tim-rate-limit"] = 0
		}, "operation GetFriends: x-tim-rate-limit must be positive"},
		{"no idempotent", func(d object) {
			delete(operation(d, "ImportFriends"), "x-tim-idempotent")
		}, "operation ImportFriends: x-tim-idempotent is missing"},
		{"limit not positive", func(d object) {
			at(d, "x-tim-limits")["friends-per-account"] = 0
		}, "x-tim-limits friends-per-account: must be positive"},
		{"rename out of the enum", func(d object) {
			at(d, "components", "schemas", "GroupType")["x-tim-renamed"] = object{"Private": "Team"}
		}, "GroupType x-tim-renamed: Private and Team must both be in the enum"},
		{"a GET operation", func(d object) {
			p := at(d, "paths", "/v4/sns/group_get")
			p["get"] = p["post"]
			delete(p, "post")
		}, "GET /v4/sns/group_get: every operation of this API is a POST"},
		{"request not a component", func(d object) {
			at(operation(d, "GetFriendLists"), "requestBody", "content", "application/json")["schema"] = at(d, "components", "schemas", "GetFriendListsRequest")
		}, "operation GetFriendLists: the request must be application/json with a $ref to a component schema"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := load(broken(t, c.change), genPath)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("load: %v\nwant an error with %q", err, c.want)
			}
		})
	}
}

// TestLoadRefusesGen: load needs the struct types of the document's
// schemas in gen/.
func TestLoadRefusesGen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ name, src, want string }{
		{"other.go", "package gen\n\ntype Other struct {\n\tA int `json:\"A\"`\n}\n", "gen has no struct type"},
		{"empty.go", "package gen\n", "has no struct types"},
		{"broken.go", "package gen\n\ntype {\n", "expected"},
	} {
		_, err := load(docPath, write(c.name, c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: load: %v, want an error with %q", c.name, err, c.want)
		}
	}
}

// TestRequiredPointerIsMissing: a required field that oapi-codegen makes
// a pointer gets an "is missing" check. (No request schema of the current
// document has one, so spec.gen.go cannot show it.)
func TestRequiredPointerIsMissing(t *testing.T) {
	t.Parallel()
	v := &validators{m: &model{aliases: map[string]string{}}, done: map[string]bool{}, rules: map[string]string{}}
	s := openapi3.NewStringSchema().WithMaxLength(4)
	code, err := v.value("X_F", `"F"`, "x.F", "*string", openapi3.NewSchemaRef("", s), true)
	if err != nil {
		t.Fatal(err)
	}
	want := "\tif x.F == nil {\n\t\treturn &Problem{Field: \"F\", Reason: \"is missing\"}\n\t}\n" +
		"\tif x.F != nil {\n\t\tif r := ruleX_F.Reason((*x.F)); r != \"\" {\n\t\t\treturn &Problem{Field: \"F\", Reason: r}\n\t\t}\n\t}\n"
	// The generated file is gofmt'ed: compare without the indentation.
	if noIndent(code) != noIndent(want) {
		t.Errorf("required *string:\n%s\nwant\n%s", code, want)
	}
	optional, err := v.value("X_F", `"F"`, "x.F", "*string", openapi3.NewSchemaRef("", s), false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(optional, "is missing") {
		t.Errorf("an optional pointer is checked for nil:\n%s", optional)
	}
	if got := v.rules["ruleX_F"]; got != "&StringRule{MinLength: 0, MaxLength: 4, MaxBytes: 0}" {
		t.Errorf("rule %s", got)
	}
}

func noIndent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t")
	}
	return strings.Join(lines, "\n")
}

func TestCamel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"friends-per-account": "FriendsPerAccount",
		"group-answer-bytes":  "GroupAnswerBytes",
		"a_b":                 "AB",
		"x":                   "X",
		"-lead--double-":      "LeadDouble",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
}

// withoutItemRules returns a copy of tags without their element rules
// (pointers to generated rules), after checking that a tag has one
// exactly when it names a schema for its elements.
func withoutItemRules(t *testing.T, tags []spec.Tag) []spec.Tag {
	t.Helper()
	out := slices.Clone(tags)
	for i := range out {
		if (out[i].Items != nil) != (out[i].ItemsSchema != "") {
			t.Errorf("%s: items schema %q, rule %v", out[i].Name, out[i].ItemsSchema, out[i].Items)
		}
		out[i].Items = nil
	}
	return out
}
