// Package emulatortest has test helpers around the emulator: start one on
// loopback, build a generated client signed with auth's Signer, and check
// every request and answer on the wire against openapi/ with
// internal/contract's Validator, so that neither the client nor the
// emulator can drift from the documents.
//
//	cfg := emulator.Config{SDKAppID: 1400000001, Key: emulatortest.NewKey(t), Seed: emulator.SampleSeed()}
//	baseURL, emu := emulatortest.Start(t, cfg)
//	client := emulatortest.NewClient(t, baseURL, cfg)
//	resp, err := client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "alice"})
//
// The helpers report problems with t.Errorf (safe from any goroutine) and
// never print a UserSig or a key; the errors of NewClient's client have
// the UserSig in their URL redacted, so tests may print them.
package emulatortest
