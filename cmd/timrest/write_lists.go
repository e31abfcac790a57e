package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// This file is "lists add" (group_add) and "lists delete" (group_delete):
// the lists format, CSV From_Account,GroupName,To_Account, one row per
// member of a list (or one row without To_Account for a list without
// members). Neither call is idempotent, and neither is a batch of items:
// one call creates (or deletes) up to 32 lists of one account, and
// group_add puts the accounts of its To_Account in EVERY list it creates.
//
// So a record is a row, and the rows of one list must reach one call
// together: the kind's together keeps them in one batch (they must be
// together in the input), send turns a batch into list entries (each
// list once, with its members) and sends one call per set of lists that
// have the same members (all of them when they do, as lists without
// members do), up to 32 lists a call. A call of several lists that fails
// as a whole with 30001 (one of them exists already, or for delete does
// not exist) is sent again one list a call, so that the code says which.

// listsPerCall is the most list names in one group_add or group_delete
// (GroupName maxItems in the document: a user has at most 32 lists).
const listsPerCall = spec.LimitFriendListsPerAccount

// listMaxRows is the most rows of one list in a batch: group_add's
// To_Account maxItems, the most members a call can put in a new list.
// It is the lists kinds' batchMax, and the reader refuses the rows of a
// list beyond it.
const listMaxRows = 1000

// codeListConflict is the whole-call ErrorCode of group_add for a list
// that exists already and of group_delete for one that does not exist
// (the operations' bad_request code, 30001: the client checks the
// parameters before sending, and send names no list twice).
const codeListConflict = 30001

// listRecord is one row of the lists format.
type listRecord struct {
	line           int
	from, name, to string
}

// listsSchema is the CSV schema of the lists format.
var listsSchema = &csvSchema{
	columns:  []string{colFrom, colGroupName, colTo},
	required: []string{colFrom, colGroupName},
	rawKey:   colFrom,
}

// listsRows checks the rows of the lists format: fields by the
// document's rules, and at most listMaxRows rows in a run of one list.
type listsRows struct {
	members bool // lists add: To_Account is a member (else ignored)
	// The list of the last rows and how many rows in a row it has had.
	from, name string
	n          int
	// ended holds the lists (by a hash of From_Account and GroupName)
	// whose rows ended, with the line after their last row: a list's
	// rows must be together, since a list sent in two parts would fail
	// its second with 30001. 16 bytes or so per list of the file.
	ended map[[2]uint64]int
	seeds [2]maphash.Seed
}

// listKey is the hash of a list of an account.
func (l *listsRows) listKey(from, name string) [2]uint64 {
	if l.ended == nil {
		l.ended = map[[2]uint64]int{}
		l.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	}
	k := from + "\x00" + name
	return [2]uint64{maphash.String(l.seeds[0], k), maphash.String(l.seeds[1], k)}
}

// check refuses r by line and field, or counts it in its list's run.
func (l *listsRows) check(r *listRecord) (*listRecord, error) {
	bad := func(msg string) (*listRecord, error) { return nil, &recordError{line: r.line, other: r, msg: msg} }
	switch {
	case r.from == "":
		return bad("no From_Account")
	case r.name == "":
		return bad("no GroupName")
	}
	req := api.AddFriendListsRequest{FromAccount: r.from, GroupName: []api.FriendListName{r.name}}
	if l.members && r.to != "" {
		req.ToAccount = []api.UserID{r.to}
	}
	if p := spec.CheckAddFriendListsRequest(&req); p != nil {
		field, _, _ := strings.Cut(p.Field, "[")
		return bad(field + ": " + p.Reason)
	}
	if r.from == l.from && r.name == l.name {
		l.n++
	} else {
		if l.from != "" {
			l.ended[l.listKey(l.from, l.name)] = r.line
		}
		if at, ok := l.ended[l.listKey(r.from, r.name)]; ok {
			return bad(fmt.Sprintf("GroupName %q: the rows of a list must be together in the file, and this list's rows ended before line %d (sent in two parts, the second would fail as \"list exists\"): move this row up to its list", r.name, at))
		}
		l.from, l.name, l.n = r.from, r.name, 1
	}
	if l.n > listMaxRows {
		return bad(fmt.Sprintf("GroupName %q: more than %d rows of this list in a row: one call takes at most %d members for new lists (put more friends in it with friends update or friends import, GroupName)", r.name, listMaxRows, listMaxRows))
	}
	return r, nil
}

