package spec_test

// Tests that hold spec.gen.go to the document it was generated from,
// read independently with kin-openapi (internal/contract), and that run
// each operation's CheckJSON on the document's examples and on broken
// copies of them.

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

// ext decodes the extension key of ext into into; it reports whether the
// extension is there.
func ext(t *testing.T, ext map[string]any, key string, into any) bool {
	t.Helper()
	raw, ok := ext[key]
	if !ok {
		return false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return true
}

// docOp is an operation of the document.
type docOp struct {
	path     string
	op       *openapi3.Operation
	req, ans *openapi3.Schema
}

func docOps(t *testing.T) (*contract.Contract, map[string]docOp) {
	t.Helper()
	c := contract.MustLoad()
	ops := map[string]docOp{}
	for _, path := range c.Doc.Paths.InMatchingOrder() {
		for _, o := range c.Doc.Paths.Value(path).Operations() {
			ops[o.OperationID] = docOp{
				path: path, op: o,
				req: o.RequestBody.Value.Content.Get("application/json").Schema.Value,
				ans: o.Responses.Status(200).Value.Content.Get("application/json").Schema.Value,
			}
		}
	}
	return c, ops
}

// props returns the properties of s, allOf flattened.
func props(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for k, v := range s.Properties {
		out[k] = v.Value
	}
	for _, part := range s.AllOf {
		maps.Copy(out, props(part.Value))
	}
	return out
}

func required(s *openapi3.Schema) []string {
	out := slices.Clone(s.Required)
	for _, part := range s.AllOf {
		out = append(out, required(part.Value)...)
	}
	return out
}

func is(s *openapi3.Schema, typ string) bool { return s != nil && s.Type.Is(typ) }

type docError struct {
	Code    int    `json:"code"`
	Class   string `json:"class"`
	Retry   string `json:"retry"`
	Meaning string `json:"meaning"`
}

func codes(es []docError) map[int]spec.ErrorCode {
	out := map[int]spec.ErrorCode{}
	for _, e := range es {
		out[e.Code] = spec.ErrorCode{Code: e.Code, Class: spec.Class(e.Class), Retry: spec.Retry(e.Retry), Meaning: e.Meaning}
	}
	return out
}

// TestOperationsMatchDocument: spec.Operations are the document's
// operations, with the facts its extensions give, and the JSON fields
// their Batch and Paging name are fields of the request and answer
// schemas, of the right types.
func TestOperationsMatchDocument(t *testing.T) {
	t.Parallel()
	c, ops := docOps(t)
	if len(spec.Operations) != len(ops) || len(ops) == 0 {
		t.Errorf("spec has %d operations, the document %d", len(spec.Operations), len(ops))
	}
	if !slices.IsSortedFunc(spec.Operations, func(a, b *spec.Operation) int { return strings.Compare(a.Path, b.Path) }) {
		t.Error("spec.Operations are not sorted by path")
	}
	services := map[string]string{}
	for _, tg := range c.Doc.Tags {
		var svc string
		ext(t, tg.Extensions, "x-tim-service", &svc)
		services[tg.Name] = svc
	}
	var sets map[string][]docError
	ext(t, c.Doc.Extensions, "x-tim-error-sets", &sets)

	for _, o := range spec.Operations {
		if o.ID == "" || o.Path == "" || o.Service == "" || o.Method == "" || o.Doc == "" || o.Family == "" || o.Summary == "" {
			t.Errorf("%s: an empty field: %+v", o.ID, *o)
		}
		if !(o.Rate > 0) {
			t.Errorf("%s: rate %v", o.ID, o.Rate)
		}
		if o.CheckJSON == nil {
			t.Errorf("%s: no CheckJSON", o.ID)
		}
		d, ok := ops[o.ID]
		if !ok {
			t.Errorf("%s is not an operation of the document", o.ID)
			continue
		}
		var method, doc string
		var rate float64
		var idem bool
		ext(t, d.op.Extensions, "x-tim-method", &method)
		ext(t, d.op.Extensions, "x-tim-doc", &doc)
		ext(t, d.op.Extensions, "x-tim-rate-limit", &rate)
		ext(t, d.op.Extensions, "x-tim-idempotent", &idem)
		want := spec.Operation{ID: d.op.OperationID, Path: d.path, Family: d.op.Tags[0], Service: services[d.op.Tags[0]],
			Method: method, Summary: strings.TrimSpace(d.op.Summary), Doc: doc, Rate: rate, Idempotent: idem}
		got := spec.Operation{ID: o.ID, Path: o.Path, Family: o.Family, Service: o.Service, Method: o.Method,
			Summary: o.Summary, Doc: o.Doc, Rate: o.Rate, Idempotent: o.Idempotent}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", o.ID, got, want)
		}
		if !strings.HasPrefix(o.Doc, "https://") {
			t.Errorf("%s: doc %q", o.ID, o.Doc)
		}

		// Errors: the family's set, then the operation's own, which win.
		var own []docError
		ext(t, d.op.Extensions, "x-tim-errors", &own)
		wantErrs := codes(sets[o.Family])
		maps.Copy(wantErrs, codes(own))
		if !maps.Equal(o.Errors, wantErrs) {
			t.Errorf("%s: errors\n got %v\nwant %v", o.ID, o.Errors, wantErrs)
		}
		for code, e := range o.Errors {
			if e.Code != code {
				t.Errorf("%s: errors[%d] has code %d", o.ID, code, e.Code)
			}
		}

		checkBatch(t, o, d)
		checkPaging(t, o, d)
		if o.Batch != nil && o.Paging != nil {
			t.Errorf("%s: both a batch and paged", o.ID)
		}
	}
}

