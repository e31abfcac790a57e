package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// This file reads and writes the record files of the write commands:
// CSV with a header row (csvTable, checked against a kind's csvSchema),
// and JSON Lines (jsonlLines, decoded strictly by the kind). Both are
// read one bounded line at a time (lines.go), so that every line of the
// input is accounted for. The friends format ("friends import", "friends
// add") is here; the other kinds' are in their write_*.go files.

// Input formats.
const (
	formatCSV   = "csv"
	formatJSONL = "jsonl"
)

// CSV columns, as the header names them.
const (
	colFrom       = "From_Account"
	colTo         = "To_Account"
	colAddSource  = "AddSource"
	colRemark     = "Remark"
	colGroupName  = "GroupName"
	colAddWording = "AddWording"
	colAddTime    = "AddTime"
	colRemarkTime = "RemarkTime" // optional: --failures writes it only when the input has it
	// Columns (and JSON fields) that --failures adds and input ignores.
	colLine       = "Line"
	colResultCode = "ResultCode"
	colError      = "Error"
	colInput      = "Input" // the text of a line that could not be read as a record
)

// csvColumns are the record columns of a friends CSV file, in the order
// --failures writes them; then come the optional columns the input has
// (RemarkTime, custom friend tags), in its order.
var csvColumns = []string{colFrom, colTo, colAddSource, colRemark, colGroupName, colAddWording, colAddTime}

// infoColumns are the columns --failures adds after the record's.
var infoColumns = []string{colLine, colResultCode, colError, colInput}

// groupSep separates list names in the GroupName column.
const groupSep = ";"

// maxUnixTime is the latest AddTime and RemarkTime accepted: the largest
// 32-bit unsigned number of seconds (2106-02-07). A larger value is a
// mistake, such as milliseconds.
const maxUnixTime = 1<<32 - 1

// readOptions are the settings of a record reader.
type readOptions struct {
	from      string // --from: the From_Account of records that name none
	multiline bool   // --multiline: CSV quoted fields may hold line breaks
	maxLine   int    // --max-line-bytes: the longest line (and record)
}

// record is one friend relation to import: a line (or CSV record) of
// the input.
type record struct {
	line int    // the line it starts on, 1-based
	from string // From_Account: the record's, or --from
	item api.AddFriendItem
	// rawAddTime and rawRemarkTime are CSV cells that are not valid
	// times (the item has none then), kept for --failures.
	rawAddTime, rawRemarkTime string
}

// recordError is a record that could not be read or is invalid before
// the client sees it. rec (a friends record) or other (a record of
// another kind) is the record when it could be read (it is then written
// to --failures as a record), nil when it could not be parsed;
// --failures then gets raw, the text of the line (or nothing for a line
// too long to hold).
type recordError struct {
	line  int
	msg   string
	rec   *record
	other any
	raw   []byte
}

// parsed returns the record that could be read, or nil.
func (e *recordError) parsed() any {
	if e.rec != nil {
		return e.rec
	}
	return e.other
}

func (e *recordError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// recordReader reads friends records one at a time.
type recordReader interface {
	// next returns the next record; a *recordError for a record that
	// cannot be imported, after which reading goes on; io.EOF at the
	// end; or another error, after which it cannot.
	next() (*record, error)
	// lineCounts returns the physical lines read so far and how many of
	// them held no record (blank lines, the CSV header).
	lineCounts() (lines, skipped int)
}

// detectFormat returns the format of the input path: flag when it is
// csv or jsonl; otherwise by the extension (.csv; .jsonl, .ndjson,
// .json); otherwise by the first character of the content ('{': JSON
// Lines, anything else: CSV), peeked from br.
func detectFormat(flag, path string, br *bufio.Reader) string {
	switch flag {
	case formatCSV, formatJSONL:
		return flag
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return formatCSV
	case ".jsonl", ".ndjson", ".json":
		return formatJSONL
	}
	b, _ := br.Peek(4096)
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte(utf8BOM)), " \t\r\n")
	if len(b) > 0 && b[0] == '{' {
		return formatJSONL
	}
	return formatCSV
}

