package timrest

import (
	"time"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// Prefixes of the custom tags (the standard ones are the Tag* constants
// of operations.gen.go, from the document's x-tim-tags).
const (
	TagSNSCustomPrefix     = "Tag_SNS_Custom_"     // custom friend tags: this prefix and up to 8 letters
	TagProfileCustomPrefix = "Tag_Profile_Custom_" // custom profile tags: this prefix and up to 8 letters
)

// Tags are a friend's tags as friend_get_list returns them (SnsProfileItem).
// Its methods read the standard tags with their type, so no caller needs a
// type switch: each returns the value and true, or the zero value and
// false when the friend has no such tag or it holds another type than the
// tag's documented one.
type Tags []gen.TagItem

// Get returns the value of the tag named name (the first, if the answer
// repeats it).
func (t Tags) Get(name string) (tag.Value, bool) {
	for _, it := range t {
		if it.Tag == name {
			return it.Value, true
		}
	}
	return tag.Value{}, false
}

// String returns the value of the tag name when it is a string.
func (t Tags) String(name string) (string, bool) {
	v, ok := t.Get(name)
	if !ok {
		return "", false
	}
	return v.AsString()
}

// Int returns the value of the tag name when it is an integer.
func (t Tags) Int(name string) (int64, bool) {
	v, ok := t.Get(name)
	if !ok {
		return 0, false
	}
	return v.AsInt()
}

// Strings returns the value of the tag name when it is a list of strings.
func (t Tags) Strings(name string) ([]string, bool) {
	v, ok := t.Get(name)
	if !ok {
		return nil, false
	}
	return v.AsStrings()
}

func (t Tags) unix(name string) (time.Time, bool) {
	n, ok := t.Int(name)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// Remark returns Tag_SNS_IM_Remark.
func (t Tags) Remark() (string, bool) { return t.String(TagRemark) }

// FriendLists returns Tag_SNS_IM_Group: the friend lists the friend is in.
func (t Tags) FriendLists() ([]string, bool) { return t.Strings(TagFriendLists) }

// AddSource returns Tag_SNS_IM_AddSource.
func (t Tags) AddSource() (string, bool) { return t.String(TagAddSource) }

// AddWording returns Tag_SNS_IM_AddWording.
func (t Tags) AddWording() (string, bool) { return t.String(TagAddWording) }

// AddTime returns Tag_SNS_IM_AddTime, when the friendship was made.
func (t Tags) AddTime() (time.Time, bool) { return t.unix(TagAddTime) }

// RemarkTime returns Tag_SNS_IM_RemarkTime, when the remark was set.
func (t Tags) RemarkTime() (time.Time, bool) { return t.unix(TagRemarkTime) }

// Nick returns Tag_Profile_IM_Nick.
func (t Tags) Nick() (string, bool) { return t.String(TagNick) }

// Gender returns Tag_Profile_IM_Gender: Gender_Type_Unknown,
// Gender_Type_Female or Gender_Type_Male.
func (t Tags) Gender() (string, bool) { return t.String(TagGender) }

// BirthDay returns Tag_Profile_IM_BirthDay, e.g. 20190419.
func (t Tags) BirthDay() (int64, bool) { return t.Int(TagBirthDay) }

// Location returns Tag_Profile_IM_Location.
func (t Tags) Location() (string, bool) { return t.String(TagLocation) }

// SelfSignature returns Tag_Profile_IM_SelfSignature.
func (t Tags) SelfSignature() (string, bool) { return t.String(TagSelfSignature) }

// AllowType returns Tag_Profile_IM_AllowType.
func (t Tags) AllowType() (string, bool) { return t.String(TagAllowType) }

// Language returns Tag_Profile_IM_Language.
func (t Tags) Language() (int64, bool) { return t.Int(TagLanguage) }

// Image returns Tag_Profile_IM_Image, the avatar's URL.
func (t Tags) Image() (string, bool) { return t.String(TagImage) }

// AdminForbidType returns Tag_Profile_IM_AdminForbidType.
func (t Tags) AdminForbidType() (string, bool) { return t.String(TagAdminForbidType) }

// Level returns Tag_Profile_IM_Level.
func (t Tags) Level() (int64, bool) { return t.Int(TagLevel) }

// Role returns Tag_Profile_IM_Role.
func (t Tags) Role() (int64, bool) { return t.Int(TagRole) }

// SNSCustom returns the custom friend tag Tag_SNS_Custom_<name>: a string
// or an integer (use the Value's AsString or AsInt, or Kind).
func (t Tags) SNSCustom(name string) (tag.Value, bool) { return t.Get(TagSNSCustomPrefix + name) }

// ProfileCustom returns the custom profile tag Tag_Profile_Custom_<name>.
func (t Tags) ProfileCustom(name string) (tag.Value, bool) {
	return t.Get(TagProfileCustomPrefix + name)
}
