package timrest

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/internal/contract"
)

// The operationIds of openapi/timrest.yaml that this package wraps. A test
// checks them, and the methods that carry them, against the document.
const (
	opGetFriendLists = "GetFriendLists" // POST /v4/sns/group_get
	opGetFriends     = "GetFriends"     // POST /v4/sns/friend_get_list
	opListGroupIDs   = "ListGroupIDs"   // POST /v4/group_open_http_svc/get_appid_group_list
	opImportFriends  = "ImportFriends"  // POST /v4/sns/friend_import
)

// docInfo is what the client takes from the OpenAPI document (through
// internal/contract): per-operation paths, rates, batch limits and error
// codes, and the field rules it checks before sending. Nothing here is
// written by hand.
type docInfo struct {
	ops    map[string]contract.Operation         // by operationId
	codes  map[string]map[int]contract.ErrorCode // op → code → entry (op's own codes)
	public map[int]contract.ErrorCode            // x-tim-public-errors

	// Field rules, from the request schemas.
	userID      stringRule // UserID
	addSource   stringRule // AddFriendItem.AddSource
	remark      stringRule // AddFriendItem.Remark
	addWording  stringRule // AddFriendItem.AddWording
	listName    stringRule // FriendListName
	customTag   stringRule // CustomFriendItem.Tag
	tagName     stringRule // TagName
	maxLists    int        // AddFriendItem.GroupName maxItems
	limitMin    int64      // ListGroupIDsRequest.Limit minimum
	limitMax    int64      // ListGroupIDsRequest.Limit maximum
	getBatch    int        // x-tim-batch-limit of GetFriends
	importBatch int        // x-tim-batch-limit of ImportFriends
}

// stringRule is a string schema's minLength, maxLength and pattern. The
// schemas count characters; the service counts bytes, so the client
// applies the numbers to byte lengths (the stricter reading).
type stringRule struct {
	min, max int // max < 0: no maximum
	pattern  *regexp.Regexp
}

// check returns why s breaks the rule, or "".
func (r stringRule) check(s string) string {
	switch {
	case len(s) < r.min && len(s) == 0:
		return "is empty"
	case len(s) < r.min:
		return fmt.Sprintf("is %d bytes, want at least %d", len(s), r.min)
	case r.max >= 0 && len(s) > r.max:
		return fmt.Sprintf("is %d bytes, want at most %d", len(s), r.max)
	case r.pattern != nil && !r.pattern.MatchString(s):
		return fmt.Sprintf("does not match %s", r.pattern)
	}
	return ""
}

var loadDocInfo = sync.OnceValues(func() (*docInfo, error) {
	c, err := contract.Load()
	if err != nil {
		return nil, err
	}
	return newDocInfo(c)
})

func newDocInfo(c *contract.Contract) (*docInfo, error) {
	d := &docInfo{
		ops:    map[string]contract.Operation{},
		codes:  map[string]map[int]contract.ErrorCode{},
		public: map[int]contract.ErrorCode{},
	}
	for _, o := range c.Operations {
		d.ops[o.ID] = o
		m := map[int]contract.ErrorCode{}
		for _, e := range o.Errors {
			m[e.Code] = e
		}
		d.codes[o.ID] = m
	}
	for _, e := range c.PublicErrors {
		d.public[e.Code] = e
	}
	for _, id := range []string{opGetFriendLists, opGetFriends, opListGroupIDs, opImportFriends} {
		if _, ok := d.ops[id]; !ok {
			return nil, fmt.Errorf("timrest: the OpenAPI document has no operation %s", id)
		}
	}

	var err error
	schemas := c.Doc.Components.Schemas
	schema := func(name, prop string) *openapi3.Schema {
		s := schemas[name]
		if s == nil || s.Value == nil {
			err = fmt.Errorf("timrest: the OpenAPI document has no schema %s", name)
			return &openapi3.Schema{}
		}
		if prop == "" {
			return s.Value
		}
		p := s.Value.Properties[prop]
		if p == nil || p.Value == nil {
			err = fmt.Errorf("timrest: schema %s has no property %s", name, prop)
			return &openapi3.Schema{}
		}
		return p.Value
	}
	rule := func(s *openapi3.Schema) stringRule {
		r := stringRule{min: int(s.MinLength), max: -1}
		if s.MaxLength != nil {
			r.max = int(*s.MaxLength)
		}
		if s.Pattern != "" {
			re, perr := regexp.Compile(s.Pattern)
			if perr != nil {
				err = fmt.Errorf("timrest: pattern %q: %w", s.Pattern, perr)
			}
			r.pattern = re
		}
		return r
	}
	d.userID = rule(schema("UserID", ""))
	d.addSource = rule(schema("AddFriendItem", "AddSource"))
	d.remark = rule(schema("AddFriendItem", "Remark"))
	d.addWording = rule(schema("AddFriendItem", "AddWording"))
	d.listName = rule(schema("FriendListName", ""))
	d.customTag = rule(schema("CustomFriendItem", "Tag"))
	d.tagName = rule(schema("TagName", ""))
	d.maxLists = -1
	if g := schema("AddFriendItem", "GroupName"); g.MaxItems != nil {
		d.maxLists = int(*g.MaxItems)
	}
	limit := schema("ListGroupIDsRequest", "Limit")
	d.limitMin, d.limitMax = 1, 0
	if limit.Min != nil {
		d.limitMin = int64(*limit.Min)
	}
	if limit.Max != nil {
		d.limitMax = int64(*limit.Max)
	}
	batch := func(op string) int {
		if bl := d.ops[op].BatchLimit; bl != nil {
			return bl.Max
		}
		err = fmt.Errorf("timrest: operation %s has no x-tim-batch-limit", op)
		return 1
	}
	d.getBatch = batch(opGetFriends)
	d.importBatch = batch(opImportFriends)
	if d.limitMax == 0 {
		d.limitMax = int64(batch(opListGroupIDs))
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// lookup returns the document's entry for code as op answers it: op's own
// codes first, then the public ones.
func (d *docInfo) lookup(op string, code int) (contract.ErrorCode, bool) {
	if e, ok := d.codes[op][code]; ok {
		return e, true
	}
	e, ok := d.public[code]
	return e, ok
}
