package emulator

import (
	"context"
	"reflect"
)

// SetImportHook makes every friend_import call fn after it has marked its
// account busy (a friend_import, friend_add or friend_update for it then
// gets 30008) and before it changes anything (tests only).
func (e *Emulator) SetImportHook(fn func(from string)) {
	e.SetImportHookContext(func(_ context.Context, from string) { fn(from) })
}

// SetImportHookContext is SetImportHook with the call's context, which
// ends when the client goes away.
func (e *Emulator) SetImportHookContext(fn func(ctx context.Context, from string)) {
	e.sns.importHook.Store(&fn)
}

// DropBehaviour takes the behaviour of the operation op away, so that the
// generic fallback answers it (tests only). Call it before e serves any
// request. It reports whether op had a behaviour.
func (e *Emulator) DropBehaviour(op string) bool {
	f := reflect.ValueOf(&e.behaviours).Elem().FieldByName(op)
	if !f.IsValid() || f.IsNil() {
		return false
	}
	f.SetZero()
	return true
}

// MaxBody is the largest request body the emulator reads.
const MaxBody = maxBody
