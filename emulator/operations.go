package emulator

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// How a call reaches its behaviour.
//
// operations.gen.go, written by internal/codegen from openapi/ (go
// generate), has a struct behaviours with a field per operation of the
// document, named by its operationId and typed as the operation's method
// of gen.StrictServerInterface, and a type dispatch that implements that
// interface: each of its methods runs the operation's behaviour, or, when
// the field is nil, the generic fallback ([Emulator.fallback]).
//
// The behaviours are written by hand, by family of the API (accounts.go,
// profiles.go, sns.go with its sns_*.go files, groups.go). A family owns
// its part of the emulator's state and sets the fields of its operations
// in its register method; New calls register on every family.
//
// The fallback answers a request that has passed authentication, the
// call rate and validation against openapi/, with the document's first
// example answer of the operation, and records the call as not stateful
// ([Stats].NotStateful and stateful=false in the log line). So an
// operation added to the document is served, contract-emulated, before
// it has a behaviour: the emulator still builds, and a test
// (TestEveryOperationHasBehaviour) fails until the operation has a
// behaviour or is listed in contractOnly.

// A family is one family of the API in the emulator (a tag of the
// document, such as sns or group): the state it owns, guarded by
// Emulator.mu, and the behaviours of its operations.
type family interface {
	// register sets the behaviours of the family's operations in b.
	register(b *behaviours)
}

// families returns e's families; New registers their behaviours.
func (e *Emulator) families() []family {
	return []family{e.accounts, e.profiles, e.sns, e.groups}
}

// contractOnly lists, by operationId, the operations that knowingly have
// no behaviour: the generic fallback answers them with the document's
// example answer, whatever the state. An operation of the document must
// either have a behaviour or be listed here, never both (a test checks
// it).
var contractOnly = map[string]bool{}

// servable checks that every operation of the document can be served:
// by its behaviour, or by the fallback with an example answer.
func (e *Emulator) servable() error {
	stateful := e.behaviours.stateful()
	for _, op := range slices.Sorted(maps.Keys(stateful)) {
		if _, ok := e.env.examples[op]; !stateful[op] && !ok {
			return fmt.Errorf("emulator: operation %s has no behaviour, and no example answer for the generic fallback", op)
		}
	}
	return nil
}

// exampleAnswer is the generic fallback's answer: an example answer of
// the document, encoded. operations.gen.go makes it an answer of every
// operation (its Visit<Op>Response methods).
type exampleAnswer struct {
	body []byte // JSON and a newline, as the generated answers are written
	code int32  // its ErrorCode
}

// write writes the answer: HTTP 200 and the example's JSON.
func (a exampleAnswer) write(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(a.body)
	return err
}

// errorCode implements coded.
func (a exampleAnswer) errorCode() int32 { return a.code }

// coded is an answer type of the emulator's own that knows its
// ErrorCode (the generated answer types are read by answerCode).
type coded interface{ errorCode() int32 }

// fallback answers a call of op, an operation without a behaviour, with
// the document's first example answer of op. The request has passed
// authentication, the call rate and validation against the document; it
// changes nothing and the answer does not depend on it. The call is
// recorded as not stateful.
func (e *Emulator) fallback(ctx context.Context, op string) (exampleAnswer, error) {
	callFrom(ctx).fallback = true
	a, ok := e.env.examples[op]
	if !ok { // New refuses such an emulator; this is a guard
		return exampleAnswer{}, fmt.Errorf("emulator: operation %s has neither a behaviour nor an example answer", op)
	}
	return a, nil
}