// newRecordReader returns a reader of friends records in format for r.
// A bad CSV header is a usage error.
func newRecordReader(format string, r io.Reader, o readOptions) (recordReader, error) {
	lr, err := newInputLines(r, &o)
	if err != nil {
		return nil, err
	}
	if format == formatJSONL {
		return &jsonlReader{jsonlLines: jsonlLines{lines: lr}, from: o.from}, nil
	}
	return newCSVReader(lr, o)
}

// newInputLines returns the line reader of an input, after checking its
// encoding; it sets o.maxLine to the default when it is not set.
func newInputLines(r io.Reader, o *readOptions) (*lineReader, error) {
	if o.maxLine <= 0 {
		o.maxLine = defaultMaxLineBytes
	}
	lr := newLineReader(r, o.maxLine)
	if err := checkEncoding(lr.br); err != nil {
		return nil, err
	}
	return lr, nil
}

// csvSchema describes the columns of a kind's CSV files.
type csvSchema struct {
	// columns are the record columns, in the order --failures writes
	// them (and the header's error messages list them).
	columns []string
	// optional returns the name of a column the header may also have
	// (RemarkTime, a custom tag), as --failures writes it, or "" when h
	// is not one. nil: none.
	optional func(h string) string
	// required are the columns the header must have.
	required []string
	// fromColumn, when set, is required unless --from is given.
	fromColumn string
	// rawKey is the column that, empty while Input is set, marks a row
	// that --failures wrote for a line that could not be read.
	rawKey string
}

// csvTable reads the rows of a CSV file with a header row: it checks the
// header against a schema, and hands out the fields of each record (a
// line, or with --multiline the lines of a quoted field), refusing those
// that are not valid CSV or have another number of fields than the
// header, by their line.
type csvTable struct {
	lines   *lineReader
	o       readOptions
	schema  *csvSchema
	n       int            // the number of columns of the header
	names   []string       // the header's column names, by index
	col     map[string]int // record column → its index; absent columns are not in it
	extras  []string       // the optional columns of the header, in its order
	skipped int
	fields  []string
	input   int // the index of the Input column, or -1
}

// typeLine starts the first line that Windows PowerShell's Export-Csv
// writes without -NoTypeInformation ("#TYPE System.Management...").
const typeLine = "#TYPE "

