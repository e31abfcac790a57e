package emulator

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// TestGroupTypesFollowTheDocument checks that old and new group type
// names are one type, as spec.GroupTypeRenames says.
func TestGroupTypesFollowTheDocument(t *testing.T) {
	for _, tt := range []struct{ in, want gen.GroupType }{
		{gen.GroupTypePrivate, gen.GroupTypeWork},
		{gen.GroupTypeChatRoom, gen.GroupTypeMeeting},
		{gen.GroupTypeWork, gen.GroupTypeWork},
		{gen.GroupTypePublic, gen.GroupTypePublic},
		{gen.GroupTypeAVChatRoom, gen.GroupTypeAVChatRoom},
	} {
		if got := canonicalType(tt.in); got != tt.want {
			t.Errorf("canonicalType(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for from, to := range spec.GroupTypeRenames {
		if got := canonicalType(gen.GroupType(from)); got != gen.GroupType(to) {
			t.Errorf("canonicalType(%s) = %s, want %s", from, got, to)
		}
	}
}

// TestFriendTagsAreTheDocuments: every standard friend tag of spec.Tags
// has a field of Friend that friend_get_list answers it from, and every
// field reader is for a standard friend tag of the document.
func TestFriendTagsAreTheDocuments(t *testing.T) {
	var doc []string
	for _, tg := range spec.Tags {
		if tg.Family == "friend" {
			doc = append(doc, tg.Name)
			if _, ok := friendTags[tg.Name]; !ok {
				t.Errorf("the standard friend tag %s (go %s) has no field of Friend (friendFields)", tg.Name, tg.GoName)
			}
		}
	}
	if len(friendTags) != len(friendFields) {
		t.Errorf("friendFields has %d readers, %d of them for the document's friend tags %v", len(friendFields), len(friendTags), doc)
	}
	f := &Friend{GroupName: []string{"a"}, Remark: "r", RemarkTime: 2, AddSource: "s", AddWording: "w", AddTime: 1}
	for _, name := range slices.Sorted(maps.Keys(friendTags)) {
		v, ok := friendTag(f, nil, name)
		if !ok {
			t.Errorf("%s: absent from a friend with every field set", name)
		}
		if _, ok := friendTag(&Friend{}, nil, name); ok {
			t.Errorf("%s: present on a friend with no field set", name)
		}
		i := slices.IndexFunc(spec.Tags, func(tg spec.Tag) bool { return tg.Name == name })
		if want := tagKinds[spec.Tags[i].Type]; v.Kind() != want {
			t.Errorf("%s: a value of kind %s, want %s", name, v.Kind(), want)
		}
	}
}

// TestProfileTagsAreTheDocuments: the seed takes each standard profile
// tag of spec.Tags with a value of its type, and refuses other types,
// values outside an enum or 32 bits, and tags the document does not
// list.
func TestProfileTagsAreTheDocuments(t *testing.T) {
	n := 0
	for _, tg := range spec.Tags {
		if tg.Family != "profile" {
			continue
		}
		n++
		var good, bad tag.Value
		switch tg.Type {
		case spec.TagString:
			good, bad = tag.String("x"), tag.Int(1)
			if tg.Enum != nil {
				good = tag.String(tg.Enum[0])
				if err := checkProfileTag(tg.Name, tag.String("Not_"+tg.Enum[0])); err == nil {
					t.Errorf("%s: a value outside the enum was taken", tg.Name)
				}
			}
		case spec.TagInteger:
			good, bad = tag.Int(1), tag.String("1")
			if tg.Uint32 {
				if err := checkProfileTag(tg.Name, tag.Int(1<<32)); err == nil {
					t.Errorf("%s: 2^32 was taken", tg.Name)
				}
			}
		case spec.TagStrings:
			good, bad = tag.Strings("x"), tag.String("x")
		}
		if err := checkProfileTag(tg.Name, good); err != nil {
			t.Errorf("%s: %v", tg.Name, err)
		}
		if err := checkProfileTag(tg.Name, bad); err == nil {
			t.Errorf("%s: a value of kind %s was taken", tg.Name, bad.Kind())
		}
	}
	if n != len(profileTags) || n == 0 {
		t.Errorf("%d profile tags in spec, %d known", n, len(profileTags))
	}
	for _, name := range []string{"Tag_Profile_IM_Mood", "Tag_SNS_IM_Remark"} {
		if err := checkProfileTag(name, tag.String("x")); err == nil || !strings.Contains(err.Error(), "unknown profile tag") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestCustomProfileTagsFollowCustomFriendTags: a custom profile tag's
// name after Tag_Profile_Custom_ follows the rule of a custom friend
// tag's after Tag_SNS_Custom_ (CustomFriendItem.Tag's pattern: up to 8
// letters), and its value is a string or an integer.
func TestCustomProfileTagsFollowCustomFriendTags(t *testing.T) {
	for suffix, ok := range map[string]bool{"Hobby": true, "abcdefgh": true, "abcdefghi": false, "Score1": false, "": false, "a_b": false} {
		name := prefixProfileCustom + suffix
		err := checkProfileTag(name, tag.String("x"))
		if (err == nil) != ok {
			t.Errorf("%s: %v", name, err)
		}
		friendOK := spec.CheckCustomFriendItem(&gen.CustomFriendItem{Tag: prefixSNSCustom + suffix, Value: tag.String("x")}) == nil
		if friendOK != ok {
			t.Errorf("%s: the custom friend tag's rule says %v", suffix, friendOK)
		}
	}
	if err := checkProfileTag(prefixProfileCustom+"Hobby", tag.Int(3)); err != nil {
		t.Error(err)
	}
	if err := checkProfileTag(prefixProfileCustom+"Hobby", tag.Strings("x")); err == nil {
		t.Error("a list value was taken for a custom profile tag")
	}
}

// TestListFriendsOrderIsComplete: friend_get answers every standard
// friend tag of the document, each once.
func TestListFriendsOrderIsComplete(t *testing.T) {
	if len(listFriendsOrder) != len(friendTags) {
		t.Errorf("listFriendsOrder has %d tags, the document %d", len(listFriendsOrder), len(friendTags))
	}
	for _, name := range listFriendsOrder {
		if _, ok := friendTags[name]; !ok {
			t.Errorf("%s is not a standard friend tag of the document", name)
		}
	}
	if len(uniq(listFriendsOrder)) != len(listFriendsOrder) {
		t.Errorf("listFriendsOrder repeats a tag: %v", listFriendsOrder)
	}
}

// TestFriendAddReadsTheDocumentsTags: the profile values friend_add
// decides by are values of the document's enums.
func TestFriendAddReadsTheDocumentsTags(t *testing.T) {
	for name, values := range map[string][]string{
		tagAllowType:       {allowNeedConfirm, allowAny, allowDenyAny},
		tagAdminForbidType: {adminForbidSendOut},
	} {
		tg := profileTags[name]
		if tg == nil {
			t.Errorf("%s is not a standard profile tag", name)
			continue
		}
		for _, v := range values {
			if !slices.Contains(tg.Enum, v) {
				t.Errorf("%s: %s is not in its enum %v", name, v, tg.Enum)
			}
		}
	}
}
