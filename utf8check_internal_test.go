package timrest

import (
	"encoding/json"
	"testing"
)

// TestReplacementEscape: \ufffd (any case) is found where it is an escape,
// not where its backslash is itself escaped.
func TestReplacementEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		`"a"`:              -1,
		`"\ufffd"`:         1,
		`"\uFFFD"`:         1,
		`"\\ufffd"`:        -1, // the text \ufffd
		`"\\\ufffd"`:       3,  // a backslash, then the escape
		`"\\\\ufffd"`:      -1,
		`"\n\ufffd"`:       3,
		`"\u00e9 \ufffe"`:  -1,
		`"x\`:              -1,
		"\"\uFFFD raw\"":   -1, // a valid U+FFFD, as encoding/json writes it
		`"\ufff"`:          -1,
		`{"a":"\"\ufffd"}`: 8,
	} {
		if got := replacementEscape([]byte(in)); got != want {
			t.Errorf("replacementEscape(%s) = %d, want %d", in, got, want)
		}
	}
}

// TestBodyUTF8Path: the JSON path of the bad string in a body, as the
// ValidationError names it.
func TestBodyUTF8Path(t *testing.T) {
	t.Parallel()
	type item struct {
		To     string            `json:"To_Account"`
		Remark *string           `json:"Remark,omitempty"`
		Tags   map[string]string `json:"Tags,omitempty"`
	}
	type req struct {
		From  string `json:"From_Account"`
		Items []item `json:"AddFriendItem"`
		Lists [][]string
	}
	bad := "x\xffy"
	for _, tt := range []struct {
		req         req
		path, field string
		index       int
	}{
		{req{From: bad}, "From_Account", "From_Account", -1},
		{req{From: "a", Items: []item{{To: "b"}, {To: "c", Remark: &bad}}}, "AddFriendItem[1].Remark", "AddFriendItem.Remark", 1},
		{req{From: "a", Items: []item{{To: "b", Tags: map[string]string{"k": "v", "l": bad}}}}, "AddFriendItem[0].Tags.l", "AddFriendItem.Tags.l", 0},
		{req{From: "a", Items: []item{{To: "b", Tags: map[string]string{bad: "v"}}}}, "AddFriendItem[0].Tags", "AddFriendItem.Tags", 0},
		{req{From: "a", Lists: [][]string{{"a"}, {"b", bad}}}, "Lists[1][1]", "Lists[1][1]", -1},
	} {
		body, err := json.Marshal(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		path, ok := bodyUTF8(body)
		if !ok || path != tt.path {
			t.Errorf("bodyUTF8(%s) = %q, %v; want %q", body, path, ok, tt.path)
		}
		e := utf8Invalid("Op", path, "r", "", -1, "")
		if e.Field != tt.field || e.Index != tt.index {
			t.Errorf("%s: Field %q Index %d, want %q %d", path, e.Field, e.Index, tt.field, tt.index)
		}
	}
	if _, ok := bodyUTF8([]byte(`{"a":["\u00e9","\\ufffd","` + "\uFFFD" + `"]}`)); ok {
		t.Error("a clean body refused")
	}
	if path, ok := bodyUTF8([]byte("not json \xff")); !ok || path != "" {
		t.Errorf("bodyUTF8(not JSON) = %q, %v", path, ok)
	}
}
