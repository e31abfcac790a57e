package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// This file reads the files of the check commands (friends check,
// blocklist check, accounts check), which use only the ID fields of a
// migration file (From_Account and To_Account; UserID) and ignore the
// others: CSV with a header row, or JSON Lines, strict about names like
// every migration file, one bounded line at a time.

// idSchema describes the files a check command reads.
type idSchema struct {
	keys     []string          // the ID fields, in output order
	fromKey  string            // a key that --from may give instead ("" if none)
	ignored  func(string) bool // other fields the file may have
	wantText string            // the fields, for messages
}

// friendsIDSchema reads friends files (friends check): From_Account and
// To_Account; the other columns of the friends format are ignored.
var friendsIDSchema = &idSchema{
	keys:    []string{colFrom, colTo},
	fromKey: colFrom,
	ignored: func(name string) bool {
		return slices.Contains(csvColumns, name) || name == exportColRemarkTime ||
			strings.HasPrefix(name, "Tag_SNS_Custom_") || isInfoColumn(name) ||
			slices.Contains([]string{"CustomItem"}, name)
	},
	wantText: "From_Account, To_Account (the other columns of a friends file are ignored)",
}

// blocklistIDSchema reads blocklist files: From_Account and To_Account.
var blocklistIDSchema = &idSchema{
	keys:     []string{colFrom, colTo},
	fromKey:  colFrom,
	ignored:  isInfoColumn,
	wantText: "From_Account, To_Account",
}

// accountsIDSchema reads accounts files: UserID (Nick and FaceUrl are
// ignored).
var accountsIDSchema = &idSchema{
	keys:     []string{"UserID"},
	ignored:  func(name string) bool { return name == "Nick" || name == "FaceUrl" || isInfoColumn(name) },
	wantText: "UserID (Nick and FaceUrl are ignored)",
}

// idRow is one record of a check file: its line and ID fields, in the
// order of the schema's keys.
type idRow struct {
	line int
	ids  []string
}

// idRowError is a line that could not be read as a record; reading
// goes on after it.
type idRowError struct {
	line int
	msg  string
}

