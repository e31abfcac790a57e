package main

import (
	"context"
	"io"

	"github.com/timrest/timrest"
)

// A write command (friends import, accounts import, friends add, ...) is
// a writeKind: what its records are, how they are read, grouped, sent and
// written back. The engine (importrun.go), the command (import.go:
// newWriteCmd), the journal (journal.go) and --failures (failures.go) do
// the rest, the same for every kind: streaming with a bounded buffer, one
// batch per account in flight, --dry-run, --journal and resuming,
// --failures in the input format, the summary, progress and exit codes.
//
// R is the kind's record type (a pointer). See write_accounts.go for a
// small kind.
type writeKind[R any] struct {
	// command is the command line's words ("accounts import"): the
	// journal's header binds it, and the messages name it.
	command string
	// done is the word for a record the service took ("imported",
	// "added"), in the table and the messages; the JSON summary always
	// calls them "imported".
	done string
	// batchMax is the most records in one request (the document's
	// x-tim-batch max).
	batchMax int
	// idempotent is the document's x-tim-idempotent. A kind that is not
	// is journaled before each request is sent (see journal.intend), and
	// a resumed run never sends a settled record again.
	idempotent bool
	// options is the text of the command's flags that change what is
	// sent (--add-type ...): the journal's header binds it. "" for none.
	options string

	// line returns the input line a record starts on.
	line func(R) int
	// account returns the account whose records go one batch after
	// another, in input order ("" for calls without one: set noAccount).
	account func(R) string
	// noAccount: the calls have no account; records are spread over
	// lanes by key instead, so that one key's records stay in order.
	noAccount bool
	// lane, for a kind without an account, returns what spreads records
	// over lanes: records with the same lane go one request after
	// another, in input order. nil: key (profiles set keys a record by
	// its UserID and the tags it sets, and lanes it by UserID alone).
	lane func(R) string
	// key returns what a record sets within its account (To_Account,
	// UserID): for the same account and key the last record wins.
	key func(R) string
	// ident returns the fields that name a record in the summary's
	// lists (From_Account and To_Account; UserID).
	ident func(R) []idField
	// together, when set, reports whether b, a record of the same
	// account read after a, must go in the same request as a (the rows
	// of one friend list, which one call creates or deletes whole). The
	// engine then cuts no batch between the records of an account that
	// go with the last record read, since more of them may follow: they
	// wait for the next batch, unless they fill a batch alone (the
	// kind's reader should refuse a group larger than batchMax). Records
	// that go together must be together in the input; nil: none.
	together func(a, b R) bool

	// send sends recs (one account's, or one lane's; at most batchMax) in
	// one request and returns one sentItem per record, in order; or nil
	// items and the error when the call was refused as a whole before
	// sending. A --dry-run calls it with an ended context: the client
	// checks the items and sends nothing.
	send func(ctx context.Context, c *timrest.Client, recs []R) ([]sentItem, error)
	// alreadyDone, for a kind that is not idempotent, reports whether
	// code, the answer for a record that an earlier run sent without
	// recording the answer (it was killed, or the send was ambiguous),
	// means that the record is done (friend_add: 30001, already
	// friends). Such a record counts as done, and as ambiguous. nil:
	// none.
	alreadyDone func(code int) bool

	// newReader returns the reader of the input in format.
	newReader func(format string, r io.Reader, o readOptions) (rowReader[R], error)
	// newFailures returns the --failures writer of format to w, for the
	// input read by rr (a CSV writer repeats the input's optional
	// columns).
	newFailures func(format string, rr rowReader[R], w io.Writer) (failureWriter[R], error)
	// rowKey returns the supersedeKey of a row that the --failures writer
	// wrote for a record.
	rowKey func(format string, row []byte) (string, bool)
}

// supersedeKey is what identifies a record's target for superseding:
// its account and key.
func (k *writeKind[R]) supersedeKey(r R) string {
	return k.account(r) + "\x00" + k.key(r)
}

// sentItem is the outcome of one record of a request: err nil when it
// was done; code its ResultCode when the service gave one.
type sentItem struct {
	err  error
	code int
}

// batchItems turns the items of a client's batch result into sentItems.
func batchItems[T any](res *timrest.BatchResult[T], err error) ([]sentItem, error) {
	if res == nil {
		return nil, err
	}
	out := make([]sentItem, len(res.Items))
	for i, it := range res.Items {
		out[i] = sentItem{err: it.Err, code: it.Code}
	}
	return out, err
}

// rowReader reads a kind's records one at a time.
type rowReader[R any] interface {
	// next returns the next record; a *recordError for a record that
	// cannot be sent, after which reading goes on; io.EOF at the end; or
	// another error, after which it cannot.
	next() (R, error)
	// lineCounts returns the physical lines read so far and how many of
	// them held no record (blank lines, the CSV header).
	lineCounts() (lines, skipped int)
}

// failureWriter writes the records that were not done, in the input
// format, with the columns (fields) Line, ResultCode and Error after the
// record's (and Input, in CSV, for a line that could not be read as a
// record); input ignores those, so the file can be sent again.
type failureWriter[R any] interface {
	write(rec R, code int, msg string) error
	// writeRaw writes a line that could not be read as a record: in CSV
	// a row with its text in Input; in JSON Lines the line as it was.
	writeRaw(e *recordError) error
	// flush writes out what is buffered and returns the first error.
	flush() error
}

// idField is a field that names a record in the summary's lists.
type idField struct {
	Name, Value string
	// Always: listed even when empty (else left out when empty).
	Always bool
}

// kindFailureRows is the output of a kind's --failures writer: CSV rows or
// JSON Lines; a kind's writer embeds it and adds write, which lays out
// its record.
type kindFailureRows struct {
	csv   *csvRows // nil for JSON Lines
	jsonl *jsonlRows
}

func (f *kindFailureRows) writeRaw(e *recordError) error {
	if f.csv != nil {
		return f.csv.writeRaw(e)
	}
	return f.jsonl.writeRaw(e)
}

func (f *kindFailureRows) flush() error {
	if f.csv != nil {
		return f.csv.flush()
	}
	return f.jsonl.flush()
}