// newCSVTable reads the header of lr and checks it against s.
func newCSVTable(lr *lineReader, o readOptions, s *csvSchema) (*csvTable, error) {
	c := &csvTable{lines: lr, o: o, schema: s, col: map[string]int{}, input: -1}
	var header physLine
	for {
		l, err := lr.next()
		switch {
		case errors.Is(err, io.EOF):
			return nil, usageErrorf("the input is empty: want a CSV header row (%s) or JSON Lines", strings.Join(s.columns, ","))
		case err != nil:
			return nil, usageErrorf("cannot read the CSV header: %v", err)
		case l.tooLong:
			return nil, usageErrorf("line %d: the CSV header is longer than %d bytes", l.num, o.maxLine)
		case blank(l.text) || (c.skipped == 0 && bytes.HasPrefix(l.text, []byte(typeLine))):
			c.skipped++
			continue
		}
		header = l
		break
	}
	c.skipped++ // the header
	if !utf8.Valid(header.text) {
		return nil, usageErrorf("line %d: the CSV header is not valid UTF-8", header.num)
	}
	names, open, err := parseCSV(header.text, nil)
	switch {
	case open:
		return nil, usageErrorf("line %d: the CSV header has a quote that is not closed", header.num)
	case err != nil && bytes.HasPrefix(bytes.TrimSpace(header.text), []byte("{")):
		return nil, usageErrorf("line %d: the CSV header is not valid CSV (the input looks like JSON Lines: pass --format jsonl)", header.num)
	case err != nil:
		return nil, usageErrorf("line %d: the CSV header is not valid CSV: %v", header.num, err)
	}
	c.n = len(names)
	for i, h := range names {
		h = strings.TrimSpace(h)
		name := ""
		for _, known := range slices.Concat(s.columns, infoColumns) {
			if strings.EqualFold(h, known) {
				name = known
			}
		}
		extra := false
		if name == "" && s.optional != nil {
			name = s.optional(h)
			extra = name != ""
		}
		c.names = append(c.names, cmpOr(name, h))
		switch {
		case name == "":
			return nil, usageErrorf("unknown column %q in the CSV header: want %s (%s ignored)",
				h, strings.Join(s.columns, ", "), strings.Join(infoColumns, ", "))
		case name == colInput:
			c.input = i
			continue
		case isInfoColumn(name):
			continue
		}
		if _, dup := c.col[name]; dup {
			return nil, usageErrorf("column %s appears twice in the CSV header", name)
		}
		c.col[name] = i
		if extra {
			c.extras = append(c.extras, name)
		}
	}
	for _, need := range s.required {
		if _, ok := c.col[need]; !ok {
			return nil, usageErrorf("the CSV header has no %s column (want %s)", need, strings.Join(s.columns, ","))
		}
	}
	if s.fromColumn != "" {
		if _, ok := c.col[s.fromColumn]; !ok && o.from == "" {
			return nil, usageErrorf("the CSV header has no %s column: add it, or pass --from", s.fromColumn)
		}
	}
	return c, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isInfoColumn(name string) bool { return slices.Contains(infoColumns, name) }

func (c *csvTable) lineCounts() (int, int) { return c.lines.lines, c.skipped }

// column names field i of a record for a message.
func (c *csvTable) column(i int) string {
	if i < len(c.names) {
		return fmt.Sprintf("%s (field %d)", c.names[i], i+1)
	}
	return fmt.Sprintf("field %d", i+1)
}

// csvRow is a row of a csvTable.
type csvRow struct {
	line   int
	fields []string
	t      *csvTable
}

// get returns the cell of column col ("" when the header has none).
func (r csvRow) get(col string) string {
	if i, ok := r.t.col[col]; ok {
		return r.fields[i]
	}
	return ""
}

// badUTF8 returns the first record column whose cell is not valid
// UTF-8, or "".
func (r csvRow) badUTF8() string {
	for i, f := range r.fields {
		if _, ok := r.t.col[r.t.names[i]]; ok && !utf8.ValidString(f) {
			return r.t.names[i]
		}
	}
	return ""
}

// nextRow returns the next row; a *recordError for a line that is not a
// row (it has no record); io.EOF at the end.
func (c *csvTable) nextRow() (csvRow, error) {
	var l physLine
	for {
		var err error
		if l, err = c.lines.next(); err != nil {
			return csvRow{}, err // io.EOF at the end
		}
		if l.tooLong || !blank(l.text) {
			break
		}
		c.skipped++
	}
	if l.tooLong {
		return csvRow{}, &recordError{line: l.num, msg: fmt.Sprintf("longer than %d bytes, the longest line read (--max-line-bytes); not read", c.o.maxLine)}
	}
	text := l.text
	fields, open, perr := parseCSV(text, c.fields)
	c.fields = fields
	if open {
		if !c.o.multiline {
			return csvRow{}, &recordError{line: l.num, raw: l.text, msg: fmt.Sprintf(
				"%s opens a quote that is not closed on this line: a field cannot span lines (a stray \"? quote the field and double the quote; pass --multiline if fields hold line breaks)",
				c.column(len(fields)))}
		}
		var err error
		if text, fields, perr, err = c.continued(l, fields); err != nil {
			return csvRow{}, err
		}
		if text == nil {
			return csvRow{}, &recordError{line: l.num, raw: l.text, msg: fmt.Sprintf(
				"%s opens a quote that is not closed within %d bytes or before the end of the input (a stray \"?); the lines after it are read as records",
				c.column(len(fields)), c.o.maxLine)}
		}
		c.fields = fields
	}
	if perr != nil {
		se, _ := perr.(*csvSyntaxError)
		return csvRow{}, &recordError{line: l.num, raw: text, msg: fmt.Sprintf("not valid CSV: %s: %s", c.column(se.field), se.msg)}
	}
	if len(fields) != c.n {
		return csvRow{}, &recordError{line: l.num, raw: text, msg: fmt.Sprintf("has %d fields, the header %d", len(fields), c.n)}
	}
	row := csvRow{line: l.num, fields: fields, t: c}
	if c.input >= 0 && fields[c.input] != "" && strings.TrimSpace(row.get(c.schema.rawKey)) == "" {
		// A line of an earlier run that could not be read, written by
		// --failures with its text in Input: it stays as it was until
		// its fields are put in the columns.
		return csvRow{}, &recordError{line: l.num, raw: []byte(fields[c.input]),
			msg: "a line that could not be read as a record in an earlier run (its text is in Input): put its fields in the columns"}
	}
	return row, nil
}

// friendsSchema is the CSV schema of the friends format: the columns of
// csvColumns, and optional RemarkTime and custom friend tags
// (Tag_SNS_Custom_*, named by the tag).
var friendsSchema = &csvSchema{
	columns: csvColumns,
	optional: func(h string) string {
		switch {
		case strings.EqualFold(h, colRemarkTime):
			return colRemarkTime
		case strings.HasPrefix(h, customFriendTagPrefix):
			return h
		}
		return ""
	},
	required:   []string{colTo, colAddSource},
	fromColumn: colFrom,
	rawKey:     colTo,
}

// customFriendTagPrefix starts the name of a custom friend tag.
const customFriendTagPrefix = "Tag_SNS_Custom_"

// csvReader reads CSV records of the friends format.
type csvReader struct{ *csvTable }

func newCSVReader(lr *lineReader, o readOptions) (*csvReader, error) {
	t, err := newCSVTable(lr, o, friendsSchema)
	if err != nil {
		return nil, err
	}
	return &csvReader{t}, nil
}

// columns returns the optional columns of the input's header, which
// --failures repeats.
func (c *csvReader) columns() []string { return c.extras }

// csvTagValue is the value of a custom tag's CSV cell: an integer when
// the cell is one as strconv.FormatInt writes it, else a string.
func csvTagValue(s string) tag.Value {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && strconv.FormatInt(n, 10) == s {
		return tag.Int(n)
	}
	return tag.String(s)
}

func (c *csvReader) next() (*record, error) {
	row, err := c.nextRow()
	if err != nil {
		return nil, err
	}
	get := row.get
	rec := &record{line: row.line, from: strings.TrimSpace(get(colFrom)), item: api.AddFriendItem{
		ToAccount: strings.TrimSpace(get(colTo)),
		AddSource: strings.TrimSpace(get(colAddSource)),
	}}
	if s := get(colRemark); s != "" {
		rec.item.Remark = &s
	}
	if s := get(colAddWording); s != "" {
		rec.item.AddWording = &s
	}
	if s := get(colGroupName); s != "" {
		rec.item.GroupName = strings.Split(s, groupSep)
		for i, name := range rec.item.GroupName {
			rec.item.GroupName[i] = strings.TrimSpace(name)
		}
	}
	for _, name := range c.extras {
		if name == colRemarkTime {
			continue
		}
		if s := get(name); s != "" {
			rec.item.CustomItem = append(rec.item.CustomItem, api.CustomFriendItem{Tag: name, Value: csvTagValue(s)})
		}
	}
	times := []struct {
		col string
		t   **int64
		raw *string
	}{{colAddTime, &rec.item.AddTime, &rec.rawAddTime}, {colRemarkTime, &rec.item.RemarkTime, &rec.rawRemarkTime}}
	var cells [2]string
	for i, f := range times {
		if s := strings.TrimSpace(get(f.col)); s != "" {
			cells[i] = s
			t, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				*f.raw = get(f.col)
				return nil, &recordError{line: row.line, msg: f.col + ": want Unix seconds, an integer", rec: rec}
			}
			*f.t = &t
		}
	}
	if col := row.badUTF8(); col != "" {
		return nil, &recordError{line: row.line, rec: rec, msg: fmt.Sprintf("%s: not valid UTF-8 (save the file as UTF-8)", col)}
	}
	if err := resolveFrom(rec, c.o.from); err != nil {
		return nil, err
	}
	for i, f := range times {
		if *f.t != nil {
			if msg := checkTime(**f.t); msg != "" {
				*f.raw = cells[i]
				*f.t = nil
				return nil, &recordError{line: row.line, rec: rec, msg: f.col + ": " + msg}
			}
		}
	}
	return rec, nil
}

