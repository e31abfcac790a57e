package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strings"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
)

// This file is the engine of "friends import": it reads records as a
// stream, groups them by From_Account into batches, and imports the
// batches with the timrest client, at most one batch per From_Account at
// a time and several From_Accounts at once.
//
// Memory: records wait in per-account batches until an account has a
// full batch (1000, the API's limit), the input ends, or buffer records
// are waiting in all; then the largest waiting batches are sent until
// half of the buffer is free. Reading pauses while buffer records are in
// batches that are queued or in flight. So at most about 2 × buffer
// records are held, whatever the size of the input; records of one
// From_Account need not be contiguous, but the closer together they are,
// the fuller the batches.

// batchSize is the AddFriendItem limit of one friend_import request.
const batchSize = 1000

// importer runs one import.
type importer struct {
	client  *timrest.Client
	dryRun  bool
	workers int // batches in flight at once
	buffer  int // records waiting to fill batches before the largest are sent
	drain   bool
	scrub   func(string) string

	sum      *importSummary
	failures failureWriter   // nil without --failures
	journal  *journal        // nil without --journal
	later    *superseding    // nil for a dry run
	replay   map[string]bool // From_Accounts whose records are all sent again (see fromJournal)
	progress *progress       // nil without a terminal
	writeErr error           // the first error writing --failures or --journal
}

// batch is the records of one From_Account sent in one request.
type batch struct {
	from string
	recs []*record
}

// batchDone is a batch's outcome.
type batchDone struct {
	b   *batch
	res *timrest.BatchResult[api.FriendResult]
	err error
}

// account is a From_Account's state in the scheduler.
type account struct {
	pending []*record // records waiting to fill a batch
	queue   []*batch  // batches waiting for the one ready or in flight
	busy    bool      // a batch of the account is ready or in flight
}

// readItem is what the reading goroutine hands over: a record, a record
// error, or the end (err io.EOF or another error).
type readItem struct {
	rec *record
	err error
	// lines and skipped are the reader's line counts after this item.
	lines, skipped int
}

// errInterrupted is the stop cause of an interrupted import.
var errInterrupted = errors.New("interrupted")

