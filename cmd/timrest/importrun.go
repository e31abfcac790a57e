package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/timrest/timrest"
)

// This file is the engine of every write command ("friends import",
// "accounts import", "friends add", ...): it reads records as a stream,
// groups them by account (a writeKind says how) into batches, and sends
// the batches with the timrest client, at most one batch per account at
// a time and several accounts at once. Records of a kind without an
// account (accounts import) are spread over lanes by their key, so that
// the records of one key still go one batch after another (the last one
// wins) while different lanes go at once.
//
// Memory: records wait in per-account batches until an account has a
// full batch (the kind's batchMax, the API's limit), the input ends, or
// buffer records are waiting in all; then the largest waiting batches are
// sent until half of the buffer is free. Reading pauses while buffer
// records are in batches that are queued or in flight. So at most about
// 2 × buffer records are held, whatever the size of the input; records of
// one account need not be contiguous, but the closer together they are,
// the fuller the batches.

// batchSize is the AddFriendItem limit of one friend_import request.
const batchSize = 1000

// importer is the engine running "friends import".
type importer = engine[*record]

// engine runs one write command.
type engine[R any] struct {
	kind    *writeKind[R]
	client  *timrest.Client
	dryRun  bool
	workers int // batches in flight at once (at most: under --concurrency auto the client's in-flight limit decides)
	lanes   int // the lanes of a kind without an account; workers when 0
	buffer  int // records waiting to fill batches before the largest are sent
	drain   bool
	scrub   func(string) string

	sum      *importSummary
	failures failureWriter[R] // nil without --failures
	journal  *journal         // nil without --journal
	later    *superseding     // nil for a dry run
	replay   map[string]bool  // accounts whose records are all sent again (see fromJournal)
	progress *progress        // nil without a terminal
	writeErr error            // the first error writing --failures or --journal
}

// batch is the records of one account (or lane) sent in one request.
type batch[R any] struct {
	from string
	recs []R
}

// batchDone is a batch's outcome: items has one entry per record, or is
// nil when the call was refused as a whole before sending (err says why).
type batchDone[R any] struct {
	b      *batch[R]
	items  []sentItem
	err    error
	intent error // the intent could not be journaled: nothing was sent
}

// account is an account's state in the scheduler.
type account[R any] struct {
	pending []R         // records waiting to fill a batch
	queue   []*batch[R] // batches waiting for the one ready or in flight
	busy    bool        // a batch of the account is ready or in flight
}

// readItem is what the reading goroutine hands over: a record, a record
// error, or the end (err io.EOF or another error).
type readItem[R any] struct {
	rec R
	ok  bool // rec is set
	err error
	// lines and skipped are the reader's line counts after this item.
	lines, skipped int
}

// group returns the account whose batches r goes in: the kind's account,
// or one of im.lanes lanes (workers when 0), chosen by the key (or the kind's
// lane) so that batches fill as well as one account's, and every worker
// has a lane.
func (im *engine[R]) group(r R) string {
	if a := im.kind.account(r); a != "" || !im.kind.noAccount {
		return a
	}
	by := im.kind.key
	if im.kind.lane != nil {
		by = im.kind.lane
	}
	return "\x00lane" + strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(by(r))))%uint64(max(cmp.Or(im.lanes, im.workers), 1)), 10)
}

// Lanes are chosen by a fixed hash (CRC-32), not a seeded one, so that
// a run's batches are the same on every run of the same input.

// errInterrupted is the stop cause of an interrupted import.
var errInterrupted = errors.New("interrupted")