// listsCSV reads CSV records of the lists format.
type listsCSV struct {
	*csvTable
	rows listsRows
}

func (c *listsCSV) next() (*listRecord, error) {
	row, err := c.nextRow()
	if err != nil {
		return nil, err
	}
	rec := &listRecord{line: row.line, from: strings.TrimSpace(row.get(colFrom)), name: strings.TrimSpace(row.get(colGroupName)), to: strings.TrimSpace(row.get(colTo))}
	if col := row.badUTF8(); col != "" {
		return nil, &recordError{line: row.line, other: rec, msg: col + ": not valid UTF-8 (save the file as UTF-8)"}
	}
	return c.rows.check(rec)
}

// listJSON is a JSON Lines record of the lists format, with the fields
// --failures adds (ignored).
type listJSON struct {
	FromAccount string          `json:"From_Account"`
	GroupName   string          `json:"GroupName"`
	ToAccount   string          `json:"To_Account,omitempty"`
	Line        json.RawMessage `json:"Line,omitempty"`
	ResultCode  json.RawMessage `json:"ResultCode,omitempty"`
	Error       json.RawMessage `json:"Error,omitempty"`
	Input       json.RawMessage `json:"Input,omitempty"`
}

var listsJSONFields = []string{colFrom, colGroupName, colTo, colLine, colResultCode, colError, colInput}

// listsJSONL reads JSON Lines records of the lists format.
type listsJSONL struct {
	jsonlLines
	rows listsRows
}

func (j *listsJSONL) next() (*listRecord, error) {
	num, b, err := j.nextLine()
	if err != nil {
		return nil, err
	}
	var v listJSON
	if err := decodeStrict(b, &v); err != nil {
		return nil, &recordError{line: num, raw: b, msg: jsonErrFor(err, "want an object with From_Account, GroupName and To_Account", listsJSONFields)}
	}
	return j.rows.check(&listRecord{line: num, from: v.FromAccount, name: v.GroupName, to: v.ToAccount})
}

// listsFailures writes --failures in the lists format.
type listsFailures struct {
	kindFailureRows
}

func (f *listsFailures) write(r *listRecord, code int, msg string) error {
	if f.csv != nil {
		return f.csv.row([]string{r.from, r.name, r.to}, r.line, code, msg)
	}
	return f.jsonl.enc.Encode(struct {
		FromAccount string `json:"From_Account"`
		GroupName   string `json:"GroupName"`
		ToAccount   string `json:"To_Account,omitempty"`
		Line        int    `json:"Line"`
		ResultCode  int    `json:"ResultCode"`
		Error       string `json:"Error"`
	}{r.from, r.name, r.to, r.line, code, msg})
}

// listsRowKey returns the supersedeKey (From_Account; GroupName and
// To_Account) of a row that --failures wrote for a lists record.
func listsRowKey(format string, row []byte) (string, bool) {
	row = bytes.TrimSuffix(row, []byte("\n"))
	if format == formatJSONL {
		var r struct {
			From string `json:"From_Account"`
			Name string `json:"GroupName"`
			To   string `json:"To_Account"`
		}
		if json.Unmarshal(row, &r) != nil {
			return "", false
		}
		return r.From + "\x00" + r.Name + "\x00" + r.To, true
	}
	fields, open, err := parseCSV(row, nil)
	if open || err != nil || len(fields) < 3 {
		return "", false
	}
	return fields[0] + "\x00" + fields[1] + "\x00" + fields[2], true
}

