package emulator

import (
	"maps"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/tag"
)

// withSchema returns a copy of c whose document has schema name replaced
// by s; c and its document are left alone.
func withSchema(c *contract.Contract, name string, s *openapi3.Schema) *contract.Contract {
	cc := *c
	doc := *c.Doc
	comps := *c.Doc.Components
	comps.Schemas = maps.Clone(comps.Schemas)
	comps.Schemas[name] = &openapi3.SchemaRef{Value: s}
	doc.Components = &comps
	cc.Doc = &doc
	return &cc
}

// TestLimitsFollowTheContract changes the document's limits in a copy of
// the contract and checks that the emulator's limits move with them: the
// per-account friend-list limit (30011) is x-tim-limits
// friend-lists-per-account, not AddFriendItem.GroupName's maxItems (which
// bounds one item).
func TestLimitsFollowTheContract(t *testing.T) {
	c := contract.MustLoad()
	l, err := loadLimits(c)
	if err != nil {
		t.Fatal(err)
	}
	if l.lists != c.Limits.FriendListsPerAccount || l.friends != c.Limits.FriendsPerAccount || l.answer != c.Limits.GroupAnswerBytes {
		t.Errorf("limits %+v, want those of x-tim-limits %+v", l, c.Limits)
	}
	changed := *c
	changed.Limits = contract.Limits{FriendsPerAccount: 11, FriendListsPerAccount: 7, GroupAnswerBytes: 1234}
	l, err = loadLimits(&changed)
	if err != nil {
		t.Fatal(err)
	}
	if l.lists != 7 || l.friends != 11 || l.answer != 1234 {
		t.Errorf("with x-tim-limits %+v the limits are %+v", changed.Limits, l)
	}
}

// TestGroupTypesFollowTheContract checks that the group types and their
// renames come from the GroupType schema (its enum and x-tim-renamed).
func TestGroupTypesFollowTheContract(t *testing.T) {
	ev, err := loadEnv()
	if err != nil {
		t.Fatal(err)
	}
	var enum []gen.GroupType
	for _, v := range ev.contract.Doc.Components.Schemas["GroupType"].Value.Enum {
		enum = append(enum, gen.GroupType(v.(string)))
	}
	if !slices.Equal(ev.groupTypes, enum) {
		t.Errorf("group types %v, want the document's enum %v", ev.groupTypes, enum)
	}
	for _, tt := range []struct{ in, want gen.GroupType }{
		{gen.GroupTypePrivate, gen.GroupTypeWork},
		{gen.GroupTypeChatRoom, gen.GroupTypeMeeting},
		{gen.GroupTypeWork, gen.GroupTypeWork},
		{gen.GroupTypePublic, gen.GroupTypePublic},
		{gen.GroupTypeAVChatRoom, gen.GroupTypeAVChatRoom},
	} {
		if got := ev.canonicalType(tt.in); got != tt.want {
			t.Errorf("canonicalType(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}

	// A document with fewer types and one rename.
	c := ev.contract
	changed := withSchema(c, "GroupType", &openapi3.Schema{
		Type: &openapi3.Types{openapi3.TypeString},
		Enum: []any{"Public", "Private", "Work"},
	})
	changed.GroupTypeRenames = map[string]string{"Private": "Work"}
	types, renames, err := loadGroupTypes(changed)
	if err != nil {
		t.Fatal(err)
	}
	if want := []gen.GroupType{gen.GroupTypePublic, gen.GroupTypePrivate, gen.GroupTypeWork}; !slices.Equal(types, want) {
		t.Errorf("types %v, want %v", types, want)
	}
	e := &env{renames: renames, groupTypes: types}
	if got := e.canonicalType(gen.GroupTypeChatRoom); got != gen.GroupTypeChatRoom {
		t.Errorf("without the ChatRoom rename, canonicalType(ChatRoom) = %s", got)
	}
	if got := e.canonicalType(gen.GroupTypePrivate); got != gen.GroupTypeWork {
		t.Errorf("canonicalType(Private) = %s, want Work", got)
	}
	if got, want := e.groupTypeList(), "Public, Private, Work"; got != want {
		t.Errorf("groupTypeList() = %q, want %q", got, want)
	}

	// An enum value the generated code does not know is an error.
	_, _, err = loadGroupTypes(withSchema(c, "GroupType", &openapi3.Schema{Enum: []any{"Public", "Secret"}}))
	if err == nil {
		t.Error("an enum value outside gen.GroupType was accepted")
	}
}

// TestCustomSuffixFollowsTheContract checks that the rule for custom tag
// names comes from CustomFriendItem.Tag's pattern.
func TestCustomSuffixFollowsTheContract(t *testing.T) {
	ev, err := loadEnv()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ev.customSuffix.String(), "^[A-Za-z]{1,8}$"; got != want {
		t.Errorf("custom suffix %s, want %s", got, want)
	}
	item := func(pattern string) *openapi3.Schema {
		return &openapi3.Schema{Properties: openapi3.Schemas{"Tag": {Value: &openapi3.Schema{Pattern: pattern}}}}
	}
	re, err := loadCustomSuffix(withSchema(ev.contract, "CustomFriendItem", item("^Tag_SNS_Custom_[a-z]{1,3}$")))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{customSuffix: re}
	for name, ok := range map[string]bool{"Tag_Profile_Custom_abc": true, "Tag_Profile_Custom_abcd": false, "Tag_Profile_Custom_Abc": false} {
		if err := e.checkProfileTag(name, tag.String("x")); (err == nil) != ok {
			t.Errorf("with pattern [a-z]{1,3}, %s: %v", name, err)
		}
	}
	for _, bad := range []string{"", "^Tag_Profile_Custom_[a-z]+$", "^Tag_SNS_Custom_[a-z"} {
		if _, err := loadCustomSuffix(withSchema(ev.contract, "CustomFriendItem", item(bad))); err == nil {
			t.Errorf("pattern %q was accepted", bad)
		}
	}
}
