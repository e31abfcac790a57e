package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/timrest/timrest/tag"
)

// Class is the kind of problem an error code reports (x-tim-errors'
// class).
type Class string

// The classes.
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

// Retry is the retry advice for an error code (x-tim-errors' retry).
type Retry string

// The retry advice.
const (
	RetryNo    Retry = "no"    // the same call fails again
	RetryYes   Retry = "yes"   // transient: retry with backoff and jitter
	RetrySlow  Retry = "slow"  // rate limited: back off longer, then retry
	RetryRenew Retry = "renew" // renew the UserSig, then retry once
)

// ErrorCode is what the document says about one error code.
type ErrorCode struct {
	Code    int
	Class   Class
	Retry   Retry
	Meaning string
}

// Duplicates is how a batch treats an item key that appears more than
// once for one account (x-tim-batch duplicates).
type Duplicates string

// The duplicate policies.
const (
	// DupSplit sends every occurrence, a later one in a later request
	// than the earlier, so the last one wins (writes).
	DupSplit Duplicates = "split"
	// DupShare sends a key once and gives its result to every occurrence
	// (reads).
	DupShare Duplicates = "share"
)

// Batch is an operation's x-tim-batch: a request array that the client
// splits into requests of at most Max items, and how the answer reports
// on each item. Field names are the JSON names.
type Batch struct {
	Items      string     // the request array that is split
	Max        int        // items per request
	Hard       bool       // the service refuses more (else Max is a recommendation)
	Account    string     // the request field naming the account the items belong to, or ""
	Sequential bool       // one account's requests must go one after another
	Key        string     // the item field that identifies an item; "" when items are strings
	Duplicates Duplicates // what a repeated key means
	Results    string     // the answer array with a result per item, or ""
	ResultKey  string     // in a result: the key of the item it is for
	ResultCode string     // in a result: its code (0: success)
	ResultInfo string     // in a result: its message
	FailList   string     // the answer array of the keys of the failed items, or ""
	Errors     string     // the answer array of the failed items with their codes, or ""
	ErrorKey   string     // in an error: the key of the item it is for
	ErrorCode  string     // in an error: its code
}

// Done is how a paged answer says it is the last page.
type Done string

// The ends of paging.
const (
	DoneZero Done = "zero" // the next cursor is 0
	DoneFlag Done = "flag" // a flag field is not 0
)

// Carry is an answer field whose value goes into a request field of the
// next page's request.
type Carry struct{ From, To string }

// Paging is an operation's x-tim-paging. Field names are the JSON names.
type Paging struct {
	Cursor string  // the request field of the position
	Next   string  // the answer field of the next position
	Done   Done    // how the last page is marked
	Flag   string  // with DoneFlag: the answer field that is not 0 on the last page
	Carry  []Carry // answer fields copied into the next request
	Items  string  // the answer array of items
	Item   string  // the field of an item that the item iterator yields, or "" for the item
	Offset bool    // the position is an offset into the list: each next one is larger
}

// Operation is what the document says about one operation.
type Operation struct {
	ID         string  // operationId, e.g. ImportFriends
	Path       string  // e.g. /v4/sns/friend_import
	Family     string  // the document tag, e.g. sns
	Service    string  // the client's service for the family, e.g. Friends
	Method     string  // the wrapper's name on the service, e.g. Import
	Summary    string  // one line
	Doc        string  // the vendor's page
	Rate       float64 // calls per second the service allows (x-tim-rate-limit)
	Idempotent bool    // repeating the call has the effect of one call
	Batch      *Batch  // nil for an operation without a batch
	Paging     *Paging // nil for an operation that is not paged
	// Errors are the operation's codes: its family's set and its own,
	// its own first. Lookup also finds the public codes.
	Errors map[int]ErrorCode
	// CheckJSON decodes a request body of the operation into its
	// generated type and checks it against the document's rules: it
	// returns the problem, or nil. A body that does not decode (a field
	// of the wrong JSON type) is a problem too.
	CheckJSON func(body []byte) *Problem
}

// Lookup returns the document's entry for code as o answers it: o's own
// and its family's codes first, then the public ones. o may be nil.
func (o *Operation) Lookup(code int) (ErrorCode, bool) {
	if o != nil {
		if e, ok := o.Errors[code]; ok {
			return e, true
		}
	}
	e, ok := PublicErrors[code]
	return e, ok
}

// ByID returns the operation with the operationId id, or nil.
func ByID(id string) *Operation { return byID[id] }

// ByPath returns the operation at path ("/v4/sns/friend_import" or
// "v4/sns/friend_import"), or nil.
func ByPath(path string) *Operation {
	if len(path) > 0 && path[0] != '/' {
		path = "/" + path
	}
	return byPath[path]
}