func checkBatch(t *testing.T, o *spec.Operation, d docOp) {
	t.Helper()
	var x struct {
		Items      string `json:"items"`
		Max        int    `json:"max"`
		Hard       bool   `json:"hard"`
		Account    string `json:"account"`
		Sequential bool   `json:"sequential"`
		Key        string `json:"key"`
		Duplicates string `json:"duplicates"`
		Results    string `json:"results"`
		ResultKey  string `json:"result-key"`
		ResultCode string `json:"result-code"`
		ResultInfo string `json:"result-info"`
		FailList   string `json:"fail-list"`
		Errors     string `json:"errors"`
		ErrorKey   string `json:"error-key"`
		ErrorCode  string `json:"error-code"`
	}
	if !ext(t, d.op.Extensions, "x-tim-batch", &x) {
		if o.Batch != nil {
			t.Errorf("%s: a batch the document does not give", o.ID)
		}
		return
	}
	want := spec.Batch{Items: x.Items, Max: x.Max, Hard: x.Hard, Account: x.Account, Sequential: x.Sequential, Key: x.Key,
		Duplicates: spec.Duplicates(x.Duplicates), Results: x.Results, ResultKey: x.ResultKey, ResultCode: x.ResultCode,
		ResultInfo: x.ResultInfo, FailList: x.FailList, Errors: x.Errors, ErrorKey: x.ErrorKey, ErrorCode: x.ErrorCode}
	if o.Batch == nil || *o.Batch != want {
		t.Errorf("%s: batch\n got %+v\nwant %+v", o.ID, o.Batch, want)
		return
	}
	b := o.Batch
	req, ans := props(d.req), props(d.ans)
	items := req[b.Items]
	if !is(items, "array") {
		t.Fatalf("%s: batch items %q is not an array of the request", o.ID, b.Items)
	}
	switch {
	case b.Max <= 0:
		t.Errorf("%s: batch max %d", o.ID, b.Max)
	case b.Hard && (items.MaxItems == nil || int(*items.MaxItems) != b.Max):
		t.Errorf("%s: a hard max %d, but maxItems %v", o.ID, b.Max, items.MaxItems)
	case !b.Hard && items.MaxItems != nil:
		t.Errorf("%s: a recommended max, but maxItems %d", o.ID, *items.MaxItems)
	}
	if b.Account != "" && !is(req[b.Account], "string") {
		t.Errorf("%s: batch account %q is not a string of the request", o.ID, b.Account)
	}
	if b.Sequential && b.Account == "" {
		t.Errorf("%s: sequential without an account", o.ID)
	}
	if b.Duplicates != spec.DupSplit && b.Duplicates != spec.DupShare {
		t.Errorf("%s: duplicates %q", o.ID, b.Duplicates)
	}
	item := items.Items.Value
	if b.Key == "" && !is(item, "string") {
		t.Errorf("%s: no key, but the items are not strings", o.ID)
	}
	if b.Key != "" && !is(props(item)[b.Key], "string") {
		t.Errorf("%s: batch key %q is not a string of the items", o.ID, b.Key)
	}
	if b.Results == "" && b.FailList == "" && b.Errors == "" {
		t.Errorf("%s: neither results, nor a fail list, nor errors", o.ID)
	}
	if b.Results != "" {
		res := ans[b.Results]
		if !is(res, "array") {
			t.Fatalf("%s: results %q is not an array of the answer", o.ID, b.Results)
		}
		r := props(res.Items.Value)
		// Results without a code need an errors list: it tells the
		// failed items.
		if !is(r[b.ResultKey], "string") || (b.ResultCode == "" && b.Errors == "") || (b.ResultCode != "" && !is(r[b.ResultCode], "integer")) ||
			(b.ResultInfo != "" && !is(r[b.ResultInfo], "string")) {
			t.Errorf("%s: result fields %q %q %q", o.ID, b.ResultKey, b.ResultCode, b.ResultInfo)
		}
	}
	if b.Errors != "" {
		errs := ans[b.Errors]
		if !is(errs, "array") {
			t.Fatalf("%s: errors %q is not an array of the answer", o.ID, b.Errors)
		}
		if e := props(errs.Items.Value); !is(e[b.ErrorKey], "string") || !is(e[b.ErrorCode], "integer") {
			t.Errorf("%s: error fields %q %q", o.ID, b.ErrorKey, b.ErrorCode)
		}
	} else if b.ErrorKey != "" || b.ErrorCode != "" {
		t.Errorf("%s: error fields without errors", o.ID)
	}
	if b.FailList != "" && (!is(ans[b.FailList], "array") || !is(ans[b.FailList].Items.Value, "string")) {
		t.Errorf("%s: fail list %q is not an array of strings of the answer", o.ID, b.FailList)
	}
}

