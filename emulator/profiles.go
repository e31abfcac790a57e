package emulator

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// The profiles family: each account's profile tags, standard
// (Tag_Profile_IM_*, typed as spec.Tags says) and custom
// (Tag_Profile_Custom_*). friend_get_list reads them; the document has no
// operation of this family yet (portrait_get and portrait_set will come):
// it registers no behaviour.

// profileFamily holds the profiles; Emulator.mu guards it.
type profileFamily struct {
	tags map[string]map[string]tag.Value // UserID → tag → value; nil for none
}

func newProfileFamily() *profileFamily {
	return &profileFamily{tags: map[string]map[string]tag.Value{}}
}

// register implements family: no operation has a behaviour yet.
func (p *profileFamily) register(*behaviours) {}

// of returns the profile tags of the account id, nil for none. The caller
// holds Emulator.mu and must not modify the map.
func (p *profileFamily) of(id string) map[string]tag.Value { return p.tags[id] }

// setLocked sets the profile tags of the account id (checked by
// checkProfileTag). The caller holds Emulator.mu for writing.
func (p *profileFamily) setLocked(id string, items []gen.TagItem) {
	if len(items) == 0 {
		return
	}
	m := p.tags[id]
	if m == nil {
		m = make(map[string]tag.Value, len(items))
		p.tags[id] = m
	}
	for _, it := range items {
		m[it.Tag] = it.Value
	}
}

// profileTags are the standard profile tags of spec.Tags, by name.
var profileTags = func() map[string]*spec.Tag {
	m := map[string]*spec.Tag{}
	for i := range spec.Tags {
		if t := &spec.Tags[i]; t.Family == "profile" {
			m[t.Name] = t
		}
	}
	return m
}()

// tagKinds maps the type of a standard tag to the kind of its value.
var tagKinds = map[spec.TagType]tag.Kind{spec.TagString: tag.KindString, spec.TagInteger: tag.KindInt, spec.TagStrings: tag.KindStrings}

// checkProfileTag checks one profile tag of a seed account: a standard
// profile tag of spec.Tags with a value of its type, or a custom profile
// tag, Tag_Profile_Custom_ and a name as a custom friend tag's
// (CustomFriendItem.Tag after Tag_SNS_Custom_), with a string or an
// integer.
func checkProfileTag(name string, v tag.Value) error {
	if suffix, ok := strings.CutPrefix(name, prefixProfileCustom); ok {
		p := spec.CheckCustomFriendItem(&gen.CustomFriendItem{Tag: prefixSNSCustom + suffix, Value: v})
		switch {
		case p == nil:
			return nil
		case p.Field == "Tag":
			return fmt.Errorf("custom profile tag %q: want Tag_Profile_Custom_ and a name as a custom friend tag's: %s%s %s", name, prefixSNSCustom, suffix, p.Reason)
		default:
			return fmt.Errorf("%s: value %s", name, p.Reason)
		}
	}
	t, ok := profileTags[name]
	if !ok {
		return fmt.Errorf("unknown profile tag %q (want a standard Tag_Profile_IM_* tag or Tag_Profile_Custom_*)", name)
	}
	if want := tagKinds[t.Type]; v.Kind() != want {
		return fmt.Errorf("%s: value is %s, want %s", name, v.Kind(), want)
	}
	if s, ok := v.AsString(); ok {
		if t.Enum != nil && !slices.Contains(t.Enum, s) {
			return fmt.Errorf("%s: value %q is not one of %s", name, s, strings.Join(t.Enum, ", "))
		}
		if t.MaxBytes > 0 && len(s) > t.MaxBytes {
			return fmt.Errorf("%s: value is %d bytes, want at most %d", name, len(s), t.MaxBytes)
		}
	}
	if n, ok := v.AsInt(); ok && t.Uint32 && (n < 0 || n > math.MaxUint32) {
		return fmt.Errorf("%s: value %d is not in 0..4294967295", name, n)
	}
	return nil
}