var byID, byPath = func() (map[string]*Operation, map[string]*Operation) {
	id, path := make(map[string]*Operation, len(Operations)), make(map[string]*Operation, len(Operations))
	for _, o := range Operations {
		id[o.ID], path[o.Path] = o, o
	}
	return id, path
}()

// TagType is the type of a standard tag's value.
type TagType string

// The types of tag values.
const (
	TagString  TagType = "string"
	TagInteger TagType = "integer"
	TagStrings TagType = "strings" // a list of strings
)

// Tag is a standard tag (x-tim-tags): a profile tag (Tag_Profile_IM_*) or
// a friend tag (Tag_SNS_IM_*).
type Tag struct {
	Name     string   // e.g. Tag_SNS_IM_Remark
	Family   string   // profile or friend
	GoName   string   // the name of its Go constant, without the Tag prefix
	Type     TagType  // the type of its value
	Enum     []string // for a string: the values allowed, nil for any
	Uint32   bool     // for an integer: 0 to 4294967295
	MaxBytes int      // for a string: the most bytes, 0 for no limit
	UnixTime bool     // an integer that is a time in Unix seconds
	// ItemsSchema names, for a list of strings, the schema of each element
	// ("" for none), and Items is its rule.
	ItemsSchema string
	Items       *StringRule
	Meaning     string
}

// tagRule is a standard tag with the rule of its string value (nil for
// another type).
type tagRule struct {
	t    *Tag
	rule *StringRule
}

// tagRules are the standard tags by name.
var tagRules = func() map[string]tagRule {
	m := make(map[string]tagRule, len(Tags))
	for i := range Tags {
		e := tagRule{t: &Tags[i]}
		if e.t.Type == TagString {
			e.rule = &StringRule{MaxLength: -1, MaxBytes: e.t.MaxBytes, Enum: e.t.Enum}
		}
		m[e.t.Name] = e
	}
	return m
}()

// ruleUint32 is the range of a standard tag's 32-bit unsigned integer.
var ruleUint32 = &IntRule{Min: 0, HasMin: true, Max: 1<<32 - 1, HasMax: true}

// TagProblem returns the first problem with v as the value of the tag
// name, by the standard tags of the document (x-tim-tags): its type, its
// enum, its byte limit, its 32-bit range, the rule of each element of a
// list; a name in a standard tag's form (Tag_Profile_IM_, Tag_SNS_IM_)
// that is not one is refused. A custom tag (Tag_Profile_Custom_,
// Tag_SNS_Custom_) takes a string or an integer.
func TagProblem(name string, v tag.Value) *Problem {
	e, ok := tagRules[name]
	if !ok {
		switch {
		case strings.HasPrefix(name, "Tag_Profile_IM_") || strings.HasPrefix(name, "Tag_SNS_IM_"):
			return &Problem{Field: "Tag", Reason: fmt.Sprintf("%q is not a standard tag", name)}
		case strings.HasPrefix(name, "Tag_Profile_Custom_") || strings.HasPrefix(name, "Tag_SNS_Custom_"):
			if r := ValueReason(v, tag.KindString, tag.KindInt); r != "" {
				return &Problem{Field: "Value", Reason: r + " (a custom tag)"}
			}
		}
		return nil
	}
	bad := func(field, r string) *Problem { return &Problem{Field: field, Reason: r + " (" + name + ")"} }
	switch e.t.Type {
	case TagString:
		if r := ValueReason(v, tag.KindString); r != "" {
			return bad("Value", r)
		}
		s, _ := v.AsString()
		if r := e.rule.Reason(s); r != "" {
			return bad("Value", r)
		}
	case TagInteger:
		if r := ValueReason(v, tag.KindInt); r != "" {
			return bad("Value", r)
		}
		n, _ := v.AsInt()
		if r := ruleUint32.Reason(n); e.t.Uint32 && r != "" {
			return bad("Value", r)
		}
	case TagStrings:
		if r := ValueReason(v, tag.KindStrings); r != "" {
			return bad("Value", r)
		}
		ss, _ := v.AsStrings()
		for i, s := range ss {
			if e.t.Items == nil {
				break
			}
			if r := e.t.Items.Reason(s); r != "" {
				return bad(Index("Value", i), r)
			}
		}
	}
	return nil
}

// Problem is the first thing a check found wrong with a value: the JSON
// path of the field ("AddFriendItem[3].Remark"; "" for the value itself)
// and why.
type Problem struct {
	Field  string
	Reason string
}

// Error returns "field: reason".
func (p *Problem) Error() string {
	if p.Field == "" {
		return p.Reason
	}
	return p.Field + ": " + p.Reason
}