func checkPaging(t *testing.T, o *spec.Operation, d docOp) {
	t.Helper()
	var x struct {
		Cursor string       `json:"cursor"`
		Next   string       `json:"next"`
		Done   string       `json:"done"`
		Flag   string       `json:"flag"`
		Carry  []spec.Carry `json:"carry"` // From, To: the JSON names match case-insensitively
		Items  string       `json:"items"`
		Item   string       `json:"item"`
		Offset bool         `json:"offset"`
	}
	if !ext(t, d.op.Extensions, "x-tim-paging", &x) {
		if o.Paging != nil {
			t.Errorf("%s: paging the document does not give", o.ID)
		}
		return
	}
	want := spec.Paging{Cursor: x.Cursor, Next: x.Next, Done: spec.Done(x.Done), Flag: x.Flag, Carry: x.Carry, Items: x.Items, Item: x.Item, Offset: x.Offset}
	if o.Paging == nil || !reflect.DeepEqual(*o.Paging, want) {
		t.Errorf("%s: paging\n got %+v\nwant %+v", o.ID, o.Paging, want)
		return
	}
	p := o.Paging
	req, ans := props(d.req), props(d.ans)
	if !is(req[p.Cursor], "integer") || !is(ans[p.Next], "integer") {
		t.Errorf("%s: cursor %q or next %q is not an integer", o.ID, p.Cursor, p.Next)
	}
	switch p.Done {
	case spec.DoneFlag:
		if !is(ans[p.Flag], "integer") {
			t.Errorf("%s: flag %q is not an integer of the answer", o.ID, p.Flag)
		}
	case spec.DoneZero:
		if p.Flag != "" {
			t.Errorf("%s: a flag with done zero", o.ID)
		}
	default:
		t.Errorf("%s: done %q", o.ID, p.Done)
	}
	for _, cr := range p.Carry {
		if ans[cr.From] == nil || req[cr.To] == nil {
			t.Errorf("%s: carry %+v", o.ID, cr)
		}
	}
	items := ans[p.Items]
	if !is(items, "array") {
		t.Fatalf("%s: items %q is not an array of the answer", o.ID, p.Items)
	}
	if p.Item != "" && props(items.Items.Value)[p.Item] == nil {
		t.Errorf("%s: item %q is not a field of the items", o.ID, p.Item)
	}
}

