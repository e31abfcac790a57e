package timrest

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON cannot carry bytes that are not UTF-8: encoding/json replaces each
// of them with U+FFFD, so a Remark with a stray byte would be stored as
// replacement characters and a To_Account with one would name another
// account. The client refuses such strings before sending, in two layers:
//
//   - invalidUTF8 walks a request value (the wrappers call it on their
//     requests, and on each item of a batch, so that the error names the
//     field, and the item's index and To_Account);
//   - the doer checks every request body (so that requests made through
//     Client.API, and any future wrapper, are covered too): the body must
//     be valid UTF-8 and hold no \ufffd escape, which encoding/json
//     writes only for an invalid byte (a real U+FFFD is written as is).

// maxWalkDepth bounds the walk; request types are a few levels deep.
const maxWalkDepth = 64

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// invalidUTF8 returns the JSON path (e.g. "AddFriendItem[3].Remark",
// "CustomItem[0].Value") of the first string in v, in field order, that
// JSON would not carry as is, and why; ok is false when there is none.
// Field names are the JSON names. A value with its own MarshalJSON (or
// MarshalText) is checked through its encoding.
func invalidUTF8(v any) (path, reason string, ok bool) {
	var w utf8Walker
	if w.walk(reflect.ValueOf(v), 0) {
		return w.path(), w.reason, true
	}
	return "", "", false
}

// utf8Walker finds the first bad string. The path is only built once one
// is found, as the walk unwinds, so that a clean walk allocates nothing.
type utf8Walker struct {
	segs   []string // the path to the bad value, innermost first
	reason string
}