// Under returns p with its field under path: "Remark" under
// "AddFriendItem[3]" is "AddFriendItem[3].Remark".
func (p *Problem) Under(path string) *Problem {
	switch {
	case p.Field == "":
		p.Field = path
	case path != "" && p.Field[0] != '[':
		p.Field = path + "." + p.Field
	default:
		p.Field = path + p.Field
	}
	return p
}

// Index is path[i].
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// StringRule is a string schema's rules. MaxBytes (x-tim-max-bytes) is in
// bytes, as the service counts; MinLength and MaxLength in characters, as
// JSON Schema counts.
type StringRule struct {
	MinLength, MaxLength int // MaxLength < 0: no maximum
	MaxBytes             int // 0: none
	Pattern              *Regexp
	Enum                 []string
}

// Reason returns why s breaks the rule, or "".
func (r *StringRule) Reason(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	// Characters are counted only when the bytes cannot settle it: a
	// string has no more characters than bytes, and no fewer than a
	// quarter of them.
	n := len(s)
	if (r.MaxLength >= 0 && n > r.MaxLength) || (r.MinLength > 1 && n < utf8.UTFMax*r.MinLength) {
		n = utf8.RuneCountInString(s)
	}
	switch {
	case n < r.MinLength && n == 0:
		return "is empty"
	case n < r.MinLength:
		return fmt.Sprintf("is %d characters, want at least %d", n, r.MinLength)
	case r.MaxBytes > 0 && len(s) > r.MaxBytes:
		return fmt.Sprintf("is %d bytes, want at most %d", len(s), r.MaxBytes)
	case r.MaxLength >= 0 && n > r.MaxLength:
		return fmt.Sprintf("is %d characters, want at most %d", n, r.MaxLength)
	case r.Pattern != nil && !r.Pattern.MatchString(s):
		return fmt.Sprintf("does not match %s", r.Pattern)
	}
	if r.Enum != nil && !slices.Contains(r.Enum, s) {
		return fmt.Sprintf("is %q, want one of %s", s, strings.Join(r.Enum, ", "))
	}
	return ""
}

// IntRule is an integer schema's range.
type IntRule struct {
	Min, Max       int64
	HasMin, HasMax bool
}

// Reason returns why n is out of range, or "".
func (r *IntRule) Reason(n int64) string {
	switch {
	case r.HasMin && n < r.Min:
		return fmt.Sprintf("is %d, want at least %d", n, r.Min)
	case r.HasMax && n > r.Max:
		return fmt.Sprintf("is %d, want at most %d", n, r.Max)
	}
	return ""
}

// ItemsReason returns why an array of n items breaks minItems (min) or
// maxItems (max; < 0: none), or "".
func ItemsReason(n, min, max int) string {
	switch {
	case n < min && n == 0:
		return "is empty"
	case n < min:
		return fmt.Sprintf("has %d items, want at least %d", n, min)
	case max >= 0 && n > max:
		return fmt.Sprintf("has %d items, want at most %d", n, max)
	}
	return ""
}

// PropertiesReason returns why an object with n of its fields (names) set
// breaks minProperties (min) or maxProperties (max; < 0: none), or "".
func PropertiesReason(n, min, max int, names string) string {
	switch {
	case n < min:
		return fmt.Sprintf("has %d of the fields %s, want at least %d", n, names, min)
	case max >= 0 && n > max:
		return fmt.Sprintf("has %d of the fields %s, want at most %d", n, names, max)
	}
	return ""
}

// ValueReason returns why a tag value's kind is not one of kinds, or "".
func ValueReason(v tag.Value, kinds ...tag.Kind) string {
	k := v.Kind()
	if slices.Contains(kinds, k) {
		if s, ok := v.AsString(); ok && !utf8.ValidString(s) {
			return "is not valid UTF-8"
		}
		if k == tag.KindStrings {
			ss, _ := v.AsStrings()
			for _, s := range ss {
				if !utf8.ValidString(s) {
					return "has a string that is not valid UTF-8"
				}
			}
		}
		return ""
	}
	names := make([]string, len(kinds))
	for i, w := range kinds {
		names[i] = w.String()
	}
	got := k.String()
	if k == tag.KindInvalid {
		got = "missing"
	}
	return fmt.Sprintf("is %s, want %s", got, strings.Join(names, " or "))
}

// Regexp is a pattern of the document, compiled when first used (so that
// loading the package parses nothing). It remembers a few hundred of the
// values that matched: the values a pattern checks (AddSource_Type_Web,
// tag names) repeat across the items of a batch, and a lookup is far
// cheaper than a match.
type Regexp struct {
	expr  string
	re    func() *regexp.Regexp
	known sync.Map     // string → struct{}: values that matched
	n     atomic.Int32 // entries in known
}