// TestDocumentTablesMatch: the families, public errors, standard tags,
// limits, defaults and group type renames are the document's.
func TestDocumentTablesMatch(t *testing.T) {
	t.Parallel()
	c := contract.MustLoad()
	d := c.Doc

	var fams []struct{ Name, Service string }
	for _, tg := range d.Tags {
		var svc string
		ext(t, tg.Extensions, "x-tim-service", &svc)
		fams = append(fams, struct{ Name, Service string }{tg.Name, svc})
	}
	if !reflect.DeepEqual(spec.Families, fams) {
		t.Errorf("families %v, want %v", spec.Families, fams)
	}
	for _, o := range spec.Operations {
		if !slices.Contains(spec.Families, struct{ Name, Service string }{o.Family, o.Service}) {
			t.Errorf("%s: family %s, service %s not in Families", o.ID, o.Family, o.Service)
		}
	}

	var public []docError
	ext(t, d.Extensions, "x-tim-public-errors", &public)
	if want := codes(public); !maps.Equal(spec.PublicErrors, want) || len(public) != len(want) {
		t.Errorf("public errors\n got %v\nwant %v", spec.PublicErrors, want)
	}

	var tags []struct {
		Name     string   `json:"name"`
		Family   string   `json:"family"`
		Go       string   `json:"go"`
		Type     string   `json:"type"`
		Enum     []string `json:"enum"`
		Uint32   bool     `json:"uint32"`
		MaxBytes int      `json:"max-bytes"`
		UnixTime bool     `json:"unix-time"`
		Items    string   `json:"items"`
		Meaning  string   `json:"meaning"`
	}
	ext(t, d.Extensions, "x-tim-tags", &tags)
	var wantTags []spec.Tag
	for _, x := range tags {
		wantTags = append(wantTags, spec.Tag{Name: x.Name, Family: x.Family, GoName: x.Go, Type: spec.TagType(x.Type), Enum: x.Enum,
			Uint32: x.Uint32, MaxBytes: x.MaxBytes, UnixTime: x.UnixTime, ItemsSchema: x.Items, Meaning: x.Meaning})
	}
	gotTags := slices.Clone(spec.Tags)
	for i := range gotTags {
		// The element rule is the schema's (checked by TestTagProblem); here,
		// that there is one exactly when the document names a schema.
		if (gotTags[i].Items != nil) != (gotTags[i].ItemsSchema != "") {
			t.Errorf("%s: items schema %q, rule %v", gotTags[i].Name, gotTags[i].ItemsSchema, gotTags[i].Items)
		}
		gotTags[i].Items = nil
	}
	if !reflect.DeepEqual(gotTags, wantTags) {
		t.Errorf("tags\n got %+v\nwant %+v", spec.Tags, wantTags)
	}

	var limits map[string]int
	ext(t, d.Extensions, "x-tim-limits", &limits)
	got := map[string]int{
		"friends-per-account":      spec.LimitFriendsPerAccount,
		"friend-lists-per-account": spec.LimitFriendListsPerAccount,
		"group-answer-bytes":       spec.LimitGroupAnswerBytes,
		"profile-value-bytes":      spec.LimitProfileValueBytes,
		"blocklist-per-account":    spec.LimitBlocklistPerAccount,
	}
	if !maps.Equal(got, limits) {
		t.Errorf("limits %v, want %v (a new limit needs a line here)", got, limits)
	}

	limit := d.Components.Schemas["ListGroupIDsRequest"].Value.Properties["Limit"].Value
	if limit.Default != float64(spec.DefaultListGroupIDsRequestLimit) {
		t.Errorf("default Limit %v, spec %d", limit.Default, spec.DefaultListGroupIDsRequestLimit)
	}

	gt := d.Components.Schemas["GroupType"].Value
	var renamed map[string]string
	ext(t, gt.Extensions, "x-tim-renamed", &renamed)
	if !maps.Equal(spec.GroupTypeRenames, renamed) || len(renamed) == 0 {
		t.Errorf("renames %v, want %v", spec.GroupTypeRenames, renamed)
	}
	// CheckGroupType takes exactly the enum.
	for _, v := range gt.Enum {
		if r := spec.CheckGroupType(v.(string)); r != "" {
			t.Errorf("CheckGroupType(%v) = %q", v, r)
		}
	}
	// CheckUserID applies UserID's rules: maxLength in characters and
	// x-tim-max-bytes in bytes.
	uid := d.Components.Schemas["UserID"].Value
	var maxBytes int
	ext(t, uid.Extensions, "x-tim-max-bytes", &maxBytes)
	if maxBytes == 0 || uid.MaxLength == nil || uid.MinLength != 1 {
		t.Fatalf("UserID: max bytes %d, maxLength %v, minLength %d", maxBytes, uid.MaxLength, uid.MinLength)
	}
	if spec.CheckUserID(strings.Repeat("a", maxBytes)) != "" || spec.CheckUserID(strings.Repeat("a", maxBytes+1)) == "" || spec.CheckUserID("") == "" {
		t.Errorf("CheckUserID does not apply UserID's %d bytes", maxBytes)
	}
}

