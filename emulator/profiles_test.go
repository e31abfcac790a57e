package emulator_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

func pItem(name string, v tag.Value) gen.ProfileItem { return gen.ProfileItem{Tag: name, Value: v} }

func tItem(name string, v tag.Value) gen.TagItem { return gen.TagItem{Tag: name, Value: v} }

// goodValue is a value every standard profile tag of spec.Tags takes.
func goodValue(t spec.Tag) tag.Value {
	switch {
	case t.Enum != nil:
		return tag.String(t.Enum[len(t.Enum)-1])
	case t.Type == spec.TagInteger:
		return tag.Int(4294967295)
	default:
		return tag.String("v-" + t.GoName)
	}
}

func TestSetProfile(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	// Every standard tag, with a value of its type, and custom tags with
	// strings and integers; a tag given twice takes the later value.
	var items []gen.ProfileItem
	var want []gen.TagItem
	for _, tg := range spec.Tags {
		if tg.Family == "profile" {
			items = append(items, pItem(tg.Name, goodValue(tg)))
			want = append(want, tItem(tg.Name, goodValue(tg)))
		}
	}
	items = append(items,
		pItem("Tag_Profile_Custom_Hobby", tag.String("first")),
		pItem("Tag_Profile_Custom_Score", tag.Int(-5)),
		pItem("Tag_Profile_Custom_Hobby", tag.String(strings.Repeat("x", 500))),
		pItem("Tag_Profile_IM_Nick", tag.String(strings.Repeat("é", 250))), // 500 bytes
	)
	want[0] = tItem("Tag_Profile_IM_Nick", tag.String(strings.Repeat("é", 250)))
	want = append(want, tItem("Tag_Profile_Custom_Hobby", tag.String(strings.Repeat("x", 500))), tItem("Tag_Profile_Custom_Score", tag.Int(-5)))
	if a := w.setProfile("ann", items...); a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 {
		t.Fatalf("%+v", a)
	}
	names := append(allProfileTags(), "Tag_Profile_Custom_Hobby", "Tag_Profile_Custom_Score")
	if diff := cmp.Diff(want, w.profile("ann", names...)); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	// Setting the same again gives the same profile.
	w.setProfile("ann", items...)
	if diff := cmp.Diff(want, w.profile("ann", names...)); diff != "" {
		t.Errorf("profile after setting it again (-want +got):\n%s", diff)
	}
}

