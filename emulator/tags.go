package emulator

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/timrest/timrest/tag"
)

// The standard friend (relationship-chain) tags, as friend_get_list names
// them. Their values come from the fields of an imported AddFriendItem.
const (
	tagSNSGroup      = "Tag_SNS_IM_Group"      // []string, the friend lists
	tagSNSRemark     = "Tag_SNS_IM_Remark"     // string
	tagSNSAddSource  = "Tag_SNS_IM_AddSource"  // string
	tagSNSAddWording = "Tag_SNS_IM_AddWording" // string
	tagSNSAddTime    = "Tag_SNS_IM_AddTime"    // integer, Unix seconds
	tagSNSRemarkTime = "Tag_SNS_IM_RemarkTime" // integer, Unix seconds
)

// Prefixes of the four tag families.
const (
	prefixProfileIM     = "Tag_Profile_IM_"
	prefixProfileCustom = "Tag_Profile_Custom_"
	prefixSNSIM         = "Tag_SNS_IM_"
	prefixSNSCustom     = "Tag_SNS_Custom_"
)

// profileKind is what a standard profile tag's value must be.
type profileKind struct {
	kind   tag.Kind
	uint32 bool     // an integer in 0..4294967295
	enum   []string // allowed strings, nil for any
}

// profileTags are the standard profile tags friend_get_list can return
// (REFERENCE.md, "Standard profile tags") with the type of their value.
//
// This table is hand-written, against the single-source-of-truth rule,
// because openapi/ has nothing to derive it from yet: TagItem.Value is
// one schema for every tag (a string, an integer or a list of strings),
// and the document has no per-tag schema naming each standard profile
// tag with its type and enum. When it gains one (for example a
// ProfileTags schema or an x-tim-profile-tags extension), build this
// table from it in newEnv.
var profileTags = map[string]profileKind{
	"Tag_Profile_IM_Nick":            {kind: tag.KindString},
	"Tag_Profile_IM_Gender":          {kind: tag.KindString, enum: []string{"Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male"}},
	"Tag_Profile_IM_BirthDay":        {kind: tag.KindInt, uint32: true},
	"Tag_Profile_IM_Location":        {kind: tag.KindString},
	"Tag_Profile_IM_SelfSignature":   {kind: tag.KindString},
	"Tag_Profile_IM_AllowType":       {kind: tag.KindString, enum: []string{"AllowType_Type_NeedConfirm", "AllowType_Type_AllowAny", "AllowType_Type_DenyAny"}},
	"Tag_Profile_IM_Language":        {kind: tag.KindInt, uint32: true},
	"Tag_Profile_IM_Image":           {kind: tag.KindString},
	"Tag_Profile_IM_AdminForbidType": {kind: tag.KindString, enum: []string{"AdminForbid_Type_None", "AdminForbid_Type_SendOut"}},
	"Tag_Profile_IM_Level":           {kind: tag.KindInt, uint32: true},
	"Tag_Profile_IM_Role":            {kind: tag.KindInt, uint32: true},
}

// checkProfileTag checks one profile tag of a seed account: a standard
// profile tag with a value of its type, or a custom profile tag
// (Tag_Profile_Custom_ and a name as CustomFriendItem.Tag's pattern
// allows, up to 8 letters) with a string or an integer.
func (env *env) checkProfileTag(name string, v tag.Value) error {
	if suffix, ok := strings.CutPrefix(name, prefixProfileCustom); ok {
		if !env.customSuffix.MatchString(suffix) {
			return fmt.Errorf("custom profile tag %q: want Tag_Profile_Custom_ and a name matching %s", name, env.customSuffix)
		}
		if k := v.Kind(); k != tag.KindString && k != tag.KindInt {
			return fmt.Errorf("%s: value is %s, want a string or an integer", name, k)
		}
		return nil
	}
	pk, ok := profileTags[name]
	if !ok {
		return fmt.Errorf("unknown profile tag %q (want a standard Tag_Profile_IM_* tag or Tag_Profile_Custom_*)", name)
	}
	if v.Kind() != pk.kind {
		return fmt.Errorf("%s: value is %s, want %s", name, v.Kind(), pk.kind)
	}
	if s, ok := v.AsString(); ok && pk.enum != nil && !slices.Contains(pk.enum, s) {
		return fmt.Errorf("%s: value %q is not one of %s", name, s, strings.Join(pk.enum, ", "))
	}
	if n, ok := v.AsInt(); ok && pk.uint32 && (n < 0 || n > math.MaxUint32) {
		return fmt.Errorf("%s: value %d is not in 0..4294967295", name, n)
	}
	return nil
}

// tagFamily orders the tags of a friend_get_list item the way the vendor's
// sample answers do: standard friend tags, standard profile tags, custom
// friend tags, custom profile tags; within a family, in TagList order.
func tagFamily(name string) int {
	switch {
	case strings.HasPrefix(name, prefixSNSIM):
		return 0
	case strings.HasPrefix(name, prefixProfileIM):
		return 1
	case strings.HasPrefix(name, prefixSNSCustom):
		return 2
	case strings.HasPrefix(name, prefixProfileCustom):
		return 3
	default:
		return 4
	}
}
