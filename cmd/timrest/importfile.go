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

	api "github.com/timrest/timrest/gen"
)

// This file reads and writes the record files of "friends import": CSV
// with a header row, and JSON Lines in the API's AddFriendItem shape with
// From_Account. Both are read one record at a time.

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
	// Columns (and JSON fields) that --failures adds and input ignores.
	colLine       = "Line"
	colResultCode = "ResultCode"
	colError      = "Error"
)

// csvColumns are the record columns of a CSV file, in the order
// --failures writes them.
var csvColumns = []string{colFrom, colTo, colAddSource, colRemark, colGroupName, colAddWording, colAddTime}

// infoColumns are the columns --failures adds after the record's.
var infoColumns = []string{colLine, colResultCode, colError}

// groupSep separates list names in the GroupName column.
const groupSep = ";"

// utf8BOM starts some files written on Windows.
const utf8BOM = "\ufeff"

// record is one friend relation to import: a line (or CSV record) of
// the input.
type record struct {
	line int    // the line it starts on, 1-based
	from string // From_Account: the record's, or --from
	item api.AddFriendItem
	// rawAddTime is a CSV AddTime cell that is not an integer (the item
	// has no AddTime then), kept for --failures.
	rawAddTime string
}

// recordError is a record that could not be read or is invalid before
// the client sees it. rec is the record when it could be read (it is
// then written to --failures), nil when it could not be parsed; then
// --failures gets the raw CSV fields or JSON line, when there are any.
type recordError struct {
	line      int
	msg       string
	rec       *record
	rawFields []string
	rawLine   []byte
}

func (e *recordError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// recordReader reads records one at a time.
type recordReader interface {
	// next returns the next record; a *recordError for a record that
	// cannot be imported, after which reading goes on; io.EOF at the
	// end; or another error, after which it cannot.
	next() (*record, error)
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

// newRecordReader returns a reader of format for r. from is --from, or
// "" when each record names its From_Account. A bad CSV header is a
// usage error.
func newRecordReader(format string, r io.Reader, from string) (recordReader, error) {
	if format == formatJSONL {
		return &jsonlReader{r: bufio.NewReaderSize(r, 64<<10), from: from}, nil
	}
	return newCSVReader(r, from)
}

// csvReader reads CSV records.
type csvReader struct {
	r    *csv.Reader
	from string
	n    int            // the number of columns of the header
	col  map[string]int // record column → its index; absent columns are not in it
}

func newCSVReader(r io.Reader, from string) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, with a clearer message
	cr.ReuseRecord = true
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, usageErrorf("the input is empty: want a CSV header row (%s) or JSON Lines", strings.Join(csvColumns, ","))
	case err != nil:
		return nil, usageErrorf("cannot read the CSV header: %v", err)
	}
	c := &csvReader{r: cr, from: from, n: len(header), col: map[string]int{}}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, utf8BOM))
		name := ""
		for _, known := range append(append([]string{}, csvColumns...), infoColumns...) {
			if strings.EqualFold(h, known) {
				name = known
			}
		}
		switch {
		case name == "":
			return nil, usageErrorf("unknown column %q in the CSV header: want %s (%s ignored)",
				h, strings.Join(csvColumns, ", "), strings.Join(infoColumns, ", "))
		case isInfoColumn(name):
			continue
		}
		if _, dup := c.col[name]; dup {
			return nil, usageErrorf("column %s appears twice in the CSV header", name)
		}
		c.col[name] = i
	}
	for _, need := range []string{colTo, colAddSource} {
		if _, ok := c.col[need]; !ok {
			return nil, usageErrorf("the CSV header has no %s column (want %s)", need, strings.Join(csvColumns, ","))
		}
	}
	if _, ok := c.col[colFrom]; !ok && from == "" {
		return nil, usageErrorf("the CSV header has no %s column: add it, or pass --from", colFrom)
	}
	return c, nil
}

func isInfoColumn(name string) bool {
	for _, c := range infoColumns {
		if c == name {
			return true
		}
	}
	return false
}

func (c *csvReader) next() (*record, error) {
	fields, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			return nil, &recordError{line: pe.StartLine, msg: "not valid CSV: " + pe.Err.Error()}
		}
		return nil, err
	}
	line, _ := c.r.FieldPos(0)
	if len(fields) != c.n {
		return nil, &recordError{line: line, msg: fmt.Sprintf("has %d fields, the header %d", len(fields), c.n), rawFields: slices.Clone(fields)}
	}
	get := func(col string) string {
		if i, ok := c.col[col]; ok {
			return fields[i]
		}
		return ""
	}
	rec := &record{line: line, from: strings.TrimSpace(get(colFrom)), item: api.AddFriendItem{
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
	}
	if err := c.resolveFrom(rec); err != nil {
		return nil, err
	}
	if s := strings.TrimSpace(get(colAddTime)); s != "" {
		t, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			rec.rawAddTime = get(colAddTime)
			return nil, &recordError{line: line, msg: "AddTime: want Unix seconds, an integer", rec: rec}
		}
		rec.item.AddTime = &t
	}
	return rec, nil
}

