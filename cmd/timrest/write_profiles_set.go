package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// This file is "profiles set": the profiles format (UserID and one value
// per profile tag) sent through portrait_set, one account a request.

// colTags is the JSON Lines member that holds a profile's tags.
const colTags = "Tags"

// profileRecord is one account's profile tags in the profiles format.
type profileRecord struct {
	line int
	// req is the portrait_set request: From_Account is the record's
	// UserID, ProfileItem its tags in the input's order.
	req api.SetProfileRequest
}

// key is what the record sets: its UserID and the names of its tags,
// sorted. A later record of the same account that sets the same tags
// supersedes it; one that sets other tags does not (see
// profilesSetKind).
func (r *profileRecord) key() string {
	names := make([]string, len(r.req.ProfileItem))
	for i, it := range r.req.ProfileItem {
		names[i] = it.Tag
	}
	return profileKey(r.req.FromAccount, names)
}

// profileKey is the key of a record of the account id that sets the tags
// names (in any order).
func profileKey(id string, names []string) string {
	names = slices.Clone(names)
	slices.Sort(names)
	return id + "\x00" + strings.Join(names, "\x00")
}

// value returns the value of the tag name in the record.
func (r *profileRecord) value(name string) (tag.Value, bool) {
	for _, it := range r.req.ProfileItem {
		if it.Tag == name {
			return it.Value, true
		}
	}
	return tag.Value{}, false
}

// checkID refuses a record without a valid UserID.
func (r *profileRecord) checkID() error {
	id := r.req.FromAccount
	if id == "" {
		return &recordError{line: r.line, other: r, msg: "no UserID"}
	}
	if why := spec.CheckUserID(id); why != "" {
		return &recordError{line: r.line, other: r, msg: colUserID + ": " + why}
	}
	return nil
}

// checkTags refuses, by field (the CSV column or JSON member that field
// names), a record with a tag value that the document's profile tags do
// not take: its type, its enum, its byte limit, its 32-bit range.
func (r *profileRecord) checkTags(field func(name string) string) error {
	for _, it := range r.req.ProfileItem {
		if msg := profileItemProblem(it); msg != "" {
			return &recordError{line: r.line, other: r, msg: field(it.Tag) + ": " + msg}
		}
	}
	return nil
}

// profileItemProblem says what the document refuses in it (its tag's
// name or its value), or "".
func profileItemProblem(it api.ProfileItem) string {
	p := spec.CheckProfileItem(&it)
	if p == nil {
		return ""
	}
	if p.Field == "Tag" {
		if why, _ := profileTagProblem(it.Tag); why != "" {
			return "not a profile tag (" + why + ")"
		}
		return "not a profile tag: want " + profileTagsWanted()
	}
	return strings.TrimSuffix(p.Reason, " ("+it.Tag+")")
}

// profileTagProblem says why name is not a profile tag that portrait_set
// takes ("" for no more than that), and whether it is not.
func profileTagProblem(name string) (string, bool) {
	p := spec.CheckProfileItem(&api.ProfileItem{Tag: name, Value: tag.String("")})
	switch {
	case p == nil || p.Field != "Tag":
		return "", false
	case strings.HasPrefix(name, "Tag_Profile_IM_"):
		return "not a standard profile tag of the document", true
	case strings.HasPrefix(name, "Tag_Profile_Custom_"):
		return "a custom profile tag is Tag_Profile_Custom_ and 1 to 8 letters", true
	}
	return "", true
}

// profilesSchema is the CSV schema of the profiles format: UserID, and
// one column per profile tag, named by the tag. Every other column is
// taken as a tag column first, and refused by profilesCSVTable with the
// reason.
var profilesSchema = &csvSchema{
	columns: []string{colUserID},
	optional: func(h string) string {
		for _, t := range standardProfileTags() {
			if strings.EqualFold(h, t) {
				return t
			}
		}
		return h
	},
	required: []string{colUserID},
	rawKey:   colUserID,
}

// profileTagsWanted describes the tag columns and members for messages.
func profileTagsWanted() string {
	return "the standard profile tags of the document (" + strings.Join(standardProfileTags(), ", ") +
		") and custom ones (Tag_Profile_Custom_ and 1 to 8 letters)"
}

