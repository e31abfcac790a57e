package contract

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/gen"
)

// Retry is the retry advice the document gives for an error code.
type Retry string

// The values of x-tim-errors' retry.
const (
	RetryNo    Retry = "no"    // the same call fails again
	RetryYes   Retry = "yes"   // transient: retry with backoff and jitter
	RetrySlow  Retry = "slow"  // rate limited: back off longer, then retry
	RetryRenew Retry = "renew" // renew the UserSig, then retry once
)

// Class is the kind of problem an error code reports.
type Class string

// The values of x-tim-errors' class.
const (
	ClassBadRequest  Class = "bad_request"
	ClassAuth        Class = "auth"
	ClassPermission  Class = "permission"
	ClassRateLimited Class = "rate_limited"
	ClassTransient   Class = "transient"
	ClassNotFound    Class = "not_found"
	ClassConflict    Class = "conflict"
	ClassLimit       Class = "limit"
	ClassConfig      Class = "config"
)

var (
	knownRetries = []Retry{RetryNo, RetryYes, RetrySlow, RetryRenew}
	knownClasses = []Class{ClassBadRequest, ClassAuth, ClassPermission, ClassRateLimited,
		ClassTransient, ClassNotFound, ClassConflict, ClassLimit, ClassConfig}
)

// ErrorCode is one entry of x-tim-errors or x-tim-public-errors.
type ErrorCode struct {
	Code    int    `json:"code"`
	Class   Class  `json:"class"`
	Retry   Retry  `json:"retry"`
	Meaning string `json:"meaning"`
}

// BatchLimit is an operation's x-tim-batch-limit: the request field that is
// limited, its maximum, and whether the service enforces it (Hard) or only
// recommends it.
type BatchLimit struct {
	Field string `json:"field"`
	Max   int    `json:"max"`
	Hard  bool   `json:"hard"`
}

// Operation is what the document says about one operation.
type Operation struct {
	ID         string      // operationId, e.g. ImportFriends
	Path       string      // e.g. /v4/sns/friend_import
	DocURL     string      // x-tim-doc
	RateLimit  float64     // x-tim-rate-limit, calls per second
	BatchLimit *BatchLimit // x-tim-batch-limit, nil when the operation has none
	Errors     []ErrorCode // x-tim-errors, the operation's own codes
}

// Server is one entry of servers with its x-tim-region.
type Server struct {
	URL        string // https://host
	Code       string // short code, e.g. sgp
	Name       string // e.g. Singapore
	BackupHost string // host to use on DNS trouble
}

// Limits is the document's x-tim-limits: limits the vendor's pages state
// in prose rather than in a schema.
type Limits struct {
	FriendsPerAccount     int `json:"friends-per-account"`      // beyond it an import item gets 30010
	FriendListsPerAccount int `json:"friend-lists-per-account"` // beyond it an import item gets 30011
	GroupAnswerBytes      int `json:"group-answer-bytes"`       // beyond it a group answer is 10018
}