// resolveFrom applies --from to rec.
func (c *csvReader) resolveFrom(rec *record) error { return resolveFrom(rec, c.from) }

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
	Line       json.RawMessage `json:"Line"`
	ResultCode json.RawMessage `json:"ResultCode"`
	Error      json.RawMessage `json:"Error"`
}

// jsonlReader reads JSON Lines records. Blank lines are skipped.
type jsonlReader struct {
	r    *bufio.Reader
	from string
	line int
}

func (j *jsonlReader) next() (*record, error) {
	for {
		b, err := j.r.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			return nil, err // io.EOF at the end
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		j.line++
		if j.line == 1 {
			b = bytes.TrimPrefix(b, []byte(utf8BOM))
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		var jr jsonRecord
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&jr); err != nil {
			return nil, &recordError{line: j.line, msg: "not an AddFriendItem object with From_Account: " + jsonErr(err), rawLine: b}
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, &recordError{line: j.line, msg: "more than one JSON value on the line", rawLine: b}
		}
		rec := &record{line: j.line, from: jr.FromAccount, item: jr.AddFriendItem}
		if err := resolveFrom(rec, j.from); err != nil {
			return nil, err
		}
		return rec, nil
	}
}

// jsonErr shortens encoding/json's messages.
func jsonErr(err error) string {
	r := strings.NewReplacer("Go struct field jsonRecord.", "field ", "Go value of type main.jsonRecord", "an object")
	return strings.TrimPrefix(r.Replace(err.Error()), "json: ")
}

// failureWriter writes the records that were not imported, in the input
// format, with the columns (fields) Line, ResultCode and Error after the
// record's; input ignores those, so the file can be imported again.
type failureWriter interface {
	write(rec *record, code int, msg string) error
	// writeRaw writes what could be read of a record that could not be
	// parsed, as it was: the CSV fields, or the JSON line.
	writeRaw(e *recordError) error
	// flush writes out what is buffered and returns the first error.
	flush() error
}

// newFailureWriter returns a failureWriter of format to w. A CSV one
// writes its header at once.
func newFailureWriter(format string, w io.Writer) (failureWriter, error) {
	if format == formatJSONL {
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &jsonlFailures{w: bw, enc: enc}, nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append(append([]string{}, csvColumns...), infoColumns...)); err != nil {
		return nil, err
	}
	return &csvFailures{w: cw}, nil
}

type csvFailures struct{ w *csv.Writer }

func (c *csvFailures) write(rec *record, code int, msg string) error {
	it := &rec.item
	addTime := rec.rawAddTime
	if it.AddTime != nil {
		addTime = strconv.FormatInt(*it.AddTime, 10)
	}
	return c.w.Write([]string{rec.from, it.ToAccount, it.AddSource, deref(it.Remark), strings.Join(it.GroupName, groupSep),
		deref(it.AddWording), addTime, strconv.Itoa(rec.line), strconv.Itoa(code), msg})
}

func (c *csvFailures) writeRaw(e *recordError) error {
	if e.rawFields == nil {
		return nil
	}
	return c.w.Write(e.rawFields)
}

func (c *csvFailures) flush() error {
	c.w.Flush()
	return c.w.Error()
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

type jsonlFailures struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (j *jsonlFailures) write(rec *record, code int, msg string) error {
	it := &rec.item
	return j.enc.Encode(jsonFailure{
		FromAccount: rec.from, ToAccount: it.ToAccount, AddSource: it.AddSource,
		Remark: it.Remark, RemarkTime: it.RemarkTime, GroupName: it.GroupName,
		AddWording: it.AddWording, AddTime: it.AddTime, CustomItem: it.CustomItem,
		Line: rec.line, ResultCode: code, Error: msg,
	})
}

func (j *jsonlFailures) writeRaw(e *recordError) error {
	if len(e.rawLine) == 0 {
		return nil
	}
	j.w.Write(e.rawLine)
	return j.w.WriteByte('\n')
}

func (j *jsonlFailures) flush() error { return j.w.Flush() }

// countRecords counts the records of r in format, for the progress bar's
// total: CSV records after the header, or non-blank lines.
func countRecords(format string, r io.Reader) int64 {
	var n int64
	if format == formatJSONL {
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			b, err := br.ReadSlice('\n')
			if len(bytes.TrimSpace(b)) > 0 && !errors.Is(err, bufio.ErrBufferFull) {
				n++
			}
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return n
			}
		}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return max(n-1, 0) // the header
		}
		if _, ok := errors.AsType[*csv.ParseError](err); err != nil && !ok {
			return max(n-1, 0)
		}
		n++
	}
}
