package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// This file is "accounts import": the accounts format (UserID, Nick,
// FaceUrl) sent through multiaccount_import, 100 accounts a request. It
// is the smallest kind, and a template for the others.

// Columns (and JSON fields) of the accounts format.
const (
	colUserID  = "UserID"
	colNick    = "Nick"
	colFaceURL = "FaceUrl"
)

// accountRecord is one account of the accounts format.
type accountRecord struct {
	line int
	item api.ImportAccountItem
}

// accountsSchema is the CSV schema of the accounts format.
var accountsSchema = &csvSchema{
	columns:  []string{colUserID, colNick, colFaceURL},
	required: []string{colUserID},
	rawKey:   colUserID,
}

// accountsCSV reads CSV records of the accounts format.
type accountsCSV struct{ *csvTable }

func (c *accountsCSV) next() (*accountRecord, error) {
	row, err := c.nextRow()
	if err != nil {
		return nil, err
	}
	rec := &accountRecord{line: row.line, item: api.ImportAccountItem{UserID: strings.TrimSpace(row.get(colUserID))}}
	if s := row.get(colNick); s != "" {
		rec.item.Nick = &s
	}
	if s := strings.TrimSpace(row.get(colFaceURL)); s != "" {
		rec.item.FaceURL = &s
	}
	if col := row.badUTF8(); col != "" {
		return nil, &recordError{line: row.line, other: rec, msg: col + ": not valid UTF-8 (save the file as UTF-8)"}
	}
	return rec.check()
}

// check refuses a record without a UserID (the client checks the rest).
func (r *accountRecord) check() (*accountRecord, error) {
	if r.item.UserID == "" {
		return nil, &recordError{line: r.line, other: r, msg: "no UserID"}
	}
	return r, nil
}

// accountJSON is a JSON Lines record of the accounts format, with the
// fields --failures adds (ignored).
type accountJSON struct {
	UserID     string          `json:"UserID"`
	Nick       *string         `json:"Nick,omitempty"`
	FaceURL    *string         `json:"FaceUrl,omitempty"`
	Line       json.RawMessage `json:"Line,omitempty"`
	ResultCode json.RawMessage `json:"ResultCode,omitempty"`
	Error      json.RawMessage `json:"Error,omitempty"`
	Input      json.RawMessage `json:"Input,omitempty"`
}

// accountsJSONL reads JSON Lines records of the accounts format.
type accountsJSONL struct{ jsonlLines }

var accountsJSONFields = []string{colUserID, colNick, colFaceURL, colLine, colResultCode, colError, colInput}

func (j *accountsJSONL) next() (*accountRecord, error) {
	num, b, err := j.nextLine()
	if err != nil {
		return nil, err
	}
	var a accountJSON
	if err := decodeStrict(b, &a); err != nil {
		return nil, &recordError{line: num, raw: b, msg: jsonErrFor(err, "want an object with UserID, Nick and FaceUrl", accountsJSONFields)}
	}
	return (&accountRecord{line: num, item: api.ImportAccountItem{UserID: a.UserID, Nick: a.Nick, FaceURL: a.FaceURL}}).check()
}

// accountsFailures writes --failures in the accounts format.
type accountsFailures struct {
	kindFailureRows
}

func (f *accountsFailures) write(r *accountRecord, code int, msg string) error {
	if f.csv != nil {
		return f.csv.row([]string{r.item.UserID, deref(r.item.Nick), deref(r.item.FaceURL)}, r.line, code, msg)
	}
	return f.jsonl.enc.Encode(struct {
		UserID     string  `json:"UserID"`
		Nick       *string `json:"Nick,omitempty"`
		FaceURL    *string `json:"FaceUrl,omitempty"`
		Line       int     `json:"Line"`
		ResultCode int     `json:"ResultCode"`
		Error      string  `json:"Error"`
	}{r.item.UserID, r.item.Nick, r.item.FaceURL, r.line, code, msg})
}

// userIDRowKey returns the supersedeKey of a row of the accounts format
// (or of any format whose first CSV column and JSON field is UserID).
func userIDRowKey(format string, row []byte) (string, bool) {
	row = bytes.TrimSuffix(row, []byte("\n"))
	if format == formatJSONL {
		var r struct {
			UserID string `json:"UserID"`
		}
		if json.Unmarshal(row, &r) != nil {
			return "", false
		}
		return "\x00" + r.UserID, true
	}
	fields, open, err := parseCSV(row, nil)
	if open || err != nil || len(fields) < 1 {
		return "", false
	}
	return "\x00" + fields[0], true
}