// listsKind returns what lists add and lists delete share; members: the
// rows' To_Account are members to put in the lists (lists add).
func listsKind(command, done string, members bool) *writeKind[*listRecord] {
	return &writeKind[*listRecord]{
		command:  command,
		done:     done,
		batchMax: listMaxRows,
		line:     func(r *listRecord) int { return r.line },
		account:  func(r *listRecord) string { return r.from },
		key:      func(r *listRecord) string { return r.name + "\x00" + r.to },
		together: func(a, b *listRecord) bool { return a.name == b.name },
		ident: func(r *listRecord) []idField {
			id := []idField{{Name: colFrom, Value: r.from}, {Name: colGroupName, Value: r.name}}
			if members {
				id = append(id, idField{Name: colTo, Value: r.to})
			}
			return id
		},
		alreadyDone: func(code int) bool { return code == codeListConflict },
		newReader: func(format string, r io.Reader, o readOptions) (rowReader[*listRecord], error) {
			lr, err := newInputLines(r, &o)
			if err != nil {
				return nil, err
			}
			if format == formatJSONL {
				return &listsJSONL{jsonlLines: jsonlLines{lines: lr}, rows: listsRows{members: members}}, nil
			}
			t, err := newCSVTable(lr, o, listsSchema)
			if err != nil {
				return nil, err
			}
			return &listsCSV{csvTable: t, rows: listsRows{members: members}}, nil
		},
		newFailures: func(format string, _ rowReader[*listRecord], w io.Writer) (failureWriter[*listRecord], error) {
			if format == formatJSONL {
				rows := newJSONLRows(w)
				return &listsFailures{kindFailureRows: kindFailureRows{jsonl: &rows}}, nil
			}
			rows, err := newCSVRows(w, listsSchema.columns)
			return &listsFailures{kindFailureRows: kindFailureRows{csv: &rows}}, err
		},
		rowKey: listsRowKey,
	}
}

// listEntry is one list of a batch: its name, its members (each once,
// in order) and the indexes of its rows in the batch.
type listEntry struct {
	name    string
	members []api.UserID
	rows    []int
}

// listEntries turns the rows of a batch into list entries, in the order
// of their first rows; with members, each list's To_Account once.
func listEntries(recs []*listRecord, members bool) []*listEntry {
	var out []*listEntry
	byName := map[string]*listEntry{}
	seen := map[[2]string]bool{}
	for i, r := range recs {
		l := byName[r.name]
		if l == nil {
			l = &listEntry{name: r.name}
			byName[r.name] = l
			out = append(out, l)
		}
		l.rows = append(l.rows, i)
		if members && r.to != "" && !seen[[2]string{r.name, r.to}] {
			seen[[2]string{r.name, r.to}] = true
			l.members = append(l.members, r.to)
		}
	}
	return out
}

// listCalls groups entries into calls: the lists with the same members
// (as a set) share calls, up to listsPerCall lists a call, in the order
// of their first lists.
func listCalls(entries []*listEntry) [][]*listEntry {
	var (
		calls [][]*listEntry
		open  = map[string]int{} // member set → the index of its last call
	)
	for _, l := range entries {
		key := strings.Join(slices.Sorted(slices.Values(l.members)), "\x00")
		if i, ok := open[key]; ok && len(calls[i]) < listsPerCall {
			calls[i] = append(calls[i], l)
			continue
		}
		open[key] = len(calls)
		calls = append(calls, []*listEntry{l})
	}
	return calls
}

// listSender sends the calls of one batch and gathers one sentItem per
// row.
type listSender struct {
	items []sentItem
	stop  error // a whole-call error that every later call would get too
	// call sends one call for lists and returns, for a call that was
	// answered, the member results by To_Account (nil without members).
	call func(lists []*listEntry) (map[string]api.FriendResult, error)
	op   string
}

// send sends lists in one call (one list a call again when a call of
// several fails with codeListConflict) and sets their rows' items.
func (s *listSender) send(recs []*listRecord, lists []*listEntry) {
	if s.stop != nil {
		for _, l := range lists {
			for _, i := range l.rows {
				s.items[i] = sentItem{err: fmt.Errorf("%w: an earlier request failed: %w", timrest.ErrNotSent, s.stop)}
			}
		}
		return
	}
	results, err := s.call(lists)
	if e, ok := errors.AsType[*timrest.Error](err); ok && e.Code == codeListConflict && len(lists) > 1 {
		for _, l := range lists {
			s.send(recs, []*listEntry{l})
		}
		return
	}
	if timrest.StopsBatch(err) {
		s.stop = err
	}
	whole := sentItem{err: err}
	if e, ok := errors.AsType[*timrest.Error](err); ok && !e.Retryable() {
		whole.code = e.Code // settled; a retryable failure is sent again on resume
	}
	for _, l := range lists {
		for _, i := range l.rows {
			to := recs[i].to
			switch res, ok := results[to]; {
			case err != nil:
				s.items[i] = whole
			case to == "" || results == nil:
				s.items[i] = sentItem{}
			case !ok:
				s.items[i] = sentItem{err: fmt.Errorf("timrest: %s: To_Account %q: %w", s.op, to, timrest.ErrMissingResult)}
			case res.ResultCode != 0:
				s.items[i] = sentItem{err: &timrest.Error{Op: s.op, Code: int(res.ResultCode), Info: deref(res.ResultInfo), Account: to}, code: int(res.ResultCode)}
			default:
				s.items[i] = sentItem{}
			}
		}
	}
}

