package emulator

import "strings"

// Prefixes of the four tag families. The standard tags themselves (their
// names and the types of their values) are spec.Tags.
const (
	prefixProfileIM     = "Tag_Profile_IM_"
	prefixProfileCustom = "Tag_Profile_Custom_"
	prefixSNSIM         = "Tag_SNS_IM_"
	prefixSNSCustom     = "Tag_SNS_Custom_"
)

// The tag families, in the order the vendor's sample answers list them.
const (
	famSNSIM = iota
	famProfileIM
	famSNSCustom
	famProfileCustom
	famOther
)

// tagFamily orders the tags of a friend_get_list item the way the vendor's
// sample answers do: standard friend tags, standard profile tags, custom
// friend tags, custom profile tags; within a family, in TagList order.
func tagFamily(name string) int {
	switch {
	case strings.HasPrefix(name, prefixSNSIM):
		return famSNSIM
	case strings.HasPrefix(name, prefixProfileIM):
		return famProfileIM
	case strings.HasPrefix(name, prefixSNSCustom):
		return famSNSCustom
	case strings.HasPrefix(name, prefixProfileCustom):
		return famProfileCustom
	default:
		return famOther
	}
}
