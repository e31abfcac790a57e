package tag_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/tag"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want tag.Value
	}{
		{`"remark_2"`, tag.String("remark_2")},
		{`""`, tag.String("")},
		{`"\u4e2d\u6587"`, tag.String("中文")},
		{`0`, tag.Int(0)},
		{`1420000001`, tag.Int(1420000001)},
		{`4294967295`, tag.Int(4294967295)},
		{`-5`, tag.Int(-5)},
		{`9223372036854775807`, tag.Int(9223372036854775807)},
		{`["group1","group2"]`, tag.Strings("group1", "group2")},
		{`[]`, tag.Strings()},
		{` [ "a" ] `, tag.Strings("a")},
	}
	for _, tc := range cases {
		var got tag.Value
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("%s: got %v (%v), want %v (%v)", tc.in, got, got.Kind(), tc.want, tc.want.Kind())
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		_ = json.Unmarshal([]byte(tc.in), &a)
		_ = json.Unmarshal(again, &b)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s re-encodes as %s", tc.in, again)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{"a":1}`, `{}`, `true`, `false`, `1.5`, `1e3`, `-0.0`,
		`9223372036854775808`, `[1,2]`, `["a",1]`, `["a",null]`, `[["a"]]`, `"unterminated`, `nul`} {
		var v tag.Value
		err := json.Unmarshal([]byte(in), &v)
		if err == nil {
			t.Errorf("%s: decoded as %v (%v), want an error", in, v, v.Kind())
			continue
		}
		// A syntax error is caught by encoding/json before UnmarshalJSON runs.
		var syn *json.SyntaxError
		if !errors.Is(err, tag.ErrInvalid) && !errors.As(err, &syn) {
			t.Errorf("%s: error %v does not wrap ErrInvalid", in, err)
		}
	}
}

func TestNullLeavesValue(t *testing.T) {
	t.Parallel()
	v := tag.String("kept")
	if err := json.Unmarshal([]byte(`null`), &v); err != nil {
		t.Fatal(err)
	}
	if s, _ := v.AsString(); s != "kept" {
		t.Errorf("null changed the value to %v", v)
	}
}

func TestZeroValueDoesNotEncode(t *testing.T) {
	t.Parallel()
	var v tag.Value
	if !v.IsZero() || v.Kind() != tag.KindInvalid {
		t.Fatalf("zero Value: IsZero %v, Kind %v", v.IsZero(), v.Kind())
	}
	if _, err := json.Marshal(v); !errors.Is(err, tag.ErrInvalid) {
		t.Errorf("encoding the zero Value: got %v, want ErrInvalid", err)
	}
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	s, i, l := tag.String("x"), tag.Int(7), tag.Strings("a", "b")
	if got, ok := s.AsString(); !ok || got != "x" {
		t.Errorf("AsString: %q %v", got, ok)
	}
	if _, ok := s.AsInt(); ok {
		t.Error("a string answered AsInt")
	}
	if got, ok := i.AsInt(); !ok || got != 7 {
		t.Errorf("AsInt: %d %v", got, ok)
	}
	if _, ok := i.AsStrings(); ok {
		t.Error("an integer answered AsStrings")
	}
	got, ok := l.AsStrings()
	if !ok || !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("AsStrings: %v %v", got, ok)
	}
	got[0] = "changed"
	if again, _ := l.AsStrings(); again[0] != "a" {
		t.Error("AsStrings returned the Value's own slice")
	}
	in := []string{"p"}
	v := tag.Strings(in...)
	in[0] = "q"
	if again, _ := v.AsStrings(); again[0] != "p" {
		t.Error("Strings kept the caller's slice")
	}
	for _, tc := range []struct {
		v    tag.Value
		s    string
		kind string
	}{{s, "x", "string"}, {i, "7", "integer"}, {l, "[a, b]", "array of strings"}, {tag.Value{}, "<invalid>", "invalid"}} {
		if tc.v.String() != tc.s || tc.v.Kind().String() != tc.kind {
			t.Errorf("%#v: String %q Kind %q", tc.v, tc.v.String(), tc.v.Kind())
		}
	}
	if s.Equal(tag.Int(0)) || !l.Equal(tag.Strings("a", "b")) || l.Equal(tag.Strings("a")) {
		t.Error("Equal is wrong")
	}
}

// FuzzValue: decoding never panics, and whatever decodes re-encodes to JSON
// that decodes to the same Value.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`"a"`, `1`, `-1`, `["a","b"]`, `[]`, `{}`, `1.5`, `null`, `[1]`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v tag.Value
		if err := json.Unmarshal(data, &v); err != nil || v.IsZero() {
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%q decoded but does not encode: %v", data, err)
		}
		var w tag.Value
		if err := json.Unmarshal(out, &w); err != nil || !w.Equal(v) {
			t.Fatalf("%q -> %s -> %v (%v)", data, out, w, err)
		}
	})
}

func ExampleValue() {
	var item struct {
		Tag   string
		Value tag.Value
	}
	_ = json.Unmarshal([]byte(`{"Tag":"Tag_SNS_IM_Group","Value":["work","family"]}`), &item)
	if lists, ok := item.Value.AsStrings(); ok {
		fmt.Println(item.Tag, "has", len(lists), "lists:", item.Value)
	}
	b, _ := json.Marshal([]tag.Value{tag.String("Bobby"), tag.Int(1420000001), tag.Strings("work")})
	fmt.Println(string(b))
	// Output:
	// Tag_SNS_IM_Group has 2 lists: [work, family]
	// ["Bobby",1420000001,["work"]]
}