// resultsByTo indexes member results by To_Account.
func resultsByTo(items []api.FriendResult) map[string]api.FriendResult {
	m := make(map[string]api.FriendResult, len(items))
	for _, it := range items {
		m[it.ToAccount] = it
	}
	return m
}

// listsAddKind is "lists add": v4/sns/group_add, not idempotent.
func listsAddKind() *writeKind[*listRecord] {
	k := listsKind("lists add", "added", true)
	k.idempotent = spec.AddFriendLists.Idempotent
	k.send = func(ctx context.Context, c *timrest.Client, recs []*listRecord) ([]sentItem, error) {
		from := recs[0].from
		s := &listSender{items: make([]sentItem, len(recs)), op: spec.AddFriendLists.ID}
		s.call = func(lists []*listEntry) (map[string]api.FriendResult, error) {
			req := api.AddFriendListsRequest{FromAccount: from, ToAccount: lists[0].members}
			for _, l := range lists {
				req.GroupName = append(req.GroupName, l.name)
			}
			resp, err := c.Friends.AddLists(ctx, req)
			if err != nil || len(req.ToAccount) == 0 {
				return nil, err
			}
			return resultsByTo(resp.ResultItem), nil
		}
		for _, lists := range listCalls(listEntries(recs, true)) {
			s.send(recs, lists)
		}
		return s.items, s.stop
	}
	return k
}

// listsDeleteKind is "lists delete": v4/sns/group_delete, not
// idempotent.
func listsDeleteKind() *writeKind[*listRecord] {
	k := listsKind("lists delete", "deleted", false)
	k.idempotent = spec.DeleteFriendLists.Idempotent
	k.send = func(ctx context.Context, c *timrest.Client, recs []*listRecord) ([]sentItem, error) {
		from := recs[0].from
		s := &listSender{items: make([]sentItem, len(recs)), op: spec.DeleteFriendLists.ID}
		s.call = func(lists []*listEntry) (map[string]api.FriendResult, error) {
			req := api.DeleteFriendListsRequest{FromAccount: from}
			for _, l := range lists {
				req.GroupName = append(req.GroupName, l.name)
			}
			_, err := c.Friends.DeleteLists(ctx, req)
			return nil, err
		}
		for _, lists := range listCalls(listEntries(recs, false)) {
			s.send(recs, lists)
		}
		return s.items, s.stop
	}
	return k
}

// listsFormatHelp describes the lists format, for both commands' help.
var listsFormatHelp = `Format (--format auto, the default: by the extension .csv, or .jsonl,
.ndjson or .json; otherwise by the content). Input is UTF-8.

  CSV with a header row naming the columns, in any order: From_Account,
  GroupName, To_Account (To_Account optional). One row per member of a
  list, or one row without To_Account for a list without members:

    From_Account,GroupName,To_Account
    alice,work,bob
    alice,work,carol
    alice,family,

  JSON Lines: {"From_Account":"alice","GroupName":"work","To_Account":"bob"},
  To_Account optional. Names are case-sensitive and may appear once;
  unknown names are refused.

The columns (fields) Line, ResultCode, Error and Input, which --failures
writes, are ignored. A list name has 1 to 30 bytes; a row with a bad value is
refused by its line and field.

The rows of one list must be together in the file (one after another): they
go in one call. A row of a list whose rows ended earlier in the file is
refused by its line (sent in a second call, it would fail as a whole with
30001), whatever --buffer is; to tell, the command keeps about 16 bytes per
list of the file. At most ` + strconv.Itoa(listMaxRows) + ` rows of one list in a
row are read: the rows after are refused by their line.`