// run imports the records of rr. ctx ends on Ctrl-C: then nothing more
// is sent, the batches in flight are cut off, and the remaining records
// are counted as not sent (read to the end when drain is set: a regular
// file, quick to read).
func (im *importer) run(ctx context.Context, rr recordReader) error {
	items := make(chan readItem, 256)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		defer close(items)
		for {
			rec, err := rr.next()
			lines, skipped := rr.lineCounts()
			select {
			case items <- readItem{rec, err, lines, skipped}:
			case <-quit:
				return
			}
			if err != nil {
				if _, ok := errors.AsType[*recordError](err); !ok {
					return // io.EOF or a read error: the end
				}
			}
		}
	}()

	sendCtx := ctx
	if im.dryRun {
		// The client checks every item against the document, then finds
		// the context ended and sends nothing: a local check with the
		// client's own rules.
		c, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cancel()
		sendCtx = c
	}
	work := make(chan *batch)
	done := make(chan batchDone)
	for range im.workers {
		go func() {
			for b := range work {
				req := api.ImportFriendsRequest{FromAccount: b.from, AddFriendItem: make([]api.AddFriendItem, len(b.recs))}
				for i, r := range b.recs {
					req.AddFriendItem[i] = r.item
				}
				res, err := im.client.Friends.Import(sendCtx, []api.ImportFriendsRequest{req})
				done <- batchDone{b, res, err}
			}
		}()
	}
	defer close(work)

	var (
		accounts  = map[string]*account{}
		order     []string // accounts with pending records, in order of their first one
		pendingN  int      // records in pending
		ready     []*batch // batches that may be sent now
		inBatches int      // records in ready, queued and in-flight batches
		inflight  int
		readDone  bool
		flushed   bool  // pending was flushed after the end of the input
		stopCause error // set: send nothing more
	)
	acct := func(from string) *account {
		a := accounts[from]
		if a == nil {
			a = &account{}
			accounts[from] = a
		}
		return a
	}
	cut := func(from string) {
		a := accounts[from]
		if a == nil || len(a.pending) == 0 {
			return // order may name an account cut (and forgotten) since
		}
		b := &batch{from: from, recs: a.pending}
		a.pending = nil
		pendingN -= len(b.recs)
		inBatches += len(b.recs)
		if a.busy {
			a.queue = append(a.queue, b)
		} else {
			a.busy = true
			ready = append(ready, b)
		}
	}
	flushAll := func() {
		for _, from := range order {
			cut(from)
		}
		order = order[:0]
	}
	// flushLargest sends the largest waiting batches until half the
	// buffer is free.
	flushLargest := func() {
		live := order[:0]
		seen := make(map[string]bool, len(order))
		for _, from := range order {
			if a := accounts[from]; a != nil && len(a.pending) > 0 && !seen[from] {
				seen[from] = true
				live = append(live, from)
			}
		}
		order = live
		bySize := slices.Clone(order)
		slices.SortStableFunc(bySize, func(x, y string) int {
			return cmp.Compare(len(accounts[y].pending), len(accounts[x].pending))
		})
		for _, from := range bySize {
			if pendingN <= im.buffer/2 {
				break
			}
			cut(from)
		}
	}
	stop := func(cause error) {
		if stopCause != nil {
			return
		}
		stopCause = cause
		reason := "not sent: " + im.scrub(shortErr(cause))
		if _, ok := errors.AsType[*timrest.Error](cause); ok {
			reason = "not sent: an earlier request failed: " + im.scrub(shortErr(cause))
		}
		im.sum.stoppedReason = reason
		for _, b := range ready {
			im.notSent(b.recs, reason)
			inBatches -= len(b.recs)
			accounts[b.from].busy = false
		}
		ready = nil
		for _, from := range order {
			if a := accounts[from]; a != nil {
				im.notSent(a.pending, reason)
				pendingN -= len(a.pending)
				a.pending = nil
			}
		}
		order = nil
		for _, a := range accounts {
			for _, b := range a.queue {
				im.notSent(b.recs, reason)
				inBatches -= len(b.recs)
			}
			a.queue = nil
		}
	}

	for {
		if readDone && stopCause == nil && !flushed {
			flushAll()
			flushed = true
		}
		if inflight == 0 && len(ready) == 0 && (readDone || (stopCause != nil && !im.drain)) {
			break
		}
		var in <-chan readItem
		if !readDone {
			if stopCause != nil {
				if im.drain {
					in = items
				}
			} else if inBatches < im.buffer {
				in = items
			}
		}
		var out chan<- *batch
		var next *batch
		if stopCause == nil && len(ready) > 0 {
			out, next = work, ready[0]
		}
		var interrupt <-chan struct{}
		if stopCause == nil {
			interrupt = ctx.Done()
		}
		select {
		case it := <-in:
			im.sum.lines, im.sum.skippedLines = it.lines, it.skipped
			rerr, isRecErr := errors.AsType[*recordError](it.err)
			switch {
			case it.err == nil && im.fromJournal(it.rec):
				// Done by an earlier run: accounted for from the journal.
			case it.err == nil && stopCause != nil:
				im.sum.records++
				im.notSent([]*record{it.rec}, im.sum.stoppedReason)
			case it.err == nil:
				im.sum.records++
				a := acct(it.rec.from)
				if len(a.pending) == 0 {
					order = append(order, it.rec.from)
				}
				a.pending = append(a.pending, it.rec)
				pendingN++
				if len(a.pending) >= batchSize {
					cut(it.rec.from)
				}
				if pendingN >= im.buffer {
					flushLargest()
				}
			case isRecErr:
				im.sum.records++
				im.invalid(rerr.line, rerr.rec, rerr.msg)
				if rerr.rec == nil && im.failures != nil && im.writeErr == nil {
					rerr.msg = im.scrub(rerr.msg)
					if err := im.failures.writeRaw(rerr); err != nil {
						im.writeErr = fmt.Errorf("cannot write --failures: %w", err)
					}
				}
				im.progress.add(1)
			case errors.Is(it.err, io.EOF):
				readDone = true
				im.sum.inputRead = true
			default:
				readDone = true
				im.sum.readErr = it.err
				stop(fmt.Errorf("cannot read the input: %w", it.err))
			}
			if it.rec != nil {
				im.sum.lastLine = it.rec.line
			} else if isRecErr {
				im.sum.lastLine = rerr.line
			}
			if im.writeErr != nil {
				stop(im.writeErr)
			}
		case out <- next:
			ready = ready[1:]
			inflight++
			if !im.dryRun {
				im.sum.requests++
			}
		case d := <-done:
			inflight--
			inBatches -= len(d.b.recs)
			fatal := im.outcome(d)
			a := accounts[d.b.from]
			a.busy = false
			if stopCause == nil && len(a.queue) > 0 {
				a.busy = true
				ready = append(ready, a.queue[0])
				a.queue = a.queue[1:]
			}
			if !a.busy && len(a.pending) == 0 {
				delete(accounts, d.b.from)
			}
			switch {
			case im.writeErr != nil:
				stop(im.writeErr)
			case fatal != nil:
				stop(fatal)
			}
		case <-interrupt:
			im.sum.interrupted = true
			stop(errInterrupted)
		}
	}
	if ctx.Err() != nil && stopCause == nil && im.sum.notSent > 0 {
		im.sum.interrupted = true // the interrupt came with the last batches, and cut them off
	}
	if im.failures != nil {
		if err := im.failures.flush(); err != nil && im.writeErr == nil {
			im.writeErr = fmt.Errorf("cannot write --failures: %w", err)
		}
	}
	return stopCause
}

