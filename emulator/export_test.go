package emulator

import "context"

// SetImportHook makes every friend_import call fn after it has taken its
// account's write lock and before it changes anything (tests only).
func (e *Emulator) SetImportHook(fn func(from string)) {
	e.SetImportHookContext(func(_ context.Context, from string) { fn(from) })
}

// SetImportHookContext is SetImportHook with the call's context, which
// ends when the client goes away.
func (e *Emulator) SetImportHookContext(fn func(ctx context.Context, from string)) {
	e.importHook.Store(&fn)
}

// MaxBody is the largest request body the emulator reads.
const MaxBody = maxBody