func (w *utf8Walker) path() string {
	var b strings.Builder
	for i := len(w.segs) - 1; i >= 0; i-- {
		s := w.segs[i]
		if i < len(w.segs)-1 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// found records seg as the next outer segment of the bad value's path.
func (w *utf8Walker) found(seg string) bool {
	w.segs = append(w.segs, seg)
	return true
}

// walk reports whether v holds a bad string, leaving its path in w.segs.
func (w *utf8Walker) walk(v reflect.Value, depth int) bool {
	if !v.IsValid() || depth > maxWalkDepth {
		return false
	}
	t := v.Type()
	switch {
	case !v.CanInterface():
		// Reached through an unexported embedded struct: only its
		// strings are looked at, below.
	case t.Implements(jsonMarshalerType):
		if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && v.IsNil() {
			return false
		}
		return w.marshaled(v.Interface().(json.Marshaler))
	case v.CanAddr() && reflect.PointerTo(t).Implements(jsonMarshalerType):
		return w.marshaled(v.Addr().Interface().(json.Marshaler))
	case t.Implements(textMarshalerType) && t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface:
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		return err == nil && w.badString(string(text))
	}
	switch v.Kind() {
	case reflect.String:
		return w.badString(v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return false
		}
		return w.walk(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			name, skip := jsonName(f)
			if skip {
				continue
			}
			if w.walk(v.Field(i), depth+1) {
				if name == "" { // an embedded struct: its fields are promoted
					return true
				}
				return w.found(name)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return false // []byte: sent as base64
		}
		for i := range v.Len() {
			if w.walk(v.Index(i), depth+1) {
				return w.found("[" + strconv.Itoa(i) + "]")
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		if t.Key().Kind() == reflect.String {
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		}
		for _, k := range keys {
			if k.Kind() == reflect.String && !utf8.ValidString(k.String()) {
				w.reason = "has a key that is not valid UTF-8 (" + strconv.Quote(k.String()) + "): JSON would carry U+FFFD instead"
				return true
			}
			if w.walk(v.MapIndex(k), depth+1) {
				return w.found(fmt.Sprint(k))
			}
		}
	}
	return false
}

// jsonName returns the JSON name of f, "" for an embedded struct whose
// fields are promoted, and skip for a field encoding/json leaves out.
func jsonName(f reflect.StructField) (name string, skip bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", true
	}
	name, _, _ = strings.Cut(tag, ",")
	if f.Anonymous && name == "" {
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			return "", false
		}
	}
	if !f.IsExported() {
		return "", true
	}
	if name == "" {
		name = f.Name
	}
	return name, false
}

func (w *utf8Walker) badString(s string) bool {
	if utf8.ValidString(s) {
		return false
	}
	at := 0
	for at < len(s) {
		r, n := utf8.DecodeRuneInString(s[at:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		at += n
	}
	w.reason = fmt.Sprintf("is not valid UTF-8 (byte %#02x at offset %d): JSON would carry U+FFFD instead", s[at], at)
	return true
}

func (w *utf8Walker) marshaled(m json.Marshaler) bool {
	out, err := m.MarshalJSON()
	if err != nil {
		return false // encoding the request fails with this error anyway
	}
	if !utf8.Valid(out) || replacementEscape(out) >= 0 {
		w.reason = "is not valid UTF-8: JSON would carry U+FFFD instead"
		return true
	}
	return false
}

// replacementEscape returns the offset of the first \ufffd escape (in any
// case) in the JSON text b, or -1. A backslash escaped by another one
// ("\\ufffd" in the text) starts no escape.
func replacementEscape(b []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\\')
		if j < 0 {
			return -1
		}
		i += j
		if i+6 <= len(b) && b[i+1] == 'u' && strings.EqualFold(string(b[i+2:i+6]), "fffd") {
			return i
		}
		i += 2 // the backslash and the character it escapes
		if i >= len(b) {
			return -1
		}
	}
}

// bodyUTF8 returns the JSON path of the first string of the request body
// that is not valid UTF-8 or holds a \ufffd escape (what encoding/json
// writes for an invalid byte), and ok; ok is false when the body is clean.
// The path is "" when the body is not JSON.
func bodyUTF8(body []byte) (path string, ok bool) {
	if utf8.Valid(body) && replacementEscape(body) < 0 {
		return "", false
	}
	bad := func(raw []byte) bool { return !utf8.Valid(raw) || replacementEscape(raw) >= 0 }
	type frame struct {
		object  bool
		wantKey bool
		key     string
		index   int
	}
	var stack []frame
	where := func(stack []frame) string {
		var b strings.Builder
		for i, f := range stack {
			switch {
			case f.object && i > 0:
				b.WriteString("." + f.key)
			case f.object:
				b.WriteString(f.key)
			default:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return "", true // bad bytes outside any token: cannot say where
		}
		if err != nil {
			return "", true
		}
		raw := body[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		top := len(stack) - 1
		if d, isDelim := tok.(json.Delim); isDelim && (d == '}' || d == ']') {
			stack = stack[:top]
			if top > 0 && stack[top-1].object {
				stack[top-1].wantKey = true
			}
			continue
		}
		if top >= 0 && stack[top].object && stack[top].wantKey {
			if bad(raw) {
				return where(stack[:top]), true // a key: the object's path
			}
			stack[top].key, _ = tok.(string)
			stack[top].wantKey = false
			continue
		}
		if top >= 0 && !stack[top].object {
			stack[top].index++
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{index: -1})
			continue
		}
		if bad(raw) {
			return where(stack), true
		}
		if top >= 0 && stack[top].object {
			stack[top].wantKey = true
		}
	}
}

// utf8Invalid makes the *ValidationError of a bad string at path (as
// invalidUTF8 or bodyUTF8 give it) in a request of op. For an item of a
// batch, item is the array's name ("AddFriendItem") and index and account
// its index and To_Account; otherwise item is "" and index -1.
func utf8Invalid(op, path, reason, item string, index int, account string) *ValidationError {
	switch {
	case item != "" && path == "":
		return invalid(op, item, index, account, reason)
	case item != "":
		return invalid(op, item+"."+path, index, account, reason)
	}
	// "GroupName[2]" → GroupName, 2; "A[1].B" → A.B, 1; "A.B" → A.B, -1.
	field, idx := path, -1
	if i := strings.IndexByte(path, '['); i > 0 && !strings.Contains(path[:i], ".") {
		if j := strings.IndexByte(path[i:], ']'); j > 0 {
			if n, err := strconv.Atoi(path[i+1 : i+j]); err == nil {
				rest := path[i+j+1:]
				if rest == "" || rest[0] == '.' {
					field, idx = path[:i]+rest, n
				}
			}
		}
	}
	if field == "" {
		field = "body"
	}
	return invalid(op, field, idx, "", reason)
}

// checkUTF8 returns a *ValidationError for the first string of req (a
// request of op) that is not valid UTF-8, or nil.
func checkUTF8(op string, req any) error {
	if path, reason, bad := invalidUTF8(req); bad {
		return utf8Invalid(op, path, reason, "", -1, "")
	}
	return nil
}