// continued reads the lines that continue the record that first opens a
// quote that does not close, until it closes. It returns the record's
// text and fields, or a nil text when the quote does not close within
// maxLine bytes or before the end of the input: the lines after first
// are then read again as records of their own. A quoted field stays open
// while the record holds an odd number of quotes, so the text is split
// again only when a line makes the number even: the work is linear in
// the record's length.
func (c *csvTable) continued(first physLine, fields []string) (text []byte, _ []string, perr error, err error) {
	text = bytes.Clone(first.text)
	quotes := bytes.Count(text, []byte{'"'})
	var more []physLine
	for {
		l, rerr := c.lines.next()
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return nil, fields, nil, rerr
		}
		if errors.Is(rerr, io.EOF) || l.tooLong || len(text)+1+len(l.text) > c.o.maxLine {
			if rerr == nil {
				more = append(more, l)
			}
			c.lines.unread(more...)
			return nil, fields, nil, nil
		}
		more = append(more, l)
		text = append(append(text, '\n'), l.text...)
		if quotes += bytes.Count(l.text, []byte{'"'}); quotes%2 == 1 {
			continue
		}
		var open bool
		fields, open, perr = parseCSV(text, fields)
		if !open {
			// The record spans lines first.num through l.num.
			return text, fields, perr, nil
		}
	}
}