// Contract is the parsed document.
type Contract struct {
	Doc          *openapi3.T
	Operations   []Operation // sorted by path
	PublicErrors []ErrorCode // sorted by code
	Servers      []Server    // in document order
	Limits       Limits      // x-tim-limits
	// GroupTypeRenames maps an old group type name to its new name
	// (GroupType's x-tim-renamed).
	GroupTypeRenames map[string]string
	// QueryParams maps each common query parameter to its value schema.
	QueryParams map[string]*openapi3.Schema
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load parses the document embedded in gen once and returns it. The result
// is shared: callers must not modify it.
func Load() (*Contract, error) {
	loadOnce.Do(func() {
		doc, err := gen.GetSwagger()
		if err != nil {
			loadErr = fmt.Errorf("contract: loading the embedded document: %w", err)
			return
		}
		loaded, loadErr = Parse(doc)
	})
	return loaded, loadErr
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

// MustLoad is Load for package initialisation and tests; it panics on error.
func MustLoad() *Contract {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Parse reads the x-tim-* extensions of doc and checks that they are well
// formed: known classes and retry values, unique codes, positive rates and
// limits, a batch-limit field that exists in the request schema.
func Parse(doc *openapi3.T) (*Contract, error) {
	c := &Contract{Doc: doc, QueryParams: map[string]*openapi3.Schema{}}
	if err := decodeExt(doc.Extensions, "x-tim-public-errors", &c.PublicErrors, true); err != nil {
		return nil, err
	}
	if err := checkErrors("x-tim-public-errors", c.PublicErrors); err != nil {
		return nil, err
	}
	sort.Slice(c.PublicErrors, func(i, j int) bool { return c.PublicErrors[i].Code < c.PublicErrors[j].Code })
	if err := decodeExt(doc.Extensions, "x-tim-limits", &c.Limits, true); err != nil {
		return nil, err
	}
	if c.Limits.FriendsPerAccount <= 0 || c.Limits.FriendListsPerAccount <= 0 || c.Limits.GroupAnswerBytes <= 0 {
		return nil, fmt.Errorf("contract: x-tim-limits: every limit must be positive, got %+v", c.Limits)
	}

	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if method != "POST" {
				return nil, fmt.Errorf("contract: %s %s: every operation of this API is a POST", method, path)
			}
			o := Operation{ID: op.OperationID, Path: path}
			where := "operation " + op.OperationID
			if err := decodeExt(op.Extensions, "x-tim-doc", &o.DocURL, true); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if err := decodeExt(op.Extensions, "x-tim-rate-limit", &o.RateLimit, true); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if o.RateLimit <= 0 {
				return nil, fmt.Errorf("contract: %s: x-tim-rate-limit must be positive", where)
			}
			var bl BatchLimit
			if err := decodeExt(op.Extensions, "x-tim-batch-limit", &bl, false); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if bl.Field != "" {
				if bl.Max <= 0 {
					return nil, fmt.Errorf("contract: %s: x-tim-batch-limit max must be positive", where)
				}
				if _, ok := requestSchema(op).Properties[bl.Field]; !ok {
					return nil, fmt.Errorf("contract: %s: x-tim-batch-limit names %q, which the request does not have", where, bl.Field)
				}
				o.BatchLimit = &bl
			}
			if err := decodeExt(op.Extensions, "x-tim-errors", &o.Errors, true); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if err := checkErrors(where+" x-tim-errors", o.Errors); err != nil {
				return nil, err
			}
			c.Operations = append(c.Operations, o)
		}
	}
	sort.Slice(c.Operations, func(i, j int) bool { return c.Operations[i].Path < c.Operations[j].Path })

	for _, s := range doc.Servers {
		var r struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			Backup string `json:"backup"`
		}
		if err := decodeExt(s.Extensions, "x-tim-region", &r, true); err != nil {
			return nil, fmt.Errorf("server %s: %w", s.URL, err)
		}
		c.Servers = append(c.Servers, Server{URL: s.URL, Code: r.Code, Name: r.Name, BackupHost: r.Backup})
	}

	if gt := doc.Components.Schemas["GroupType"]; gt != nil && gt.Value != nil {
		if err := decodeExt(gt.Value.Extensions, "x-tim-renamed", &c.GroupTypeRenames, true); err != nil {
			return nil, fmt.Errorf("schema GroupType: %w", err)
		}
		for from, to := range c.GroupTypeRenames {
			if !slices.Contains(gt.Value.Enum, any(from)) || !slices.Contains(gt.Value.Enum, any(to)) {
				return nil, fmt.Errorf("contract: GroupType x-tim-renamed: %s and %s must both be in the enum", from, to)
			}
		}
	}

	for name, ref := range doc.Components.SecuritySchemes {
		ss := ref.Value
		if ss.Type != "apiKey" || ss.In != "query" {
			return nil, fmt.Errorf("contract: security scheme %s: want an apiKey in the query", name)
		}
		var schema openapi3.Schema
		if err := decodeExt(ss.Extensions, "x-tim-schema", &schema, true); err != nil {
			return nil, fmt.Errorf("security scheme %s: %w", name, err)
		}
		c.QueryParams[ss.Name] = &schema
	}
	return c, nil
}

// Operation returns the operation with the given operationId.
func (c *Contract) Operation(id string) (Operation, bool) {
	i := slices.IndexFunc(c.Operations, func(o Operation) bool { return o.ID == id })
	if i < 0 {
		return Operation{}, false
	}
	return c.Operations[i], true
}

// ErrorCode looks code up among op's own codes first, then the public codes.
// op may be empty to look up public codes only.
func (c *Contract) ErrorCode(op string, code int) (ErrorCode, bool) {
	if o, ok := c.Operation(op); ok {
		if i := slices.IndexFunc(o.Errors, func(e ErrorCode) bool { return e.Code == code }); i >= 0 {
			return o.Errors[i], true
		}
	}
	if i := slices.IndexFunc(c.PublicErrors, func(e ErrorCode) bool { return e.Code == code }); i >= 0 {
		return c.PublicErrors[i], true
	}
	return ErrorCode{}, false
}

// QueryParamNames returns the names of the common query parameters, sorted.
func (c *Contract) QueryParamNames() []string {
	return slices.Sorted(maps.Keys(c.QueryParams))
}

func requestSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return &openapi3.Schema{}
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return &openapi3.Schema{}
	}
	return mt.Schema.Value
}

func decodeExt(ext map[string]any, key string, into any, required bool) error {
	raw, ok := ext[key]
	if !ok {
		if required {
			return fmt.Errorf("contract: %s is missing", key)
		}
		return nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("contract: %s: %w", key, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, isSchema := into.(*openapi3.Schema); !isSchema {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("contract: %s: %w", key, err)
	}
	return nil
}

func checkErrors(where string, codes []ErrorCode) error {
	seen := map[int]bool{}
	for _, e := range codes {
		switch {
		case e.Code <= 0:
			return fmt.Errorf("contract: %s: code %d is not positive", where, e.Code)
		case seen[e.Code]:
			return fmt.Errorf("contract: %s: code %d is listed twice", where, e.Code)
		case !slices.Contains(knownClasses, e.Class):
			return fmt.Errorf("contract: %s: code %d has unknown class %q", where, e.Code, e.Class)
		case !slices.Contains(knownRetries, e.Retry):
			return fmt.Errorf("contract: %s: code %d has unknown retry %q", where, e.Code, e.Retry)
		case strings.TrimSpace(e.Meaning) == "":
			return fmt.Errorf("contract: %s: code %d has no meaning", where, e.Code)
		}
		seen[e.Code] = true
	}
	return nil
}
