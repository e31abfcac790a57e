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
	"github.com/timrest/timrest/tag"
)

// issueSeed is the example seed of the issue.
const issueSeed = `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Nick","Value":"Alice"}]},{"UserID":"bob"}],
 "Groups":[{"GroupId":"@TGS#1","Type":"Public"}],
 "Friends":{"alice":[{"To_Account":"bob","AddSource":"AddSource_Type_Web","GroupName":["work"]}]}}`

func TestLoadSeed(t *testing.T) {
	t.Parallel()
	s, err := emulator.LoadSeed(strings.NewReader(issueSeed))
	if err != nil {
		t.Fatal(err)
	}
	want := &emulator.Seed{
		Accounts: []emulator.Account{
			{UserID: "alice", Profile: []gen.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Alice")}}},
			{UserID: "bob"},
		},
		Groups:  []emulator.Group{{GroupID: "@TGS#1", Type: gen.GroupTypePublic}},
		Friends: map[string][]gen.AddFriendItem{"alice": {{ToAccount: "bob", AddSource: "AddSource_Type_Web", GroupName: []string{"work"}}}},
	}
	if diff := cmp.Diff(want, s, cmp.Comparer(tag.Value.Equal)); diff != "" {
		t.Errorf("seed (-want +got):\n%s", diff)
	}
	cfg, _ := testConfig(t)
	cfg.Seed = s
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if f := emu.Friends("alice"); len(f) != 1 || f[0].ToAccount != "bob" || f[0].AddTime != t0.Unix() {
		t.Errorf("alice's friends %+v", f)
	}
	// The JSON form round-trips.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := emulator.LoadSeed(bytes.NewReader(b)); err != nil || !cmp.Equal(s, again, cmp.Comparer(tag.Value.Equal)) {
		t.Errorf("re-encoded seed %s: %v", b, err)
	}
}

func TestLoadSeedErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, seed, wantErr string
	}{
		{"not JSON", `{`, "seed"},
		{"trailing data", `{} {}`, "trailing"},
		{"unknown top-level field", `{"Users":[]}`, `unknown field "Users"`},
		{"unknown account field", `{"Accounts":[{"UserID":"a","Nick":"x"}]}`, `Accounts[0]: json: unknown field "Nick"`},
		{"unknown friend field", `{"Accounts":[{"UserID":"a"},{"UserID":"b"}],"Friends":{"a":[{"To_Account":"b","AddSource":"AddSource_Type_Web","Type":1}]}}`, `Friends["a"][0]`},
		{"profile value of the wrong type", `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Level","Value":"high"}]}]}`, `Accounts[0] "alice": Profile[0]: Tag_Profile_IM_Level: value is string, want integer`},
		{"profile value not a tag value", `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Nick","Value":{"a":1}}]}]}`, `Accounts[0]`},
		{"bad enum", `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Gender","Value":"F"}]}]}`, `Gender_Type_Female`},
		{"uint32 out of range", `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_BirthDay","Value":4294967296}]}]}`, `not in 0..4294967295`},
		{"unknown standard tag", `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Mood","Value":"ok"}]}]}`, `unknown profile tag "Tag_Profile_IM_Mood"`},
		{"bad custom tag", `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_Custom_TooLongName","Value":"ok"}]}]}`, `custom profile tag "Tag_Profile_Custom_TooLongName": want Tag_Profile_Custom_ and a name as a custom friend tag's: Tag_SNS_Custom_TooLongName does not match ^Tag_SNS_Custom_[A-Za-z]{1,8}$`},
		{"friend tag in a profile", `{"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_SNS_IM_Remark","Value":"ok"}]}]}`, `unknown profile tag`},
		{"duplicate account", `{"Accounts":[{"UserID":"a"},{"UserID":"a"}]}`, `Accounts[1] "a": UserID appears twice`},
		{"long UserID", `{"Accounts":[{"UserID":"` + strings.Repeat("x", 33) + `"}]}`, `33 bytes`},
		{"bad group type", `{"Groups":[{"GroupId":"g","Type":"Secret"}]}`, `Groups[0] "g": Type "Secret"`},
		{"duplicate group", `{"Groups":[{"GroupId":"g","Type":"Public"},{"GroupId":"g","Type":"Work"}]}`, `Groups[1] "g": GroupId appears twice`},
		{"friend of an unknown account", `{"Accounts":[{"UserID":"a"}],"Friends":{"a":[{"To_Account":"zed","AddSource":"AddSource_Type_Web"}]}}`, `Friends["a"][0] (To_Account "zed"): no such account`},
		{"unknown From_Account", `{"Accounts":[{"UserID":"a"}],"Friends":{"zed":[{"To_Account":"a","AddSource":"AddSource_Type_Web"}]}}`, `Friends["zed"]: no such account`},
		{"malformed AddSource", `{"Accounts":[{"UserID":"a"},{"UserID":"b"}],"Friends":{"a":[{"To_Account":"b","AddSource":"Web"}]}}`, `Friends["a"][0] (To_Account "b"): AddSource: does not match`},
		{"own friend", `{"Accounts":[{"UserID":"a"}],"Friends":{"a":[{"To_Account":"a","AddSource":"AddSource_Type_Web"}]}}`, `its own friend`},
		{"duplicate friend", `{"Accounts":[{"UserID":"a"},{"UserID":"b"}],"Friends":{"a":[{"To_Account":"b","AddSource":"AddSource_Type_Web"},{"To_Account":"b","AddSource":"AddSource_Type_Web"}]}}`, `Friends["a"][1] (To_Account "b"): friend appears twice`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emulator.LoadSeed(strings.NewReader(tt.seed))
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestGenerateGroups(t *testing.T) {
	t.Parallel()
	a, b := emulator.GenerateGroups(3000, 5), emulator.GenerateGroups(3000, 5)
	if !cmp.Equal(a, b) {
		t.Error("the same seed gave different groups")
	}
	if cmp.Equal(a, emulator.GenerateGroups(3000, 6)) {
		t.Error("seeds 5 and 6 gave the same groups")
	}
	types := map[gen.GroupType]int{}
	seen := map[string]bool{}
	for _, g := range a {
		if seen[g.GroupID] || !strings.HasPrefix(g.GroupID, "@TGS#") {
			t.Fatalf("bad or repeated ID %q", g.GroupID)
		}
		seen[g.GroupID] = true
		types[g.Type]++
	}
	if len(types) != 8 {
		t.Errorf("types %v, want all 8", types)
	}
	if err := (&emulator.Seed{Groups: a}).Validate(); err != nil {
		t.Error(err)
	}
	if emulator.GenerateGroups(0, 1) != nil {
		t.Error("GenerateGroups(0) is not empty")
	}
}

func TestSampleSeed(t *testing.T) {
	t.Parallel()
	s := emulator.SampleSeed()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.Accounts[0].UserID = "changed"
	if emulator.SampleSeed().Accounts[0].UserID != "alice" {
		t.Error("SampleSeed returns shared data")
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	f := start(t)
	err := f.emu.Apply(&emulator.Seed{Accounts: []emulator.Account{{UserID: "alice"}}})
	if err == nil || !strings.Contains(err.Error(), `account "alice" exists already`) {
		t.Errorf("re-adding alice: %v", err)
	}
	err = f.emu.Apply(&emulator.Seed{Groups: []emulator.Group{{GroupID: "@TGS#2J4SZEAEL", Type: gen.GroupTypePublic}}})
	if err == nil {
		t.Error("re-adding a group: no error")
	}
	// Friends of existing accounts, naming new ones.
	err = f.emu.Apply(&emulator.Seed{Accounts: []emulator.Account{{UserID: "zoe"}},
		Friends: map[string][]gen.AddFriendItem{"erin": {{ToAccount: "zoe", AddSource: "AddSource_Type_Web"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if fr := f.emu.Friends("erin"); len(fr) != 1 || fr[0].ToAccount != "zoe" {
		t.Errorf("erin's friends %+v", fr)
	}
	// Friends() returns copies.
	fr := f.emu.Friends("alice")
	fr[0].GroupName[0] = "mutated"
	if f.emu.Friends("alice")[0].GroupName[0] != "work" {
		t.Error("Friends returned shared slices")
	}
	if f.emu.Friends("nobody") != nil {
		t.Error("Friends of an unknown account is not nil")
	}
	if err := f.emu.AddAccounts("alice", "yuri", "yuri"); err != nil {
		t.Errorf("AddAccounts with existing and repeated IDs: %v", err)
	}
}

// blocklistSeed is a seed file with a blocklist, as the package
// documentation shows it.
const blocklistSeed = `{"Accounts":[{"UserID":"alice"},{"UserID":"bob"},{"UserID":"mallory"},{"UserID":"trent"}],
 "Friends":{"alice":[{"To_Account":"bob","AddSource":"AddSource_Type_Web"}]},
 "Blocklists":{"alice":["mallory","trent"],"mallory":["bob"]}}`

func TestLoadSeedBlocklists(t *testing.T) {
	t.Parallel()
	s, err := emulator.LoadSeed(strings.NewReader(blocklistSeed))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{"alice": {"mallory", "trent"}, "mallory": {"bob"}}, s.Blocklists); diff != "" {
		t.Errorf("Blocklists (-want +got):\n%s", diff)
	}
	cfg, _ := testConfig(t)
	cfg.Seed = s
	base, emu := emulatortest.Start(t, cfg)
	want := []emulator.Block{{ToAccount: "mallory", Time: t0.Unix()}, {ToAccount: "trent", Time: t0.Unix()}}
	if diff := cmp.Diff(want, emu.Blocked("alice")); diff != "" {
		t.Errorf("alice's blocklist (-want +got):\n%s", diff)
	}
	if got := emu.Blocked("bob"); len(got) != 0 {
		t.Errorf("bob's blocklist %v", got)
	}
	if emu.Blocked("nobody") != nil {
		t.Error("Blocked of an unknown account is not nil")
	}
	c := api{t, emulatortest.NewClient(t, base, cfg)}
	r := c.checkBlocked(gen.CheckBlockedRequest{FromAccount: "bob", ToAccount: []string{"mallory"}, CheckType: gen.BlockCheckTypeBoth})
	if r.BlackListCheckItem[0].Relation != gen.BlockRelationBWithA {
		t.Errorf("bob and mallory: %+v", r.BlackListCheckItem)
	}
	// The JSON form round-trips.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := emulator.LoadSeed(bytes.NewReader(b)); err != nil || !cmp.Equal(s, again, cmp.Comparer(tag.Value.Equal)) {
		t.Errorf("re-encoded seed %s: %v", b, err)
	}
}

func TestLoadSeedBlocklistErrors(t *testing.T) {
	t.Parallel()
	accounts := `"Accounts":[{"UserID":"a"},{"UserID":"b"}]`
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf(`"u%04d"`, i)
	}
	for _, tt := range []struct {
		name, seed, wantErr string
	}{
		{"not a list of UserIDs", `{` + accounts + `,"Blocklists":{"a":[1]}}`, `Blocklists["a"][0]: json: cannot unmarshal number`},
		{"unknown From_Account", `{` + accounts + `,"Blocklists":{"zed":["a"]}}`, `Blocklists["zed"]: no such account`},
		{"unknown account blocked", `{` + accounts + `,"Blocklists":{"a":["b","zed"]}}`, `Blocklists["a"][1] "zed": no such account`},
		{"itself", `{` + accounts + `,"Blocklists":{"a":["a"]}}`, `Blocklists["a"][0] "a": an account cannot block itself`},
		{"twice", `{` + accounts + `,"Blocklists":{"a":["b","b"]}}`, `Blocklists["a"][1] "b": blocked twice`},
		{"over the limit", `{` + accounts + `,"Blocklists":{"a":[` + strings.Join(many, ",") + `]}}`, `Blocklists["a"]: more than 1000 accounts`},
		{"a friend blocked", `{` + accounts + `,"Friends":{"a":[{"To_Account":"b","AddSource":"AddSource_Type_Web"}]},"Blocklists":{"a":["b"]}}`,
			`Friends["a"][0] (To_Account "b"): one of the pair has blocked the other`},
		{"a friend who blocked", `{` + accounts + `,"Friends":{"a":[{"To_Account":"b","AddSource":"AddSource_Type_Web"}]},"Blocklists":{"b":["a"]}}`,
			`Friends["a"][0] (To_Account "b"): one of the pair has blocked the other`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emulator.LoadSeed(strings.NewReader(tt.seed))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestApplyBlocklists: Apply blocks as black_list_add does (a friendship
// in the state ends both ways), refuses a block that exists and a friend
// that a blocklist of the state separates, and changes nothing when it
// refuses.
func TestApplyBlocklists(t *testing.T) {
	t.Parallel()
	f := start(t) // the sample data: alice and bob are friends both ways
	if err := f.emu.Apply(&emulator.Seed{Blocklists: map[string][]string{"alice": {"bob"}}}); err != nil {
		t.Fatal(err)
	}
	if friendOf(f.emu, "alice", "bob") != nil || friendOf(f.emu, "bob", "alice") != nil {
		t.Error("alice and bob are still friends after alice blocked bob")
	}
	for _, tt := range []struct {
		name    string
		seed    *emulator.Seed
		wantErr string
	}{
		{"blocked already", &emulator.Seed{Blocklists: map[string][]string{"alice": {"dave", "bob"}}}, `Blocklists["alice"][1] "bob": blocked already`},
		{"a friend the state's blocklist separates", &emulator.Seed{Blocklists: map[string][]string{"alice": {"dave"}},
			Friends: map[string][]gen.AddFriendItem{"bob": {{ToAccount: "alice", AddSource: "AddSource_Type_Web"}}}},
			`Friends["bob"][0] (To_Account "alice"): one of the pair has blocked the other`},
	} {
		if err := f.emu.Apply(tt.seed); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.wantErr)
		}
	}
	if diff := cmp.Diff([]string{"bob"}, blockNames(f.emu.Blocked("alice"))); diff != "" {
		t.Errorf("refused seeds changed alice's blocklist (-want +got):\n%s", diff)
	}
	if friendOf(f.emu, "bob", "alice") != nil {
		t.Error("a refused seed made bob alice's friend")
	}
}
