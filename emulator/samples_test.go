package emulator_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// sampleWorld is a seed under which the vendor's sample requests (the
// examples of openapi/) get the vendor's sample answers.
func sampleWorld(bigFriendCount bool) *emulator.Seed {
	s := &emulator.Seed{Friends: map[string][]gen.AddFriendItem{}}
	add := func(id string, profile ...gen.TagItem) {
		s.Accounts = append(s.Accounts, emulator.Account{UserID: id, Profile: profile})
	}
	for _, id := range []string{"id", "id1", "id2", "id3", "friend1", "f2a", "f2b", "f3a", "f3b", "f3c", "UserID_1", "UserID_4"} {
		add(id)
	}
	add("UserID_2", gen.TagItem{Tag: "Tag_Profile_IM_Nick", Value: tag.String("nick_2")}, gen.TagItem{Tag: "Tag_Profile_Custom_Test", Value: tag.String("custom_profile_2")})
	add("UserID_3", gen.TagItem{Tag: "Tag_Profile_IM_Nick", Value: tag.String("nick_3")}, gen.TagItem{Tag: "Tag_Profile_Custom_Test", Value: tag.String("custom_profile_3")})
	web := "AddSource_Type_Web"
	for _, f := range []struct{ to, list string }{{"friend1", "group1"}, {"f2a", "group2"}, {"f2b", "group2"}, {"f3a", "group3"}, {"f3b", "group3"}, {"f3c", "group3"}} {
		s.Friends["id"] = append(s.Friends["id"], gen.AddFriendItem{ToAccount: f.to, AddSource: web, GroupName: []string{f.list}})
	}
	if bigFriendCount { // id has 3000 friends, id1 among them
		s.Friends["id"] = []gen.AddFriendItem{{ToAccount: "id1", AddSource: web}}
		for i := range 2999 {
			id := fmt.Sprintf("u%04d", i)
			add(id)
			s.Friends["id"] = append(s.Friends["id"], gen.AddFriendItem{ToAccount: id, AddSource: web})
		}
	}
	s.Friends["UserID_1"] = []gen.AddFriendItem{
		{ToAccount: "UserID_2", AddSource: web, Remark: ptr("remark_2"), GroupName: []string{"group1", "group2"},
			CustomItem: []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Test", Value: tag.String("custom_sns_2")}}},
		{ToAccount: "UserID_3", AddSource: web, Remark: ptr("remark_3")},
	}
	s.Groups = []emulator.Group{{GroupID: "@TGS#2J4SZEAEL", Type: gen.GroupTypePublic}, {GroupID: "@TGS#2C5SZEAEF", Type: gen.GroupTypePublic}}
	return s
}

// world is a seed built for one sample: accounts with profiles,
// friends and blocks, in the seed's own shapes.
type world struct{ s *emulator.Seed }

func newWorld(ids ...string) *world {
	w := &world{&emulator.Seed{Friends: map[string][]gen.AddFriendItem{}, Blocklists: map[string][]string{}}}
	for _, id := range ids {
		w.s.Accounts = append(w.s.Accounts, emulator.Account{UserID: id})
	}
	return w
}

// profile sets a profile tag of the account id.
func (w *world) profile(id, tg string, v tag.Value) *world {
	for i := range w.s.Accounts {
		if w.s.Accounts[i].UserID == id {
			w.s.Accounts[i].Profile = append(w.s.Accounts[i].Profile, gen.TagItem{Tag: tg, Value: v})
		}
	}
	return w
}

// friend makes to a one-way friend of from, with its AddSource and the
// fields of opt.
func (w *world) friend(from, to string, opt ...func(*gen.AddFriendItem)) *world {
	it := gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Web"}
	for _, o := range opt {
		o(&it)
	}
	w.s.Friends[from] = append(w.s.Friends[from], it)
	return w
}

// block puts tos on the blocklist of from.
func (w *world) block(from string, tos ...string) *world {
	w.s.Blocklists[from] = append(w.s.Blocklists[from], tos...)
	return w
}

func (w *world) seed() *emulator.Seed { return w.s }

// TestVendorSamples posts the raw JSON of every sample request of the
// vendor's pages (the examples in openapi/) with net/http, like curl, and
// checks that the answer has exactly the shape of the vendor's sample
// answer: the same field names, the same JSON types, the same codes
// (per item too, but where the vendor's sample shows a code the emulator
// cannot produce, such as 30002 or 30006, and another failure stands in).
func TestVendorSamples(t *testing.T) {
	t.Parallel()
	c := contract.MustLoad()
	type sampleCase struct {
		op, request, answer string
		world               func() *emulator.Seed // nil: sampleWorld(false)
		exact               bool                  // the values match too
		codeDiffers         map[int]bool          // items whose code differs from the vendor's
		ignore              []string              // answer fields left out of the comparison (not emulated)
		codeOnly            bool                  // only the ErrorCode is compared (the vendor has no sample answer for the request)
	}
	big := func() *emulator.Seed { return sampleWorld(true) }
	allowAny := tag.String("AllowType_Type_AllowAny")
	cases := []sampleCase{
		{op: "GetFriendLists", request: "basic", answer: "basic"},
		{op: "GetFriendLists", request: "complete", answer: "complete"},
		{op: "GetFriends", request: "basic", answer: "basic", exact: true},
		{op: "GetFriends", request: "batch", answer: "batch", exact: true},
		{op: "ListGroupIDs", request: "basic", answer: "page"},
		{op: "ListGroupIDs", request: "paged", answer: "page"},
		{op: "ListGroupIDs", request: "type", answer: "page"},
		{op: "ListGroupIDs", request: "all", answer: "page"},
		{op: "ImportFriends", request: "basic", answer: "basic", exact: true},
		{op: "ImportFriends", request: "complete", answer: "basic", exact: true},
		// id has 3000 friends: id1 is updated, id2 and id3 hit the limit
		// (the vendor's id3 shows 30002, SDKAppID mismatch, which the
		// emulator cannot produce).
		{op: "ImportFriends", request: "batch", answer: "batch", world: big, codeDiffers: map[int]bool{2: true}},

		// friend_add: id1 takes any request; in the batch (a force-add)
		// id2 is a friend already (30001 for the vendor's 30006) and id3
		// does not exist (30003 for 30002).
		{op: "AddFriends", request: "basic", answer: "basic", exact: true,
			world: func() *emulator.Seed {
				return newWorld("id", "id1").profile("id1", "Tag_Profile_IM_AllowType", allowAny).seed()
			}},
		{op: "AddFriends", request: "complete", answer: "basic", exact: true,
			world: func() *emulator.Seed { return newWorld("id", "id1").seed() }},
		{op: "AddFriends", request: "batch", answer: "batch", codeDiffers: map[int]bool{1: true, 2: true},
			world: func() *emulator.Seed { return newWorld("id", "id1", "id2").friend("id", "id2").seed() }},
		// friend_update: id1 and id2 are friends of id, which has 31
		// lists, so that id2's two new lists are one too many (30011, as
		// the vendor's); id3 is not a friend (30001 for 30002).
		{op: "UpdateFriends", request: "basic", answer: "basic", exact: true,
			world: func() *emulator.Seed { return newWorld("id", "id1").friend("id", "id1").seed() }},
		{op: "UpdateFriends", request: "complete", answer: "basic", exact: true,
			world: func() *emulator.Seed { return newWorld("id", "id1").friend("id", "id1").seed() }},
		{op: "UpdateFriends", request: "batch", answer: "batch", codeDiffers: map[int]bool{2: true},
			world: func() *emulator.Seed {
				lists := make([]string, 31)
				for i := range lists {
					lists[i] = fmt.Sprintf("list%02d", i)
				}
				return newWorld("id", "id1", "id2", "id3").friend("id", "id1", func(it *gen.AddFriendItem) { it.GroupName = lists }).friend("id", "id2").seed()
			}},
		{op: "DeleteFriends", request: "single", answer: "basic", exact: true,
			world: func() *emulator.Seed {
				return newWorld("id", "id1", "id2", "id3").friend("id", "id1").friend("id", "id2").friend("id", "id3").seed()
			}},
		{op: "DeleteFriends", request: "both", answer: "basic", exact: true,
			world: func() *emulator.Seed {
				return newWorld("id", "id1", "id2", "id3").friend("id", "id1").friend("id1", "id").friend("id", "id2").friend("id", "id3").seed()
			}},
		{op: "DeleteAllFriends", request: "single", answer: "basic", exact: true,
			world: func() *emulator.Seed { return newWorld("id", "id1").friend("id", "id1").seed() }},
		{op: "DeleteAllFriends", request: "both", answer: "basic", exact: true,
			world: func() *emulator.Seed { return newWorld("id", "id1").friend("id", "id1").friend("id1", "id").seed() }},
		// friend_check: the four relations; id5 does not exist (30003 for
		// the vendor's 30006).
		{op: "CheckFriends", request: "basic", answer: "basic", codeDiffers: map[int]bool{4: true},
			world: func() *emulator.Seed {
				return newWorld("id", "id1", "id2", "id3", "id4").friend("id", "id1").friend("id1", "id").friend("id", "id2").friend("id3", "id").seed()
			}},
		// friend_get: id's two friends with the vendor's data.
		{op: "ListFriends", request: "basic", answer: "basic", world: friendGetWorld},
		{op: "ListFriends", request: "first", answer: "basic", world: friendGetWorld},
		// black_list_add: id2 is blocked already (30001, as the
		// vendor's); id3 does not exist (30003 for 30002).
		{op: "BlockAccounts", request: "basic", answer: "basic", codeDiffers: map[int]bool{2: true},
			world: func() *emulator.Seed { return newWorld("id", "id1", "id2").block("id", "id2").seed() }},
		// black_list_delete: id3 is not blocked (30001 for 30006).
		{op: "UnblockAccounts", request: "basic", answer: "basic", codeDiffers: map[int]bool{2: true},
			world: func() *emulator.Seed { return newWorld("id", "id1", "id2", "id3").block("id", "id1", "id2").seed() }},
		// black_list_get answers the newer spelling, CurrentSequence.
		{op: "ListBlocked", request: "basic", answer: "newer",
			world: func() *emulator.Seed { return newWorld("id", "id1", "id2").block("id", "id1", "id2").seed() }},
		{op: "ListBlocked", request: "rest", answer: "newer",
			world: func() *emulator.Seed { return newWorld("id", "id1", "id2").block("id", "id1", "id2").seed() }},
		// black_list_check: the four relations; id5 does not exist (30003
		// for 30007).
		{op: "CheckBlocked", request: "basic", answer: "basic", codeDiffers: map[int]bool{4: true},
			world: func() *emulator.Seed {
				return newWorld("id", "id1", "id2", "id3", "id4").block("id", "id1", "id2").block("id1", "id").block("id3", "id").seed()
			}},
		// group_add: id1 is a friend, id2 is not (32216, as the vendor's),
		// id3 does not exist (30003 for 30002).
		{op: "AddFriendLists", request: "basic", answer: "basic", world: func() *emulator.Seed { return newWorld("id").seed() }},
		{op: "AddFriendLists", request: "complete", answer: "complete", codeDiffers: map[int]bool{2: true},
			world: func() *emulator.Seed { return newWorld("id", "id1", "id2").friend("id", "id1").seed() }},
		// group_delete: id has group1 to group3 (sampleWorld).
		{op: "DeleteFriendLists", request: "basic", answer: "basic"},

		// The accounts and profiles (their behaviours are accounts.go's
		// and profiles.go's): what the emulator cannot know (logins, the
		// vendor's failures of multiaccount_import) is left out.
		{op: "ImportAccount", request: "basic", answer: "basic", exact: true, world: func() *emulator.Seed { return newWorld().seed() }},
		{op: "ImportAccounts", request: "list", answer: "list", ignore: []string{"FailAccounts"}, world: func() *emulator.Seed { return newWorld().seed() }},
		{op: "ImportAccounts", request: "accounts", answer: "accounts", ignore: []string{"FailAccounts"}, world: func() *emulator.Seed { return newWorld().seed() }},
		{op: "DeleteAccounts", request: "basic", answer: "basic", exact: true, world: func() *emulator.Seed { return newWorld("UserID_1").seed() }},
		{op: "CheckAccounts", request: "basic", answer: "basic", exact: true, world: func() *emulator.Seed { return newWorld("UserID_1").seed() }},
		{op: "KickAccount", request: "basic", answer: "basic", exact: true, world: func() *emulator.Seed { return newWorld("test").seed() }},
		{op: "GetOnlineStatus", request: "basic", answer: "basic", ignore: []string{"QueryResult"},
			world: func() *emulator.Seed { return newWorld("id1", "id2", "id3").seed() }},
		{op: "GetOnlineStatus", request: "detail", answer: "detail", ignore: []string{"QueryResult"},
			world: func() *emulator.Seed { return newWorld("id1", "id2", "id3").seed() }},
		{op: "GetProfiles", request: "basic", answer: "basic", exact: true,
			world: func() *emulator.Seed {
				return newWorld("id1").profile("id1", "Tag_Profile_IM_Nick", tag.String("NickNameTest1")).seed()
			}},
		{op: "GetProfiles", request: "tags", answer: "basic", codeOnly: true, world: func() *emulator.Seed { return newWorld("id1").seed() }},
		{op: "GetProfiles", request: "accounts", answer: "basic", codeOnly: true, world: func() *emulator.Seed { return newWorld("id1", "id2", "id3").seed() }},
		{op: "GetProfiles", request: "batch", answer: "basic", codeOnly: true, world: func() *emulator.Seed { return newWorld("id1", "id2", "id3", "id4").seed() }},
		{op: "SetProfile", request: "basic", answer: "ok", exact: true, world: func() *emulator.Seed { return newWorld("id").seed() }},
	}
	// Every sample request of the document has a case.
	for _, o := range spec.Operations {
		requests, _, err := c.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range requests {
			if !slices.ContainsFunc(cases, func(tc sampleCase) bool { return tc.op == o.ID && tc.request == r.Name }) {
				t.Errorf("the sample request %s/%s has no case", o.ID, r.Name)
			}
		}
	}
	for _, tc := range cases {
		t.Run(tc.op+"/"+tc.request, func(t *testing.T) {
			t.Parallel()
			op := spec.ByID(tc.op)
			if op == nil {
				t.Fatalf("no operation %s", tc.op)
			}
			requests, answers, err := c.Examples(tc.op)
			if err != nil {
				t.Fatal(err)
			}
			body, wantRaw := exampleNamed(requests, tc.request), exampleNamed(answers, tc.answer)
			if body == nil || wantRaw == nil {
				t.Fatalf("examples %s/%s missing", tc.request, tc.answer)
			}
			cfg, _ := testConfig(t)
			cfg.Seed = sampleWorld(false)
			if tc.world != nil {
				cfg.Seed = tc.world()
			}
			base, emu := emulatortest.Start(t, cfg)
			status, got := newCaller(t, base, cfg).post(op.Path, nil, string(body))
			if status != 200 {
				t.Fatalf("HTTP %d", status)
			}
			if st := emu.Stats(); st.NotStateful[tc.op] != 0 {
				t.Errorf("%s was answered by the generic fallback, not its behaviour", tc.op)
			}
			var want map[string]any
			if err := jsonUnmarshalNumber(wantRaw, &want); err != nil {
				t.Fatal(err)
			}
			if code(t, got) != code(t, want) {
				t.Errorf("ErrorCode %v, vendor %v; answer %v", got["ErrorCode"], want["ErrorCode"], got)
			}
			if tc.codeOnly {
				return
			}
			for _, k := range tc.ignore {
				delete(want, k)
				delete(got, k)
			}
			if diff := cmp.Diff(shape(want), shape(got)); diff != "" {
				t.Errorf("answer shape differs from the vendor's (-vendor +emulator):\n%s\nanswer: %v", diff, got)
			}
			if tc.exact {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("answer differs from the vendor's (-vendor +emulator):\n%s", diff)
				}
			}
			for _, field := range []string{"ResultItem", "InfoItem", "BlackListCheckItem"} {
				items, ok := want[field].([]any)
				if !ok {
					continue
				}
				gotItems, _ := got[field].([]any)
				for i := range min(len(items), len(gotItems)) {
					w, g := items[i].(map[string]any)["ResultCode"], gotItems[i].(map[string]any)["ResultCode"]
					if w != g && !tc.codeDiffers[i] {
						t.Errorf("%s[%d].ResultCode %v, vendor %v", field, i, g, w)
					}
					if w == g && tc.codeDiffers[i] {
						t.Errorf("%s[%d].ResultCode %v is the vendor's: drop it from codeDiffers", field, i, g)
					}
				}
			}
		})
	}
}

// friendGetWorld: id has the two friends of the vendor's friend_get
// sample, with their data.
func friendGetWorld() *emulator.Seed {
	return newWorld("id", "id1", "id2").
		friend("id", "id1", func(it *gen.AddFriendItem) {
			it.AddSource, it.Remark, it.RemarkTime = "AddSource_Type_Android", ptr("Remark1"), ptr[int64](0)
			it.GroupName, it.AddTime = []string{"Group1", "Group2"}, ptr[int64](1563867420)
			it.CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Test", Value: tag.String("CustomData1")}}
		}).
		friend("id", "id2", func(it *gen.AddFriendItem) {
			it.AddSource, it.GroupName, it.AddTime = "AddSource_Type_IOS", []string{"Group1"}, ptr[int64](1563867425)
		}).seed()
}

// exampleNamed returns the JSON of the example called name, or nil.
func exampleNamed(exs []contract.Example, name string) []byte {
	for _, e := range exs {
		if e.Name == name {
			return e.Value
		}
	}
	return nil
}

// shape maps a decoded JSON value to its skeleton: objects keep their
// keys, arrays their elements, scalars become their JSON type.
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, vv := range x {
			m[k] = shape(vv)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = shape(vv)
		}
		return out
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
