package contract

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/openapi"
)

// Server is one entry of the document's servers with its x-tim-region.
type Server struct {
	URL        string // https://host
	Code       string // short code, e.g. sgp
	Name       string // e.g. Singapore
	BackupHost string // host to use on DNS trouble
}

// Contract is the document loaded with kin-openapi, with what only the
// loaded document gives: the regional servers and the schemas of the
// common query parameters. The facts of the operations (paths, rates,
// error codes, batches, limits) are in internal/spec, not here.
type Contract struct {
	// Doc is the document. It is shared: callers must not modify it.
	Doc *openapi3.T
	// Servers are the document's servers, in document order.
	Servers []Server
	// QueryParams maps each common query parameter (a security scheme of
	// the document) to the schema of its value (its x-tim-schema).
	QueryParams map[string]*openapi3.Schema
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load loads the document embedded in package openapi once and returns
// it. The result is shared: callers must not modify it.
func Load() (*Contract, error) {
	loadOnce.Do(func() {
		loader := openapi3.NewLoader()
		loader.IncludeOrigin = true // for the document order of examples
		doc, err := loader.LoadFromData(openapi.Document)
		if err != nil {
			loadErr = fmt.Errorf("contract: loading the embedded document: %w", err)
			return
		}
		loaded, loadErr = Parse(doc)
	})
	return loaded, loadErr
}

// MustLoad is Load for package initialisation and tests; it panics on error.
func MustLoad() *Contract {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// MustValidator is Load followed by NewValidator, for tests and
// initialisation; it panics on error.
func MustValidator() *Validator {
	v, err := MustLoad().NewValidator()
	if err != nil {
		panic(err)
	}
	return v
}

// Parse reads the servers' x-tim-region and the security schemes'
// x-tim-schema of doc, and checks that they are well formed.
func Parse(doc *openapi3.T) (*Contract, error) {
	c := &Contract{Doc: doc, QueryParams: map[string]*openapi3.Schema{}}
	for _, s := range doc.Servers {
		var r struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			Backup string `json:"backup"`
		}
		if err := decodeExt(s.Extensions, "x-tim-region", &r); err != nil {
			return nil, fmt.Errorf("contract: server %s: %w", s.URL, err)
		}
		if r.Code == "" || r.Name == "" || r.Backup == "" {
			return nil, fmt.Errorf("contract: server %s: x-tim-region needs code, name and backup", s.URL)
		}
		c.Servers = append(c.Servers, Server{URL: s.URL, Code: r.Code, Name: r.Name, BackupHost: r.Backup})
	}
	if doc.Components == nil {
		return nil, fmt.Errorf("contract: the document has no components")
	}
	for name, ref := range doc.Components.SecuritySchemes {
		ss := ref.Value
		if ss == nil || ss.Type != "apiKey" || ss.In != "query" {
			return nil, fmt.Errorf("contract: security scheme %s: want an apiKey in the query", name)
		}
		var schema openapi3.Schema
		if err := decodeExt(ss.Extensions, "x-tim-schema", &schema); err != nil {
			return nil, fmt.Errorf("contract: security scheme %s: %w", name, err)
		}
		c.QueryParams[ss.Name] = &schema
	}
	return c, nil
}

// QueryParamNames returns the names of the common query parameters, sorted.
func (c *Contract) QueryParamNames() []string {
	return slices.Sorted(maps.Keys(c.QueryParams))
}

// Operation returns the path and the kin-openapi operation of the
// operation whose operationId is id.
func (c *Contract) Operation(id string) (path string, op *openapi3.Operation, ok bool) {
	for _, p := range c.Doc.Paths.InMatchingOrder() {
		for _, o := range c.Doc.Paths.Value(p).Operations() {
			if o.OperationID == id {
				return p, o, true
			}
		}
	}
	return "", nil, false
}

// Example is a named example of the document: a request body or an
// answer, as JSON.
type Example struct {
	Name  string
	Value json.RawMessage
}

// Examples returns the examples of the request body and of the HTTP 200
// answer of the operation id, each in document order (the first is the
// first written).
func (c *Contract) Examples(id string) (requests, answers []Example, err error) {
	_, op, ok := c.Operation(id)
	if !ok {
		return nil, nil, fmt.Errorf("contract: no operation %s", id)
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if requests, err = examples(op.RequestBody.Value.Content); err != nil {
			return nil, nil, fmt.Errorf("contract: %s: request: %w", id, err)
		}
	}
	if r := op.Responses.Status(200); r != nil && r.Value != nil {
		if answers, err = examples(r.Value.Content); err != nil {
			return nil, nil, fmt.Errorf("contract: %s: answer: %w", id, err)
		}
	}
	return requests, answers, nil
}

// examples returns the application/json examples of content in document
// order; by name when the document was loaded without origins.
func examples(content openapi3.Content) ([]Example, error) {
	mt := content.Get("application/json")
	if mt == nil {
		return nil, nil
	}
	type entry struct {
		line int
		ex   Example
	}
	var out []entry
	for name, ref := range mt.Examples {
		if ref == nil || ref.Value == nil {
			return nil, fmt.Errorf("example %s is unresolved", name)
		}
		b, err := json.Marshal(ref.Value.Value)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", name, err)
		}
		line := 0
		if o := ref.Value.Origin; o != nil && o.Key != nil {
			line = o.Key.Line
		}
		out = append(out, entry{line, Example{Name: name, Value: b}})
	}
	slices.SortFunc(out, func(a, b entry) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return strings.Compare(a.ex.Name, b.ex.Name)
	})
	exs := make([]Example, len(out))
	for i, e := range out {
		exs[i] = e.ex
	}
	return exs, nil
}

func decodeExt(ext map[string]any, key string, into any) error {
	raw, ok := ext[key]
	if !ok {
		return fmt.Errorf("%s is missing", key)
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, isSchema := into.(*openapi3.Schema); !isSchema {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
