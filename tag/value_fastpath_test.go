package tag

import (
	"reflect"
	"strings"
	"testing"
)

// fastPathSeeds are inputs at the edges of the hand-written decoding: what
// it takes, what it must hand to encoding/json, and what both refuse.
var fastPathSeeds = []string{
	// Plain strings: the fast path.
	`"a"`, `""`, `"remark_2"`, `"张三"`, " \t\"a\"\r\n", `"<&>"`, "\"\x7f\"", "\"\u2028\u2029\"",
	"\"\uFFFD\"", "\"a\"\u00a0", "\u0085\"a\"",
	// Strings for encoding/json: escapes, control characters, invalid
	// UTF-8, surrogates (escaped and raw), broken quoting.
	`"\u0000"`, `"\n"`, `"\""`, `"\\"`, `"\/"`, `"\u4e2d"`, `"\ud800"`, `"\udc00\ud800"`, `"\ud83d\ude00"`,
	"\"a\x00b\"", "\"\t\"", "\"\x1f\"", "\"\xff\"", "\"a\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
	`"`, `"a`, `"a"b"`, `"a" "b"`, `"a"x`, `"\"`, `"\x"`, `"\u12"`,
	// Arrays.
	`[]`, `[ ]`, "[\t\n\r ]", `["a"]`, `["a","b"]`, `[ "a" , "b" ]`, "[\n\t\"a\",\r\"b\"\n]", `["", ""]`,
	`["work","family","college"]`, `["a\"b"]`, `["a\nb","c"]`, `["\u00e9"]`, "[\"\xff\"]", "[\"\x01\"]",
	`["a",1]`, `[1,"a"]`, `["a",null]`, `[null]`, `[["a"]]`, `["a",["b"]]`, `[[]]`, `[{}]`, `["a",{"b":"c"}]`,
	`["a",]`, `[,"a"]`, `[,]`, `["a" "b"]`, `["a":"b"]`, `["a"]x`, `["a"]]`, `[]]`, `[][]`, `["a"][]`,
	`[`, `["`, `["a`, `["a"`, `["a",`, `["a" ,`, `[ "a" `, "[\"a\"\u00a0]", "[\u00a0\"a\"]", "[\f\"a\"]",
	// Integers and other numbers: all for encoding/json and strconv.
	`0`, `-0`, `1`, `-1`, `01`, `-01`, `00`, `1420000001`, `9223372036854775807`, `-9223372036854775808`,
	`9223372036854775808`, `-9223372036854775809`, `99999999999999999999`, `1e3`, `1E3`, `1.0`, `1.5`,
	`-0.0`, `-`, `--1`, `-+1`, `+1`, `1_000`, `0x10`, `1 2`, `1,`, `12a`,
	// Everything else.
	``, ` `, "\u00a0", `null`, ` null `, `nul`, `nulll`, `NULL`, `true`, `false`, `{}`, `{"a":1}`, `x`,
}

// FuzzValueFastPath compares UnmarshalJSON and MarshalJSON with
// slowUnmarshalJSON and slowMarshalJSON, the encoding/json code they fall
// back on: the same error or none, the same Value, the same bytes.
func FuzzValueFastPath(f *testing.F) {
	for _, s := range fastPathSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, start := range []Value{{}, String("kept"), Strings("k")} {
			fast, slow := start, start
			errFast := fast.UnmarshalJSON(data)
			errSlow := slow.slowUnmarshalJSON(data)
			if (errFast == nil) != (errSlow == nil) || (errFast != nil && errFast.Error() != errSlow.Error()) {
				t.Fatalf("%q: UnmarshalJSON error %v, encoding/json error %v", data, errFast, errSlow)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("%q: UnmarshalJSON gives %#v, encoding/json %#v", data, fast, slow)
			}
			sameMarshal(t, fast)
		}
		// The input as text to encode: as a string, and split at ',' as a
		// list.
		sameMarshal(t, String(string(data)))
		sameMarshal(t, Strings(strings.Split(string(data), ",")...))
	})
}

// sameMarshal fails t when v.MarshalJSON differs from v.slowMarshalJSON.
func sameMarshal(t *testing.T, v Value) {
	t.Helper()
	fast, errFast := v.MarshalJSON()
	slow, errSlow := v.slowMarshalJSON()
	if (errFast == nil) != (errSlow == nil) || (errFast != nil && errFast.Error() != errSlow.Error()) {
		t.Fatalf("%#v: MarshalJSON error %v, encoding/json error %v", v, errFast, errSlow)
	}
	if string(fast) != string(slow) {
		t.Fatalf("%#v: MarshalJSON gives %q, encoding/json %q", v, fast, slow)
	}
}

// TestMarshalNilAndEmptyList: a list Value built without Strings (nil) and
// an empty one encode as [] on both paths.
func TestMarshalNilAndEmptyList(t *testing.T) {
	t.Parallel()
	for _, v := range []Value{{kind: KindStrings}, {kind: KindStrings, ss: []string{}}, Strings()} {
		sameMarshal(t, v)
		if b, _ := v.MarshalJSON(); string(b) != "[]" {
			t.Errorf("%#v encodes as %s", v, b)
		}
	}
}

// TestFastPathAllocations: plain strings and lists of them are decoded and
// encoded without encoding/json, in one allocation per string (a list: one
// for the slice, one for the text of all its elements). Through
// encoding/json a 3-element list took 16 allocations to decode.
func TestFastPathAllocations(t *testing.T) {
	str, list := []byte(`"remark_2"`), []byte(` [ "work", "family","college" ] `)
	var v Value
	for _, tc := range []struct {
		name string
		max  float64
		f    func()
	}{
		{"decode string", 1, func() { _ = v.UnmarshalJSON(str) }},
		{"decode list", 2, func() { _ = v.UnmarshalJSON(list) }},
		{"encode string", 1, func() { _, _ = String("remark_2").MarshalJSON() }},
		{"encode list", 1, func() { _, _ = v.MarshalJSON() }},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n > tc.max {
			t.Errorf("%s: %v allocations, want at most %v", tc.name, n, tc.max)
		}
	}
	if want := Strings("work", "family", "college"); !v.Equal(want) {
		t.Errorf("decoded %v, want %v", v, want)
	}
}