// checkTime returns why t is not a time the import takes, or "".
func checkTime(t int64) string {
	switch {
	case t < 0:
		return fmt.Sprintf("%d is negative; want Unix seconds", t)
	case t > maxUnixTime && t/1000 <= maxUnixTime:
		return fmt.Sprintf("%d is after the year 2106: milliseconds? want Unix seconds", t)
	case t > maxUnixTime:
		return fmt.Sprintf("%d is after the year 2106; want Unix seconds", t)
	}
	return ""
}

// resolveFrom sets rec's From_Account to from (--from) when it has none,
// and refuses a record whose From_Account is missing or differs.
func resolveFrom(rec *record, from string) error {
	switch {
	case from != "" && rec.from == "":
		rec.from = from
	case from != "" && rec.from != from:
		f := rec.from
		rec.from = from
		return &recordError{line: rec.line, msg: fmt.Sprintf("From_Account %q differs from --from", f), rec: rec}
	case rec.from == "":
		return &recordError{line: rec.line, msg: "no From_Account (add it, or pass --from)", rec: rec}
	}
	return nil
}

// jsonRecord is a JSON Lines record: an AddFriendItem with From_Account,
// and the fields --failures adds, which input ignores.
type jsonRecord struct {
	FromAccount string `json:"From_Account"`
	api.AddFriendItem
	Line       jsontext.Value `json:"Line"`
	ResultCode jsontext.Value `json:"ResultCode"`
	Error      jsontext.Value `json:"Error"`
	Input      jsontext.Value `json:"Input"`
}

// jsonFields are the member names a JSON Lines record may have, for the
// hint on a misspelt one.
var jsonFields = []string{"From_Account", "To_Account", "AddSource", "Remark", "RemarkTime", "GroupName",
	"AddWording", "AddTime", "CustomItem", "Tag", "Value", colLine, colResultCode, colError, colInput}

