package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// This file is "blocklist import": the blocklist format (From_Account,
// To_Account; "blocklist export" writes it) sent through black_list_add,
// which is not idempotent.

// codeAlreadyBlocked is black_list_add's ResultCode for an item whose
// To_Account is on From_Account's blocklist already (the document lists
// it under 30001 with "Incorrect request parameter": the client checks
// the parameters before sending, so an item that reaches the service and
// gets 30001 is one that is blocked already, or From_Account itself,
// which the reader refuses).
const codeAlreadyBlocked = 30001

// blockRecord is one pair of the blocklist format: From_Account blocks
// To_Account.
type blockRecord struct {
	line     int
	from, to string
}

// blocklistSchema is the CSV schema of the blocklist format.
var blocklistSchema = &csvSchema{
	columns:    []string{colFrom, colTo},
	required:   []string{colTo},
	fromColumn: colFrom,
	rawKey:     colTo,
}

// blocklistCSV reads CSV records of the blocklist format.
type blocklistCSV struct {
	*csvTable
	from string // --from
}

func (c *blocklistCSV) next() (*blockRecord, error) {
	row, err := c.nextRow()
	if err != nil {
		return nil, err
	}
	rec := &blockRecord{line: row.line, from: strings.TrimSpace(row.get(colFrom)), to: strings.TrimSpace(row.get(colTo))}
	if col := row.badUTF8(); col != "" {
		return nil, &recordError{line: row.line, other: rec, msg: col + ": not valid UTF-8 (save the file as UTF-8)"}
	}
	return rec.check(c.from)
}

// check sets the record's From_Account to from (--from) when it has none
// and refuses a record without a From_Account or To_Account, with
// another From_Account than --from, or blocking its own account (the
// client checks the rest).
func (r *blockRecord) check(from string) (*blockRecord, error) {
	switch {
	case from != "" && r.from == "":
		r.from = from
	case from != "" && r.from != from:
		f := r.from
		r.from = from
		return nil, &recordError{line: r.line, other: r, msg: fmt.Sprintf("From_Account %q differs from --from", f)}
	case r.from == "":
		return nil, &recordError{line: r.line, other: r, msg: "no From_Account (add it, or pass --from)"}
	}
	switch {
	case r.to == "":
		return nil, &recordError{line: r.line, other: r, msg: "no To_Account"}
	case r.to == r.from:
		return nil, &recordError{line: r.line, other: r, msg: "To_Account: an account cannot block itself"}
	}
	return r, nil
}

// blockJSON is a JSON Lines record of the blocklist format, with the
// fields --failures adds (ignored).
type blockJSON struct {
	FromAccount string          `json:"From_Account"`
	ToAccount   string          `json:"To_Account"`
	Line        json.RawMessage `json:"Line,omitempty"`
	ResultCode  json.RawMessage `json:"ResultCode,omitempty"`
	Error       json.RawMessage `json:"Error,omitempty"`
	Input       json.RawMessage `json:"Input,omitempty"`
}

var blocklistJSONFields = []string{colFrom, colTo, colLine, colResultCode, colError, colInput}

// blocklistJSONL reads JSON Lines records of the blocklist format.
type blocklistJSONL struct {
	jsonlLines
	from string // --from
}

func (j *blocklistJSONL) next() (*blockRecord, error) {
	num, b, err := j.nextLine()
	if err != nil {
		return nil, err
	}
	var v blockJSON
	if err := decodeStrict(b, &v); err != nil {
		return nil, &recordError{line: num, raw: b, msg: jsonErrFor(err, "want an object with From_Account and To_Account", blocklistJSONFields)}
	}
	return (&blockRecord{line: num, from: v.FromAccount, to: v.ToAccount}).check(j.from)
}

// pairFailures writes --failures in the blocklist format.
type pairFailures struct {
	kindFailureRows
}

func (f *pairFailures) write(r *blockRecord, code int, msg string) error {
	if f.csv != nil {
		return f.csv.row([]string{r.from, r.to}, r.line, code, msg)
	}
	return f.jsonl.enc.Encode(struct {
		FromAccount string `json:"From_Account"`
		ToAccount   string `json:"To_Account"`
		Line        int    `json:"Line"`
		ResultCode  int    `json:"ResultCode"`
		Error       string `json:"Error"`
	}{r.from, r.to, r.line, code, msg})
}

