package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
)

// listsSeed has friend lists without members, a list that a friend is
// put in too, and friends' lists that the seed's Lists do not name.
const listsSeed = `{"Accounts":[{"UserID":"a"},{"UserID":"b"},{"UserID":"c"}],
 "Lists":{"a":["empty","work"],"c":["solo"]},
 "Friends":{"a":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":["home","work"]}]}}`

func TestLoadSeedLists(t *testing.T) {
	t.Parallel()
	s, err := emulator.LoadSeed(strings.NewReader(listsSeed))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{"a": {"empty", "work"}, "c": {"solo"}}, s.Lists); diff != "" {
		t.Errorf("Lists (-want +got):\n%s", diff)
	}
	cfg := freshConfig(t)
	cfg.Seed = s
	base, _ := emulatortest.Start(t, cfg)
	c := api{t, emulatortest.NewClient(t, base, cfg)}
	yes := ptr(gen.NeedFriendYes)
	// The seed's lists come first, in order, then those the friends name.
	want := []gen.FriendList{
		{GroupName: "empty", FriendNumber: ptr[int64](0)},
		{GroupName: "work", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}},
		{GroupName: "home", FriendNumber: ptr[int64](1), ToAccount: []string{"b"}},
	}
	if diff := cmp.Diff(want, c.lists(gen.GetFriendListsRequest{FromAccount: "a", NeedFriend: yes}).ResultItem); diff != "" {
		t.Errorf("a's lists (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]gen.FriendList{{GroupName: "solo", FriendNumber: ptr[int64](0)}}, c.lists(gen.GetFriendListsRequest{FromAccount: "c"}).ResultItem); diff != "" {
		t.Errorf("c's lists (-want +got):\n%s", diff)
	}
	// The JSON form round-trips.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := emulator.LoadSeed(bytes.NewReader(b)); err != nil || !cmp.Equal(s, again) {
		t.Errorf("re-encoded seed %s: %v", b, err)
	}
}

func TestLoadSeedListErrors(t *testing.T) {
	t.Parallel()
	accounts := `"Accounts":[{"UserID":"a"},{"UserID":"b"}]`
	names := func(n int, prefix string) string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf(`"%s%02d"`, prefix, i)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		name, seed, wantErr string
	}{
		{"not a list of names", `{` + accounts + `,"Lists":{"a":[1]}}`, `Lists["a"][0]: json: cannot unmarshal number`},
		{"unknown From_Account", `{` + accounts + `,"Lists":{"zed":["x"]}}`, `Lists["zed"]: no such account`},
		{"empty name", `{` + accounts + `,"Lists":{"a":["x",""]}}`, `Lists["a"][1] "": `},
		{"name over 30 bytes", `{` + accounts + `,"Lists":{"a":["` + strings.Repeat("é", 16) + `"]}}`, `Lists["a"][0]`},
		{"twice", `{` + accounts + `,"Lists":{"a":["x","y","x"]}}`, `Lists["a"][2] "x": friend list appears twice`},
		{"over the limit", `{` + accounts + `,"Lists":{"a":[` + names(33, "l") + `]}}`, `Lists["a"]: more than 32 friend lists`},
		{"over the limit with the friends' lists", `{` + accounts + `,"Lists":{"a":[` + names(32, "l") + `]},` +
			`"Friends":{"a":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":["l00","new"]}]}}`,
			`Friends["a"][0] (To_Account "b"): more than 32 friend lists`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emulator.LoadSeed(strings.NewReader(tt.seed))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	// At the limit, with the friends' lists among the seed's, is fine.
	ok := `{` + accounts + `,"Lists":{"a":[` + names(32, "l") + `]},` +
		`"Friends":{"a":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":["l00","l31"]}]}}`
	if _, err := emulator.LoadSeed(strings.NewReader(ok)); err != nil {
		t.Errorf("32 lists, the friend in two of them: %v", err)
	}
}

// TestApplyLists: Apply creates lists beside those of the state, refuses
// a list the account has and more lists than the limit (the state's, the
// seed's and its friends' together), and changes nothing when it
// refuses.
func TestApplyLists(t *testing.T) {
	t.Parallel()
	f := start(t) // the sample data: alice has the lists work and family
	if err := f.emu.Apply(&emulator.Seed{Lists: map[string][]string{"alice": {"empty"}, "erin": {"e"}}}); err != nil {
		t.Fatal(err)
	}
	a := api{t, f.client}
	listNames := func(from string) []string {
		var out []string
		for _, l := range a.lists(gen.GetFriendListsRequest{FromAccount: from}).ResultItem {
			out = append(out, l.GroupName)
		}
		return out
	}
	if diff := cmp.Diff([]string{"work", "family", "empty"}, listNames("alice")); diff != "" {
		t.Errorf("alice's lists (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"e"}, listNames("erin")); diff != "" {
		t.Errorf("erin's lists (-want +got):\n%s", diff)
	}
	lists := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("n%02d", i)
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		seed    *emulator.Seed
		wantErr string
	}{
		{"a list the account has", &emulator.Seed{Lists: map[string][]string{"alice": {"new", "work"}}}, `Lists["alice"][1] "work": the account has this friend list already`},
		{"over the limit with the state's lists", &emulator.Seed{Lists: map[string][]string{"alice": lists(30)}}, `Lists["alice"]: 33 friend lists, more than 32`},
		{"over the limit with the friends' lists", &emulator.Seed{Lists: map[string][]string{"bob": lists(31)},
			Friends: map[string][]gen.AddFriendItem{"bob": {{ToAccount: "carol", AddSource: "AddSource_Type_Web", GroupName: []string{"more"}}}}},
			`Friends["bob"][0] (To_Account "carol"): 30011`},
	} {
		if err := f.emu.Apply(tt.seed); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.wantErr)
		}
	}
	if diff := cmp.Diff([]string{"work", "family", "empty"}, listNames("alice")); diff != "" {
		t.Errorf("refused seeds changed alice's lists (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"friends"}, listNames("bob")); diff != "" {
		t.Errorf("refused seeds changed bob's lists (-want +got):\n%s", diff)
	}
}
