package tag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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
// Value is an error, never a silent null. The output is byte for byte what
// encoding/json's Marshal gives for the string or list (HTML characters,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD).
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case KindString:
		if plainText(v.s) {
			b := make([]byte, 0, len(v.s)+2)
			b = append(b, '"')
			b = append(b, v.s...)
			return append(b, '"'), nil
		}
	case KindInt:
		return strconv.AppendInt(nil, v.i, 10), nil
	case KindStrings:
		if v.ss == nil {
			return []byte("[]"), nil
		}
		n := 2 + max(len(v.ss)-1, 0) // brackets and commas
		for _, s := range v.ss {
			if !plainText(s) {
				return v.slowMarshalJSON()
			}
			n += len(s) + 2
		}
		b := make([]byte, 0, n)
		b = append(b, '[')
		for i, s := range v.ss {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, s...)
			b = append(b, '"')
		}
		return append(b, ']'), nil
	}
	return v.slowMarshalJSON()
}

// slowMarshalJSON is MarshalJSON through encoding/json: the fallback of
// MarshalJSON for what needs escaping, and the oracle of its tests.
func (v Value) slowMarshalJSON() ([]byte, error) {
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
//
// Strings without escapes and arrays of them, the bulk of every answer, are
// decoded by hand; other strings and arrays go through encoding/json, with
// the same results and errors.
func (v *Value) UnmarshalJSON(data []byte) error {
	t := bytes.TrimSpace(data)
	if len(t) > 0 {
		switch t[0] {
		case '"':
			if len(t) >= 2 && t[len(t)-1] == '"' && plainJSON(t[1:len(t)-1]) {
				*v = Value{kind: KindString, s: string(t[1 : len(t)-1])}
				return nil
			}
		case '[':
			if ss, ok := plainJSONArray(t); ok {
				*v = Value{kind: KindStrings, ss: ss}
				return nil
			}
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			// As slowUnmarshalJSON does, which also words the error.
			if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
				*v = Value{kind: KindInt, i: n}
				return nil
			}
		}
	}
	return v.slowUnmarshalJSON(t)
}

// plainText reports whether encoding/json's Marshal encodes s as s between
// quotes: valid UTF-8 without control characters, '"', '\\', the HTML
// characters '<', '>' and '&', U+2028 and U+2029.
func plainText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}

// plainJSON reports whether b, the bytes between the quotes of a JSON
// string, decode to themselves: valid UTF-8 without '"', '\\' and control
// characters. (encoding/json would replace invalid UTF-8 by U+FFFD.)
func plainJSON(b []byte) bool {
	ascii := true
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	return ascii || utf8.Valid(b)
}

// isSpace reports whether c is JSON whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// plainJSONArray decodes data, a JSON array with no space around it, when
// all its elements are strings that plainJSON accepts, and reports false
// otherwise. The strings share one allocation, a copy of data.
func plainJSONArray(data []byte) ([]string, bool) {
	// First pass: check the shape and count the elements.
	i, n := 1, 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i < len(data) && data[i] == ']' {
		return make([]string, 0), i == len(data)-1
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		start := i + 1
		end := start + bytes.IndexByte(data[start:], '"')
		if end < start || !plainJSON(data[start:end]) {
			return nil, false
		}
		n++
		i = end + 1
		for i < len(data) && isSpace(data[i]) {
			i++
		}
		if i >= len(data) {
			return nil, false
		}
		if data[i] == ']' {
			if i != len(data)-1 {
				return nil, false
			}
			break
		}
		if data[i] != ',' {
			return nil, false
		}
		i++
		for i < len(data) && isSpace(data[i]) {
			i++
		}
	}
	// Second pass: the quotes now pair up, opening and closing each element.
	s := string(data)
	ss := make([]string, n)
	i = 0
	for k := range ss {
		start := i + strings.IndexByte(s[i:], '"') + 1
		end := start + strings.IndexByte(s[start:], '"')
		ss[k] = s[start:end]
		i = end + 1
	}
	return ss, true
}

// slowUnmarshalJSON is UnmarshalJSON through encoding/json: the fallback of
// UnmarshalJSON for everything but plain strings and arrays of them, and the
// oracle of its tests.
func (v *Value) slowUnmarshalJSON(data []byte) error {
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
