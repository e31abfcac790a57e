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
		// A required field that is absent: decoding would send its zero
		// value (LastSequence 0 and StartIndex 0 are valid values).
		{ListBlocked, `{"From_Account":"a","StartIndex":0,"MaxLimited":5}`, "LastSequence: is missing"},
		{ListBlocked, `{"From_Account":"a","StartIndex":0,"MaxLimited":5,"LastSequence":0}`, ""},
		{ListFriends, `{"From_Account":"a"}`, "StartIndex: is missing"},
		{ImportFriends, `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_X"},{"To_Account":"c"}]}`, "AddFriendItem[1].AddSource: is missing"},
		{UpdateFriends, `{"From_Account":"a","UpdateItem":[{"To_Account":"b","SnsItem":[{"Tag":"Tag_SNS_IM_Remark"}]}]}`, "UpdateItem[0].SnsItem[0].Value: is missing"},
		// null is refused: no field of a request is nullable, and decoding
		// would take it as the zero value (or as absent).
		{ListBlocked, `{"From_Account":"a","StartIndex":0,"MaxLimited":5,"LastSequence":null}`, "LastSequence: is null"},
		{ListFriends, `{"From_Account":"a","StartIndex":null}`, "StartIndex: is null"},
		{GetFriendLists, `{"From_Account":"a","GroupName":["a",null]}`, "GroupName[1]: is null"},
		{UpdateFriends, `{"From_Account":"a","UpdateItem":[{"To_Account":"b","SnsItem":[{"Tag":"Tag_SNS_IM_Remark","Value":null}]}]}`, "UpdateItem[0].SnsItem[0].Value: is null"},
		{ImportFriends, `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_X","Remark":null}]}`, "AddFriendItem[0].Remark: is null"},
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

// TestShapeRequired: a shape's required fields must be given, in an
// object at any depth; an object without a shape, and an optional field,
// need not be.
func TestShapeRequired(t *testing.T) {
	t.Parallel()
	inner := &Shape{Fields: map[string]*Shape{"k": nil, "v": nil}, Required: []string{"k"}}
	s := &Shape{Fields: map[string]*Shape{"a": nil, "b": nil, "list": {Items: inner}, "free": nil}, Required: []string{"a", "b"}}
	for _, c := range []struct{ body, want string }{
		{`{"a":1,"b":2}`, ""},
		{`{"b":2}`, "a: is missing"},
		{`{"a":1}`, "b: is missing"},
		{`{}`, "a: is missing"},
		{`{"a":1,"b":2,"list":[{"k":1},{"v":2}]}`, "list[1].k: is missing"},
		{`{"a":1,"b":2,"list":[{"k":1,"v":2}],"free":{"anything":1}}`, ""},
		// The first problem in the text wins: an unknown field before the
		// end of the object that lacks a field.
		{`{"x":1}`, "x: is not a field of this object"},
	} {
		got := ""
		if p := s.Check([]byte(c.body)); p != nil {
			got = p.Error()
		}
		if got != c.want {
			t.Errorf("Check(%s) = %q, want %q", c.body, got, c.want)
		}
	}
}
