package timrest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/timrest/timrest/internal/spec"
)

// Error is an error the service reported: a whole call answered with
// ActionStatus FAIL or a non-zero ErrorCode, an item of a batch answered
// with a non-zero ResultCode, or an HTTP status other than 200 (which the
// service only gives on network or proxy faults). Use [errors.As] to get
// it, and [errors.Is] with the class sentinels ([ErrUserSig],
// [ErrRateLimited], [ErrRetryable], ...) to test what kind of problem it
// is without knowing the codes:
//
//	var e *timrest.Error
//	if errors.As(err, &e) { log.Print(e.Op, e.Code, e.Info) }
//	if errors.Is(err, timrest.ErrUserSig) { /* check the key and the admin */ }
//
// The class and retry advice of each code come from the OpenAPI document
// (x-tim-errors, x-tim-public-errors).
type Error struct {
	// Op is the operationId of the call, e.g. "ImportFriends".
	Op string
	// Code is the answer's ErrorCode, or the item's ResultCode for an
	// item of a batch. It is 0 for an HTTP failure (see HTTPStatus).
	Code int
	// Info is the answer's ErrorInfo (or the item's ResultInfo).
	Info string
	// Display is the answer's ErrorDisplay, when the service sent one.
	Display string
	// Account is the item's To_Account for a per-item error, else "".
	Account string
	// HTTPStatus is the HTTP status of an answer that was not 200, else 0.
	HTTPStatus int
}

// Error returns a one-line description: operation, code, the document's
// meaning of the code and the service's ErrorInfo.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("timrest: ")
	b.WriteString(e.Op)
	if e.Account != "" {
		b.WriteString(": ")
		b.WriteString(keyName(e.Op))
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Account))
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
	}
	if e.Code != 0 || (e.HTTPStatus == 0 && e.Account == "") {
		fmt.Fprintf(&b, ": error %d", e.Code)
		if m := e.Meaning(); m != "" {
			b.WriteString(" (")
			b.WriteString(strings.TrimSuffix(m, "."))
			b.WriteString(")")
		}
	}
	if e.Info != "" {
		b.WriteString(": ")
		b.WriteString(e.Info)
	}
	return b.String()
}

// keyName is the name of the field that identifies an item of op's
// batch (To_Account, UserID), by the document.
func keyName(op string) string {
	if o := spec.ByID(op); o != nil && o.Batch != nil {
		if o.Batch.Key != "" {
			return o.Batch.Key
		}
		return o.Batch.Items
	}
	return "To_Account"
}

// entry is the document's entry for the code, if it lists it.
func (e *Error) entry() (spec.ErrorCode, bool) {
	if e.Code == 0 {
		return spec.ErrorCode{}, false
	}
	return spec.ByID(e.Op).Lookup(e.Code)
}

// Meaning returns what the OpenAPI document says the code means, or "" for
// a code it does not list.
func (e *Error) Meaning() string {
	ent, _ := e.entry()
	return ent.Meaning
}

// Class returns the document's class of the code: "bad_request", "auth",
// "permission", "rate_limited", "transient", "not_found", "conflict",
// "limit" or "config". An HTTP 5xx answer is "transient", HTTP 429
// "rate_limited". It returns "" for a code the document does not list.
func (e *Error) Class() string {
	if e.HTTPStatus != 0 && e.Code == 0 {
		switch {
		case e.HTTPStatus == 429:
			return string(spec.ClassRateLimited)
		case e.HTTPStatus >= 500:
			return string(spec.ClassTransient)
		}
		return ""
	}
	ent, _ := e.entry()
	return string(ent.Class)
}

// Retryable reports whether the document advises retrying the call that
// failed with this error (retry advice yes, slow or renew, or an HTTP 5xx
// or 429 answer). The client has already retried such calls up to its
// [RetryPolicy]; a Retryable error is one whose retries ran out.
func (e *Error) Retryable() bool {
	if e.HTTPStatus != 0 && e.Code == 0 {
		return e.HTTPStatus == 429 || e.HTTPStatus >= 500
	}
	ent, ok := e.entry()
	return ok && ent.Retry != spec.RetryNo
}

// Is reports whether target is the sentinel of e's class (see
// [ErrUserSig] and the others), or [ErrRetryable] for a retryable error.
func (e *Error) Is(target error) bool {
	s, ok := target.(*sentinel)
	if !ok {
		return false
	}
	if s == ErrRetryable {
		return e.Retryable()
	}
	return s.class != "" && string(s.class) == e.Class()
}

// sentinel is the type of the class sentinels.
type sentinel struct {
	class spec.Class
	msg   string
}

// Error returns the sentinel's text.
func (s *sentinel) Error() string { return s.msg }