// outcome accounts for a finished batch, records in the journal what is
// settled, and returns the error that should stop the import, or nil: the
// *timrest.Error of a whole request that every later request would get
// too (timrest.StopsBatch: a UserSig, permission or app configuration
// error).
func (im *importer) outcome(d batchDone) error {
	var (
		ok      []int
		failed  []journalFailLine
		invalid []journalInvalidLine
	)
	for k, r := range d.b.recs {
		err, code := d.err, 0
		if d.res != nil {
			err, code = d.res.Items[k].Err, d.res.Items[k].Code
		}
		switch o := im.itemOutcome(d.b, r, err, code); {
		case o.kind == outcomeImported:
			ok = append(ok, r.line)
		case o.kind == outcomeInvalid:
			invalid = append(invalid, journalInvalidLine{r.line, o.msg})
		case o.kind == outcomeFailed && code != 0:
			// The service answered for the item: settled. A request
			// that failed as a whole is not: it is sent again on resume.
			failed = append(failed, journalFailLine{r.line, o.code, o.key, o.msg})
		}
	}
	im.progress.add(len(d.b.recs))
	if d.res == nil { // the call was refused as a whole (an invalid From_Account)
		if !im.dryRun {
			im.sum.requests-- // counted when handed to a worker, but not sent
		}
	}
	if im.dryRun {
		return nil
	}
	if im.journal != nil && im.writeErr == nil {
		if err := im.journal.record(ok, failed, invalid); err != nil {
			im.writeErr = fmt.Errorf("cannot write --journal: %w", err)
		}
	}
	if d.res == nil || !timrest.StopsBatch(d.err) {
		return nil
	}
	if e, ok := errors.AsType[*timrest.Error](d.err); ok {
		return e // without the client's summary of the batch
	}
	return d.err
}

// fromJournal accounts for rec from the journal when an earlier run
// settled it (imported it, or found it failed or invalid), and reports
// whether it did. Records of one From_Account are applied in input order,
// so once a record of an account is to be sent again, every later record
// of that account is sent again too, settled or not: the last one still
// wins.
func (im *importer) fromJournal(rec *record) bool {
	if im.journal == nil || rec.line > im.journal.maxLine {
		return false
	}
	if im.replay[rec.from] {
		return false
	}
	kind, fail, msg := im.journal.outcome(rec.line)
	switch kind {
	case journalNone:
		if im.replay == nil {
			im.replay = map[string]bool{}
		}
		im.replay[rec.from] = true
		return false
	case journalOK:
		im.imported(rec)
	case journalFailed:
		im.sum.failed++
		im.sum.byCode[fail.key]++
		im.sum.addFailed(failedRecord{Line: rec.line, From: rec.from, To: rec.item.ToAccount, Code: fail.code, Error: fail.msg})
		im.writeFailure(rec, fail.code, fail.msg)
	case journalInvalid:
		im.invalid(rec.line, rec, msg)
	}
	im.sum.records++
	im.sum.resumed++
	im.progress.add(1)
	return true
}

// shortErr is err's message without the client's "timrest: ImportFriends: ".
func shortErr(err error) string {
	return strings.TrimPrefix(err.Error(), "timrest: ImportFriends: ")
}

// What became of a record that was sent (or refused by the client).
const (
	outcomeInvalid = iota
	outcomeImported
	outcomeFailed
	outcomeNotSent
)

// itemResult is what itemOutcome found.
type itemResult struct {
	kind int
	code int
	key  string // of failed_by_code
	msg  string
}

// itemOutcome accounts for one record of batch b and returns what became
// of it.
func (im *importer) itemOutcome(b *batch, r *record, err error, code int) itemResult {
	if ve, ok := errors.AsType[*timrest.ValidationError](err); ok {
		msg := im.scrub(validationMsg(ve, b))
		im.invalid(r.line, r, msg)
		return itemResult{kind: outcomeInvalid, msg: msg}
	}
	if im.dryRun {
		im.sum.valid++
		return itemResult{kind: outcomeImported}
	}
	switch {
	case err == nil:
		im.imported(r)
		return itemResult{kind: outcomeImported}
	case errors.Is(err, timrest.ErrNotSent), errors.Is(err, context.Canceled):
		msg := "not sent: interrupted"
		if !errors.Is(err, context.Canceled) {
			msg = "not sent: " + im.scrub(err.Error())
		} else if !errors.Is(err, timrest.ErrNotSent) {
			msg = "cut off in flight by the interrupt: may or may not be imported"
		}
		im.notSent([]*record{r}, msg)
		return itemResult{kind: outcomeNotSent}
	}
	key := failureKey(err)
	if code == 0 {
		if e, ok := errors.AsType[*timrest.Error](err); ok {
			code = e.Code
		}
	}
	msg := im.scrub(shortErr(err))
	im.sum.failed++
	im.sum.byCode[key]++
	im.sum.addFailed(failedRecord{Line: r.line, From: r.from, To: r.item.ToAccount, Code: code, Error: msg})
	im.writeFailure(r, code, msg)
	return itemResult{kind: outcomeFailed, code: code, key: key, msg: msg}
}

