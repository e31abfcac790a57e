package timrest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
)

// TestTags: the typed readers return each standard tag with its documented
// type, and false for a missing tag or one of another type.
func TestTags(t *testing.T) {
	t.Parallel()
	var info gen.FriendInfo
	if err := json.Unmarshal([]byte(`{"To_Account":"bob","ResultCode":0,"SnsProfileItem":[
		{"Tag":"Tag_SNS_IM_Remark","Value":"Bobby"},
		{"Tag":"Tag_SNS_IM_Group","Value":["work","family"]},
		{"Tag":"Tag_SNS_IM_AddSource","Value":"AddSource_Type_Web"},
		{"Tag":"Tag_SNS_IM_AddWording","Value":"hi"},
		{"Tag":"Tag_SNS_IM_AddTime","Value":1420000001},
		{"Tag":"Tag_SNS_IM_RemarkTime","Value":1420000002},
		{"Tag":"Tag_Profile_IM_Nick","Value":"bob"},
		{"Tag":"Tag_Profile_IM_Gender","Value":"Gender_Type_Male"},
		{"Tag":"Tag_Profile_IM_BirthDay","Value":20190419},
		{"Tag":"Tag_Profile_IM_Location","Value":"Paris"},
		{"Tag":"Tag_Profile_IM_SelfSignature","Value":"sig"},
		{"Tag":"Tag_Profile_IM_AllowType","Value":"AllowType_Type_AllowAny"},
		{"Tag":"Tag_Profile_IM_Language","Value":2},
		{"Tag":"Tag_Profile_IM_Image","Value":"https://img"},
		{"Tag":"Tag_Profile_IM_AdminForbidType","Value":"AdminForbid_Type_None"},
		{"Tag":"Tag_Profile_IM_Level","Value":7},
		{"Tag":"Tag_Profile_IM_Role","Value":3},
		{"Tag":"Tag_SNS_Custom_Score","Value":42},
		{"Tag":"Tag_SNS_Custom_Note","Value":"n"},
		{"Tag":"Tag_Profile_Custom_Hobby","Value":"chess"}]}`), &info); err != nil {
		t.Fatal(err)
	}
	tags := timrest.Tags(info.SNSProfileItem)
	str := func(s string, ok bool) any { return [2]any{s, ok} }
	num := func(n int64, ok bool) any { return [2]any{n, ok} }
	when := func(t time.Time, ok bool) any { return [2]any{t.Unix(), ok} }
	lists, listsOK := tags.FriendLists()
	score, _ := tags.SNSCustom("Score")
	note, _ := tags.SNSCustom("Note")
	hobby, _ := tags.ProfileCustom("Hobby")
	scoreN, scoreOK := score.AsInt()
	noteS, _ := note.AsString()
	hobbyS, _ := hobby.AsString()
	got := map[string]any{
		"remark": str(tags.Remark()), "lists": [2]any{lists, listsOK}, "addSource": str(tags.AddSource()),
		"addWording": str(tags.AddWording()), "addTime": when(tags.AddTime()), "remarkTime": when(tags.RemarkTime()),
		"nick": str(tags.Nick()), "gender": str(tags.Gender()), "birthday": num(tags.BirthDay()),
		"location": str(tags.Location()), "signature": str(tags.SelfSignature()), "allow": str(tags.AllowType()),
		"language": num(tags.Language()), "image": str(tags.Image()), "forbid": str(tags.AdminForbidType()),
		"level": num(tags.Level()), "role": num(tags.Role()),
		"score": [2]any{scoreN, scoreOK}, "note": noteS, "hobby": hobbyS,
	}
	want := map[string]any{
		"remark": str("Bobby", true), "lists": [2]any{[]string{"work", "family"}, true}, "addSource": str("AddSource_Type_Web", true),
		"addWording": str("hi", true), "addTime": [2]any{int64(1420000001), true}, "remarkTime": [2]any{int64(1420000002), true},
		"nick": str("bob", true), "gender": str("Gender_Type_Male", true), "birthday": num(20190419, true),
		"location": str("Paris", true), "signature": str("sig", true), "allow": str("AllowType_Type_AllowAny", true),
		"language": num(2, true), "image": str("https://img", true), "forbid": str("AdminForbid_Type_None", true),
		"level": num(7, true), "role": num(3, true),
		"score": [2]any{int64(42), true}, "note": "n", "hobby": "chess",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	// Missing tags and tags of another type than documented.
	odd := timrest.Tags{{Tag: timrest.TagRemark, Value: mustValue(t, `5`)}, {Tag: timrest.TagAddTime, Value: mustValue(t, `"yesterday"`)}}
	if s, ok := odd.Remark(); ok || s != "" {
		t.Errorf("an integer remark read as %q", s)
	}
	if _, ok := odd.AddTime(); ok {
		t.Error("a string AddTime read as a time")
	}
	if _, ok := odd.Nick(); ok {
		t.Error("a missing Nick read")
	}
	if _, ok := odd.SNSCustom("Score"); ok {
		t.Error("a missing custom tag read")
	}
}

func mustValue(t *testing.T, js string) (v gen.TagValue) {
	t.Helper()
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	return v
}
