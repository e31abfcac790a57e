package timrest

import (
	"encoding/json"
	"testing"
)

var peekCases = []struct {
	in   string
	code int64
	ok   bool
}{
	{`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`, 0, true},
	{`{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}`, 70001, true},
	{` { "GroupIdList" : [ {"GroupId":"@TGS#\"}]"} , {"GroupId":"x"} ], "Next": 9040992949, "ErrorCode" : -3 } `, -3, true},
	{`{"a":{"ErrorCode":1},"b":[1,{"c":"ErrorCode"}],"errorcode":30006}`, 30006, true},
	{`{"ErrorInfo":"no code"}`, 0, false},
	{`{"ErrorCode":"30006"}`, 0, false},
	{`{"ErrorCode":1.5}`, 0, false},
	{`{"ErrorCode":1e3}`, 0, false},
	{`[{"ErrorCode":1}]`, 0, false},
	{`{"x":"unterminated`, 0, false},
	{``, 0, false},
	{`<html>502</html>`, 0, false},
	{`{"ErrorCode":99999999999999999999}`, 0, false},
}

func TestPeekErrorCode(t *testing.T) {
	t.Parallel()
	for _, tt := range peekCases {
		code, ok := peekErrorCode([]byte(tt.in))
		if code != tt.code || ok != tt.ok {
			t.Errorf("peekErrorCode(%s) = %d, %v; want %d, %v", tt.in, code, ok, tt.code, tt.ok)
		}
	}
}

// FuzzPeekErrorCode: on any JSON object that encoding/json decodes with an
// integer ErrorCode, peek agrees with it; it never panics on anything.
func FuzzPeekErrorCode(f *testing.F) {
	for _, tt := range peekCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		code, ok := peekErrorCode([]byte(in))
		var ref struct{ ErrorCode *int64 }
		var probe map[string]json.RawMessage
		if json.Unmarshal([]byte(in), &probe) != nil || json.Unmarshal([]byte(in), &ref) != nil || ref.ErrorCode == nil {
			return
		}
		// encoding/json takes the last of duplicate keys; peek the first.
		n := 0
		for k := range probe {
			if len(k) == len("ErrorCode") && equalFoldASCII(k, "ErrorCode") {
				n++
			}
		}
		if n != 1 {
			return
		}
		if !ok || code != *ref.ErrorCode {
			t.Errorf("peekErrorCode(%q) = %d, %v; encoding/json says %d", in, code, ok, *ref.ErrorCode)
		}
	})
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}