func TestSetProfileRefusals(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	before := []gen.TagItem{tItem("Tag_Profile_IM_Nick", tag.String("BOB"))}
	good := pItem("Tag_Profile_IM_Level", tag.Int(3))
	for _, tc := range []struct {
		name  string
		item  gen.ProfileItem
		code  int32
		class spec.Class
	}{
		{"unknown standard tag", pItem("Tag_Profile_IM_Mood", tag.String("ok")), 40009, spec.ClassBadRequest},
		// A custom name the console cannot have set up (over 8 letters, a
		// digit, an underscore) breaks the document's ProfileTagName, so the
		// validating client cannot send it: checkProfileTag's 40009 for it
		// is TestCustomProfileTagsFollowCustomFriendTags's.
		{"string for an integer tag", pItem("Tag_Profile_IM_Level", tag.String("high")), 40610, spec.ClassBadRequest},
		{"integer for a string tag", pItem("Tag_Profile_IM_Nick", tag.Int(7)), 40610, spec.ClassBadRequest},
		{"integer for an enum tag", pItem("Tag_Profile_IM_Gender", tag.Int(1)), 40610, spec.ClassBadRequest},
		{"outside the enum", pItem("Tag_Profile_IM_Gender", tag.String("Female")), 40605, spec.ClassBadRequest},
		{"AllowType outside the enum", pItem("Tag_Profile_IM_AllowType", tag.String("AllowType_Type_Maybe")), 40605, spec.ClassBadRequest},
		{"2^32", pItem("Tag_Profile_IM_BirthDay", tag.Int(1<<32)), 40605, spec.ClassBadRequest},
		{"negative", pItem("Tag_Profile_IM_Level", tag.Int(-1)), 40605, spec.ClassBadRequest},
		{"over the tag's own bytes", pItem("Tag_Profile_IM_Location", tag.String(strings.Repeat("é", 9))), 40605, spec.ClassBadRequest},
		{"standard over 500 bytes", pItem("Tag_Profile_IM_Nick", tag.String(long500)), 40601, spec.ClassBadRequest},
		{"custom over 500 bytes", pItem("Tag_Profile_Custom_Hobby", tag.String(long500)), 40601, spec.ClassBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The bad item after a good one: nothing is set.
			a := w.setProfile("bob", good, tc.item)
			if a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != tc.code || a.ErrorInfo == nil || !strings.Contains(*a.ErrorInfo, "ProfileItem[1]") {
				t.Errorf("answer %+v (ErrorInfo %q), want FAIL %d naming ProfileItem[1]", a, deref(a.ErrorInfo), tc.code)
			}
			docCode(t, spec.SetProfile, a.ErrorCode, tc.class)
			if diff := cmp.Diff(before, w.profile("bob", append(allProfileTags(), "Tag_Profile_Custom_Hobby")...)); diff != "" {
				t.Errorf("a refused call changed the profile (-before +after):\n%s", diff)
			}
		})
	}

	// From_Account must exist; its check comes before the items'.
	for _, items := range [][]gen.ProfileItem{{good}, {pItem("Tag_Profile_IM_Mood", tag.String("ok"))}} {
		a := w.setProfile("ghost", items...)
		if a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 40003 {
			t.Errorf("unknown From_Account: %+v", a)
		}
		docCode(t, spec.SetProfile, a.ErrorCode, spec.ClassNotFound)
	}
	if w.imported("ghost") {
		t.Error("portrait_set imported ghost")
	}
	// A From_Account over 32 bytes is a bad parameter.
	a := w.setProfile(wide, good)
	if a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 40001 {
		t.Errorf("From_Account over 32 bytes: %+v", a)
	}
	docCode(t, spec.SetProfile, a.ErrorCode, spec.ClassBadRequest)
	// A deleted account's profile cannot be set.
	w.delete("dan")
	if a := w.setProfile("dan", good); a.ErrorCode != 40003 {
		t.Errorf("the deleted dan: %+v", a)
	}
	// An ErrorInfo quoting a long tag name stays short.
	a = w.setProfile("bob", pItem("Tag_Profile_IM_"+strings.Repeat("X", 5000), tag.String("ok")))
	if a.ErrorCode != 40009 || len(*a.ErrorInfo) > 400 {
		t.Errorf("long tag name: code %d, ErrorInfo of %d bytes", a.ErrorCode, len(*a.ErrorInfo))
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestGetProfiles(t *testing.T) {
	w := newAccountWorld(t, &emulator.Seed{Accounts: []emulator.Account{
		{UserID: "ann", Profile: []gen.TagItem{
			tItem("Tag_Profile_IM_Nick", tag.String("Ann")), tItem("Tag_Profile_IM_Level", tag.Int(3)),
			tItem("Tag_Profile_Custom_Hobby", tag.String("chess")), tItem("Tag_Profile_IM_Gender", tag.String("Gender_Type_Female")),
		}},
		{UserID: "bob"},
		{UserID: "cat", Profile: []gen.TagItem{tItem("Tag_Profile_IM_Nick", tag.String("Cat"))}},
	}})
	a, raw := w.profiles([]string{"ann", "bob", "cat", "ann"},
		"Tag_Profile_Custom_Hobby", "Tag_Profile_IM_Nick", "Tag_Profile_IM_Mood", "Tag_Profile_IM_Level", "Tag_Profile_IM_Nick", "Tag_Profile_IM_Image")
	annItems := []gen.TagItem{tItem("Tag_Profile_Custom_Hobby", tag.String("chess")), tItem("Tag_Profile_IM_Nick", tag.String("Ann")), tItem("Tag_Profile_IM_Level", tag.Int(3))}
	want := &gen.GetProfilesResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: sptr(""), ErrorDisplay: sptr(""), UserProfileItem: []gen.UserProfile{
		{ToAccount: "ann", ProfileItem: annItems, ResultInfo: sptr("")},
		{ToAccount: "bob", ProfileItem: []gen.TagItem{}, ResultInfo: sptr("")},
		{ToAccount: "cat", ProfileItem: []gen.TagItem{tItem("Tag_Profile_IM_Nick", tag.String("Cat"))}, ResultInfo: sptr("")},
		{ToAccount: "ann", ProfileItem: annItems, ResultInfo: sptr("")},
	}}
	if diff := cmp.Diff(want, a, cmp.Comparer(func(x, y tag.Value) bool { return x.Equal(y) })); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	// An account without the tags has an empty ProfileItem; nothing
	// failed, so there is no Fail_Account.
	var items struct{ UserProfileItem []map[string]json.RawMessage }
	if err := json.Unmarshal(raw, &items); err != nil {
		t.Fatal(err)
	}
	if hasKey(t, raw, "Fail_Account") || len(items.UserProfileItem) != 4 || string(items.UserProfileItem[1]["ProfileItem"]) != "[]" {
		t.Errorf("answer: %s", raw)
	}

	// The same with a TagList no longer than the profile (cat has one
	// tag, not the one asked for).
	if _, raw := w.profiles([]string{"cat"}, "Tag_Profile_IM_Image"); !strings.Contains(string(raw), `"ProfileItem":[]`) {
		t.Errorf("cat without the tag: %s", raw)
	}

	// A TagList longer than the profile: the same tags in TagList order.
	long := []string{"Tag_Profile_IM_Gender"}
	for i := range 40 {
		long = append(long, fmt.Sprintf("Tag_Profile_Custom_T%c", 'a'+i%26))
	}
	long = append(long, "Tag_Profile_Custom_Hobby", "Tag_Profile_IM_Level", "Tag_Profile_IM_Nick")
	got := w.profile("ann", long...)
	wantLong := []gen.TagItem{tItem("Tag_Profile_IM_Gender", tag.String("Gender_Type_Female")), tItem("Tag_Profile_Custom_Hobby", tag.String("chess")), tItem("Tag_Profile_IM_Level", tag.Int(3)), tItem("Tag_Profile_IM_Nick", tag.String("Ann"))}
	if diff := cmp.Diff(wantLong, got); diff != "" {
		t.Errorf("long TagList (-want +got):\n%s", diff)
	}

	// Every account must have been imported: one that has not fails the
	// whole call.
	for _, to := range [][]string{{"ghost"}, {"ann", "bob", "ghost", "cat"}} {
		a, raw := w.profiles(to, "Tag_Profile_IM_Nick")
		if a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 40003 || len(a.UserProfileItem) != 0 || !strings.Contains(deref(a.ErrorInfo), "ghost") {
			t.Errorf("%v: %s", to, raw)
		}
		docCode(t, spec.GetProfiles, a.ErrorCode, spec.ClassNotFound)
	}
	// A UserID over 32 bytes is a bad parameter.
	if a, raw := w.profiles([]string{"ann", wide}, "Tag_Profile_IM_Nick"); a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 40001 {
		t.Errorf("UserID over 32 bytes: %s", raw)
	}
	docCode(t, spec.GetProfiles, 40001, spec.ClassBadRequest)
}