// accountsImportKind is "accounts import": v4/im_open_login_svc/
// multiaccount_import with AccountList, 100 accounts a request
// (spec.ImportAccounts' batch max), idempotent.
func accountsImportKind() *writeKind[*accountRecord] {
	return &writeKind[*accountRecord]{
		command:    "accounts import",
		done:       "imported",
		batchMax:   spec.ImportAccounts.Batch.Max,
		idempotent: true,
		line:       func(r *accountRecord) int { return r.line },
		account:    func(*accountRecord) string { return "" },
		noAccount:  true,
		key:        func(r *accountRecord) string { return r.item.UserID },
		ident:      func(r *accountRecord) []idField { return []idField{{Name: colUserID, Value: r.item.UserID}} },
		send: func(ctx context.Context, c *timrest.Client, recs []*accountRecord) ([]sentItem, error) {
			req := api.ImportAccountsRequest{AccountList: make([]api.ImportAccountItem, len(recs))}
			for i, r := range recs {
				req.AccountList[i] = r.item
			}
			return batchItems(c.Accounts.Import(ctx, []api.ImportAccountsRequest{req}))
		},
		newReader: func(format string, r io.Reader, o readOptions) (rowReader[*accountRecord], error) {
			lr, err := newInputLines(r, &o)
			if err != nil {
				return nil, err
			}
			if format == formatJSONL {
				return &accountsJSONL{jsonlLines{lines: lr}}, nil
			}
			t, err := newCSVTable(lr, o, accountsSchema)
			if err != nil {
				return nil, err
			}
			return &accountsCSV{t}, nil
		},
		newFailures: func(format string, _ rowReader[*accountRecord], w io.Writer) (failureWriter[*accountRecord], error) {
			if format == formatJSONL {
				rows := newJSONLRows(w)
				return &accountsFailures{kindFailureRows: kindFailureRows{jsonl: &rows}}, nil
			}
			rows, err := newCSVRows(w, accountsSchema.columns)
			return &accountsFailures{kindFailureRows: kindFailureRows{csv: &rows}}, err
		},
		rowKey: userIDRowKey,
	}
}

// newAccountsImportCmd returns "accounts import".
func newAccountsImportCmd(a *app) *cobra.Command {
	return newWriteCmd(a, writeCmd[*accountRecord]{
		use:   "import --file F [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Import accounts from a CSV or JSON Lines file (v4/im_open_login_svc/multiaccount_import)",
		long: `Import accounts (UserIDs, with their nicknames and profile photos) from
--file ("-": stdin), read as a stream.

Formats (--format auto, the default: by the extension .csv, or .jsonl, .ndjson
or .json; otherwise by the content: JSON Lines when it starts with "{", CSV
otherwise). Input is UTF-8.

  CSV with a header row naming the columns, in any order: UserID, Nick,
  FaceUrl. UserID is required; an empty Nick or FaceUrl cell leaves the
  profile's nickname or photo as it is.

  JSON Lines: {"UserID":"u1","Nick":"Ann","FaceUrl":"https://..."}, Nick
  and FaceUrl optional. Names are case-sensitive and may appear once;
  unknown names are refused.

Every account goes through multiaccount_import, ` + strconv.Itoa(spec.ImportAccounts.Batch.Max) + ` accounts a request (the
document's limit), with its Nick and FaceUrl in the request's AccountList:
the service imports the account (or keeps it, when it exists) and sets the
nickname and photo given, on new and existing accounts alike. So there is
no need for account_import (one account a request: 100 times the requests)
or for a portrait_set after the import (a second request per account, and
a window in which the account exists without its profile). The answer
names the accounts that failed (FailAccounts) without a reason: they are
counted under failed_by_code "fail_list".

When the same UserID appears more than once, its records are sent one
after the other and the last one wins.

Output, --failures, --journal, --dry-run, Ctrl-C and the exit status are
those of "friends import" (see its help): a JSON (or table) summary on
stdout, a progress bar on stderr when it is a terminal, --failures FILE in
the input format with Line, ResultCode and Error added, and --journal FILE
to resume after a crash with the summary of an uninterrupted run. Importing
accounts is idempotent: a resumed run sends again what was in flight.`,
		example: `  timrest accounts import --file accounts.csv --failures failed.csv --journal accounts.journal
  timrest accounts import --file accounts.jsonl --dry-run`,
		kind: func() (*writeKind[*accountRecord], error) { return accountsImportKind(), nil },
	})
}
