package tag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind tells which of the three JSON shapes a [Value] holds.
type Kind uint8

const (
	// KindInvalid is the Kind of the zero Value, which holds nothing.
	KindInvalid Kind = iota
	// KindString is a JSON string.
	KindString
	// KindInt is a JSON integer (no fraction, no exponent), held as int64.
	KindInt
	// KindStrings is a JSON array of strings.
	KindStrings
)

// String returns the name of the kind.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindInt:
		return "integer"
	case KindStrings:
		return "array of strings"
	default:
		return "invalid"
	}
}

// ErrInvalid is returned (wrapped) when JSON cannot be decoded into a Value
// or a zero Value is encoded.
var ErrInvalid = errors.New("tag: invalid value")

// Value is a tag's value: a string, an integer or a list of strings. The zero
// Value holds nothing and has Kind KindInvalid. Values are immutable: the
// accessors return copies.
type Value struct {
	kind Kind
	s    string
	i    int64
	ss   []string
}

// String returns a Value holding the string s.
func String(s string) Value { return Value{kind: KindString, s: s} }

// Int returns a Value holding the integer n.
func Int(n int64) Value { return Value{kind: KindInt, i: n} }

// Strings returns a Value holding a copy of the list ss. A nil or empty list
// gives a Value holding an empty list (encoded as []).
func Strings(ss ...string) Value {
	c := make([]string, len(ss))
	copy(c, ss)
	return Value{kind: KindStrings, ss: c}
}

// Kind reports which shape v holds.
func (v Value) Kind() Kind { return v.kind }

// IsZero reports whether v is the zero Value (holds nothing).
func (v Value) IsZero() bool { return v.kind == KindInvalid }

// AsString returns the string v holds and true, or "" and false when v holds
// something else.
func (v Value) AsString() (string, bool) { return v.s, v.kind == KindString }

// AsInt returns the integer v holds and true, or 0 and false when v holds
// something else.
func (v Value) AsInt() (int64, bool) { return v.i, v.kind == KindInt }

// AsStrings returns a copy of the list v holds and true, or nil and false
// when v holds something else.
func (v Value) AsStrings() ([]string, bool) {
	if v.kind != KindStrings {
		return nil, false
	}
	return slices.Clone(v.ss), true
}

// Equal reports whether v and w hold the same kind and the same value.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case KindString:
		return v.s == w.s
	case KindInt:
		return v.i == w.i
	case KindStrings:
		return slices.Equal(v.ss, w.ss)
	default:
		return true
	}
}

// String formats v for people: a string as is, an integer in decimal, a list
// joined with ", " in brackets, and the zero Value as "<invalid>".
func (v Value) String() string {
	switch v.kind {
	case KindString:
		return v.s
	case KindInt:
		return strconv.FormatInt(v.i, 10)
	case KindStrings:
		return "[" + strings.Join(v.ss, ", ") + "]"
	default:
		return "<invalid>"
	}
}

// MarshalJSON encodes v as a JSON string, integer or array of strings. A zero
// Value is an error, never a silent null.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case KindString:
		return json.Marshal(v.s)
	case KindInt:
		return strconv.AppendInt(nil, v.i, 10), nil
	case KindStrings:
		if v.ss == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.ss)
	default:
		return nil, fmt.Errorf("%w: cannot encode the zero Value", ErrInvalid)
	}
}

// UnmarshalJSON decodes a JSON string, integer or array of strings. JSON null
// leaves v unchanged, as encoding/json does for other types. Objects,
// booleans, fractions, exponents, integers beyond int64 and arrays with a
// non-string element are refused with an error wrapping ErrInvalid.
func (v *Value) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return fmt.Errorf("%w: empty input", ErrInvalid)
	}
	switch c := data[0]; {
	case c == 'n':
		if string(data) == "null" {
			return nil
		}
	case c == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		*v = Value{kind: KindString, s: s}
		return nil
	case c == '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		ss := make([]string, len(raw))
		for i, r := range raw {
			if len(r) == 0 || r[0] != '"' {
				return fmt.Errorf("%w: element %d of the array is not a string", ErrInvalid, i)
			}
			if err := json.Unmarshal(r, &ss[i]); err != nil {
				return fmt.Errorf("%w: element %d: %v", ErrInvalid, i, err)
			}
		}
		*v = Value{kind: KindStrings, ss: ss}
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := strconv.ParseInt(string(data), 10, 64)
		if err != nil {
			return fmt.Errorf("%w: number %s is not a 64-bit integer", ErrInvalid, data)
		}
		*v = Value{kind: KindInt, i: n}
		return nil
	}
	return fmt.Errorf("%w: want a string, an integer or an array of strings, got %.20s", ErrInvalid, data)
}