// TestProfilesReachFriends: friend_get_list reads the profiles that
// portrait_set and account_import write.
func TestProfilesReachFriends(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	w.setProfile("bob", pItem("Tag_Profile_IM_Nick", tag.String("Robert")), pItem("Tag_Profile_Custom_Hobby", tag.String("golf")))
	w.importOne(gen.ImportAccountRequest{UserID: "bob", FaceURL: sptr("https://example.com/bob.png")})
	r, err := w.c.GetFriendsWithResponse(t.Context(), gen.GetFriendsRequest{FromAccount: "ann", ToAccount: []string{"bob"},
		TagList: []string{"Tag_Profile_IM_Nick", "Tag_Profile_IM_Image", "Tag_Profile_Custom_Hobby"}})
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	if len(r.JSON200.InfoItem) != 1 {
		t.Fatalf("%s", r.Body)
	}
	want := []gen.TagItem{tItem("Tag_Profile_IM_Nick", tag.String("Robert")), tItem("Tag_Profile_IM_Image", tag.String("https://example.com/bob.png")), tItem("Tag_Profile_Custom_Hobby", tag.String("golf"))}
	if diff := cmp.Diff(want, r.JSON200.InfoItem[0].SNSProfileItem); diff != "" {
		t.Errorf("friend_get_list (-want +got):\n%s", diff)
	}
}

// TestSeedProfilesAreServed: the profiles of a seed are portrait_get's.
func TestSeedProfilesAreServed(t *testing.T) {
	s := emulator.SampleSeed()
	w := newAccountWorld(t, s)
	for _, acc := range s.Accounts {
		var names []string
		for _, it := range acc.Profile {
			names = append(names, it.Tag)
		}
		if diff := cmp.Diff(acc.Profile, w.profile(acc.UserID, names...)); diff != "" {
			t.Errorf("%s (-seed +portrait_get):\n%s", acc.UserID, diff)
		}
	}
	if !slices.ContainsFunc(s.Accounts, func(a emulator.Account) bool { return len(a.Profile) > 1 }) {
		t.Fatal("the sample seed has no profiles to read")
	}
}
