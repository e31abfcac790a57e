package spec

import "testing"

// TestCheckJSONShape: CheckJSON refuses what encoding/json would accept
// silently and the document forbids: unknown fields (Type for GroupType),
// names in another case, a field given twice, at any depth.
func TestCheckJSONShape(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		op   *Operation
		body string
		want string // "" for no problem
	}{
		{ListGroupIDs, `{"Type":"Private"}`, "Type: is not a field of this object"},
		{GetFriendLists, `{"From_Account":"a","Bogus":1}`, "Bogus: is not a field of this object"},
		{ImportFriends, `{"from_account":"a","addfrienditem":[{"to_account":"b","addsource":"AddSource_Type_X"}]}`, "from_account: is not a field of this object (names are case-sensitive: From_Account)"},
		{ImportFriends, `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_X","remark":"x"}]}`, "AddFriendItem[0].remark: is not a field of this object (names are case-sensitive: Remark)"},
		{ImportFriends, `{"From_Account":"a","From_Account":"b","AddFriendItem":[]}`, "From_Account: is given twice"},
		{ImportFriends, `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_X","CustomItem":[{"Tag":"Tag_SNS_Custom_A","value":1}]}]}`, "AddFriendItem[0].CustomItem[0].value: is not a field of this object (names are case-sensitive: Value)"},
		{ImportFriends, `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_X"}]}`, ""},
		{ImportFriends, `{"From_Account":"a"`, "is not valid JSON: it ends too soon"},
	} {
		p := c.op.CheckJSON([]byte(c.body))
		got := ""
		if p != nil {
			got = p.Error()
		}
		if got != c.want {
			t.Errorf("%s.CheckJSON(%s) = %q, want %q", c.op.ID, c.body, got, c.want)
		}
	}
}