// jsonlLines reads the lines of a JSON Lines file: blank lines are
// skipped, and a line longer than --max-line-bytes is refused by its
// number.
type jsonlLines struct {
	lines   *lineReader
	skipped int
}

func (j *jsonlLines) lineCounts() (int, int) { return j.lines.lines, j.skipped }

// nextLine returns the next line that is not blank, trimmed; a
// *recordError for one too long; io.EOF at the end.
func (j *jsonlLines) nextLine() (int, []byte, error) {
	for {
		l, err := j.lines.next()
		if err != nil {
			return 0, nil, err // io.EOF at the end
		}
		if l.tooLong {
			return 0, nil, &recordError{line: l.num, msg: fmt.Sprintf("longer than %d bytes, the longest line read (--max-line-bytes); not read", j.lines.max)}
		}
		b := bytes.TrimSpace(l.text)
		if len(b) == 0 {
			j.skipped++
			continue
		}
		return l.num, b, nil
	}
}

// decodeStrict decodes the JSON object b into v strictly: names match
// exactly (case included), a name may appear once, strings must be valid
// UTF-8 (no lone surrogate escapes), and unknown names are refused.
func decodeStrict(b []byte, v any) error {
	return jsonv2.Unmarshal(b, v, jsonv2.RejectUnknownMembers(true))
}

// jsonlReader reads friends JSON Lines records strictly (see
// decodeStrict). Blank lines are skipped.
type jsonlReader struct {
	jsonlLines
	from string
}

func (j *jsonlReader) next() (*record, error) {
	num, b, err := j.nextLine()
	if err != nil {
		return nil, err
	}
	var jr jsonRecord
	if err := decodeStrict(b, &jr); err != nil {
		return nil, &recordError{line: num, msg: jsonErr(err), raw: b}
	}
	for i, ci := range jr.CustomItem {
		if k := ci.Value.Kind(); k != tag.KindString && k != tag.KindInt {
			got := k.String()
			if k == tag.KindInvalid {
				got = "null or nothing"
			}
			return nil, &recordError{line: num, raw: b, msg: fmt.Sprintf("CustomItem[%d].Value: want a string or an integer, got %s", i, got)}
		}
	}
	rec := &record{line: num, from: jr.FromAccount, item: jr.AddFriendItem}
	if err := resolveFrom(rec, j.from); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		t    *int64
	}{{"AddTime", rec.item.AddTime}, {"RemarkTime", rec.item.RemarkTime}} {
		if f.t != nil {
			if msg := checkTime(*f.t); msg != "" {
				return nil, &recordError{line: num, msg: f.name + ": " + msg, raw: b}
			}
		}
	}
	return rec, nil
}

// jsonErr describes an error of the strict JSON decoder for a person:
// the field (by its JSON path) and what is wrong with it.
func jsonErr(err error) string {
	return jsonErrFor(err, "want an AddFriendItem object with From_Account", jsonFields)
}

// jsonErrFor is jsonErr for a kind whose records are described by want
// ("want an object with UserID") and may have the member names fields.
func jsonErrFor(err error, want string, fields []string) string {
	var se *jsontext.SyntacticError
	var me *jsonv2.SemanticError
	switch {
	case errors.As(err, &se):
		field, what := jsonPath(se.JSONPointer), syntaxWhat(se.Err)
		if field == "" {
			return "not valid JSON: " + what
		}
		if strings.HasPrefix(what, "duplicate") {
			return fmt.Sprintf("%s: appears twice", field)
		}
		return field + ": " + what
	case errors.As(err, &me):
		if errors.Is(me.Err, jsonv2.ErrUnknownName) {
			name := me.JSONPointer.LastToken()
			for _, f := range fields {
				if strings.EqualFold(f, name) {
					return fmt.Sprintf("unknown field %q (names are case-sensitive: %s)", name, f)
				}
			}
			return fmt.Sprintf("unknown field %q; %s", name, want)
		}
		field := jsonPath(me.JSONPointer)
		got := kindName(me.JSONKind)
		if len(me.JSONValue) > 0 && len(me.JSONValue) <= 40 {
			got += " " + string(me.JSONValue)
		}
		if field == "" {
			return fmt.Sprintf("a JSON %s; %s", got, want)
		}
		wantType := "another type"
		if me.GoType != nil {
			switch k := me.GoType.String(); {
			case strings.Contains(k, "int"):
				wantType = "an integer"
			case k == "string" || strings.HasSuffix(k, "UserID") || strings.HasSuffix(k, "FriendListName"):
				wantType = "a string"
			case strings.HasPrefix(k, "[]"):
				wantType = "an array"
			default:
				wantType = "a string or an integer"
			}
		}
		return fmt.Sprintf("%s: want %s, got %s", field, wantType, got)
	}
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "jsontext: "), "json: ")
}

