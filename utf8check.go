package timrest

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON cannot carry bytes that are not UTF-8: encoding/json replaces each
// of them with U+FFFD, so a Remark with a stray byte would be stored as
// replacement characters and a To_Account with one would name another
// account. The client refuses such strings before sending, in two layers:
//
//   - the generated check functions of internal/spec (the services call
//     them on their requests, and on each item of a batch, so that the
//     error names the field, and the item's index and To_Account);
//   - the doer checks every request body (so that requests made through
//     Client.API and Client.Call are covered too): the body must be valid
//     UTF-8 and hold no \ufffd escape, which encoding/json writes only for
//     an invalid byte (a real U+FFFD is written as is).

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
// bodyUTF8 gives it) in a request of op. For an item of a batch, item is
// the array's name ("AddFriendItem") and index and account its index and
// To_Account; otherwise item is "" and index -1.
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
