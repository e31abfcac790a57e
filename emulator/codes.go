package emulator

import (
	"maps"
	"slices"

	"github.com/timrest/timrest/internal/spec"
)

// Public error codes (spec.PublicErrors) the emulator answers with. A
// test checks each against the document, class included.
const (
	codeHTTPParse      = 60002 // a request that is not a POST to a known path
	codeBadJSON        = 60003 // the body is empty, not JSON, or too large
	codeBadSDKAppID    = 60006 // sdkappid is well formed but not this emulator's app
	codeRateLimited    = 60007 // the operation's call rate is over its limit
	codeBadURL         = 60009 // no such operation
	codeNeedAdmin      = 60010 // not an admin, for an operation without a permission code
	codeMissingAppID   = 60012 // sdkappid absent or empty
	codeBadQuery       = 60025 // sdkappid, identifier, usersig, random or contenttype malformed
	codeSigExpired     = 70001 // auth.ErrExpired
	codeSigEmpty       = 70002 // usersig absent or empty
	codeSigInvalid     = 70003 // auth.ErrMalformed
	codeSigCheckFailed = 70009 // auth.ErrBadSignature: wrong key or altered
	codeSigIdentifier  = 70013 // auth.ErrIdentifierMismatch
	codeSigAppID       = 70014 // auth.ErrSDKAppIDMismatch
	codeInvalidParam   = 70402 // a bad request, for an operation without a bad_request code
	codeInternal       = 70500 // a transient fault, for an operation without a transient code
)

// Operation error codes (spec.Operation.Errors) the emulator answers with
// where the class alone does not pick the code. A test checks each
// against the document, class included.
const (
	codeSNSNotFriend     = 30001 // friend_get_list item: not a friend
	codeSNSNoAccount     = 30003 // account does not exist
	codeSNSConflict      = 30008 // concurrent import for the same From_Account
	codeSNSFriendLimit   = 30010 // From_Account has spec.LimitFriendsPerAccount friends
	codeSNSListLimit     = 30011 // From_Account would have more than spec.LimitFriendListsPerAccount lists
	codeGroupAnswerLimit = 10018 // get_appid_group_list answer over spec.LimitGroupAnswerBytes
)

// opCodes are the codes of one operation that the emulator picks by class
// from the operation's codes (its own and its family's).
type opCodes struct {
	badRequest int   // class bad_request, the lowest (30001, 10004); else 70402
	permission int   // class permission, the lowest (30004, 10007); else 60010
	transient  []int // class transient, sorted (30006, 30007; 10002); else 70500
}

// codesOf picks o's codes by class. An operation whose codes lack a
// class gets the public code of that class, so that every operation of
// the document is served.
func codesOf(o *spec.Operation) opCodes {
	var c opCodes
	for _, code := range slices.Sorted(maps.Keys(o.Errors)) {
		switch o.Errors[code].Class {
		case spec.ClassBadRequest:
			if c.badRequest == 0 {
				c.badRequest = code
			}
		case spec.ClassPermission:
			if c.permission == 0 {
				c.permission = code
			}
		case spec.ClassTransient:
			c.transient = append(c.transient, code)
		}
	}
	if c.badRequest == 0 {
		c.badRequest = codeInvalidParam
	}
	if c.permission == 0 {
		c.permission = codeNeedAdmin
	}
	if len(c.transient) == 0 {
		c.transient = []int{codeInternal}
	}
	return c
}
