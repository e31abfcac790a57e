package spec_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// invalidUTF8 is a byte that no UTF-8 text holds.
const invalidUTF8 = "\xff"

func TestStringRuleReason(t *testing.T) {
	t.Parallel()
	// "界" is 1 character of 3 bytes, "é" 1 character of 2 bytes.
	userID := &spec.StringRule{MinLength: 1, MaxLength: 32, MaxBytes: 32}
	for _, c := range []struct {
		name string
		rule *spec.StringRule
		in   string
		want string
	}{
		{"empty with a minimum", userID, "", "is empty"},
		{"empty without a minimum", &spec.StringRule{MaxLength: -1}, "", ""},
		{"at the byte limit", userID, strings.Repeat("a", 32), ""},
		{"one byte over", userID, strings.Repeat("a", 33), "is 33 bytes, want at most 32"},
		// 11 characters (under maxLength 32) but 33 bytes: the service
		// counts bytes, so it is too long.
		{"multi-byte over the byte limit", userID, strings.Repeat("界", 11), "is 33 bytes, want at most 32"},
		{"multi-byte at the byte limit", userID, strings.Repeat("é", 16), ""},
		{"bytes only, no character rule", &spec.StringRule{MaxLength: -1, MaxBytes: 4}, "界界", "is 6 bytes, want at most 4"},
		// maxLength alone counts characters, as JSON Schema does.
		{"characters at maxLength", &spec.StringRule{MaxLength: 3}, "界界界", ""},
		{"characters over maxLength", &spec.StringRule{MaxLength: 3}, "界界界界", "is 4 characters, want at most 3"},
		{"maxLength 0", &spec.StringRule{MaxLength: 0}, "a", "is 1 characters, want at most 0"},
		// minLength counts characters: 2 characters of 4 bytes are short.
		{"characters under minLength", &spec.StringRule{MinLength: 3, MaxLength: -1}, "éé", "is 2 characters, want at least 3"},
		{"characters at minLength", &spec.StringRule{MinLength: 2, MaxLength: -1}, "éé", ""},
		{"pattern matches", &spec.StringRule{MaxLength: -1, Pattern: spec.NewRegexp("^a+$")}, "aaa", ""},
		{"pattern does not match", &spec.StringRule{MaxLength: -1, Pattern: spec.NewRegexp("^a+$")}, "ab", "does not match ^a+$"},
		{"in the enum", &spec.StringRule{MaxLength: -1, Enum: []string{"X", "Y"}}, "Y", ""},
		{"not in the enum", &spec.StringRule{MaxLength: -1, Enum: []string{"X", "Y"}}, "Z", `is "Z", want one of X, Y`},
		{"empty, not in the enum", &spec.StringRule{MaxLength: -1, Enum: []string{"X"}}, "", `is "", want one of X`},
		{"invalid UTF-8", userID, "a" + invalidUTF8, "is not valid UTF-8"},
		{"invalid UTF-8 with no other rule", &spec.StringRule{MaxLength: -1}, invalidUTF8, "is not valid UTF-8"},
		// The byte limit is checked before maxLength: both are broken
		// here and the byte count is what the service says.
		{"bytes before characters", &spec.StringRule{MaxLength: 2, MaxBytes: 2}, "界界界", "is 9 bytes, want at most 2"},
	} {
		if got := c.rule.Reason(c.in); got != c.want {
			t.Errorf("%s: Reason(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestIntRuleReason(t *testing.T) {
	t.Parallel()
	both := &spec.IntRule{Min: 1, HasMin: true, Max: 10000, HasMax: true}
	for _, c := range []struct {
		rule *spec.IntRule
		in   int64
		want string
	}{
		{both, 1, ""},
		{both, 10000, ""},
		{both, 0, "is 0, want at least 1"},
		{both, 10001, "is 10001, want at most 10000"},
		{&spec.IntRule{Min: 0, HasMin: true}, -1, "is -1, want at least 0"},
		{&spec.IntRule{Min: 0, HasMin: true}, 1 << 62, ""},
		// A zero Max without HasMax is no maximum.
		{&spec.IntRule{}, 1 << 40, ""},
		{&spec.IntRule{Max: 0, HasMax: true}, 1, "is 1, want at most 0"},
	} {
		if got := c.rule.Reason(c.in); got != c.want {
			t.Errorf("%+v.Reason(%d) = %q, want %q", *c.rule, c.in, got, c.want)
		}
	}
}

func TestItemsReason(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, min, max int
		want        string
	}{
		{0, 0, -1, ""},
		{0, 1, -1, "is empty"},
		{1, 2, -1, "has 1 items, want at least 2"},
		{2, 2, 2, ""},
		{33, 0, 32, "has 33 items, want at most 32"},
		{1000, 1, 1000, ""},
		{1001, 1, 1000, "has 1001 items, want at most 1000"},
		{5000, 0, -1, ""},
	} {
		if got := spec.ItemsReason(c.n, c.min, c.max); got != c.want {
			t.Errorf("ItemsReason(%d, %d, %d) = %q, want %q", c.n, c.min, c.max, got, c.want)
		}
	}
}

func TestPropertiesReason(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, min, max int
		want        string
	}{
		{0, 1, 1, "has 0 of the fields A, B, want at least 1"},
		{1, 1, 1, ""},
		{2, 1, 1, "has 2 of the fields A, B, want at most 1"},
		{2, 0, -1, ""},
		{0, 0, -1, ""},
	} {
		if got := spec.PropertiesReason(c.n, c.min, c.max, "A, B"); got != c.want {
			t.Errorf("PropertiesReason(%d, %d, %d) = %q, want %q", c.n, c.min, c.max, got, c.want)
		}
	}
}

func TestValueReason(t *testing.T) {
	t.Parallel()
	strOrInt := []tag.Kind{tag.KindString, tag.KindInt}
	any3 := []tag.Kind{tag.KindString, tag.KindInt, tag.KindStrings}
	for _, c := range []struct {
		name  string
		v     tag.Value
		kinds []tag.Kind
		want  string
	}{
		{"string", tag.String("x"), strOrInt, ""},
		{"empty string", tag.String(""), strOrInt, ""},
		{"integer", tag.Int(0), strOrInt, ""},
		{"list where not allowed", tag.Strings("a"), strOrInt, "is array of strings, want string or integer"},
		{"list where allowed", tag.Strings("a", "b"), any3, ""},
		{"empty list", tag.Strings(), any3, ""},
		{"integer where only strings", tag.Int(1), []tag.Kind{tag.KindString}, "is integer, want string"},
		{"missing", tag.Value{}, strOrInt, "is missing, want string or integer"},
		{"missing, any kind", tag.Value{}, any3, "is missing, want string or integer or array of strings"},
		{"invalid UTF-8 string", tag.String("a" + invalidUTF8), strOrInt, "is not valid UTF-8"},
		{"invalid UTF-8 in a list", tag.Strings("ok", invalidUTF8+"b"), any3, "has a string that is not valid UTF-8"},
		// The kind is checked first: invalid text of a wrong kind is
		// reported as the wrong kind.
		{"invalid UTF-8 list of a wrong kind", tag.Strings(invalidUTF8), strOrInt, "is array of strings, want string or integer"},
	} {
		if got := spec.ValueReason(c.v, c.kinds...); got != c.want {
			t.Errorf("%s: ValueReason = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestProblemUnderAndError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		field, path string
		want        string
	}{
		{"Remark", "AddFriendItem[3]", "AddFriendItem[3].Remark"},
		{"", "To_Account[2]", "To_Account[2]"},
		{"[1]", "GroupName", "GroupName[1]"},
		{"GroupName[1]", "AddFriendItem[0]", "AddFriendItem[0].GroupName[1]"},
		{"Remark", "", "Remark"},
		{"", "", ""},
	} {
		p := &spec.Problem{Field: c.field, Reason: "r"}
		if got := p.Under(c.path); got != p || got.Field != c.want {
			t.Errorf("%q under %q = %q (same pointer: %v), want %q", c.field, c.path, got.Field, got == p, c.want)
		}
	}
	// Nested twice, as CheckImportFriendsRequest nests CustomItem.
	p := (&spec.Problem{Field: "Value", Reason: "r"}).Under("CustomItem[1]").Under("AddFriendItem[0]")
	if p.Field != "AddFriendItem[0].CustomItem[1].Value" {
		t.Errorf("twice nested: %q", p.Field)
	}
	if got := (&spec.Problem{Field: "Remark", Reason: "is 97 bytes, want at most 96"}).Error(); got != "Remark: is 97 bytes, want at most 96" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&spec.Problem{Reason: "is empty"}).Error(); got != "is empty" {
		t.Errorf("Error() without a field = %q", got)
	}
}

func TestIndex(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path string
		i    int
		want string
	}{
		{"To_Account", 0, "To_Account[0]"},
		{"AddFriendItem", 999, "AddFriendItem[999]"},
		{"", 3, "[3]"},
	} {
		if got := spec.Index(c.path, c.i); got != c.want {
			t.Errorf("Index(%q, %d) = %q, want %q", c.path, c.i, got, c.want)
		}
	}
}

// TestRegexpLazy: NewRegexp compiles nothing, so a pattern that does not
// compile panics on first use, not when the package loads; String is the
// expression as written.
func TestRegexpLazy(t *testing.T) {
	t.Parallel()
	bad := spec.NewRegexp("(") // would panic in regexp.MustCompile
	if bad.String() != "(" {
		t.Errorf("String() = %q", bad.String())
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("MatchString with a broken pattern did not panic")
			}
		}()
		bad.MatchString("x")
	}()

	re := spec.NewRegexp("^Tag_SNS_Custom_[A-Za-z]{1,8}$")
	for s, want := range map[string]bool{"Tag_SNS_Custom_A": true, "Tag_SNS_Custom_ABCDEFGHI": false, "x": false} {
		if got := re.MatchString(s); got != want {
			t.Errorf("MatchString(%q) = %v", s, got)
		}
	}
	if re.String() != "^Tag_SNS_Custom_[A-Za-z]{1,8}$" {
		t.Errorf("String() = %q", re.String())
	}
}

