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

// TestVendorSamples posts the raw JSON of every sample request of the
// vendor's pages (the examples in openapi/) with net/http, like curl, and
// checks that the answer has exactly the shape of the vendor's sample
// answer: the same field names, the same JSON types, the same codes.
func TestVendorSamples(t *testing.T) {
	t.Parallel()
	c := contract.MustLoad()
	type sampleCase struct {
		op, request, answer string
		big                 bool
		exact               bool // the values match too
		codeDiffers         map[int]bool
	}
	cases := []sampleCase{
		{"GetFriendLists", "basic", "basic", false, false, nil},
		{"GetFriendLists", "complete", "complete", false, false, nil},
		{"GetFriends", "basic", "basic", false, true, nil},
		{"GetFriends", "batch", "batch", false, true, nil},
		{"ListGroupIDs", "basic", "page", false, false, nil},
		{"ListGroupIDs", "paged", "page", false, false, nil},
		{"ListGroupIDs", "type", "page", false, false, nil},
		{"ListGroupIDs", "all", "page", false, false, nil},
		{"ImportFriends", "basic", "basic", false, true, nil},
		{"ImportFriends", "complete", "basic", false, true, nil},
		// id has 3000 friends: id1 is updated, id2 and id3 hit the limit
		// (the vendor's id3 shows 30002, SDKAppID mismatch, which the
		// emulator cannot produce).
		{"ImportFriends", "batch", "batch", true, false, map[int]bool{2: true}},
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
			cfg.Seed = sampleWorld(tc.big)
			base, _ := emulatortest.Start(t, cfg)
			status, got := newCaller(t, base, cfg).post(op.Path, nil, string(body))
			if status != 200 {
				t.Fatalf("HTTP %d", status)
			}
			var want map[string]any
			if err := jsonUnmarshalNumber(wantRaw, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(shape(want), shape(got)); diff != "" {
				t.Errorf("answer shape differs from the vendor's (-vendor +emulator):\n%s\nanswer: %v", diff, got)
			}
			if tc.exact {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("answer differs from the vendor's (-vendor +emulator):\n%s", diff)
				}
			}
			if code(t, got) != code(t, want) {
				t.Errorf("ErrorCode %v, vendor %v", got["ErrorCode"], want["ErrorCode"])
			}
			if items, ok := want["ResultItem"].([]any); ok && tc.op == "ImportFriends" {
				gotItems := got["ResultItem"].([]any)
				for i := range items {
					w, g := items[i].(map[string]any)["ResultCode"], gotItems[i].(map[string]any)["ResultCode"]
					if w != g && !tc.codeDiffers[i] {
						t.Errorf("ResultItem[%d].ResultCode %v, vendor %v", i, g, w)
					}
				}
			}
		})
	}
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