// blocklistImportKind is "blocklist import": v4/sns/black_list_add,
// 1000 accounts a request (spec.BlockAccounts' batch max), not
// idempotent: 30001 (blocked already) for a record an earlier run sent
// counts as done, and as ambiguous.
func blocklistImportKind() *writeKind[*blockRecord] {
	return &writeKind[*blockRecord]{
		command:    "blocklist import",
		done:       "blocked",
		batchMax:   spec.BlockAccounts.Batch.Max,
		idempotent: spec.BlockAccounts.Idempotent,
		line:       func(r *blockRecord) int { return r.line },
		account:    func(r *blockRecord) string { return r.from },
		key:        func(r *blockRecord) string { return r.to },
		ident: func(r *blockRecord) []idField {
			return []idField{{Name: colFrom, Value: r.from}, {Name: colTo, Value: r.to}}
		},
		send: func(ctx context.Context, c *timrest.Client, recs []*blockRecord) ([]sentItem, error) {
			req := api.BlockAccountsRequest{FromAccount: recs[0].from, ToAccount: make([]api.UserID, len(recs))}
			for i, r := range recs {
				req.ToAccount[i] = r.to
			}
			return batchItems(c.Friends.Block(ctx, []api.BlockAccountsRequest{req}))
		},
		alreadyDone: func(code int) bool { return code == codeAlreadyBlocked },
		newReader: func(format string, r io.Reader, o readOptions) (rowReader[*blockRecord], error) {
			lr, err := newInputLines(r, &o)
			if err != nil {
				return nil, err
			}
			if format == formatJSONL {
				return &blocklistJSONL{jsonlLines: jsonlLines{lines: lr}, from: o.from}, nil
			}
			t, err := newCSVTable(lr, o, blocklistSchema)
			if err != nil {
				return nil, err
			}
			return &blocklistCSV{csvTable: t, from: o.from}, nil
		},
		newFailures: func(format string, _ rowReader[*blockRecord], w io.Writer) (failureWriter[*blockRecord], error) {
			if format == formatJSONL {
				rows := newJSONLRows(w)
				return &pairFailures{kindFailureRows: kindFailureRows{jsonl: &rows}}, nil
			}
			rows, err := newCSVRows(w, blocklistSchema.columns)
			return &pairFailures{kindFailureRows: kindFailureRows{csv: &rows}}, err
		},
		rowKey: friendsRowKey, // From_Account, To_Account first
	}
}

// blocklistImportHelp is the help of "blocklist import".
var blocklistImportHelp = `Block accounts from --file ("-": stdin), read as a stream, through
black_list_add: each record puts To_Account on From_Account's blocklist.

Format: the blocklist format, which "blocklist export" writes (--format auto,
the default: by the extension .csv, or .jsonl, .ndjson or .json; otherwise by
the content). Input is UTF-8.

  CSV with a header row naming the columns, in any order: From_Account,
  To_Account. From_Account may be left out (column or cell) with --from.

  JSON Lines: {"From_Account":"alice","To_Account":"bob"}. Names are
  case-sensitive and may appear once; unknown names are refused.

The columns (fields) Line, ResultCode, Error and Input, which --failures
writes, are ignored. A record without To_Account, or blocking its own
account, is refused by its line.

Records are grouped by From_Account in requests of up to ` + strconv.Itoa(spec.BlockAccounts.Batch.Max) + ` (the document's
limit); one account's requests go one after another, up to --concurrency
accounts at once. A blocklist holds at most ` + strconv.Itoa(spec.LimitBlocklistPerAccount) + ` accounts: beyond, the item
fails with 30013. Blocking a friend removes the friendship both ways.

black_list_add is not idempotent: blocking an account that is blocked
already fails the item with 30001, so the client never sends a request again
after an ambiguous failure (a timeout, a connection lost after sending): its
records are reported failed (code 0) and written to --failures, and the
service may or may not have blocked them. A duplicate pair in one request
is sent once and shares its answer; in another request it fails with 30001.

With --journal, the lines of every request are recorded (and synced to disk)
before it is sent. A run resumed with the journal after a crash, or after
such an ambiguous failure, sends those records again when their outcome was
not recorded. When the service then answers 30001 (blocked already) for one
of them, the earlier send most likely blocked it: the record is counted as
blocked and, to tell it from a plain success, as ambiguous ("ambiguous" in
the summary, "ambiguous_records" lists the first 20 by line, and a line on
stderr); it is not a failure and is not written to --failures. A record that
was not in flight before and gets 30001 is a failure as usual (the account
was blocked before the command). Records settled in the journal are never
sent again, and the last run's summary and --failures are those of an
uninterrupted run.

Output, --failures, --dry-run, Ctrl-C and the exit status are those of
friends import (the JSON summary calls the blocked records "imported").`

// newBlocklistImportCmd returns "blocklist import".
func newBlocklistImportCmd(a *app) *cobra.Command {
	return newWriteCmd(a, writeCmd[*blockRecord]{
		use:   "import --file F [--from U] [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Block accounts from a CSV or JSON Lines file (v4/sns/black_list_add)",
		long:  blocklistImportHelp,
		example: `  timrest blocklist export --accounts users.txt --file blocklist.csv
  timrest blocklist import --file blocklist.csv --failures failed.csv --journal block.journal
  timrest blocklist check --file blocklist.csv`,
		from: true,
		kind: func() (*writeKind[*blockRecord], error) { return blocklistImportKind(), nil },
	})
}