// profilesCSV reads CSV records of the profiles format.
type profilesCSV struct{ *csvTable }

// newProfilesCSV reads the header of lr: UserID and at least one profile
// tag column, each a tag that portrait_set takes.
func newProfilesCSV(lr *lineReader, o readOptions) (*profilesCSV, error) {
	t, err := newCSVTable(lr, o, profilesSchema)
	if err != nil {
		return nil, err
	}
	for _, name := range t.extras {
		if why, bad := profileTagProblem(name); bad {
			if why != "" {
				why = " (" + why + ")"
			}
			return nil, usageErrorf("column %q of the CSV header is not a profile tag%s: want UserID and one column per tag, named by the tag: %s", name, why, profileTagsWanted())
		}
	}
	if len(t.extras) == 0 {
		return nil, usageErrorf("the CSV header has no profile tag column: want UserID and one column per tag, named by the tag: %s", profileTagsWanted())
	}
	return &profilesCSV{t}, nil
}

// csvProfileValue is the value of the tag name's CSV cell s (not empty),
// typed by the tag: an integer for a standard tag of type integer, a
// string for a standard tag of type string, and for a custom tag an
// integer when the cell is one as strconv.FormatInt writes it, else a
// string. A cell that is not an integer where one is wanted is returned
// as a string, with why.
func csvProfileValue(name, s string) (tag.Value, string) {
	for _, t := range spec.Tags {
		if t.Name != name {
			continue
		}
		if t.Type == spec.TagInteger {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return tag.String(s), fmt.Sprintf("want an integer, got %q", clipText(s))
			}
			return tag.Int(n), ""
		}
		return tag.String(s), ""
	}
	return csvTagValue(s), ""
}

// clipText shortens s for a message.
func clipText(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func (c *profilesCSV) next() (*profileRecord, error) {
	for {
		row, err := c.nextRow()
		if err != nil {
			return nil, err
		}
		rec := &profileRecord{line: row.line, req: api.SetProfileRequest{FromAccount: strings.TrimSpace(row.get(colUserID))}}
		bad := ""
		for _, name := range c.extras {
			s := row.get(name)
			if s == "" {
				continue // an empty cell: the tag is not set
			}
			v, why := csvProfileValue(name, s)
			rec.req.ProfileItem = append(rec.req.ProfileItem, api.ProfileItem{Tag: name, Value: v})
			if why != "" && bad == "" {
				bad = name + ": " + why
			}
		}
		if col := row.badUTF8(); col != "" {
			return nil, &recordError{line: row.line, other: rec, msg: col + ": not valid UTF-8 (save the file as UTF-8)"}
		}
		if err := rec.checkID(); err != nil {
			return nil, err
		}
		if bad != "" {
			return nil, &recordError{line: row.line, other: rec, msg: bad}
		}
		if err := rec.checkTags(func(name string) string { return name }); err != nil {
			return nil, err
		}
		if len(rec.req.ProfileItem) == 0 {
			c.skipped++ // every tag cell empty: nothing to set
			continue
		}
		return rec, nil
	}
}

// profileJSON is a JSON Lines record of the profiles format, with the
// fields --failures adds (ignored). Tags is decoded by hand, to keep the
// order of its members.
type profileJSON struct {
	UserID     string          `json:"UserID"`
	Tags       jsontext.Value  `json:"Tags"`
	Line       json.RawMessage `json:"Line,omitempty"`
	ResultCode json.RawMessage `json:"ResultCode,omitempty"`
	Error      json.RawMessage `json:"Error,omitempty"`
	Input      json.RawMessage `json:"Input,omitempty"`
}

var profilesJSONFields = []string{colUserID, colTags, colLine, colResultCode, colError, colInput}

// profilesJSONWant describes a JSON Lines record for messages.
const profilesJSONWant = `want an object with UserID and Tags: {"UserID":"u1","Tags":{"Tag_Profile_IM_Nick":"Ann","Tag_Profile_IM_Level":3}}`

// profilesJSONL reads JSON Lines records of the profiles format.
type profilesJSONL struct{ jsonlLines }

func (j *profilesJSONL) next() (*profileRecord, error) {
	for {
		num, b, err := j.nextLine()
		if err != nil {
			return nil, err
		}
		var p profileJSON
		if err := decodeStrict(b, &p); err != nil {
			return nil, &recordError{line: num, raw: b, msg: jsonErrFor(err, profilesJSONWant, profilesJSONFields)}
		}
		items, msg := decodeProfileTags(p.Tags)
		if msg != "" {
			return nil, &recordError{line: num, raw: b, msg: msg}
		}
		rec := &profileRecord{line: num, req: api.SetProfileRequest{FromAccount: p.UserID, ProfileItem: items}}
		if err := rec.checkID(); err != nil {
			return nil, err
		}
		if err := rec.checkTags(func(name string) string { return colTags + "." + name }); err != nil {
			return nil, err
		}
		if len(items) == 0 {
			j.skipped++ // "Tags": {}: nothing to set
			continue
		}
		return rec, nil
	}
}

// decodeProfileTags decodes the Tags member of a JSON Lines record, an
// object of tag names and values, in its order. Each value must be a
// string or an integer; the document's rules are checked after. It
// returns why it cannot, or "".
func decodeProfileTags(raw jsontext.Value) ([]api.ProfileItem, string) {
	if len(raw) == 0 {
		return nil, colTags + ": missing; " + profilesJSONWant
	}
	if k := raw.Kind(); k != '{' {
		return nil, fmt.Sprintf("%s: want an object, got %s", colTags, kindName(k))
	}
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.ReadToken(); err != nil { // {
		return nil, colTags + ": " + err.Error()
	}
	var items []api.ProfileItem
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, colTags + ": " + err.Error()
		}
		name := tok.String() // before the next read voids tok
		val, err := dec.ReadValue()
		if err != nil {
			return nil, colTags + ": " + err.Error()
		}
		field := colTags + "." + name
		var v tag.Value
		if k := val.Kind(); k != '"' && k != '0' {
			return nil, fmt.Sprintf("%s: want a string or an integer, got %s", field, kindName(k))
		}
		if err := v.UnmarshalJSON(val); err != nil {
			return nil, fmt.Sprintf("%s: want a string or an integer, got %s", field, clipText(string(val)))
		}
		items = append(items, api.ProfileItem{Tag: name, Value: v})
	}
	return items, ""
}

