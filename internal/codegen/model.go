package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// model is what the generators need: the document, its operations and
// extensions, checked, and the Go types oapi-codegen wrote.
type model struct {
	doc       *openapi3.T
	ops       []*op // by path
	public    []errorCode
	services  map[string]string // document tag → service name
	families  []string          // document tags, in document order
	limits    []limit
	tags      []stdTag
	renamed   map[string]string // GroupType x-tim-renamed
	errorSets map[string][]errorCode
	structs   map[string]goStruct
	aliases   map[string]string
}

type errorCode struct {
	Code    int    `json:"code"`
	Class   string `json:"class"`
	Retry   string `json:"retry"`
	Meaning string `json:"meaning"`
}

type limit struct {
	Name  string // x-tim-limits key, e.g. friends-per-account
	Go    string // FriendsPerAccount
	Value int
}

type batchExt struct {
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

type carry struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type pagingExt struct {
	Cursor      string  `json:"cursor"`
	Next        string  `json:"next"`
	Done        string  `json:"done"`
	Flag        string  `json:"flag"`
	Carry       []carry `json:"carry"`
	Items       string  `json:"items"`
	Item        string  `json:"item"`
	PagesMethod string  `json:"pages-method"`
	AllMethod   string  `json:"all-method"`
	Offset      bool    `json:"offset"`
}

type stdTag struct {
	Name     string   `json:"name"`
	Family   string   `json:"family"`
	Go       string   `json:"go"`
	Type     string   `json:"type"`
	Enum     []string `json:"enum"`
	Uint32   bool     `json:"uint32"`
	MaxBytes int      `json:"max-bytes"`
	UnixTime bool     `json:"unix-time"`
	Items    string   `json:"items"` // for strings: the schema of each element
	Meaning  string   `json:"meaning"`
}

type op struct {
	ID, Path, Family, Service, Method, Summary, Doc string
	Rate                                            float64
	Idempotent                                      bool
	Batch                                           *batchExt
	Paging                                          *pagingExt
	Errors                                          []errorCode // own and family's, own first, sorted by code
	Req, Resp                                       string      // component schema names of the request and the answer
	op                                              *openapi3.Operation
}

var (
	classes = []string{"bad_request", "auth", "permission", "rate_limited", "transient", "not_found", "conflict", "limit", "config"}
	retries = []string{"no", "yes", "slow", "renew"}
	goIdent = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

func load(docPath, genPath string) (*model, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(docPath)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("%s: %w", docPath, err)
	}
	m := &model{doc: doc, services: map[string]string{}}
	if m.structs, m.aliases, err = goTypes(genPath); err != nil {
		return nil, err
	}
	if err := m.readDocument(); err != nil {
		return nil, err
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, o := range doc.Paths.Value(path).Operations() {
			if method != "POST" {
				return nil, fmt.Errorf("%s %s: every operation of this API is a POST", method, path)
			}
			x, err := m.readOperation(path, o)
			if err != nil {
				return nil, fmt.Errorf("operation %s: %w", o.OperationID, err)
			}
			m.ops = append(m.ops, x)
		}
	}
	sort.Slice(m.ops, func(i, j int) bool { return m.ops[i].Path < m.ops[j].Path })
	seen := map[string]string{}
	for _, o := range m.ops {
		k := o.Service + "." + o.Method
		if other, dup := seen[k]; dup {
			return nil, fmt.Errorf("operations %s and %s both have the method %s", other, o.ID, k)
		}
		seen[k] = o.ID
		if o.Paging != nil {
			for _, name := range []string{o.Paging.PagesMethod, o.Paging.AllMethod} {
				k := o.Service + "." + name
				if other, dup := seen[k]; dup {
					return nil, fmt.Errorf("operations %s and %s both have the method %s", other, o.ID, k)
				}
				seen[k] = o.ID
			}
		}
	}
	return m, nil
}

// readDocument reads the document-level extensions.
func (m *model) readDocument() error {
	d := m.doc
	if err := decodeExt(d.Extensions, "x-tim-public-errors", &m.public, true); err != nil {
		return err
	}
	if err := checkErrors("x-tim-public-errors", m.public); err != nil {
		return err
	}
	sortErrors(m.public)
	var sets map[string][]errorCode
	if err := decodeExt(d.Extensions, "x-tim-error-sets", &sets, true); err != nil {
		return err
	}
	for _, t := range d.Tags {
		var svc string
		if err := decodeExt(t.Extensions, "x-tim-service", &svc, true); err != nil {
			return fmt.Errorf("tag %s: %w", t.Name, err)
		}
		if !goIdent.MatchString(svc) {
			return fmt.Errorf("tag %s: x-tim-service %q is not an exported Go name", t.Name, svc)
		}
		m.services[t.Name] = svc
		m.families = append(m.families, t.Name)
		if err := checkErrors("x-tim-error-sets "+t.Name, sets[t.Name]); err != nil {
			return err
		}
	}
	for name := range sets {
		if _, ok := m.services[name]; !ok {
			return fmt.Errorf("x-tim-error-sets has %s, which is not a tag of the document", name)
		}
	}
	m.errorSets = sets

	var limits map[string]int
	if err := decodeExt(d.Extensions, "x-tim-limits", &limits, true); err != nil {
		return err
	}
	for _, k := range slicesSorted(limits) {
		if limits[k] <= 0 {
			return fmt.Errorf("x-tim-limits %s: must be positive", k)
		}
		m.limits = append(m.limits, limit{Name: k, Go: camel(k), Value: limits[k]})
	}

	if err := decodeExt(d.Extensions, "x-tim-tags", &m.tags, true); err != nil {
		return err
	}
	seenTag := map[string]bool{}
	for _, t := range m.tags {
		switch {
		case seenTag[t.Name]:
			return fmt.Errorf("x-tim-tags: %s is listed twice", t.Name)
		case t.Family != "profile" && t.Family != "friend":
			return fmt.Errorf("x-tim-tags: %s has family %q, want profile or friend", t.Name, t.Family)
		case t.Family == "profile" && !strings.HasPrefix(t.Name, "Tag_Profile_IM_"), t.Family == "friend" && !strings.HasPrefix(t.Name, "Tag_SNS_IM_"):
			return fmt.Errorf("x-tim-tags: %s does not fit its family %s", t.Name, t.Family)
		case !goIdent.MatchString(t.Go):
			return fmt.Errorf("x-tim-tags: %s: go %q is not an exported Go name", t.Name, t.Go)
		case t.Type != "string" && t.Type != "integer" && t.Type != "strings":
			return fmt.Errorf("x-tim-tags: %s has type %q, want string, integer or strings", t.Name, t.Type)
		case (t.Enum != nil || t.MaxBytes > 0) && t.Type != "string", (t.Uint32 || t.UnixTime) && t.Type != "integer":
			return fmt.Errorf("x-tim-tags: %s: enum and max-bytes are for strings, uint32 and unix-time for integers", t.Name)
		case t.Items != "" && t.Type != "strings":
			return fmt.Errorf("x-tim-tags: %s: items is for a list of strings", t.Name)
		case t.Items != "" && (d.Components.Schemas[t.Items] == nil || !d.Components.Schemas[t.Items].Value.Type.Is("string")):
			return fmt.Errorf("x-tim-tags: %s: items %q is not a string schema of the document", t.Name, t.Items)
		}
		seenTag[t.Name] = true
	}

	for _, name := range slicesSorted(d.Components.Schemas) {
		sc := d.Components.Schemas[name].Value
		v, ok := sc.Extensions["x-tim-tag-pair"]
		if !ok {
			continue
		}
		if b, isBool := v.(bool); !isBool || !b {
			return fmt.Errorf("schema %s: x-tim-tag-pair must be true", name)
		}
		if sc.Properties["Tag"] == nil || sc.Properties["Value"] == nil {
			return fmt.Errorf("schema %s: x-tim-tag-pair needs the properties Tag and Value", name)
		}
	}

	if gt := d.Components.Schemas["GroupType"]; gt != nil && gt.Value != nil {
		if err := decodeExt(gt.Value.Extensions, "x-tim-renamed", &m.renamed, true); err != nil {
			return fmt.Errorf("schema GroupType: %w", err)
		}
		for from, to := range m.renamed {
			if !slices.Contains(gt.Value.Enum, any(from)) || !slices.Contains(gt.Value.Enum, any(to)) {
				return fmt.Errorf("GroupType x-tim-renamed: %s and %s must both be in the enum", from, to)
			}
		}
	}
	return nil
}

// readOperation reads and checks one operation's extensions.
func (m *model) readOperation(path string, o *openapi3.Operation) (*op, error) {
	x := &op{ID: o.OperationID, Path: path, Summary: strings.TrimSpace(o.Summary), op: o}
	if !goIdent.MatchString(x.ID) {
		return nil, fmt.Errorf("operationId %q is not an exported Go name", x.ID)
	}
	if len(o.Tags) != 1 {
		return nil, fmt.Errorf("want exactly one tag (its family), got %v", o.Tags)
	}
	x.Family = o.Tags[0]
	var ok bool
	if x.Service, ok = m.services[x.Family]; !ok {
		return nil, fmt.Errorf("tag %s is not one of the document's tags", x.Family)
	}
	if err := decodeExt(o.Extensions, "x-tim-method", &x.Method, true); err != nil {
		return nil, err
	}
	if !goIdent.MatchString(x.Method) {
		return nil, fmt.Errorf("x-tim-method %q is not an exported Go name", x.Method)
	}
	if err := decodeExt(o.Extensions, "x-tim-doc", &x.Doc, true); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(x.Doc, "https://") {
		return nil, fmt.Errorf("x-tim-doc %q is not an https URL", x.Doc)
	}
	if err := decodeExt(o.Extensions, "x-tim-rate-limit", &x.Rate, true); err != nil {
		return nil, err
	}
	if !(x.Rate > 0) {
		return nil, fmt.Errorf("x-tim-rate-limit must be positive")
	}
	if err := decodeExt(o.Extensions, "x-tim-idempotent", &x.Idempotent, true); err != nil {
		return nil, err
	}
	if _, old := o.Extensions["x-tim-batch-limit"]; old {
		return nil, fmt.Errorf("x-tim-batch-limit is replaced by x-tim-batch")
	}
	var own []errorCode
	if err := decodeExt(o.Extensions, "x-tim-errors", &own, false); err != nil {
		return nil, err
	}
	if err := checkErrors("x-tim-errors", own); err != nil {
		return nil, err
	}
	x.Errors = append(x.Errors, own...)
	for _, e := range m.errorSets[x.Family] {
		if !slices.ContainsFunc(own, func(o errorCode) bool { return o.Code == e.Code }) {
			x.Errors = append(x.Errors, e)
		}
	}
	sortErrors(x.Errors)

	var err error
	if x.Req, err = bodySchema(o.RequestBody.Value.Content, "request"); err != nil {
		return nil, err
	}
	resp := o.Responses.Status(200)
	if resp == nil || resp.Value == nil {
		return nil, fmt.Errorf("no 200 answer")
	}
	if x.Resp, err = bodySchema(resp.Value.Content, "answer"); err != nil {
		return nil, err
	}
	for _, name := range []string{x.Req, x.Resp} {
		if _, ok := m.structs[name]; !ok {
			return nil, fmt.Errorf("gen has no struct type %s: run oapi-codegen first", name)
		}
	}
	if mt := o.RequestBody.Value.Content.Get("application/json"); len(mt.Examples) == 0 {
		return nil, fmt.Errorf("the request has no example: add the vendor's sample")
	}
	if mt := resp.Value.Content.Get("application/json"); len(mt.Examples) == 0 {
		return nil, fmt.Errorf("the answer has no example: add the vendor's sample")
	}
	if err := m.readBatch(x); err != nil {
		return nil, err
	}
	if err := m.readPaging(x); err != nil {
		return nil, err
	}
	if x.Batch != nil && x.Paging != nil {
		return nil, fmt.Errorf("an operation is a batch or paged, not both")
	}
	return x, nil
}

func (m *model) readBatch(x *op) error {
	var b batchExt
	if err := decodeExt(x.op.Extensions, "x-tim-batch", &b, false); err != nil {
		return err
	}
	if b.Items == "" {
		return nil
	}
	req := m.schema(x.Req)
	items := prop(req, b.Items)
	switch {
	case items == nil || !items.Type.Is("array"):
		return fmt.Errorf("x-tim-batch items %q is not an array of the request", b.Items)
	case b.Max <= 0:
		return fmt.Errorf("x-tim-batch max must be positive")
	case b.Hard && (items.MaxItems == nil || int(*items.MaxItems) != b.Max):
		return fmt.Errorf("x-tim-batch max %d is hard: the request's %s must have maxItems %d", b.Max, b.Items, b.Max)
	case !b.Hard && items.MaxItems != nil:
		return fmt.Errorf("x-tim-batch max %d is a recommendation: %s must not have maxItems", b.Max, b.Items)
	case b.Sequential && b.Account == "":
		return fmt.Errorf("x-tim-batch sequential needs account")
	case b.Account != "" && !isString(prop(req, b.Account)):
		return fmt.Errorf("x-tim-batch account %q is not a string of the request", b.Account)
	case b.Duplicates != "split" && b.Duplicates != "share":
		return fmt.Errorf("x-tim-batch duplicates %q: want split or share", b.Duplicates)
	case b.Results == "" && b.FailList == "" && b.Errors == "":
		return fmt.Errorf("x-tim-batch needs results, fail-list or errors: how else is an item's outcome known?")
	}
	item := items.Items.Value
	if b.Key == "" {
		if !isString(item) {
			return fmt.Errorf("x-tim-batch: items of %s are not strings, so key is needed", b.Items)
		}
	} else if !item.Type.Is("object") || !isString(prop(item, b.Key)) {
		return fmt.Errorf("x-tim-batch key %q is not a string of the items", b.Key)
	}
	ans := m.schema(x.Resp)
	if b.Results != "" {
		res := prop(ans, b.Results)
		if res == nil || !res.Type.Is("array") || res.Items.Ref == "" {
			return fmt.Errorf("x-tim-batch results %q is not an array of a component schema in the answer", b.Results)
		}
		r := res.Items.Value
		if !isString(prop(r, b.ResultKey)) || (b.ResultCode != "" && !isInteger(prop(r, b.ResultCode))) || (b.ResultInfo != "" && !isString(prop(r, b.ResultInfo))) {
			return fmt.Errorf("x-tim-batch: result-key, result-code and result-info must be a string, an integer and a string of %s", refName(res.Items.Ref))
		}
		if b.ResultCode == "" && b.Errors == "" {
			return fmt.Errorf("x-tim-batch: results without result-code need errors: how else is a failed item known?")
		}
	}
	if b.Errors != "" {
		e := prop(ans, b.Errors)
		if e == nil || !e.Type.Is("array") || e.Items.Ref == "" {
			return fmt.Errorf("x-tim-batch errors %q is not an array of a component schema in the answer", b.Errors)
		}
		if !isString(prop(e.Items.Value, b.ErrorKey)) || !isInteger(prop(e.Items.Value, b.ErrorCode)) {
			return fmt.Errorf("x-tim-batch: error-key and error-code must be a string and an integer of %s", refName(e.Items.Ref))
		}
	}
	if b.FailList != "" {
		if f := prop(ans, b.FailList); f == nil || !f.Type.Is("array") || !isString(f.Items.Value) {
			return fmt.Errorf("x-tim-batch fail-list %q is not an array of strings in the answer", b.FailList)
		}
	}
	x.Batch = &b
	return nil
}

func (m *model) readPaging(x *op) error {
	var p pagingExt
	if err := decodeExt(x.op.Extensions, "x-tim-paging", &p, false); err != nil {
		return err
	}
	if p.Cursor == "" {
		return nil
	}
	req, ans := m.schema(x.Req), m.schema(x.Resp)
	switch {
	case !isInteger(prop(req, p.Cursor)):
		return fmt.Errorf("x-tim-paging cursor %q is not an integer of the request", p.Cursor)
	case !isInteger(prop(ans, p.Next)):
		return fmt.Errorf("x-tim-paging next %q is not an integer of the answer", p.Next)
	case p.Done != "zero" && p.Done != "flag":
		return fmt.Errorf("x-tim-paging done %q: want zero or flag", p.Done)
	case p.Done == "flag" && !isInteger(prop(ans, p.Flag)):
		return fmt.Errorf("x-tim-paging flag %q is not an integer of the answer", p.Flag)
	case p.Done == "zero" && p.Flag != "":
		return fmt.Errorf("x-tim-paging flag is for done: flag")
	case !goIdent.MatchString(p.PagesMethod) || !goIdent.MatchString(p.AllMethod):
		return fmt.Errorf("x-tim-paging needs pages-method and all-method, exported Go names")
	}
	for _, c := range p.Carry {
		if prop(ans, c.From) == nil || prop(req, c.To) == nil {
			return fmt.Errorf("x-tim-paging carry %s→%s: the answer or the request lacks the field", c.From, c.To)
		}
	}
	items := prop(ans, p.Items)
	if items == nil || !items.Type.Is("array") {
		return fmt.Errorf("x-tim-paging items %q is not an array of the answer", p.Items)
	}
	if p.Item != "" && prop(items.Items.Value, p.Item) == nil {
		return fmt.Errorf("x-tim-paging item %q is not a field of the items", p.Item)
	}
	x.Paging = &p
	return nil
}

// schema returns the component schema name (after allOf, flattened).
func (m *model) schema(name string) *openapi3.Schema {
	s := m.doc.Components.Schemas[name].Value
	if len(s.AllOf) == 0 {
		return s
	}
	flat := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{}}
	for _, part := range s.AllOf {
		for k, v := range part.Value.Properties {
			flat.Properties[k] = v
		}
		flat.Required = append(flat.Required, part.Value.Required...)
	}
	return flat
}

