package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

// writeJSON writes v as indented JSON and a newline. HTML characters are
// not escaped: the output is for people and jq, not for a web page.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// newTable returns a tabwriter for table output: columns separated by
// two spaces, cells separated by tabs in what is written to it. Flush it.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// safeText makes a text from the input or the service safe to print on a
// terminal: control characters (C0 and C1, including ESC, CR and tab),
// DEL, Unicode format characters (bidirectional overrides, zero-width
// characters) and bytes that are not UTF-8 are written as Go escapes
// (\x1b, \r, \u202e, \xff), so that nobody who can set a remark, a
// nickname or a list name can move the cursor, clear the screen or
// reorder what an operator reads. Other text, including every printable
// non-ASCII character and the backslash, is unchanged (JSON output is
// the unambiguous form).
func safeText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r) // 'X' with X escaped
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether r must not reach a terminal as is.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}