// profilesFailures writes --failures in the profiles format: CSV with the
// input's tag columns, or JSON Lines.
type profilesFailures struct {
	kindFailureRows
	tags []string // the CSV tag columns
}

func (f *profilesFailures) write(r *profileRecord, code int, msg string) error {
	if f.csv != nil {
		cells := make([]string, 1+len(f.tags), 1+len(f.tags)+len(infoColumns))
		cells[0] = r.req.FromAccount
		for i, name := range f.tags {
			if v, ok := r.value(name); ok {
				cells[1+i] = csvCell(v)
			}
		}
		return f.csv.row(cells, r.line, code, msg)
	}
	tags := make([]api.TagItem, len(r.req.ProfileItem))
	for i, it := range r.req.ProfileItem {
		tags[i] = api.TagItem{Tag: it.Tag, Value: it.Value}
	}
	return f.jsonl.enc.Encode(struct {
		UserID     string      `json:"UserID"`
		Tags       orderedTags `json:"Tags"`
		Line       int         `json:"Line"`
		ResultCode int         `json:"ResultCode"`
		Error      string      `json:"Error"`
	}{r.req.FromAccount, orderedTags(tags), r.line, code, msg})
}

// csvCell is a tag value as a CSV cell: a string as it is, an integer in
// decimal.
func csvCell(v tag.Value) string {
	if n, ok := v.AsInt(); ok {
		return strconv.FormatInt(n, 10)
	}
	s, _ := v.AsString()
	return s
}

// profilesRowKey returns the supersedeKey of a row that profilesFailures
// wrote; tags are the CSV tag columns.
func profilesRowKey(row, tags []string) (string, bool) {
	if len(row) < 1+len(tags) {
		return "", false
	}
	var names []string
	for i, name := range tags {
		if row[1+i] != "" {
			names = append(names, name)
		}
	}
	return "\x00" + profileKey(row[0], names), true
}