// TestRegexpConcurrent: the first use may come from several goroutines
// at once (run with -race).
func TestRegexpConcurrent(t *testing.T) {
	t.Parallel()
	re := spec.NewRegexp("^a+$")
	done := make(chan bool)
	for range 4 {
		go func() { done <- re.MatchString("aaa") }()
	}
	for range 4 {
		if !<-done {
			t.Error("no match")
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		op      *spec.Operation
		code    int
		ok      bool
		meaning string
		class   spec.Class
	}{
		// GetFriends has its own 30001, which wins over its family's.
		{"own code", spec.GetFriends, 30001, true, "Incorrect request parameter (per item, the account is not a friend).", spec.ClassBadRequest},
		{"family code, same code elsewhere", spec.ImportFriends, 30001, true, "Incorrect request parameter.", spec.ClassBadRequest},
		{"family code", spec.ImportFriends, 30010, true, "The number of friends has reached the system limit.", spec.ClassLimit},
		{"public code", spec.ImportFriends, 70001, true, "The UserSig has expired.", spec.ClassAuth},
		{"another family's code", spec.ImportFriends, 10004, false, "", ""},
		{"group family code", spec.ListGroupIDs, 10018, true, "The answer would exceed 1 MB; request less data per call.", spec.ClassLimit},
		{"unknown", spec.ListGroupIDs, 99999, false, "", ""},
		{"nil operation, public code", nil, 60007, true, "REST API call rate over the limit.", spec.ClassRateLimited},
		{"nil operation, family code", nil, 30001, false, "", ""},
		{"nil operation, zero", nil, 0, false, "", ""},
	} {
		e, ok := c.op.Lookup(c.code)
		if ok != c.ok || e.Meaning != c.meaning || e.Class != c.class || (ok && e.Code != c.code) {
			t.Errorf("%s: Lookup(%d) = %+v, %v; want %q, %q, %v", c.name, c.code, e, ok, c.meaning, c.class, c.ok)
		}
	}
	if e, _ := spec.ImportFriends.Lookup(70001); e.Retry != spec.RetryRenew {
		t.Errorf("70001 retry %q, want renew", e.Retry)
	}
	if e, _ := spec.ImportFriends.Lookup(30008); e.Retry != spec.RetryYes || e.Class != spec.ClassConflict {
		t.Errorf("30008: %+v", e)
	}
}

func TestByIDAndByPath(t *testing.T) {
	t.Parallel()
	for _, o := range spec.Operations {
		if got := spec.ByID(o.ID); got != o {
			t.Errorf("ByID(%q) = %v", o.ID, got)
		}
		if got := spec.ByPath(o.Path); got != o {
			t.Errorf("ByPath(%q) = %v", o.Path, got)
		}
		if got := spec.ByPath(strings.TrimPrefix(o.Path, "/")); got != o {
			t.Errorf("ByPath without the slash (%q) = %v", o.Path[1:], got)
		}
	}
	if spec.ByID("ImportFriends") != spec.ImportFriends || spec.ByPath("v4/sns/friend_import") != spec.ImportFriends {
		t.Error("ImportFriends not found by its ID and path")
	}
	for _, id := range []string{"", "importFriends", "NoSuchOperation", "/v4/sns/friend_import"} {
		if got := spec.ByID(id); got != nil {
			t.Errorf("ByID(%q) = %v, want nil", id, got.ID)
		}
	}
	for _, path := range []string{"", "/", "//v4/sns/friend_import", "/v4/sns/friend_import/", "/v4/sns/nope", "ImportFriends"} {
		if got := spec.ByPath(path); got != nil {
			t.Errorf("ByPath(%q) = %v, want nil", path, got.ID)
		}
	}
}

func TestCheckAdminUserIDGroupType(t *testing.T) {
	t.Parallel()
	for _, f := range []struct {
		name string
		fn   func(string) string
	}{{"CheckAdmin", spec.CheckAdmin}, {"CheckUserID", spec.CheckUserID}} {
		for in, want := range map[string]string{
			"administrator":                "",
			"":                             "is empty",
			strings.Repeat("a", 32):        "",
			strings.Repeat("a", 33):        "is 33 bytes, want at most 32",
			strings.Repeat("界", 11):        "is 33 bytes, want at most 32",
			strings.Repeat("界", 10) + "ab": "",
			"admin" + invalidUTF8:          "is not valid UTF-8",
		} {
			if got := f.fn(in); got != want {
				t.Errorf("%s(%q) = %q, want %q", f.name, in, got, want)
			}
		}
	}
	for in, want := range map[string]string{
		"Public": "", "Private": "", "Work": "", "ChatRoom": "", "Meeting": "", "AVChatRoom": "", "BChatRoom": "", "Community": "",
		"public": `is "public", want one of Public, Private, Work, ChatRoom, Meeting, AVChatRoom, BChatRoom, Community`,
		"":       `is "", want one of Public, Private, Work, ChatRoom, Meeting, AVChatRoom, BChatRoom, Community`,
	} {
		if got := spec.CheckGroupType(in); got != want {
			t.Errorf("CheckGroupType(%q) = %q, want %q", in, got, want)
		}
	}
	// Every renamed type, old and new, is a valid type.
	for from, to := range spec.GroupTypeRenames {
		if r := spec.CheckGroupType(from) + spec.CheckGroupType(to); r != "" {
			t.Errorf("renamed %s → %s: %s", from, to, r)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// item is a valid AddFriendItem with only the required fields (every
// optional field nil).
func item() gen.AddFriendItem {
	return gen.AddFriendItem{ToAccount: "friend_1", AddSource: "AddSource_Type_Web"}
}

func importOf(items ...gen.AddFriendItem) *gen.ImportFriendsRequest {
	return &gen.ImportFriendsRequest{FromAccount: "owner", AddFriendItem: items}
}

// TestGeneratedChecks runs the generated check functions on tricky
// values.
func TestGeneratedChecks(t *testing.T) {
	t.Parallel()
	lists := func(n int) []gen.FriendListName {
		out := make([]gen.FriendListName, n)
		for i := range out {
			out[i] = "list"
		}
		return out
	}
	full := item()
	full.Remark, full.AddWording = ptr(strings.Repeat("r", 96)), ptr(strings.Repeat("w", 256))
	full.GroupName = lists(32)
	full.CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_A", Value: tag.String("x")}, {Tag: "Tag_SNS_Custom_B", Value: tag.Int(-1)}}
	full.AddTime, full.RemarkTime = ptr(int64(1)), ptr(int64(-1))

	withRemark := func(s string) gen.AddFriendItem { it := item(); it.Remark = &s; return it }
	withLists := func(l []gen.FriendListName) gen.AddFriendItem { it := item(); it.GroupName = l; return it }
	withCustom := func(c ...gen.CustomFriendItem) gen.AddFriendItem { it := item(); it.CustomItem = c; return it }
	many := make([]gen.AddFriendItem, 1001)
	for i := range many {
		many[i] = item()
	}

	for _, c := range []struct {
		name string
		req  *gen.ImportFriendsRequest
		want string // Problem.Error(), "" for nil
	}{
		{"optional fields nil", importOf(item()), ""},
		{"every field at its limit", importOf(full), ""},
		{"empty list of lists", importOf(withLists([]gen.FriendListName{})), ""},
		{"33 lists", importOf(item(), withLists(lists(33))), "AddFriendItem[1].GroupName: has 33 items, want at most 32"},
		{"empty list name", importOf(withLists([]gen.FriendListName{"a", ""})), "AddFriendItem[0].GroupName[1]: is empty"},
		{"list name of 31 bytes", importOf(withLists([]gen.FriendListName{strings.Repeat("a", 31)})), "AddFriendItem[0].GroupName[0]: is 31 bytes, want at most 30"},
		{"list name of 10 characters, 30 bytes", importOf(withLists([]gen.FriendListName{strings.Repeat("界", 10)})), ""},
		{"Remark of 96 bytes", importOf(withRemark(strings.Repeat("r", 96))), ""},
		{"Remark of 97 bytes", importOf(withRemark(strings.Repeat("r", 97))), "AddFriendItem[0].Remark: is 97 bytes, want at most 96"},
		{"Remark of 33 characters, 99 bytes", importOf(withRemark(strings.Repeat("界", 33))), "AddFriendItem[0].Remark: is 99 bytes, want at most 96"},
		{"empty Remark", importOf(withRemark("")), ""},
		{"Remark not UTF-8", importOf(withRemark(invalidUTF8)), "AddFriendItem[0].Remark: is not valid UTF-8"},
		{"custom value missing", importOf(withCustom(gen.CustomFriendItem{Tag: "Tag_SNS_Custom_A"})), "AddFriendItem[0].CustomItem[0].Value: is missing, want string or integer"},
		{"custom value a list", importOf(withCustom(gen.CustomFriendItem{Tag: "Tag_SNS_Custom_A", Value: tag.Int(1)}, gen.CustomFriendItem{Tag: "Tag_SNS_Custom_B", Value: tag.Strings("x")})), "AddFriendItem[0].CustomItem[1].Value: is array of strings, want string or integer"},
		{"custom tag too long", importOf(withCustom(gen.CustomFriendItem{Tag: "Tag_SNS_Custom_ABCDEFGHI", Value: tag.Int(1)})), "AddFriendItem[0].CustomItem[0].Tag: does not match ^Tag_SNS_Custom_[A-Za-z]{1,8}$"},
		{"custom tag of the IM namespace", importOf(withCustom(gen.CustomFriendItem{Tag: "Tag_SNS_IM_Remark", Value: tag.String("x")})), "AddFriendItem[0].CustomItem[0].Tag: does not match ^Tag_SNS_Custom_[A-Za-z]{1,8}$"},
		{"AddSource missing", importOf(gen.AddFriendItem{ToAccount: "a"}), "AddFriendItem[0].AddSource: does not match ^AddSource_Type_[A-Za-z]{1,8}$"},
		{"To_Account missing", importOf(item(), gen.AddFriendItem{AddSource: "AddSource_Type_X"}), "AddFriendItem[1].To_Account: is empty"},
		{"AddWording of 257 bytes", importOf(func() gen.AddFriendItem { it := item(); it.AddWording = ptr(strings.Repeat("w", 257)); return it }()), "AddFriendItem[0].AddWording: is 257 bytes, want at most 256"},
		{"no items", importOf(), "AddFriendItem: is empty"},
		{"1001 items", importOf(many...), "AddFriendItem: has 1001 items, want at most 1000"},
		{"From_Account missing", &gen.ImportFriendsRequest{AddFriendItem: []gen.AddFriendItem{item()}}, "From_Account: is empty"},
		{"From_Account of 33 bytes", &gen.ImportFriendsRequest{FromAccount: strings.Repeat("界", 11), AddFriendItem: []gen.AddFriendItem{item()}}, "From_Account: is 33 bytes, want at most 32"},
	} {
		got := ""
		if p := spec.CheckImportFriendsRequest(c.req); p != nil {
			got = p.Error()
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}

	// Head leaves the items out: the batch checks them one by one.
	if p := spec.CheckImportFriendsRequestHead(importOf()); p != nil {
		t.Errorf("Head with no items: %v", p)
	}
	if p := spec.CheckImportFriendsRequestHead(&gen.ImportFriendsRequest{}); p == nil || p.Error() != "From_Account: is empty" {
		t.Errorf("Head without From_Account: %v", p)
	}
	bad := withRemark(strings.Repeat("r", 97))
	if p := spec.CheckAddFriendItem(&bad); p == nil || p.Error() != "Remark: is 97 bytes, want at most 96" {
		t.Errorf("CheckAddFriendItem: %v", p)
	}
}

func TestGeneratedChecksOtherOperations(t *testing.T) {
	t.Parallel()
	str := func(p *spec.Problem) string {
		if p == nil {
			return ""
		}
		return p.Error()
	}
	for _, c := range []struct {
		name string
		got  *spec.Problem
		want string
	}{
		{"ListGroupIDs empty", spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{}), ""},
		{"ListGroupIDs Limit 0", spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{Limit: ptr(int64(0))}), "Limit: is 0, want at least 1"},
		{"ListGroupIDs Limit 10001", spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{Limit: ptr(int64(10001))}), "Limit: is 10001, want at most 10000"},
		{"ListGroupIDs Next above 2^32", spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{Next: ptr(int64(4454685361))}), ""},
		{"ListGroupIDs Next -1", spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{Next: ptr(int64(-1))}), "Next: is -1, want at least 0"},
		{"ListGroupIDs old type name", spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupType("ChatRoom"))}), ""},
		{"ListGroupIDs bad type", spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupType("Type"))}), `GroupType: is "Type", want one of Public, Private, Work, ChatRoom, Meeting, AVChatRoom, BChatRoom, Community`},

		{"GetFriendLists minimal", spec.CheckGetFriendListsRequest(&gen.GetFriendListsRequest{FromAccount: "a"}), ""},
		{"GetFriendLists empty list name", spec.CheckGetFriendListsRequest(&gen.GetFriendListsRequest{FromAccount: "a", GroupName: []gen.FriendListName{""}}), "GroupName[0]: is empty"},
		{"GetFriendLists bad NeedFriend", spec.CheckGetFriendListsRequest(&gen.GetFriendListsRequest{FromAccount: "a", NeedFriend: ptr(gen.NeedFriend("Yes"))}), `NeedFriend: is "Yes", want one of Need_Friend_Type_Yes`},
		{"GetFriendLists no From_Account", spec.CheckGetFriendListsRequest(&gen.GetFriendListsRequest{}), "From_Account: is empty"},

		{"GetFriends valid", spec.CheckGetFriendsRequest(&gen.GetFriendsRequest{FromAccount: "a", ToAccount: []gen.UserID{"b"}, TagList: []gen.TagName{"Tag_Profile_IM_Nick"}}), ""},
		{"GetFriends no tags", spec.CheckGetFriendsRequest(&gen.GetFriendsRequest{FromAccount: "a", ToAccount: []gen.UserID{"b"}}), "TagList: is empty"},
		{"GetFriends bad tag", spec.CheckGetFriendsRequest(&gen.GetFriendsRequest{FromAccount: "a", ToAccount: []gen.UserID{"b"}, TagList: []gen.TagName{"Tag_Profile_IM_Nick", "Nick"}}), "TagList[1]: does not match ^Tag_(Profile|SNS)_(IM|Custom)_[A-Za-z0-9_]+$"},
		{"GetFriends no accounts", spec.CheckGetFriendsRequest(&gen.GetFriendsRequest{FromAccount: "a", TagList: []gen.TagName{"Tag_Profile_IM_Nick"}}), "To_Account: is empty"},
		// 100 is a recommendation (x-tim-batch hard: false), not a limit.
		{"GetFriends 101 accounts", spec.CheckGetFriendsRequest(&gen.GetFriendsRequest{FromAccount: "a", ToAccount: slices.Repeat([]gen.UserID{"b"}, 101), TagList: []gen.TagName{"Tag_Profile_IM_Nick"}}), ""},
		{"GetFriends long account", spec.CheckGetFriendsRequest(&gen.GetFriendsRequest{FromAccount: "a", ToAccount: []gen.UserID{"b", strings.Repeat("界", 11)}, TagList: []gen.TagName{"Tag_Profile_IM_Nick"}}), "To_Account[1]: is 33 bytes, want at most 32"},
		{"GetFriends head without accounts", spec.CheckGetFriendsRequestHead(&gen.GetFriendsRequest{FromAccount: "a", TagList: []gen.TagName{"Tag_SNS_IM_Remark"}}), ""},
		{"GetFriends item", spec.CheckGetFriendsRequestItem(strings.Repeat("a", 33)), "is 33 bytes, want at most 32"},
		{"GetFriends item under its index", spec.CheckGetFriendsRequestItem("").Under(spec.Index("To_Account", 7)), "To_Account[7]: is empty"},
		{"GetFriends valid item", spec.CheckGetFriendsRequestItem("b"), ""},

		// ImportAccounts: one shape or the other (minProperties and
		// maxProperties 1), each at most 100.
		{"ImportAccounts list", spec.CheckImportAccountsRequest(&gen.ImportAccountsRequest{AccountList: []gen.ImportAccountItem{{UserID: "a", Nick: ptr("A")}}}), ""},
		{"ImportAccounts older shape", spec.CheckImportAccountsRequest(&gen.ImportAccountsRequest{Accounts: []string{"a"}}), ""},
		{"ImportAccounts both shapes", spec.CheckImportAccountsRequest(&gen.ImportAccountsRequest{AccountList: []gen.ImportAccountItem{{UserID: "a"}}, Accounts: []string{"b"}}), "has 2 of the fields AccountList, Accounts, want at most 1"},
		{"ImportAccounts neither", spec.CheckImportAccountsRequest(&gen.ImportAccountsRequest{}), "has 0 of the fields AccountList, Accounts, want at least 1"},
		{"ImportAccounts empty list", spec.CheckImportAccountsRequest(&gen.ImportAccountsRequest{AccountList: []gen.ImportAccountItem{}}), "AccountList: is empty"},
		{"ImportAccounts 101", spec.CheckImportAccountsRequest(&gen.ImportAccountsRequest{Accounts: slices.Repeat([]string{"a"}, 101)}), "Accounts: has 101 items, want at most 100"},
		{"ImportAccounts nick of 501 bytes", spec.CheckImportAccountsRequest(&gen.ImportAccountsRequest{AccountList: []gen.ImportAccountItem{{UserID: "a"}, {UserID: "b", Nick: ptr(strings.Repeat("界", 167))}}}), "AccountList[1].Nick: is 501 bytes, want at most 500"},
		{"ImportAccounts head with Accounts", spec.CheckImportAccountsRequestHead(&gen.ImportAccountsRequest{Accounts: []string{"b"}}), "has 2 of the fields AccountList, Accounts, want at most 1 (the method sends AccountList itself)"},
		{"ImportAccounts head", spec.CheckImportAccountsRequestHead(&gen.ImportAccountsRequest{}), ""},

		// A profile value: a string of at most 500 bytes (the string
		// alternative's rule) or an integer.
		{"SetProfile string of 500 bytes", spec.CheckSetProfileRequest(&gen.SetProfileRequest{FromAccount: "a", ProfileItem: []gen.ProfileItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String(strings.Repeat("n", 500))}}}), ""},
		{"SetProfile string of 501 bytes", spec.CheckSetProfileRequest(&gen.SetProfileRequest{FromAccount: "a", ProfileItem: []gen.ProfileItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String("x")}, {Tag: "Tag_Profile_IM_Nick", Value: tag.String(strings.Repeat("n", 501))}}}), "ProfileItem[1].Value: is 501 bytes, want at most 500"},
		{"SetProfile string not UTF-8", spec.CheckSetProfileRequest(&gen.SetProfileRequest{FromAccount: "a", ProfileItem: []gen.ProfileItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String(invalidUTF8)}}}), "ProfileItem[0].Value: is not valid UTF-8"},
		{"SetProfile integer", spec.CheckSetProfileRequest(&gen.SetProfileRequest{FromAccount: "a", ProfileItem: []gen.ProfileItem{{Tag: "Tag_Profile_Custom_Level", Value: tag.Int(1 << 40)}}}), ""},
		{"SetProfile list", spec.CheckSetProfileRequest(&gen.SetProfileRequest{FromAccount: "a", ProfileItem: []gen.ProfileItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.Strings("x")}}}), "ProfileItem[0].Value: is array of strings, want string or integer"},
		{"SetProfile friend tag", spec.CheckSetProfileRequest(&gen.SetProfileRequest{FromAccount: "a", ProfileItem: []gen.ProfileItem{{Tag: "Tag_SNS_IM_Remark", Value: tag.String("x")}}}), "ProfileItem[0].Tag: does not match ^(Tag_Profile_IM_[A-Za-z]+|Tag_Profile_Custom_[A-Za-z]{1,8})$"},
		// A friend value of friend_update has no byte limit of its own
		// (the list's and the remark's come from the service).
		{"UpdateFriends long custom value", spec.CheckUpdateFriendsRequest(&gen.UpdateFriendsRequest{FromAccount: "a", UpdateItem: []gen.FriendUpdateItem{{ToAccount: "b", SNSItem: []gen.FriendUpdateTag{{Tag: "Tag_SNS_Custom_X", Value: tag.String(strings.Repeat("v", 600))}}}}}), ""},

		// Limits, enums and ranges of the other new operations.
		{"GetOnlineStatus 501", spec.CheckGetOnlineStatusRequest(&gen.GetOnlineStatusRequest{ToAccount: slices.Repeat([]string{"a"}, 501)}), "To_Account: has 501 items, want at most 500"},
		{"GetOnlineStatus IsNeedDetail 2", spec.CheckGetOnlineStatusRequest(&gen.GetOnlineStatusRequest{ToAccount: []string{"a"}, IsNeedDetail: ptr(int32(2))}), "IsNeedDetail: is 2, want at most 1"},
		{"DeleteAccounts 101", spec.CheckDeleteAccountsRequest(&gen.DeleteAccountsRequest{DeleteItem: slices.Repeat([]gen.DeleteAccountItem{{UserID: "a"}}, 101)}), "DeleteItem: has 101 items, want at most 100"},
		{"CheckFriends 1001", spec.CheckCheckFriendsRequest(&gen.CheckFriendsRequest{FromAccount: "a", ToAccount: slices.Repeat([]string{"b"}, 1001), CheckType: gen.FriendCheckTypeBoth}), "To_Account: has 1001 items, want at most 1000"},
		{"CheckFriends CheckType of the blocklist", spec.CheckCheckFriendsRequest(&gen.CheckFriendsRequest{FromAccount: "a", ToAccount: []string{"b"}, CheckType: "BlackCheckResult_Type_Both"}), `CheckType: is "BlackCheckResult_Type_Both", want one of CheckResult_Type_Single, CheckResult_Type_Both`},
		{"CheckBlocked no CheckType", spec.CheckCheckBlockedRequest(&gen.CheckBlockedRequest{FromAccount: "a", ToAccount: []string{"b"}}), `CheckType: is "", want one of BlackCheckResult_Type_Single, BlackCheckResult_Type_Both`},
		{"AddFriends AddType", spec.CheckAddFriendsRequestHead(&gen.AddFriendsRequest{FromAccount: "a", AddType: ptr(gen.AddType("Both"))}), `AddType: is "Both", want one of Add_Type_Single, Add_Type_Both`},
		{"AddFriends ForceAddFlags 2", spec.CheckAddFriendsRequestHead(&gen.AddFriendsRequest{FromAccount: "a", ForceAddFlags: ptr(int32(2))}), "ForceAddFlags: is 2, want at most 1"},
		{"AddFriends list name", spec.CheckFriendAddItem(&gen.FriendAddItem{ToAccount: "b", AddSource: "AddSource_Type_X", GroupName: ptr("")}), "GroupName: is empty"},
		{"DeleteFriends DeleteType", spec.CheckDeleteFriendsRequestHead(&gen.DeleteFriendsRequest{FromAccount: "a", DeleteType: ptr(gen.DeleteType("Both"))}), `DeleteType: is "Both", want one of Delete_Type_Single, Delete_Type_Both`},
		{"AddFriendLists 33", spec.CheckAddFriendListsRequest(&gen.AddFriendListsRequest{FromAccount: "a", GroupName: slices.Repeat([]string{"g"}, 33)}), "GroupName: has 33 items, want at most 32"},
		{"AddFriendLists no lists", spec.CheckAddFriendListsRequest(&gen.AddFriendListsRequest{FromAccount: "a", ToAccount: []string{"b"}}), "GroupName: is empty"},
		{"ListBlocked MaxLimited 0", spec.CheckListBlockedRequest(&gen.ListBlockedRequest{FromAccount: "a"}), "MaxLimited: is 0, want at least 1"},
		{"ListFriends StartIndex -1", spec.CheckListFriendsRequest(&gen.ListFriendsRequest{FromAccount: "a", StartIndex: -1}), "StartIndex: is -1, want at least 0"},
	} {
		if got := str(c.got); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// TestValidChecksDoNotAllocate: the generated checks build no path unless
// they find a problem (as internal/codegen promises).
func TestValidChecksDoNotAllocate(t *testing.T) {
	req := &gen.GetFriendListsRequest{FromAccount: "owner", GroupName: []gen.FriendListName{"a", "b"}, NeedFriend: ptr(gen.NeedFriend("Need_Friend_Type_Yes"))}
	head := importOf(item(), item())
	if n := testing.AllocsPerRun(100, func() {
		if spec.CheckGetFriendListsRequest(req) != nil || spec.CheckImportFriendsRequestHead(head) != nil {
			t.Fatal("a valid request has a problem")
		}
	}); n != 0 {
		t.Errorf("%v allocations per check of a valid request", n)
	}
}

// TestTagProblem: a standard tag's value is checked against its x-tim-tags
// entry (type, enum, byte limit, 32-bit range, the rule of each element);
// a name in a standard tag's form that is not one is refused; a custom
// tag takes a string or an integer.
func TestTagProblem(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		v    tag.Value
		want string // "" for no problem
	}{
		{"Tag_Profile_IM_Nick", tag.String("Alice"), ""},
		{"Tag_Profile_IM_Nick", tag.String(strings.Repeat("n", 500)), ""},
		{"Tag_Profile_IM_Nick", tag.String(strings.Repeat("n", 501)), "Value: is 501 bytes, want at most 500 (Tag_Profile_IM_Nick)"},
		{"Tag_Profile_IM_Nick", tag.Int(1), "Value: is integer, want string (Tag_Profile_IM_Nick)"},
		{"Tag_Profile_IM_Location", tag.String(strings.Repeat("界", 6)), "Value: is 18 bytes, want at most 16 (Tag_Profile_IM_Location)"},
		{"Tag_Profile_IM_Gender", tag.String("Gender_Type_Female"), ""},
		{"Tag_Profile_IM_Gender", tag.String("Gender_Type_Robot"), `Value: is "Gender_Type_Robot", want one of Gender_Type_Unknown, Gender_Type_Female, Gender_Type_Male (Tag_Profile_IM_Gender)`},
		{"Tag_Profile_IM_AllowType", tag.String("AllowType_Type_Maybe"), `Value: is "AllowType_Type_Maybe", want one of AllowType_Type_NeedConfirm, AllowType_Type_AllowAny, AllowType_Type_DenyAny (Tag_Profile_IM_AllowType)`},
		{"Tag_Profile_IM_Level", tag.Int(4294967295), ""},
		{"Tag_Profile_IM_Level", tag.Int(4294967296), "Value: is 4294967296, want at most 4294967295 (Tag_Profile_IM_Level)"},
		{"Tag_Profile_IM_Level", tag.Int(-1), "Value: is -1, want at least 0 (Tag_Profile_IM_Level)"},
		{"Tag_Profile_IM_Level", tag.String("7"), "Value: is string, want integer (Tag_Profile_IM_Level)"},
		{"Tag_Profile_IM_Nickname", tag.String("x"), `Tag: "Tag_Profile_IM_Nickname" is not a standard tag`},
		{"Tag_SNS_IM_Remark", tag.String(strings.Repeat("r", 97)), "Value: is 97 bytes, want at most 96 (Tag_SNS_IM_Remark)"},
		{"Tag_SNS_IM_Remark", tag.Int(3), "Value: is integer, want string (Tag_SNS_IM_Remark)"},
		{"Tag_SNS_IM_Group", tag.Strings("work", "family"), ""},
		{"Tag_SNS_IM_Group", tag.Strings(), ""},
		{"Tag_SNS_IM_Group", tag.String("work"), "Value: is string, want array of strings (Tag_SNS_IM_Group)"},
		{"Tag_SNS_IM_Group", tag.Strings("work", strings.Repeat("g", 31)), "Value[1]: is 31 bytes, want at most 30 (Tag_SNS_IM_Group)"},
		{"Tag_SNS_IM_Group", tag.Strings(""), "Value[0]: is empty (Tag_SNS_IM_Group)"},
		{"Tag_SNS_IM_Friendship", tag.Int(1), `Tag: "Tag_SNS_IM_Friendship" is not a standard tag`},
		{"Tag_Profile_Custom_Hobby", tag.String("chess"), ""},
		{"Tag_Profile_Custom_Hobby", tag.Strings("a", "b"), "Value: is array of strings, want string or integer (a custom tag)"},
		{"Tag_SNS_Custom_Rank", tag.Int(1), ""},
		{"Tag_SNS_Custom_Rank", tag.Strings("1"), "Value: is array of strings, want string or integer (a custom tag)"},
		{"Some_Other_Tag", tag.Strings("x"), ""}, // left to the schema's pattern
	} {
		got := ""
		if p := spec.TagProblem(c.name, c.v); p != nil {
			got = p.Error()
		}
		if got != c.want {
			t.Errorf("%s %v: %q, want %q", c.name, c.v, got, c.want)
		}
	}
}
