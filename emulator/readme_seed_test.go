package emulator_test

import (
	"os"
	"strings"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
)

// TestReadmeSeedLoads: the seed file the README shows under "Seed file"
// loads and gives the state it describes (a friend, a blocked account).
func TestReadmeSeedLoads(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "\n### Seed file\n")
	if !ok {
		t.Fatal(`README has no "### Seed file" section`)
	}
	_, rest, ok = strings.Cut(rest, "```json\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("the Seed file section has no json block")
	}
	seed, err := emulator.LoadSeed(strings.NewReader(block))
	if err != nil {
		t.Fatalf("the README's seed does not load: %v", err)
	}
	emu, err := emulator.New(emulator.Config{SDKAppID: 1400000000, Key: emulatortest.NewKey(t), Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	if f := emu.Friends("alice"); len(f) != 1 || f[0].ToAccount != "bob" {
		t.Errorf("alice's friends: %+v, want bob", f)
	}
	if b := emu.Blocked("alice"); len(b) != 1 || b[0].ToAccount != "mallory" {
		t.Errorf("alice's blocklist: %+v, want mallory", b)
	}
}