// kindName names a kind of JSON value.
func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "value"
}

// jsonPath turns a JSON pointer ("/GroupName/1") into a field path for a
// message ("GroupName[1]"; see fieldPath).
func jsonPath(p jsontext.Pointer) string {
	return fieldPath(slices.Collect(p.Tokens()))
}

// syntaxWhat shortens a syntax error of jsontext.
func syntaxWhat(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "invalid UTF-8"):
		return "not valid UTF-8"
	case strings.Contains(msg, "after top-level value"):
		return "more than one JSON value on the line"
	case strings.Contains(msg, "surrogate"):
		return "not valid UTF-8 (a lone UTF-16 surrogate escape such as \\ud800)"
	}
	return msg
}

// csvRows writes the rows of a CSV --failures file of n record columns:
// writeRaw and flush, for every kind.
type csvRows struct {
	w *csv.Writer
	n int
}

// newCSVRows starts a CSV --failures file to w with the record columns
// cols, and writes its header.
func newCSVRows(w io.Writer, cols []string) (csvRows, error) {
	cw := csv.NewWriter(w)
	return csvRows{w: cw, n: len(cols)}, cw.Write(slices.Concat(cols, infoColumns))
}

// row writes the record's cells and the info columns.
func (c *csvRows) row(cells []string, line, code int, msg string) error {
	return c.w.Write(append(cells, strconv.Itoa(line), strconv.Itoa(code), msg, ""))
}

func (c *csvRows) writeRaw(e *recordError) error {
	row := make([]string, c.n, c.n+len(infoColumns))
	return c.w.Write(append(row, strconv.Itoa(e.line), "0", e.msg, string(e.raw)))
}

func (c *csvRows) flush() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonlRows writes the lines of a JSON Lines --failures file: writeRaw
// and flush, for every kind.
type jsonlRows struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func newJSONLRows(w io.Writer) jsonlRows {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return jsonlRows{w: bw, enc: enc}
}

// rawFailure is a line too long to hold, in a JSON Lines --failures file.
type rawFailure struct {
	Line  int    `json:"Line"`
	Error string `json:"Error"`
}

func (j *jsonlRows) writeRaw(e *recordError) error {
	if len(e.raw) == 0 { // a line too long to hold: its number and why
		return j.enc.Encode(rawFailure{Line: e.line, Error: e.msg})
	}
	j.w.Write(e.raw)
	return j.w.WriteByte('\n')
}

func (j *jsonlRows) flush() error { return j.w.Flush() }

// newFailureWriter returns the --failures writer of friends records in
// format to w. A CSV one writes its header at once: csvColumns, then the
// optional columns extras (RemarkTime, custom tags) the input has.
func newFailureWriter(format string, extras []string, w io.Writer) (failureWriter[*record], error) {
	if format == formatJSONL {
		return &jsonlFailures{newJSONLRows(w)}, nil
	}
	rows, err := newCSVRows(w, slices.Concat(csvColumns, extras))
	if err != nil {
		return nil, err
	}
	return &csvFailures{csvRows: rows, extras: extras}, nil
}

