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

// The readers of the standard tags (Remark, FriendLists, Nick, ...) are
// generated from the document's x-tim-tags: see operations.gen.go.

// SNSCustom returns the custom friend tag Tag_SNS_Custom_<name>: a string
// or an integer (use the Value's AsString or AsInt, or Kind).
func (t Tags) SNSCustom(name string) (tag.Value, bool) { return t.Get(TagSNSCustomPrefix + name) }

// ProfileCustom returns the custom profile tag Tag_Profile_Custom_<name>.
func (t Tags) ProfileCustom(name string) (tag.Value, bool) {
	return t.Get(TagProfileCustomPrefix + name)
}
