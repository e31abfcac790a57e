package emulator

// SetImportHook makes every friend_import call fn after it has taken its
// account's write lock and before it changes anything (tests only).
func (e *Emulator) SetImportHook(fn func(from string)) { e.importHook.Store(&fn) }

// MaxBody is the largest request body the emulator reads.
const MaxBody = maxBody
