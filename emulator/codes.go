package emulator

import (
	"fmt"
	"slices"

	"github.com/timrest/timrest/internal/contract"
)

// The operationIds of the document.
const (
	opGetFriendLists = "GetFriendLists" // v4/sns/group_get
	opGetFriends     = "GetFriends"     // v4/sns/friend_get_list
	opListGroupIDs   = "ListGroupIDs"   // v4/group_open_http_svc/get_appid_group_list
	opImportFriends  = "ImportFriends"  // v4/sns/friend_import
)

// Public error codes (x-tim-public-errors) the emulator answers with. A
// test checks each against the document.
const (
	codeHTTPParse      = 60002 // a request that is not a POST to a known path
	codeBadJSON        = 60003 // the body is empty, not JSON, or too large
	codeBadSDKAppID    = 60006 // sdkappid is well formed but not this emulator's app
	codeRateLimited    = 60007 // the operation's call rate is over its limit
	codeBadURL         = 60009 // no such operation
	codeMissingAppID   = 60012 // sdkappid absent or empty
	codeBadQuery       = 60025 // sdkappid, identifier, usersig, random or contenttype malformed
	codeSigExpired     = 70001 // auth.ErrExpired
	codeSigEmpty       = 70002 // usersig absent or empty
	codeSigInvalid     = 70003 // auth.ErrMalformed
	codeSigCheckFailed = 70009 // auth.ErrBadSignature: wrong key or altered
	codeSigIdentifier  = 70013 // auth.ErrIdentifierMismatch
	codeSigAppID       = 70014 // auth.ErrSDKAppIDMismatch
)

// Operation error codes (x-tim-errors) the emulator answers with where the
// class alone does not pick the code. A test checks each against the
// document.
const (
	codeSNSNotFriend     = 30001 // friend_get_list item: not a friend
	codeSNSNoAccount     = 30003 // account does not exist
	codeSNSConflict      = 30008 // concurrent import for the same From_Account
	codeSNSFriendLimit   = 30010 // From_Account has limits.friends friends
	codeSNSListLimit     = 30011 // From_Account would have more friend lists than allowed
	codeGroupAnswerLimit = 10018 // get_appid_group_list answer over limits.answer bytes
)

// opCodes are the codes of one operation that the emulator picks by class
// from the operation's x-tim-errors.
type opCodes struct {
	badRequest int   // class bad_request (30001, 10004)
	permission int   // class permission (30004, 10007); 60010 when none
	transient  []int // class transient (30006, 30007, 10002)
	rate       float64
}

func loadOpCodes(c *contract.Contract) (map[string]opCodes, error) {
	m := map[string]opCodes{}
	for _, o := range c.Operations {
		oc := opCodes{permission: 60010, rate: o.RateLimit}
		for _, e := range o.Errors {
			switch e.Class {
			case contract.ClassBadRequest:
				if oc.badRequest == 0 {
					oc.badRequest = e.Code
				}
			case contract.ClassPermission:
				oc.permission = e.Code
			case contract.ClassTransient:
				oc.transient = append(oc.transient, e.Code)
			}
		}
		if oc.badRequest == 0 {
			return nil, fmt.Errorf("emulator: operation %s has no bad_request code", o.ID)
		}
		if len(oc.transient) == 0 {
			return nil, fmt.Errorf("emulator: operation %s has no transient code", o.ID)
		}
		slices.Sort(oc.transient)
		m[o.ID] = oc
	}
	for _, op := range []string{opGetFriendLists, opGetFriends, opListGroupIDs, opImportFriends} {
		if _, ok := m[op]; !ok {
			return nil, fmt.Errorf("emulator: the document has no operation %s", op)
		}
	}
	return m, nil
}