// listsAddHelp is the help of "lists add".
var listsAddHelp = `Create friend lists from --file ("-": stdin), read as a stream, through
group_add, and put the friends of To_Account in them.

` + listsFormatHelp + `

group_add creates up to ` + strconv.Itoa(listsPerCall) + ` lists of one account a call and puts the accounts
of its To_Account (at most ` + strconv.Itoa(listMaxRows) + `) in every list it creates. So the rows of one
list become one list entry with its members, and the lists of an account that
have the same members (lists without members, say) go in one call; lists
with other members go in calls of their own. A user has at most
` + strconv.Itoa(spec.LimitFriendListsPerAccount) + ` lists (beyond: 30011). The call fails as a whole, creating nothing,
when a list exists already (30001): every row of that list fails with 30001
(a call of several lists that fails so is sent again one list a call, so that
only the lists that exist fail). A member that is not a friend of
From_Account fails its row with 32216 (the list is created without it): make
it a friend first, then put it in the list with friends update (GroupName),
since group_add cannot add to a list that exists.

group_add is not idempotent: the client never sends a call again after an
ambiguous failure (a timeout, a connection lost after sending): its rows are
reported failed (code 0) and written to --failures, and the service may or
may not have created the lists.

With --journal, the lines of every batch are recorded (and synced to disk)
before it is sent. A run resumed with the journal after a crash, or after
such an ambiguous failure, sends those rows again when their outcome was not
recorded. When the service then answers 30001 (the list exists) for one of
them, the earlier send most likely created it: the row is counted as added
and, to tell it from a plain success, as ambiguous ("ambiguous" in the
summary, "ambiguous_records" lists the first 20 by line, and a line on
stderr); it is not a failure and is not written to --failures. A row that was
not in flight before and gets 30001 is a failure as usual (the list existed
before the command). Rows settled in the journal are never sent again.

Batches hold up to ` + strconv.Itoa(listMaxRows) + ` rows of one account (the summary's "batches"
counts them; a batch may take several calls). Output, --failures, --dry-run,
Ctrl-C and the exit status are those of friends import (the JSON summary
calls the rows done "imported").`

// listsDeleteHelp is the help of "lists delete".
var listsDeleteHelp = `Delete friend lists named in --file ("-": stdin), read as a stream, through
group_delete: the lists go, and their names are taken out of every friend's
lists (the friends stay).

` + listsFormatHelp + `

To_Account is ignored, so the file that "lists add" read will do: the rows of
one list delete it once, and each row gets the outcome. group_delete deletes
up to ` + strconv.Itoa(listsPerCall) + ` lists of one account a call: the lists of one batch go in as few
calls as that allows. The call fails as a whole, deleting nothing, when a
list does not exist (30001): a call of several lists that fails so is sent
again one list a call, so that only the rows of the lists that do not exist
fail.

group_delete is not idempotent: the client never sends a call again after an
ambiguous failure (a timeout, a connection lost after sending): its rows are
reported failed (code 0) and written to --failures, and the service may or
may not have deleted the lists.

With --journal, the lines of every batch are recorded (and synced to disk)
before it is sent. A run resumed with the journal after a crash, or after
such an ambiguous failure, sends those rows again when their outcome was not
recorded. When the service then answers 30001 (no such list) for one of
them, the earlier send most likely deleted it: the row is counted as deleted
and, to tell it from a plain success, as ambiguous ("ambiguous" in the
summary, "ambiguous_records", a line on stderr); it is not a failure and is
not written to --failures. A row that was not in flight before and gets
30001 is a failure as usual (the list did not exist). Rows settled in the
journal are never sent again.

Output, --failures, --dry-run, Ctrl-C and the exit status are those of
friends import (the JSON summary calls the rows done "imported").`

// newListsAddCmd returns "lists add".
func newListsAddCmd(a *app) *cobra.Command {
	return newWriteCmd(a, writeCmd[*listRecord]{
		use:   "add --file F [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Create friend lists and put friends in them from a CSV or JSON Lines file (v4/sns/group_add)",
		long:  listsAddHelp,
		example: `  timrest lists add --file lists.csv --failures failed.csv --journal lists.journal
  timrest lists add --file lists.jsonl --dry-run`,
		kind: func() (*writeKind[*listRecord], error) { return listsAddKind(), nil },
	})
}

// newListsDeleteCmd returns "lists delete".
func newListsDeleteCmd(a *app) *cobra.Command {
	return newWriteCmd(a, writeCmd[*listRecord]{
		use:     "delete --file F [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short:   "Delete friend lists named in a CSV or JSON Lines file (v4/sns/group_delete)",
		long:    listsDeleteHelp,
		example: `  timrest lists delete --file lists.csv --failures failed.csv --journal delete.journal`,
		kind:    func() (*writeKind[*listRecord], error) { return listsDeleteKind(), nil },
	})
}
