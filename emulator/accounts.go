package emulator

// The accounts family: the app's imported accounts (UserIDs). The other
// families keep their data per account and ask this one whether an
// account exists. The document has no operation of this family yet
// (account_import and the like will come): it registers no behaviour.

// accountFamily holds the accounts; Emulator.mu guards it. Accounts are
// never removed.
type accountFamily struct {
	ids map[string]struct{}
}

func newAccountFamily() *accountFamily {
	return &accountFamily{ids: map[string]struct{}{}}
}

// register implements family: no operation has a behaviour yet.
func (a *accountFamily) register(*behaviours) {}

// exists reports whether id is an account. The caller holds Emulator.mu.
func (a *accountFamily) exists(id string) bool {
	_, ok := a.ids[id]
	return ok
}

// addLocked adds the account id. The caller holds Emulator.mu for
// writing.
func (a *accountFamily) addLocked(id string) { a.ids[id] = struct{}{} }
