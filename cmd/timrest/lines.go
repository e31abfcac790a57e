package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// This file reads the input of the import commands as physical lines,
// each bounded in length and numbered, so that every line of the input
// is accounted for: a line is the header, blank, (part of) a record, or
// reported. It also splits CSV records.

// Limits of the input.
const (
	// defaultMaxLineBytes is the longest line (and, with --multiline,
	// the longest CSV record) an import reads; a longer one is refused
	// by its line number without being held in memory. The longest valid
	// record (32 lists of 30 bytes, a 256-byte AddWording, custom tags)
	// is a few kilobytes, even with every character escaped.
	defaultMaxLineBytes = 64 << 10
	// maxMaxLineBytes bounds --max-line-bytes.
	maxMaxLineBytes = 16 << 20
)

// utf8BOM starts some files written on Windows.
const utf8BOM = "\ufeff"

// physLine is one line of the input, without its line ending.
type physLine struct {
	num     int    // 1-based
	text    []byte // nil when tooLong; owned by the receiver
	tooLong bool   // longer than the limit: its bytes were skipped
}

// lineReader reads the input one line at a time. A line ends with "\n"
// (a "\r" before it is removed) or at the end of the input. A line longer
// than max bytes is skipped without being held and returned with tooLong
// set. The UTF-8 byte order mark of the first line is removed.
type lineReader struct {
	br    *bufio.Reader
	max   int
	lines int        // physical lines read from br
	back  []physLine // lines to read again, before br's
	buf   []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &lineReader{br: br, max: max}
}

// unread makes lines the next ones read again, in order.
func (r *lineReader) unread(lines ...physLine) {
	r.back = append(append([]physLine(nil), lines...), r.back...)
}

// next returns the next line; io.EOF at the end of the input, or the
// error reading it.
func (r *lineReader) next() (physLine, error) {
	if len(r.back) > 0 {
		l := r.back[0]
		r.back = r.back[1:]
		return l, nil
	}
	r.buf = r.buf[:0]
	seen, tooLong := 0, false
	for {
		chunk, err := r.br.ReadSlice('\n')
		seen += len(chunk)
		if !tooLong {
			if len(r.buf)+len(chunk) > r.max+2 { // room for "\r\n"
				tooLong = true
				r.buf = r.buf[:0]
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && seen == 0 {
			return physLine{}, io.EOF
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return physLine{}, err
		}
		break
	}
	r.lines++
	text := bytes.TrimSuffix(r.buf, []byte("\n"))
	text = bytes.TrimSuffix(text, []byte("\r"))
	if r.lines == 1 {
		text = bytes.TrimPrefix(text, []byte(utf8BOM))
	}
	if tooLong || len(text) > r.max {
		return physLine{num: r.lines, tooLong: true}, nil
	}
	return physLine{num: r.lines, text: bytes.Clone(text)}, nil
}

// blank reports whether a line holds only spaces and tabs.
func blank(text []byte) bool {
	return len(bytes.Trim(text, " \t")) == 0
}

// checkEncoding refuses input that is not UTF-8 but starts with the byte
// order mark of UTF-16 or UTF-32 (PowerShell's Out-File and Excel's
// "Unicode text" write UTF-16): read as UTF-8, every record would be
// refused.
func checkEncoding(br *bufio.Reader) error {
	b, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return usageErrorf("the input is UTF-32 (it starts with a UTF-32 byte order mark): save it as UTF-8")
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return usageErrorf("the input is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8")
	}
	return nil
}

// csvSyntaxError is a CSV record that cannot be split into fields.
type csvSyntaxError struct {
	field int // 0-based index of the field where it was found
	msg   string
}

func (e *csvSyntaxError) Error() string { return fmt.Sprintf("field %d: %s", e.field+1, e.msg) }

// parseCSV splits the CSV record text into fields (appended to fields[:0])
// the way encoding/csv reads RFC 4180 (comma-separated; a field that
// starts with a double quote is quoted, "" in it is one quote; a quote in
// a field that is not quoted is an error). open is true when text ends
// inside a quoted field: the record would go on past the end of text,
// on the next line. A record of several lines is passed as its lines
// joined with "\n".
func parseCSV(text []byte, fields []string) (_ []string, open bool, _ error) {
	fields = fields[:0]
	var quoted []byte
	i := 0
	for {
		if i < len(text) && text[i] == '"' {
			quoted = quoted[:0]
			i++
			for {
				j := bytes.IndexByte(text[i:], '"')
				if j < 0 {
					return fields, true, nil
				}
				quoted = append(quoted, text[i:i+j]...)
				i += j + 1
				if i < len(text) && text[i] == '"' {
					quoted = append(quoted, '"')
					i++
					continue
				}
				break
			}
			fields = append(fields, string(quoted))
			switch {
			case i == len(text):
				return fields, false, nil
			case text[i] == ',':
				i++
				continue
			}
			return fields, false, &csvSyntaxError{field: len(fields) - 1, msg: `a quoted field is followed by other text than a comma (a stray "?)`}
		}
		end := len(text)
		if j := bytes.IndexByte(text[i:], ','); j >= 0 {
			end = i + j
		}
		f := text[i:end]
		if bytes.IndexByte(f, '"') >= 0 {
			return fields, false, &csvSyntaxError{field: len(fields), msg: `a double quote inside a field that is not quoted (quote the field and double the quote: "a ""b"" c")`}
		}
		fields = append(fields, string(f))
		if end == len(text) {
			return fields, false, nil
		}
		i = end + 1
	}
}