// profilesSetKind is "profiles set": v4/profile/portrait_set, one
// account a request (the operation takes one From_Account), idempotent
// as the document says. Records are keyed by their UserID and the tags
// they set, and laned by UserID: one account's records go one after
// another, in input order, so that for a tag set twice the later value
// wins; a record that failed is superseded (left out of --failures) only
// by a later one that set the same tags.
func profilesSetKind() *writeKind[*profileRecord] {
	var tags []string // the tag columns of a CSV input
	return &writeKind[*profileRecord]{
		command:    "profiles set",
		done:       "set",
		batchMax:   1,
		idempotent: spec.SetProfile.Idempotent,
		line:       func(r *profileRecord) int { return r.line },
		account:    func(*profileRecord) string { return "" },
		noAccount:  true,
		key:        (*profileRecord).key,
		lane:       func(r *profileRecord) string { return r.req.FromAccount },
		ident:      func(r *profileRecord) []idField { return []idField{{Name: colUserID, Value: r.req.FromAccount}} },
		send: func(ctx context.Context, c *timrest.Client, recs []*profileRecord) ([]sentItem, error) {
			_, err := c.Profiles.Set(ctx, recs[0].req)
			return oneItem(err)
		},
		newReader: func(format string, r io.Reader, o readOptions) (rowReader[*profileRecord], error) {
			lr, err := newInputLines(r, &o)
			if err != nil {
				return nil, err
			}
			if format == formatJSONL {
				return &profilesJSONL{jsonlLines{lines: lr}}, nil
			}
			t, err := newProfilesCSV(lr, o)
			if err != nil {
				return nil, err
			}
			tags = t.extras
			return t, nil
		},
		newFailures: func(format string, _ rowReader[*profileRecord], w io.Writer) (failureWriter[*profileRecord], error) {
			if format == formatJSONL {
				rows := newJSONLRows(w)
				return &profilesFailures{kindFailureRows: kindFailureRows{jsonl: &rows}}, nil
			}
			rows, err := newCSVRows(w, slices.Concat([]string{colUserID}, tags))
			return &profilesFailures{kindFailureRows: kindFailureRows{csv: &rows}, tags: tags}, err
		},
		rowKey: func(format string, row []byte) (string, bool) {
			row = bytes.TrimSuffix(row, []byte("\n"))
			if format == formatJSONL {
				var r struct {
					UserID string                     `json:"UserID"`
					Tags   map[string]json.RawMessage `json:"Tags"`
				}
				if json.Unmarshal(row, &r) != nil {
					return "", false
				}
				names := make([]string, 0, len(r.Tags))
				for name := range r.Tags {
					names = append(names, name)
				}
				return "\x00" + profileKey(r.UserID, names), true
			}
			fields, open, err := parseCSV(row, nil)
			if open || err != nil {
				return "", false
			}
			return profilesRowKey(fields, tags)
		},
	}
}

// oneItem is the sentItem of a call of one item that returned err: a
// refused item (a *timrest.ValidationError) is invalid; a failure keeps
// the service's code when it is final for the item (40003: no such
// account), so that the journal settles it, and not when it is transient
// or one that every call would get (UserSig, permission, app
// configuration: timrest.StopsBatch), so that a resumed run sends it
// again. The error is returned too, so that one which every later call
// would get stops the run.
func oneItem(err error) ([]sentItem, error) {
	if err == nil {
		return []sentItem{{}}, nil
	}
	if _, ok := errors.AsType[*timrest.ValidationError](err); ok {
		return []sentItem{{err: err}}, nil
	}
	code := 0
	if e, ok := errors.AsType[*timrest.Error](err); ok && !e.Retryable() && !timrest.StopsBatch(err) {
		code = e.Code
	}
	return []sentItem{{err: err, code: code}}, err
}