// examples returns the request examples of op, decoded.
func examples(t *testing.T, c *contract.Contract, id string) []any {
	t.Helper()
	reqs, _, err := c.Examples(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 {
		t.Fatalf("%s has no request example", id)
	}
	var out []any
	for _, e := range reqs {
		var v any
		if err := json.Unmarshal(e.Value, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// clone deep-copies a decoded JSON value.
func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = clone(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = clone(x)
		}
		return s
	}
	return v
}

// A path is the segments of a JSON path: field names and indexes.
type path []any

func (p path) String() string {
	var b strings.Builder
	for _, s := range p {
		switch s := s.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		case int:
			b.WriteString("[" + strconv.Itoa(s) + "]")
		}
	}
	return b.String()
}

// set sets the value at p in v, creating a missing object or a missing
// array of strings on the way, and returns the new v; ok is false when p
// runs through an array of objects that v does not have an item of.
func set(v any, p path, x any) (any, bool) {
	if len(p) == 0 {
		return x, true
	}
	switch s := p[0].(type) {
	case string:
		m, _ := v.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		child, ok := set(m[s], p[1:], x)
		m[s] = child
		return m, ok
	case int:
		a, _ := v.([]any)
		if len(a) <= s {
			if len(p) > 1 || s != len(a) {
				return v, false
			}
			a = append(a, nil)
		}
		child, ok := set(a[s], p[1:], x)
		a[s] = child
		return a, ok
	}
	panic(p)
}

// del deletes the field at p from v; it reports whether v had it.
func del(v any, p path) bool {
	for _, s := range p[:len(p)-1] {
		switch s := s.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[s]
		case int:
			a, _ := v.([]any)
			if len(a) <= s {
				return false
			}
			v = a[s]
		}
	}
	m, _ := v.(map[string]any)
	if _, ok := m[p[len(p)-1].(string)]; !ok {
		return false
	}
	delete(m, p[len(p)-1].(string))
	return true
}

