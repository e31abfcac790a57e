package tag_test

import (
	"encoding/json"
	"testing"

	"github.com/timrest/timrest/tag"
)

// benchValues are the shapes a friend or profile answer carries: short
// remarks and nicknames, an add time, a list of friend groups, and one
// string with an escape (the slow path) for comparison.
var benchValues = []struct {
	name string
	json string
	v    tag.Value
}{
	{"string", `"remark_2"`, tag.String("remark_2")},
	{"string_cjk", `"张三的备注"`, tag.String("张三的备注")},
	{"string_escaped", `"line\nbreak"`, tag.String("line\nbreak")},
	{"int", `1420000001`, tag.Int(1420000001)},
	{"list3", `["work","family","college"]`, tag.Strings("work", "family", "college")},
}

func BenchmarkValueUnmarshal(b *testing.B) {
	for _, bv := range benchValues {
		data := []byte(bv.json)
		b.Run(bv.name, func(b *testing.B) {
			b.ReportAllocs()
			var v tag.Value
			for b.Loop() {
				if err := v.UnmarshalJSON(data); err != nil {
					b.Fatal(err)
				}
			}
			if !v.Equal(bv.v) {
				b.Fatalf("decoded %v, want %v", v, bv.v)
			}
		})
	}
	// A friend item as the relationship answers carry it, decoded the way
	// the generated client decodes it: through encoding/json.
	item := []byte(`{"Tag":"Tag_SNS_IM_Group","Value":["work","family","college"]}`)
	b.Run("item", func(b *testing.B) {
		b.ReportAllocs()
		var it struct {
			Tag   string
			Value tag.Value
		}
		for b.Loop() {
			if err := json.Unmarshal(item, &it); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkValueMarshal(b *testing.B) {
	for _, bv := range benchValues {
		b.Run(bv.name, func(b *testing.B) {
			b.ReportAllocs()
			var out []byte
			for b.Loop() {
				var err error
				if out, err = bv.v.MarshalJSON(); err != nil {
					b.Fatal(err)
				}
			}
			if len(out) == 0 {
				b.Fatal("empty output")
			}
		})
	}
}
