package emulator

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/internal/contract"
)

// The emulator's own limit; every limit of the API comes from the
// contract (see docLimits).
const (
	// maxBody caps the request body the emulator reads. A full
	// friend_import (1000 items with every field at its maximum) is
	// well under 2 MiB.
	maxBody = 8 << 20
)

// docLimits are the limits the emulator takes from openapi/. The schemas
// count characters (maxLength); the service counts bytes, so the emulator
// applies the same numbers to byte lengths.
type docLimits struct {
	userID     int // UserID maxLength: bytes of a UserID
	remark     int // AddFriendItem.Remark maxLength
	addWording int // AddFriendItem.AddWording maxLength
	listName   int // FriendListName maxLength
	lists      int // x-tim-limits friend-lists-per-account: beyond it an import item gets 30011
	limitMax   int // x-tim-batch-limit of ListGroupIDs (also Limit's default)
	friends    int // x-tim-limits friends-per-account: beyond it an import item gets 30010
	answer     int // x-tim-limits group-answer-bytes: a larger group answer is 10018
}

func loadLimits(c *contract.Contract) (docLimits, error) {
	var (
		l   docLimits
		err error
	)
	schemas := c.Doc.Components.Schemas
	prop := func(schema, name string) *openapi3.Schema {
		s := schemas[schema]
		if s == nil || s.Value == nil {
			err = fmt.Errorf("emulator: schema %s missing from the document", schema)
			return &openapi3.Schema{}
		}
		if name == "" {
			return s.Value
		}
		p := s.Value.Properties[name]
		if p == nil || p.Value == nil {
			err = fmt.Errorf("emulator: schema %s has no property %s", schema, name)
			return &openapi3.Schema{}
		}
		return p.Value
	}
	maxLen := func(s *openapi3.Schema, what string) int {
		if s.MaxLength == nil {
			err = fmt.Errorf("emulator: %s has no maxLength", what)
			return 0
		}
		return int(*s.MaxLength)
	}
	l.userID = maxLen(prop("UserID", ""), "UserID")
	l.remark = maxLen(prop("AddFriendItem", "Remark"), "AddFriendItem.Remark")
	l.addWording = maxLen(prop("AddFriendItem", "AddWording"), "AddFriendItem.AddWording")
	l.listName = maxLen(prop("FriendListName", ""), "FriendListName")
	batch := func(op string) int {
		o, ok := c.Operation(op)
		if !ok || o.BatchLimit == nil {
			err = fmt.Errorf("emulator: operation %s has no x-tim-batch-limit", op)
			return 0
		}
		return o.BatchLimit.Max
	}
	l.limitMax = batch(opListGroupIDs)
	l.friends = c.Limits.FriendsPerAccount
	l.lists = c.Limits.FriendListsPerAccount
	l.answer = c.Limits.GroupAnswerBytes
	return l, err
}