// failureKey is the key of failed_by_code for err: the ErrorCode or
// ResultCode, "http_502" for an HTTP status, "missing_result", or
// "error" for a network failure.
func failureKey(err error) string {
	if e, ok := errors.AsType[*timrest.Error](err); ok {
		if e.Code != 0 {
			return fmt.Sprint(e.Code)
		}
		if e.HTTPStatus != 0 {
			return fmt.Sprintf("http_%d", e.HTTPStatus)
		}
	}
	if errors.Is(err, timrest.ErrMissingResult) {
		return "missing_result"
	}
	return "error"
}

// validationMsg describes a *timrest.ValidationError of a record of b
// without the client's indexes, which mean nothing to the input's
// reader: "AddSource: does not match ...".
func validationMsg(ve *timrest.ValidationError, b *batch) string {
	field := ve.Field
	if _, sub, ok := strings.Cut(field, "."); ok {
		field = sub
	}
	if field == "From_Account" {
		return fmt.Sprintf("From_Account %q: %s", b.from, strings.TrimPrefix(ve.Reason, "(request 0) "))
	}
	return fmt.Sprintf("%s: %s", field, ve.Reason)
}

// invalid accounts for a record refused before sending; rec is nil when
// it could not be parsed (it is then not written to --failures).
func (im *importer) invalid(line int, rec *record, msg string) {
	msg = im.scrub(msg)
	im.sum.invalid++
	ir := invalidRecord{Line: line, Error: msg}
	if rec != nil {
		ir.From, ir.To = rec.from, rec.item.ToAccount
		im.writeFailure(rec, 0, msg)
	}
	im.sum.addInvalid(ir)
}

// notSent accounts for records that were not sent.
func (im *importer) notSent(recs []*record, msg string) {
	if im.dryRun {
		im.sum.notChecked += len(recs) // a dry run stopped: not checked
		return
	}
	im.sum.notSent += len(recs)
	for _, r := range recs {
		im.writeFailure(r, 0, msg)
	}
}

// writeFailure notes that r was not imported and writes it to --failures.
func (im *importer) writeFailure(r *record, code int, msg string) {
	if !im.dryRun {
		im.later.notImported(r)
	}
	if im.failures == nil || im.writeErr != nil {
		return
	}
	if err := im.failures.write(r, code, msg); err != nil {
		im.writeErr = fmt.Errorf("cannot write --failures: %w", err)
	}
}

// imported counts r imported.
func (im *importer) imported(r *record) {
	im.sum.imported++
	im.later.imported(r)
}

// superseding finds the records that were not imported but whose
// relation (From_Account → To_Account) a later record set, since that was
// imported: importing them again (from --failures) would undo the later
// one, so --failures leaves them out and the summary counts them as
// superseded. It holds, per relation with a record not imported (by a
// 128-bit hash), the line of its last import.
type superseding struct {
	seeds [2]maphash.Seed
	last  map[[2]uint64]int // relation → the line of its last import (0: none)
	hits  int               // imports after a record of their relation was not imported
}

func newSuperseding() *superseding {
	return &superseding{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, last: map[[2]uint64]int{}}
}

func (s *superseding) key(from, to string) [2]uint64 {
	k := from + "\x00" + to
	return [2]uint64{maphash.String(s.seeds[0], k), maphash.String(s.seeds[1], k)}
}

func (s *superseding) notImported(r *record) {
	if s == nil {
		return
	}
	if k := s.key(r.from, r.item.ToAccount); !hasKey(s.last, k) {
		s.last[k] = 0
	}
}

func (s *superseding) imported(r *record) {
	if s == nil || len(s.last) == 0 {
		return
	}
	k := s.key(r.from, r.item.ToAccount)
	if l, ok := s.last[k]; ok && r.line > l {
		s.last[k] = r.line
		s.hits++
	}
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

// superseded reports whether the record of from → to on line was
// imported after: a later record of the relation was.
func (s *superseding) superseded(from, to string, line int) bool {
	return s != nil && s.last[s.key(from, to)] > line
}

// dropper returns superseded when some record may be superseded, else nil.
func (s *superseding) dropper() func(from, to string, line int) bool {
	if s == nil || s.hits == 0 {
		return nil
	}
	return s.superseded
}