type csvFailures struct {
	csvRows
	extras []string
}

func (c *csvFailures) write(rec *record, code int, msg string) error {
	it := &rec.item
	timeText := func(t *int64, raw string) string {
		if t != nil {
			return strconv.FormatInt(*t, 10)
		}
		return raw
	}
	cells := make([]string, 0, len(csvColumns)+len(c.extras)+len(infoColumns))
	cells = append(cells, rec.from, it.ToAccount, it.AddSource, deref(it.Remark), strings.Join(it.GroupName, groupSep),
		deref(it.AddWording), timeText(it.AddTime, rec.rawAddTime))
	for _, col := range c.extras {
		v := ""
		if col == colRemarkTime {
			v = timeText(it.RemarkTime, rec.rawRemarkTime)
		}
		for _, ci := range it.CustomItem {
			if ci.Tag == col {
				v = ci.Value.String()
			}
		}
		cells = append(cells, v)
	}
	return c.row(cells, rec.line, code, msg)
}

// jsonFailure is a failed record as --failures writes it in JSON Lines.
type jsonFailure struct {
	FromAccount string                 `json:"From_Account"`
	ToAccount   string                 `json:"To_Account"`
	AddSource   string                 `json:"AddSource"`
	Remark      *string                `json:"Remark,omitempty"`
	RemarkTime  *int64                 `json:"RemarkTime,omitempty"`
	GroupName   []string               `json:"GroupName,omitempty"`
	AddWording  *string                `json:"AddWording,omitempty"`
	AddTime     *int64                 `json:"AddTime,omitempty"`
	CustomItem  []api.CustomFriendItem `json:"CustomItem,omitempty"`
	Line        int                    `json:"Line"`
	ResultCode  int                    `json:"ResultCode"`
	Error       string                 `json:"Error"`
}

type jsonlFailures struct{ jsonlRows }

func (j *jsonlFailures) write(rec *record, code int, msg string) error {
	it := &rec.item
	f := jsonFailure{
		FromAccount: rec.from, ToAccount: it.ToAccount, AddSource: it.AddSource,
		Remark: it.Remark, RemarkTime: it.RemarkTime, GroupName: it.GroupName,
		AddWording: it.AddWording, AddTime: it.AddTime, CustomItem: it.CustomItem,
		Line: rec.line, ResultCode: code, Error: msg,
	}
	if err := j.enc.Encode(f); err != nil {
		// A value the format cannot encode (none the readers let
		// through): the row goes without it rather than stopping the
		// import. Encode writes nothing when it fails.
		f.CustomItem = nil
		f.Error = msg + " (CustomItem left out: " + err.Error() + ")"
		return j.enc.Encode(f)
	}
	return nil
}

// friendsRowKey returns the supersedeKey (From_Account, To_Account) of
// a row that --failures wrote for a friends record.
func friendsRowKey(format string, row []byte) (string, bool) {
	row = bytes.TrimSuffix(row, []byte("\n"))
	if format == formatJSONL {
		var r struct {
			From string `json:"From_Account"`
			To   string `json:"To_Account"`
		}
		if json.Unmarshal(row, &r) != nil {
			return "", false
		}
		return r.From + "\x00" + r.To, true
	}
	fields, open, err := parseCSV(row, nil)
	if open || err != nil || len(fields) < 2 {
		return "", false
	}
	return fields[0] + "\x00" + fields[1], true
}

// countRecords counts the records of r in format, for the progress bar's
// total: the lines that are not blank, less the CSV header.
func countRecords(format string, r io.Reader) int64 {
	br := bufio.NewReaderSize(r, 64<<10)
	var n int64
	nonBlank := false
	for {
		b, err := br.ReadSlice('\n')
		if len(bytes.Trim(b, " \t\r\n")) > 0 {
			nonBlank = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if nonBlank {
			n++
		}
		nonBlank = false
		if err != nil {
			break
		}
	}
	if format == formatCSV {
		return max(n-1, 0)
	}
	return n
}