func (e *idRowError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// idReader reads the records of a check file.
type idReader struct {
	s       *idSchema
	lines   *lineReader
	format  string
	from    string
	col     []int // CSV: the index of each key's column, -1 when absent
	n       int   // CSV: the fields of the header
	fields  []string
	skipped int
}

// newIDReader returns a reader of the file r in format (detected when
// flagFormat is "": see detectFormat). A bad CSV header is a usage error.
func newIDReader(s *idSchema, flagFormat, path string, r io.Reader, from string) (*idReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	format := detectFormat(flagFormat, path, br)
	lr := newLineReader(br, defaultMaxLineBytes)
	if err := checkEncoding(lr.br); err != nil {
		return nil, err
	}
	ir := &idReader{s: s, lines: lr, format: format, from: from}
	if format == formatCSV {
		if err := ir.header(); err != nil {
			return nil, err
		}
	}
	return ir, nil
}

func (r *idReader) header() error {
	for {
		l, err := r.lines.next()
		switch {
		case errors.Is(err, io.EOF):
			return usageErrorf("the input is empty: want a CSV header row (%s) or JSON Lines", r.s.wantText)
		case err != nil:
			return usageErrorf("cannot read the CSV header: %v", err)
		case l.tooLong:
			return usageErrorf("line %d: the CSV header is longer than %d bytes", l.num, defaultMaxLineBytes)
		case blank(l.text):
			r.skipped++
			continue
		}
		r.skipped++
		if !utf8.Valid(l.text) {
			return usageErrorf("line %d: the CSV header is not valid UTF-8", l.num)
		}
		names, open, err := parseCSV(l.text, nil)
		if open || err != nil {
			return usageErrorf("line %d: the CSV header is not valid CSV", l.num)
		}
		r.n = len(names)
		r.col = slices.Repeat([]int{-1}, len(r.s.keys))
		for i, h := range names {
			h = strings.TrimSpace(h)
			k := slices.IndexFunc(r.s.keys, func(k string) bool { return strings.EqualFold(k, h) })
			switch {
			case k >= 0 && r.col[k] >= 0:
				return usageErrorf("column %s appears twice in the CSV header", r.s.keys[k])
			case k >= 0:
				r.col[k] = i
			case !r.s.ignored(h):
				return usageErrorf("unknown column %q in the CSV header: want %s", h, r.s.wantText)
			}
		}
		for k, key := range r.s.keys {
			if r.col[k] < 0 && !(key == r.s.fromKey && r.from != "") {
				if key == r.s.fromKey {
					return usageErrorf("the CSV header has no %s column: add it, or pass --from", key)
				}
				return usageErrorf("the CSV header has no %s column (want %s)", key, r.s.wantText)
			}
		}
		return nil
	}
}

// lineCounts returns the lines read and those without a record.
func (r *idReader) lineCounts() (int, int) { return r.lines.lines, r.skipped }

// next returns the next record; an *idRowError for a line that cannot be
// read, after which reading goes on; io.EOF at the end; or another error.
func (r *idReader) next() (*idRow, error) {
	for {
		l, err := r.lines.next()
		if err != nil {
			return nil, err
		}
		if l.tooLong {
			return nil, &idRowError{l.num, fmt.Sprintf("longer than %d bytes; not read", defaultMaxLineBytes)}
		}
		if blank(l.text) {
			r.skipped++
			continue
		}
		if !utf8.Valid(l.text) {
			return nil, &idRowError{l.num, "not valid UTF-8 (save the file as UTF-8)"}
		}
		row := &idRow{line: l.num, ids: make([]string, len(r.s.keys))}
		if r.format == formatCSV {
			fields, open, err := parseCSV(l.text, r.fields)
			r.fields = fields
			switch {
			case open:
				return nil, &idRowError{l.num, "a quote that is not closed on this line"}
			case err != nil:
				return nil, &idRowError{l.num, "not valid CSV: " + err.Error()}
			case len(fields) != r.n:
				return nil, &idRowError{l.num, fmt.Sprintf("has %d fields, the header %d", len(fields), r.n)}
			}
			for k, c := range r.col {
				if c >= 0 {
					row.ids[k] = strings.TrimSpace(fields[c])
				}
			}
		} else if err := r.jsonRow(l, row); err != nil {
			return nil, err
		}
		for k, key := range r.s.keys {
			switch {
			case key == r.s.fromKey && r.from != "" && row.ids[k] == "":
				row.ids[k] = r.from
			case key == r.s.fromKey && r.from != "" && row.ids[k] != r.from:
				return nil, &idRowError{l.num, fmt.Sprintf("%s %q differs from --from", key, row.ids[k])}
			case row.ids[k] == "":
				return nil, &idRowError{l.num, "no " + key}
			}
		}
		return row, nil
	}
}

// jsonRow reads the JSON Lines record of l into row: an object whose
// names are the schema's, each once; the keys are strings.
func (r *idReader) jsonRow(l physLine, row *idRow) error {
	var m map[string]jsontext.Value
	if err := jsonv2.Unmarshal(bytes.TrimSpace(l.text), &m); err != nil {
		return &idRowError{l.num, jsonErr(err)}
	}
	if m == nil {
		return &idRowError{l.num, "want a JSON object with " + r.s.wantText}
	}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		k := slices.Index(r.s.keys, name)
		if k < 0 {
			if !r.s.ignored(name) {
				return &idRowError{l.num, fmt.Sprintf("unknown field %q: want %s", name, r.s.wantText)}
			}
			continue
		}
		var s string
		if err := jsonv2.Unmarshal(m[name], &s); err != nil {
			return &idRowError{l.num, name + ": want a string"}
		}
		row.ids[k] = strings.TrimSpace(s)
	}
	return nil
}