func prop(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil || name == "" {
		return nil
	}
	p := s.Properties[name]
	if p == nil {
		return nil
	}
	return p.Value
}

func isString(s *openapi3.Schema) bool  { return s != nil && s.Type.Is("string") }
func isInteger(s *openapi3.Schema) bool { return s != nil && s.Type.Is("integer") }

func bodySchema(c openapi3.Content, what string) (string, error) {
	mt := c.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Ref == "" {
		return "", fmt.Errorf("the %s must be application/json with a $ref to a component schema", what)
	}
	return refName(mt.Schema.Ref), nil
}

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

func decodeExt(ext map[string]any, key string, into any, required bool) error {
	raw, ok := ext[key]
	if !ok {
		if required {
			return fmt.Errorf("%s is missing", key)
		}
		return nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

func checkErrors(where string, codes []errorCode) error {
	seen := map[int]bool{}
	for _, e := range codes {
		switch {
		case e.Code <= 0:
			return fmt.Errorf("%s: code %d is not positive", where, e.Code)
		case seen[e.Code]:
			return fmt.Errorf("%s: code %d is listed twice", where, e.Code)
		case !slices.Contains(classes, e.Class):
			return fmt.Errorf("%s: code %d has unknown class %q", where, e.Code, e.Class)
		case !slices.Contains(retries, e.Retry):
			return fmt.Errorf("%s: code %d has unknown retry %q", where, e.Code, e.Retry)
		case strings.TrimSpace(e.Meaning) == "":
			return fmt.Errorf("%s: code %d has no meaning", where, e.Code)
		}
		seen[e.Code] = true
	}
	return nil
}

func sortErrors(e []errorCode) {
	sort.Slice(e, func(i, j int) bool { return e[i].Code < e[j].Code })
}

func slicesSorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// camel turns friends-per-account into FriendsPerAccount.
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