// walk calls visit for every field of s (and the first item of every
// array), depth first; req tells a required field.
func walk(s *openapi3.Schema, at path, visit func(p path, s *openapi3.Schema, req bool)) {
	ps := props(s)
	for _, name := range slices.Sorted(maps.Keys(ps)) {
		f := ps[name]
		p := append(slices.Clone(at), name)
		visit(p, f, slices.Contains(required(s), name))
		switch {
		case is(f, "array"):
			ip := append(slices.Clone(p), 0)
			visit(ip, f.Items.Value, true)
			if is(f.Items.Value, "object") {
				walk(f.Items.Value, ip, visit)
			}
		case is(f, "object"):
			walk(f, p, visit)
		}
	}
}

func body(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckJSONExamples: every request example of the document passes
// its operation's CheckJSON (and, as a check on the test, the request
// schema).
func TestCheckJSONExamples(t *testing.T) {
	t.Parallel()
	c, ops := docOps(t)
	for _, o := range spec.Operations {
		for i, ex := range examples(t, c, o.ID) {
			if err := ops[o.ID].req.VisitJSON(ex, openapi3.VisitAsRequest()); err != nil {
				t.Errorf("%s example %d does not fit its schema: %v", o.ID, i, err)
			}
			if p := o.CheckJSON(body(t, ex)); p != nil {
				t.Errorf("%s example %d: %v", o.ID, i, p)
			}
		}
	}
}

// TestCheckJSONWrongType: a field of the wrong JSON type is a problem
// naming the field.
func TestCheckJSONWrongType(t *testing.T) {
	t.Parallel()
	c, ops := docOps(t)
	for _, o := range spec.Operations {
		ex := examples(t, c, o.ID)[0]
		ps := props(ops[o.ID].req)
		for _, name := range slices.Sorted(maps.Keys(ps)) {
			var wrong any = true
			if is(ps[name], "boolean") {
				wrong = "true"
			}
			v, _ := set(clone(ex), path{name}, wrong)
			p := o.CheckJSON(body(t, v))
			if p == nil || p.Field != name || !strings.HasPrefix(p.Reason, "is a JSON bool, want ") {
				t.Errorf("%s: %s: true: got %v", o.ID, name, p)
			}
		}
		for _, b := range []string{`[]`, `"x"`, `1`} {
			if p := o.CheckJSON([]byte(b)); p == nil || p.Field != "" || !strings.HasPrefix(p.Reason, "is a JSON ") {
				t.Errorf("%s: body %s: got %v", o.ID, b, p)
			}
		}
		// Not JSON at all: refused, by the shape check (which reads the
		// text first) or by decoding.
		for _, b := range []string{``, `{`, `{"From_Account":}`} {
			if p := o.CheckJSON([]byte(b)); p == nil || !(strings.HasPrefix(p.Reason, "is not valid JSON: ") ||
				strings.HasPrefix(p.Reason, "is not a JSON object of the request's type: ") || strings.HasSuffix(p.Reason, "is not a field of this object")) {
				t.Errorf("%s: body %q: got %v", o.ID, b, p)
			}
		}
		// Two values: the shape check reads the first, {}, and finds a
		// required field missing; with none required, decoding refuses
		// the second value.
		req := required(ops[o.ID].req)
		p := o.CheckJSON([]byte(`{} {}`))
		switch {
		case len(req) > 0 && (p == nil || !slices.Contains(req, p.Field) || p.Reason != "is missing"):
			t.Errorf("%s: body {} {}: got %v, want one of %v is missing", o.ID, p, req)
		case len(req) == 0 && (p == nil || !strings.HasPrefix(p.Reason, "is not a JSON object of the request's type: ")):
			t.Errorf("%s: body {} {}: got %v", o.ID, p)
		}
		// A valid request followed by another value: decoding refuses it.
		if p := o.CheckJSON(append(body(t, ex), " {}"...)); p == nil || !strings.HasPrefix(p.Reason, "is not a JSON object of the request's type: ") {
			t.Errorf("%s: an example followed by {}: got %v", o.ID, p)
		}
	}
	// Deeper fields: encoding/json names the path without indexes.
	p := spec.ImportFriends.CheckJSON([]byte(`{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_X","Remark":5}]}`))
	if p == nil || p.Error() != "AddFriendItem.Remark: is a JSON number, want string" {
		t.Errorf("nested wrong type: %v", p)
	}
	p = spec.ListGroupIDs.CheckJSON([]byte(`{"Limit":1.5}`))
	if p == nil || p.Error() != "Limit: is a JSON number 1.5, want int64" {
		t.Errorf("a fraction for an integer: %v", p)
	}
}

// TestCheckJSONMaxBytes: every string field with x-tim-max-bytes that an
// operation's request reaches is checked in bytes: a value of few
// characters but too many bytes (which the schema's maxLength alone
// accepts) is a problem naming the field.
func TestCheckJSONMaxBytes(t *testing.T) {
	t.Parallel()
	c, ops := docOps(t)
	seen := 0
	for _, o := range spec.Operations {
		exs := examples(t, c, o.ID)
		walk(ops[o.ID].req, nil, func(p path, s *openapi3.Schema, _ bool) {
			var max int
			if !is(s, "string") || !ext(t, s.Extensions, "x-tim-max-bytes", &max) {
				return
			}
			long := strings.Repeat("界", max/3+1) // 3 bytes a character
			if err := s.VisitJSON(long); err != nil {
				t.Errorf("%s %s: the schema refuses %d characters: %v", o.ID, p, max/3+1, err)
			}
			for _, ex := range exs {
				if otherShape(ops[o.ID].req, ex, p) {
					continue
				}
				v, ok := set(clone(ex), p, long)
				if !ok {
					continue
				}
				seen++
				got := o.CheckJSON(body(t, v))
				want := fmt.Sprintf("%s: is %d bytes, want at most %d", p, len(long), max)
				if got == nil || got.Error() != want {
					t.Errorf("%s: got %v, want %s", o.ID, got, want)
				}
				fits := strings.Repeat("a", max)
				if v, _ := set(clone(ex), p, fits); o.CheckJSON(body(t, v)) != nil {
					t.Errorf("%s %s: %d bytes refused: %v", o.ID, p, max, o.CheckJSON(body(t, v)))
				}
				return
			}
			t.Errorf("%s: no example reaches %s", o.ID, p)
		})
	}
	// From_Account (3 operations), To_Account items, AddFriendItem's
	// To_Account, Remark, AddWording and GroupName items, GroupName items.
	if seen < 8 {
		t.Errorf("only %d fields with x-tim-max-bytes", seen)
	}
}

// otherShape reports whether setting p in the example ex would add a
// field to a request object that already has the most fields it may have
// (maxProperties: ImportAccounts takes AccountList or Accounts, never
// both): the example is of another shape of the request than p.
func otherShape(req *openapi3.Schema, ex any, p path) bool {
	m, _ := ex.(map[string]any)
	if req.MaxProps == nil || m == nil {
		return false
	}
	_, has := m[p[0].(string)]
	return !has && uint64(len(m)) >= *req.MaxProps
}

// TestCheckJSONRequiredMissing: a body without a required field (which
// the schema refuses) is a problem: every required field of the current
// document has a rule that its zero value breaks.
func TestCheckJSONRequiredMissing(t *testing.T) {
	t.Parallel()
	c, ops := docOps(t)
	for _, o := range spec.Operations {
		exs := examples(t, c, o.ID)
		walk(ops[o.ID].req, nil, func(p path, _ *openapi3.Schema, req bool) {
			if _, isIndex := p[len(p)-1].(int); !req || isIndex {
				return
			}
			for _, ex := range exs {
				v := clone(ex)
				if !del(v, p) {
					continue
				}
				if err := ops[o.ID].req.VisitJSON(v, openapi3.VisitAsRequest()); err == nil {
					t.Errorf("%s without %s: the schema accepts it", o.ID, p)
				}
				if got := o.CheckJSON(body(t, v)); got == nil || got.Field != p.String() {
					t.Errorf("%s without %s: got %v", o.ID, p, got)
				}
				return
			}
			t.Errorf("%s: no example has %s", o.ID, p)
		})
	}
}