// profilesSetHelp is the help of "profiles set".
var profilesSetHelp = `Set account profiles from --file ("-": stdin), read as a stream, through
portrait_set: one request per record (the operation sets the tags of one
account), at most ` + strconv.FormatFloat(spec.SetProfile.Rate, 'f', -1, 64) + ` requests a second (the document's rate, which the
client keeps), --concurrency accounts at once.

Formats (--format auto, the default: by the extension .csv, or .jsonl, .ndjson
or .json; otherwise by the content: JSON Lines when it starts with "{", CSV
otherwise). Input is UTF-8. It is the format "profiles get" writes, so that
profiles get -> profiles set copies profiles from one app to another.

  CSV with a header row: UserID, then one column per profile tag, named by
  the tag, in any order: the standard profile tags of the document
  (Tag_Profile_IM_Nick, Tag_Profile_IM_Gender, Tag_Profile_IM_Level, ...) and
  custom ones (Tag_Profile_Custom_ and 1 to 8 letters, set up in the console
  first). A column that is not a profile tag is refused. A cell is typed by
  its tag: an integer for the document's integer tags (BirthDay, Language,
  Level, Role, MsgSettings), a string for its string tags; for a custom tag,
  an integer when the cell is one as written in decimal (3, -7; not 03 or
  +3), a string otherwise. An empty cell leaves the tag as it is, so CSV
  cannot set a tag to the empty string, and cannot send the custom string
  "42" as a string: use JSON Lines for those (profiles get --format jsonl
  keeps every value's type). A value with a line break is a quoted field
  over several lines, as profiles get writes it: pass --multiline to read
  it (without it, the record is refused by its line).

  JSON Lines: {"UserID":"u1","Tags":{"Tag_Profile_IM_Nick":"Ann",
  "Tag_Profile_IM_Level":3,"Tag_Profile_Custom_Hobby":"chess"}}, each value
  a JSON string or integer of the tag's type. Names are case-sensitive and
  may appear once; unknown names are refused.

The columns (fields) Line, ResultCode, Error and Input, which --failures
writes, are ignored. A record with no tag to set (every tag cell empty, or
"Tags":{}) is skipped, counted with the lines that hold no record: profiles
get writes such a line for an account without the tags asked for.

Values are checked against the document's profile tags before anything is
sent: the type, the enums (Gender_Type_*, AllowType_Type_*,
AdminForbid_Type_*), the 32-bit range of integers, and the byte limits:
` + strconv.Itoa(spec.LimitProfileValueBytes) + ` bytes for any string` + smallerTagLimits() + `. A bad value makes its
record invalid, reported by its line and field (the column, or Tags.<tag>),
and not sent.

The account must exist (see accounts import): portrait_set fails with 40003
for one that does not. When the same UserID appears more than once, its
records are sent one after the other, in input order, and for a tag that
several of them set the last one wins. A record that failed is left out of
--failures (counted as superseded) when a later record of the same account
set the same tags; one that set other tags is kept.

Setting a profile is idempotent: a resumed run (--journal) sends again what
was in flight when the earlier run stopped, and what was settled is not sent
again. Output, --failures, --journal, --dry-run, Ctrl-C and the exit status
are those of "friends import" (see its help): the JSON summary calls the set
records "imported", and counts the portrait_set requests in "batches".`

// smallerTagLimits lists the standard profile tags whose byte limit is
// below spec.LimitProfileValueBytes: "; Tag_Profile_IM_Location 16".
func smallerTagLimits() string {
	out := ""
	for _, t := range spec.Tags {
		if t.Family == "profile" && t.MaxBytes > 0 && t.MaxBytes < spec.LimitProfileValueBytes {
			out += "; " + t.Name + " " + strconv.Itoa(t.MaxBytes)
		}
	}
	return out
}

// newProfilesSetCmd returns "profiles set".
func newProfilesSetCmd(a *app) *cobra.Command {
	return newWriteCmd(a, writeCmd[*profileRecord]{
		use:   "set --file F [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Set profile tags from a CSV or JSON Lines file (v4/profile/portrait_set)",
		long:  profilesSetHelp,
		example: `  timrest profiles get --accounts users.txt --file profiles.csv   # from one app
  timrest profiles set --file profiles.csv --failures failed.csv --journal profiles.journal
  timrest profiles set --file profiles.jsonl --dry-run`,
		kind: func() (*writeKind[*profileRecord], error) { return profilesSetKind(), nil },
	})
}