// Sentinels for the classes of service errors. An [*Error] matches (with
// [errors.Is]) the sentinel of its code's class, as the OpenAPI document
// classifies it, so callers need not memorise codes.
var (
	// ErrBadRequest matches errors of class bad_request: the request is
	// malformed or a parameter is wrong (30001, 10004, 60003, 70402...).
	ErrBadRequest error = &sentinel{spec.ClassBadRequest, "timrest: bad request"}
	// ErrUserSig matches errors of class auth: the UserSig is expired,
	// invalid or signed with the wrong key or for another app (70001,
	// 70003, 70009, 70013, 70014, 60004...).
	ErrUserSig error = &sentinel{spec.ClassAuth, "timrest: UserSig or account check failed"}
	// ErrPermission matches errors of class permission: the identifier is
	// not an app admin, the caller's IP is not allowed, the account is
	// blocked (30004, 10007, 60010, 60021, 70051, 70403).
	ErrPermission error = &sentinel{spec.ClassPermission, "timrest: permission denied"}
	// ErrRateLimited matches errors of class rate_limited (60007, 60011,
	// 70050) and HTTP 429 answers.
	ErrRateLimited error = &sentinel{spec.ClassRateLimited, "timrest: rate limited"}
	// ErrTransient matches errors of class transient: internal errors and
	// timeouts of the service (30006, 30007, 10002, 70169, 70500...) and
	// HTTP 5xx answers.
	ErrTransient error = &sentinel{spec.ClassTransient, "timrest: transient service error"}
	// ErrNotFound matches errors of class not_found: an account does not
	// exist or was not imported (30003, 70107).
	ErrNotFound error = &sentinel{spec.ClassNotFound, "timrest: not found"}
	// ErrConflict matches errors of class conflict: concurrent writes for
	// the same account (30008).
	ErrConflict error = &sentinel{spec.ClassConflict, "timrest: write conflict"}
	// ErrLimit matches errors of class limit: a count or size limit of
	// the service was reached (30010, 30011, 30014, 10018, 70398).
	ErrLimit error = &sentinel{spec.ClassLimit, "timrest: service limit reached"}
	// ErrConfig matches errors of class config: the app's configuration
	// or data center is wrong (60006, 60020, 60026, 70020...).
	ErrConfig error = &sentinel{spec.ClassConfig, "timrest: app configuration error"}
	// ErrRetryable matches errors whose code the document advises
	// retrying (retry yes, slow or renew) and HTTP 5xx and 429 answers.
	ErrRetryable error = &sentinel{"", "timrest: retryable error"}
)

// Local errors: conditions the client detects itself. None of them is an
// [*Error], so none carries a made-up service code.
var (
	// ErrResponseTooLarge is returned (wrapped) when an answer is larger
	// than the client's cap (see [WithMaxResponseBytes]).
	ErrResponseTooLarge = errors.New("timrest: answer larger than the size cap")
	// ErrRepeatedCursor is returned (wrapped) when paging, if the service
	// returns a cursor it returned before (following it would loop), or an
	// offset cursor that does not grow (following it would give items
	// again).
	ErrRepeatedCursor = errors.New("timrest: the service repeated a paging cursor")
	// ErrMissingResult is the error of a batch item the service's answer
	// said nothing about (no ResultItem or InfoItem for its To_Account).
	// The item may or may not have been processed.
	ErrMissingResult = errors.New("timrest: the answer has no result for this item")
	// ErrNotSent is wrapped by the error of a batch item that was never
	// sent because an earlier request of the same call failed in a way
	// every later request would too (a UserSig, permission or app
	// configuration error), or because the context ended first.
	ErrNotSent = errors.New("timrest: not sent")
)

// ValidationError reports a request or configuration the client refused
// before sending anything. It names the field and, for an item of a batch,
// its index and key (To_Account or UserID, by the operation). It is never an [*Error]: the service did not
// see the request.
type ValidationError struct {
	// Op is the operationId of the call, or "New" for a Config or option.
	Op string
	// Field is the field in the document's JSON names (e.g. From_Account,
	// AddFriendItem.AddSource) or, for Config, the Go name (Config.Admin).
	Field string
	// Index is the item's index in its request's array (AddFriendItem,
	// To_Account, TagList), or -1 when the field is not in an array.
	Index int
	// Account is the item's key (its To_Account or UserID, by the
	// operation), or the request's From_Account for a From_Account error;
	// "" when there is none.
	Account string
	// Reason says what is wrong, e.g. "is 40 bytes, want at most 32".
	Reason string
}

// Error returns "timrest: Op: Field[Index].Sub (Key "x"): Reason", where
// Key is the operation's item key (To_Account, UserID),
// or "timrest: Op: From_Account "x": Reason".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("timrest: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Field == "" { // the request as a whole
		b.WriteString(e.Reason)
		return b.String()
	}
	field, sub, _ := strings.Cut(e.Field, ".")
	b.WriteString(field)
	if e.Index >= 0 {
		fmt.Fprintf(&b, "[%d]", e.Index)
	}
	if sub != "" {
		b.WriteString(".")
		b.WriteString(sub)
	}
	switch {
	case e.Account != "" && e.Field == "From_Account":
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Account))
	case e.Account != "":
		b.WriteString(" (")
		b.WriteString(keyName(e.Op))
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Account))
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

func invalid(op, field string, index int, account, reason string) *ValidationError {
	return &ValidationError{Op: op, Field: field, Index: index, Account: account, Reason: reason}
}
