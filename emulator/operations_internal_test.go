package emulator

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/timrest/timrest/internal/spec"
)

// registryProblems lists what is wrong with the emulator's registry of
// behaviours: an operation of spec.Operations that has no behaviour and
// is not knowingly on the fallback (contractOnly), one that has a
// behaviour and is listed all the same, an operation the generated
// registry lacks or has beyond the document, and a listed operation the
// document does not have.
func registryProblems(stateful, contractOnly map[string]bool) []string {
	var out []string
	for _, o := range spec.Operations {
		has, known := stateful[o.ID]
		switch {
		case !known:
			out = append(out, o.ID+": not in the generated registry; run go generate ./...")
		case has && contractOnly[o.ID]:
			out = append(out, o.ID+": has a behaviour, yet is listed in contractOnly")
		case !has && !contractOnly[o.ID]:
			out = append(out, o.ID+": no behaviour; write one in its family's file, or list it in contractOnly to serve it with the generic fallback")
		}
	}
	for _, id := range slices.Sorted(maps.Keys(stateful)) {
		if spec.ByID(id) == nil {
			out = append(out, id+": in the generated registry but not in the document; run go generate ./...")
		}
	}
	for _, id := range slices.Sorted(maps.Keys(contractOnly)) {
		if spec.ByID(id) == nil {
			out = append(out, id+": listed in contractOnly but not an operation of the document")
		}
	}
	return out
}

func newTestEmulator(t *testing.T) *Emulator {
	t.Helper()
	e, err := New(Config{SDKAppID: 1400000001, Key: "registry-test-key"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEveryOperationHasBehaviour: each operation of the document has a
// behaviour registered by its family, or is knowingly served by the
// generic fallback (contractOnly), never both.
func TestEveryOperationHasBehaviour(t *testing.T) {
	e := newTestEmulator(t)
	for _, p := range registryProblems(e.behaviours.stateful(), contractOnly) {
		t.Error(p)
	}

	// The check itself, on a registry where every operation has a
	// behaviour but one (whatever the families have written so far): it
	// finds an operation without a behaviour, one listed although it has
	// one, an operation the registry lacks, and a listed operation that
	// does not exist.
	all := map[string]bool{}
	for _, o := range spec.Operations {
		all[o.ID] = true
	}
	stateful := maps.Clone(all)
	stateful[spec.GetFriends.ID] = false
	delete(stateful, spec.ListGroupIDs.ID)
	got := registryProblems(stateful, map[string]bool{spec.ImportFriends.ID: true, "NoSuchOperation": true})
	want := []string{"ListGroupIDs: not in the generated registry", "GetFriends: no behaviour", "ImportFriends: has a behaviour", "NoSuchOperation: listed in contractOnly"}
	if len(got) != len(want) {
		t.Fatalf("problems %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %q, want %q...", got[i], want[i])
		}
	}
	// Knowingly on the fallback is fine.
	stateful[spec.ListGroupIDs.ID] = true
	if got := registryProblems(stateful, map[string]bool{spec.GetFriends.ID: true}); len(got) != 0 {
		t.Errorf("problems %q", got)
	}
	// DropBehaviour takes a real behaviour away, and the registry sees it.
	if !e.DropBehaviour(spec.GetFriends.ID) || e.behaviours.stateful()[spec.GetFriends.ID] {
		t.Error("DropBehaviour(GetFriends) did not take its behaviour away")
	}
}

// TestEachFamilyRegistersItsOwn: a family registers behaviours of its
// own operations only (those of its document tag), so that the families'
// files and the document's tags agree.
func TestEachFamilyRegistersItsOwn(t *testing.T) {
	e := newTestEmulator(t)
	tags := map[family]string{e.sns: "sns", e.groups: "group", e.accounts: "account", e.profiles: "profile"}
	for _, f := range e.families() {
		var b behaviours
		f.register(&b)
		for id, has := range b.stateful() {
			if has && spec.ByID(id).Family != tags[f] {
				t.Errorf("the %s family registers %s, an operation of %s", tags[f], id, spec.ByID(id).Family)
			}
		}
	}
	if len(tags) != len(e.families()) {
		t.Errorf("%d families, %d tags", len(e.families()), len(tags))
	}
}

// TestNewRefusesAnOperationItCannotServe: an operation without a
// behaviour needs an example answer for the fallback.
func TestNewRefusesAnOperationItCannotServe(t *testing.T) {
	e := newTestEmulator(t)
	if err := e.servable(); err != nil {
		t.Fatal(err)
	}
	e.DropBehaviour(spec.ListGroupIDs.ID)
	if err := e.servable(); err != nil {
		t.Fatalf("with the example answer: %v", err)
	}
	env := *e.env
	env.examples = maps.Clone(env.examples)
	delete(env.examples, spec.ListGroupIDs.ID)
	e.env = &env
	if err := e.servable(); err == nil || !strings.Contains(err.Error(), "ListGroupIDs has no behaviour, and no example answer") {
		t.Errorf("servable: %v", err)
	}
}

// TestExamplesAreTheFirstOfTheDocument: the fallback's answer of each
// operation is the document's first example answer.
func TestExamplesAreTheFirstOfTheDocument(t *testing.T) {
	ev, err := loadEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range spec.Operations {
		_, answers, err := ev.contract.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, ok := ev.examples[o.ID]
		if !ok || string(a.body) != string(answers[0].Value)+"\n" {
			t.Errorf("%s: fallback answer %s, want the example %s", o.ID, a.body, answers[0].Name)
		}
	}
}