// run sends the records of rr. ctx ends on Ctrl-C: then nothing more is
// sent, the batches in flight are cut off, and the remaining records are
// counted as not sent (read to the end when drain is set: a regular file,
// quick to read).
func (im *engine[R]) run(ctx context.Context, rr rowReader[R]) error {
	items := make(chan readItem[R], 256)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		defer close(items)
		for {
			rec, err := rr.next()
			lines, skipped := rr.lineCounts()
			select {
			case items <- readItem[R]{rec, err == nil, err, lines, skipped}:
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
	work := make(chan *batch[R])
	done := make(chan batchDone[R])
	for range im.workers {
		go func() {
			for b := range work {
				if err := im.intend(b); err != nil {
					done <- batchDone[R]{b: b, err: fmt.Errorf("%w: %w", timrest.ErrNotSent, err), intent: err}
					continue
				}
				items, err := im.kind.send(sendCtx, im.client, b.recs)
				done <- batchDone[R]{b: b, items: items, err: err}
			}
		}()
	}
	defer close(work)

	var (
		accounts  = map[string]*account[R]{}
		order     []string    // accounts with pending records, in order of their first one
		pendingN  int         // records in pending
		ready     []*batch[R] // batches that may be sent now
		inBatches int         // records in ready, queued and in-flight batches
		inflight  int
		readDone  bool
		flushed   bool  // pending was flushed after the end of the input
		stopCause error // set: send nothing more
	)
	acct := func(from string) *account[R] {
		a := accounts[from]
		if a == nil {
			a = &account[R]{}
			accounts[from] = a
		}
		return a
	}
	batchMax := im.kind.batchMax
	var (
		last     R    // the last record read
		haveLast bool // last is set
	)
	cut := func(from string) {
		a := accounts[from]
		if a == nil || len(a.pending) == 0 {
			return // order may name an account cut (and forgotten) since
		}
		recs, rest := a.pending, []R(nil)
		if together := im.kind.together; together != nil && !readDone && haveLast && im.group(last) == from {
			// The records that go with the last one read may be followed
			// by more: they wait for the next batch, unless they fill one.
			i := len(recs)
			for i > 0 && together(recs[i-1], last) {
				i--
			}
			switch {
			case i == 0 && len(recs) < batchMax:
				return
			case i > 0:
				recs, rest = recs[:i], slices.Clone(recs[i:])
			}
		}
		b := &batch[R]{from: from, recs: recs}
		a.pending = rest
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
		var in <-chan readItem[R]
		if !readDone {
			if stopCause != nil {
				if im.drain {
					in = items
				}
			} else if inBatches < im.buffer {
				in = items
			}
		}
		var out chan<- *batch[R]
		var next *batch[R]
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
			case it.ok && im.fromJournal(it.rec):
				// Done by an earlier run: accounted for from the journal.
			case it.ok && stopCause != nil:
				im.sum.records++
				im.notSent([]R{it.rec}, im.sum.stoppedReason)
			case it.ok:
				im.sum.records++
				last, haveLast = it.rec, true
				from := im.group(it.rec)
				a := acct(from)
				if len(a.pending) == 0 {
					order = append(order, from)
				}
				a.pending = append(a.pending, it.rec)
				pendingN++
				if len(a.pending) >= batchMax {
					cut(from)
				}
				if pendingN >= im.buffer {
					flushLargest()
				}
			case isRecErr:
				im.sum.records++
				rec, parsed := rerr.parsed().(R)
				im.invalid(rerr.line, rec, parsed, rerr.msg)
				if !parsed && im.failures != nil && im.writeErr == nil {
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
			if it.ok {
				im.sum.lastLine = im.kind.line(it.rec)
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
			if d.intent != nil && im.writeErr == nil {
				im.writeErr = fmt.Errorf("cannot write --journal: %w", d.intent)
			}
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

// intend journals, for a kind that is not idempotent, the lines of b
// before b is sent (see journal.intend): a resumed run then knows which
// records an earlier run may have done without recording it.
func (im *engine[R]) intend(b *batch[R]) error {
	if im.kind.idempotent || im.dryRun || im.journal == nil {
		return nil
	}
	lines := make([]int, len(b.recs))
	for i, r := range b.recs {
		lines[i] = im.kind.line(r)
	}
	return im.journal.intend(lines)
}

// outcome accounts for a finished batch, records in the journal what is
// settled, and returns the error that should stop the command, or nil:
// the *timrest.Error of a whole request that every later request would
// get too (timrest.StopsBatch: a UserSig, permission or app
// configuration error).
func (im *engine[R]) outcome(d batchDone[R]) error {
	var (
		ok      []int
		doubt   []int
		failed  []journalFailLine
		invalid []journalInvalidLine
	)
	for k, r := range d.b.recs {
		err, code := d.err, 0
		if d.items != nil {
			err, code = d.items[k].err, d.items[k].code
		}
		line := im.kind.line(r)
		switch o := im.itemOutcome(d.b, r, err, code); {
		case o.kind == outcomeImported:
			ok = append(ok, line)
			if o.doubt {
				doubt = append(doubt, line)
			}
		case o.kind == outcomeInvalid:
			invalid = append(invalid, journalInvalidLine{line, o.msg})
		case o.kind == outcomeFailed && settled(err, code):
			// The service answered for the item: settled. A request
			// that failed as a whole is not: it is sent again on resume.
			failed = append(failed, journalFailLine{line, o.code, o.key, o.msg})
		}
	}
	im.progress.add(len(d.b.recs))
	if d.items == nil { // the call was refused as a whole (an invalid From_Account), or not sent
		if !im.dryRun {
			im.sum.requests-- // counted when handed to a worker, but not sent
		}
	}
	if im.dryRun {
		return nil
	}
	if im.journal != nil && im.writeErr == nil {
		if err := im.journal.record(ok, doubt, failed, invalid); err != nil {
			im.writeErr = fmt.Errorf("cannot write --journal: %w", err)
		}
	}
	if d.items == nil || !timrest.StopsBatch(d.err) {
		return nil
	}
	if e, ok := errors.AsType[*timrest.Error](d.err); ok {
		return e // without the client's summary of the batch
	}
	return d.err
}

// settled reports whether the service answered for the item itself (a
// ResultCode, or the item named in the answer's fail list), rather than
// the item failing with its whole request.
func settled(err error, code int) bool {
	if code != 0 {
		return true
	}
	e, ok := errors.AsType[*timrest.Error](err)
	return ok && e.Account != "" && e.HTTPStatus == 0
}

// fromJournal accounts for rec from the journal when an earlier run
// settled it (imported it, or found it failed or invalid), and reports
// whether it did. Records of one account are applied in input order, so
// once a record of an account is to be sent again, every later record of
// that account is sent again too, settled or not: the last one still
// wins. A kind that is not idempotent never sends a settled record again
// (sending it again would not answer as the first time did).
func (im *engine[R]) fromJournal(rec R) bool {
	line := im.kind.line(rec)
	if im.journal == nil || line > im.journal.maxLine {
		return false
	}
	from := im.group(rec)
	if im.replay[from] && im.kind.idempotent {
		return false
	}
	kind, fail, msg := im.journal.outcome(line)
	switch kind {
	case journalNone:
		if im.replay == nil {
			im.replay = map[string]bool{}
		}
		im.replay[from] = true
		return false
	case journalOK:
		im.imported(rec, im.journal.doneInDoubt(line))
	case journalFailed:
		im.sum.failed++
		im.sum.byCode[fail.key]++
		im.sum.addFailed(failedRecord{Line: line, ID: im.kind.ident(rec), Code: fail.code, Error: fail.msg})
		im.writeFailure(rec, fail.code, fail.msg)
	case journalInvalid:
		im.invalid(line, rec, true, msg)
	}
	im.sum.records++
	im.sum.resumed++
	im.progress.add(1)
	return true
}

// shortErr is err's message without the client's "timrest: Operation: ".
func shortErr(err error) string {
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "timrest: ")
	if !ok {
		return msg
	}
	op, after, ok := strings.Cut(rest, ": ")
	if !ok || op == "" || strings.IndexFunc(op, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
		return msg
	}
	return after
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
	kind  int
	code  int
	key   string // of failed_by_code
	msg   string
	doubt bool // imported, but an earlier run may have done it (see writeKind.alreadyDone)
}

// itemOutcome accounts for one record of batch b and returns what became
// of it.
func (im *engine[R]) itemOutcome(b *batch[R], r R, err error, code int) itemResult {
	line := im.kind.line(r)
	if ve, ok := errors.AsType[*timrest.ValidationError](err); ok {
		msg := im.scrub(validationMsg(ve, b.from))
		im.invalid(line, r, true, msg)
		return itemResult{kind: outcomeInvalid, msg: msg}
	}
	if im.dryRun {
		im.sum.valid++
		return itemResult{kind: outcomeImported}
	}
	switch {
	case err == nil:
		im.imported(r, false)
		return itemResult{kind: outcomeImported}
	case errors.Is(err, timrest.ErrNotSent), errors.Is(err, context.Canceled):
		msg := "not sent: interrupted"
		if !errors.Is(err, context.Canceled) {
			msg = "not sent: " + im.scrub(err.Error())
		} else if !errors.Is(err, timrest.ErrNotSent) {
			msg = "cut off in flight by the interrupt: may or may not be " + im.kind.done
		}
		im.notSent([]R{r}, msg)
		return itemResult{kind: outcomeNotSent}
	}
	if code == 0 {
		if e, ok := errors.AsType[*timrest.Error](err); ok {
			code = e.Code
		}
	}
	if im.kind.alreadyDone != nil && code != 0 && im.kind.alreadyDone(code) && im.journal.inDoubt(line) {
		// Sent by an earlier run that did not live to record the answer,
		// and the service says it is done: most likely by that send.
		im.imported(r, true)
		return itemResult{kind: outcomeImported, doubt: true}
	}
	key := failureKey(err)
	msg := im.scrub(shortErr(err))
	im.sum.failed++
	im.sum.byCode[key]++
	im.sum.addFailed(failedRecord{Line: line, ID: im.kind.ident(r), Code: code, Error: msg})
	im.writeFailure(r, code, msg)
	return itemResult{kind: outcomeFailed, code: code, key: key, msg: msg}
}

// failureKey is the key of failed_by_code for err: the ErrorCode or
// ResultCode, "http_502" for an HTTP status, "fail_list" for an item the
// answer lists as failed without a code, "missing_result", or "error"
// for a network failure.
func failureKey(err error) string {
	if e, ok := errors.AsType[*timrest.Error](err); ok {
		if e.Code != 0 {
			return fmt.Sprint(e.Code)
		}
		if e.HTTPStatus != 0 {
			return fmt.Sprintf("http_%d", e.HTTPStatus)
		}
		if e.Account != "" {
			return "fail_list"
		}
	}
	if errors.Is(err, timrest.ErrMissingResult) {
		return "missing_result"
	}
	return "error"
}

// validationMsg describes a *timrest.ValidationError of a record of the
// batch of account from without the client's indexes, which mean nothing
// to the input's reader: "AddSource: does not match ...".
func validationMsg(ve *timrest.ValidationError, from string) string {
	field := ve.Field
	if _, sub, ok := strings.Cut(field, "."); ok {
		field = sub
	}
	if field == "From_Account" {
		return fmt.Sprintf("From_Account %q: %s", from, strings.TrimPrefix(ve.Reason, "(request 0) "))
	}
	return fmt.Sprintf("%s: %s", field, ve.Reason)
}

// invalid accounts for a record refused before sending; parsed is false
// when it could not be parsed (it is then not written to --failures as a
// record).
func (im *engine[R]) invalid(line int, rec R, parsed bool, msg string) {
	msg = im.scrub(msg)
	im.sum.invalid++
	ir := invalidRecord{Line: line, Error: msg}
	if parsed {
		ir.ID = im.kind.ident(rec)
		im.writeFailure(rec, 0, msg)
	}
	im.sum.addInvalid(ir)
}

// notSent accounts for records that were not sent.
func (im *engine[R]) notSent(recs []R, msg string) {
	if im.dryRun {
		im.sum.notChecked += len(recs) // a dry run stopped: not checked
		return
	}
	im.sum.notSent += len(recs)
	for _, r := range recs {
		im.writeFailure(r, 0, msg)
	}
}

// writeFailure notes that r was not done and writes it to --failures.
func (im *engine[R]) writeFailure(r R, code int, msg string) {
	if !im.dryRun {
		im.later.notImported(im.kind.supersedeKey(r))
	}
	if im.failures == nil || im.writeErr != nil {
		return
	}
	if err := im.failures.write(r, code, msg); err != nil {
		im.writeErr = fmt.Errorf("cannot write --failures: %w", err)
	}
}

// imported counts r done; doubt: done, but an earlier run may have done
// it (see writeKind.alreadyDone).
func (im *engine[R]) imported(r R, doubt bool) {
	im.sum.imported++
	if doubt {
		im.sum.ambiguous++
		im.sum.addAmbiguous(ambiguousRecord{Line: im.kind.line(r), ID: im.kind.ident(r)})
	}
	im.later.imported(im.kind.supersedeKey(r), im.kind.line(r))
}

// superseding finds the records that were not done but whose key (for
// friends, the relation From_Account → To_Account) a later record set,
// since that was done: sending them again (from --failures) would undo
// the later one, so --failures leaves them out and the summary counts
// them as superseded. It holds, per key with a record not done (by a
// 128-bit hash), the line of its last success.
type superseding struct {
	seeds [2]maphash.Seed
	last  map[[2]uint64]int // key → the line of its last success (0: none)
	hits  int               // successes after a record of their key was not done
}

func newSuperseding() *superseding {
	return &superseding{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, last: map[[2]uint64]int{}}
}

func (s *superseding) hash(k string) [2]uint64 {
	return [2]uint64{maphash.String(s.seeds[0], k), maphash.String(s.seeds[1], k)}
}

func (s *superseding) notImported(key string) {
	if s == nil {
		return
	}
	if k := s.hash(key); !hasKey(s.last, k) {
		s.last[k] = 0
	}
}

func (s *superseding) imported(key string, line int) {
	if s == nil || len(s.last) == 0 {
		return
	}
	k := s.hash(key)
	if l, ok := s.last[k]; ok && line > l {
		s.last[k] = line
		s.hits++
	}
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

// superseded reports whether the record of key on line was done after: a
// later record of the key was.
func (s *superseding) superseded(key string, line int) bool {
	return s != nil && s.last[s.hash(key)] > line
}

// dropper returns superseded when some record may be superseded, else nil.
func (s *superseding) dropper() func(key string, line int) bool {
	if s == nil || s.hits == 0 {
		return nil
	}
	return s.superseded
}