// maxKnown bounds the values a Regexp remembers.
const maxKnown = 512

// NewRegexp returns the pattern expr, compiled on first use.
func NewRegexp(expr string) *Regexp {
	return &Regexp{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// MatchString reports whether s matches the pattern.
func (r *Regexp) MatchString(s string) bool {
	if _, ok := r.known.Load(s); ok {
		return true
	}
	if !r.re().MatchString(s) {
		return false
	}
	if r.n.Load() < maxKnown {
		if _, loaded := r.known.LoadOrStore(s, struct{}{}); !loaded {
			r.n.Add(1)
		}
	}
	return true
}

// String returns the pattern.
func (r *Regexp) String() string { return r.expr }

// CheckAdmin returns why an admin account (the identifier of every
// request) breaks the document's UserID schema, or "".
func CheckAdmin(id string) string { return ruleUserID.Reason(id) }

// decodeProblem is the problem of a body that does not decode into its
// request type.
func decodeProblem(err error) *Problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &Problem{Field: te.Field, Reason: fmt.Sprintf("is a JSON %s, want %s", te.Value, te.Type)}
	}
	return &Problem{Reason: "is not a JSON object of the request's type: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// CheckUserID returns why id breaks the document's UserID schema, or "".
func CheckUserID(id string) string { return ruleUserID.Reason(id) }

// CheckGroupType returns why t is not one of the document's group types,
// or "".
func CheckGroupType(t string) string { return ruleGroupType.Reason(t) }

// Shape is the shape of a request object the document declares
// (additionalProperties false): its fields by their exact JSON names,
// with the shape of those that are objects or arrays of objects. It lets
// CheckJSON refuse what encoding/json accepts silently: an unknown field
// (Type for GroupType), a name in another case (from_account), a field
// given twice.
type Shape struct {
	Fields   map[string]*Shape // nil for a value that is not an object
	Items    *Shape            // for an array: its items' shape
	Required []string          // the fields that must be given
	// Value marks a tag value (tag.Value): a string, an integer or an
	// array of strings. Its own decoder's errors carry no field path, so
	// Check decodes it here to name the field.
	Value bool
}

// Check returns the first problem with the JSON text body against s, or
// nil. It does not check the types of values: decoding does.
func (s *Shape) Check(body []byte) *Problem {
	dec := json.NewDecoder(bytes.NewReader(body))
	p, err := s.walk(dec, "")
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Problem{Reason: "is not valid JSON: it ends too soon"}
	case err != nil:
		return &Problem{Reason: "is not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	return p
}

// walk reads one value from dec, which is at path, against s.
func (s *Shape) walk(dec *json.Decoder, path string) (*Problem, error) {
	if s != nil && s.Value {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if string(raw) == "null" {
			return &Problem{Field: path, Reason: "is null"}, nil
		}
		var v tag.Value
		if err := v.UnmarshalJSON(raw); err != nil {
			return &Problem{Field: path, Reason: "is not a valid tag value: " + strings.TrimPrefix(err.Error(), tag.ErrInvalid.Error()+": ")}, nil
		}
		return nil, nil
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case nil: // JSON null: decoding would take it as the zero value, or as absent
		if path != "" {
			return &Problem{Field: path, Reason: "is null"}, nil
		}
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			name, _ := k.(string)
			field := join(path, name)
			if seen[name] {
				return &Problem{Field: field, Reason: "is given twice"}, nil
			}
			seen[name] = true
			var sub *Shape
			if s != nil && s.Fields != nil {
				var known bool
				if sub, known = s.Fields[name]; !known {
					reason := "is not a field of this object"
					for f := range s.Fields {
						if strings.EqualFold(f, name) {
							reason = "is not a field of this object (names are case-sensitive: " + f + ")"
						}
					}
					return &Problem{Field: field, Reason: reason}, nil
				}
			}
			if p, err := sub.walk(dec, field); p != nil || err != nil {
				return p, err
			}
		}
		if _, err := dec.Token(); err != nil { // }
			return nil, err
		}
		if s != nil {
			// A required field that is absent: decoding would take it as
			// its zero value (a StartIndex of 0), and send that.
			for _, r := range s.Required {
				if !seen[r] {
					return &Problem{Field: join(path, r), Reason: "is missing"}, nil
				}
			}
		}
		return nil, nil
	case json.Delim('['):
		var items *Shape
		if s != nil {
			items = s.Items
		}
		for i := 0; dec.More(); i++ {
			if p, err := items.walk(dec, Index(path, i)); p != nil || err != nil {
				return p, err
			}
		}
		_, err := dec.Token() // ]
		return nil, err
	}
	return nil, nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
