package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// This file is the journal of every write command's --journal FILE
// ("friends import", "accounts import", "friends add", ...): the outcome
// of every request, appended as the request completes, so that a command
// killed at any point (kill -9, a crash, power loss) can be run again with
// the same input and journal, send only what is not done, and end with
// the summary and failures file of an uninterrupted run.
//
// The file is JSON Lines. The first line describes the input, the
// settings that decide how it is read, and the app and host it goes to:
//
//	{"timrest_journal":1,"command":"friends import","input_bytes":N,"input_sha256":"…","format":"csv","from":"","multiline":false,"max_line_bytes":65536,"sdkappid":1400000000,"base_url":"https://adminapisgp.im.qcloud.com"}
//
// The command is part of it (a journal of "friends import" is refused by
// "accounts import"), and so are the command's flags that change what is
// sent ("options", e.g. friends add's --add-type), when it has any.
//
// Every other line is one request's outcome, by the input line each
// record starts on: ranges of imported lines, the ones the service
// refused (with their code, failure key and message) and the ones the
// client refused before sending (with the message):
//
//	{"ok":[[2,1001]],"failed":[[1002,30003,"30003","To_Account \"ghost\": …"]],"invalid":[[1003,"Remark: …"]]}
//
// Only what is settled is recorded: a request that failed as a whole
// (retries ran out, a UserSig error) or was cut off is not, so it is sent
// again when the import is resumed. A line recorded again later (sent
// again by a resumed run) takes its latest outcome.
//
// A command whose operation is not idempotent (friends add) also records
// the lines of each request before sending it, synced to disk:
//
//	{"sent":[[2,1001]]}
//
// A resumed run sends again the records of such a request that have no
// outcome (the run was killed, or the answer was lost), knowing that an
// earlier send may have done them ("in doubt"); an outcome it then
// records as done on the service's word that it was done already is
// listed in "doubt" as well as "ok":
//
//	{"ok":[[2,3]],"doubt":[3]}
//
// A line is written whole and handed to the operating system as soon as
// its request completes, so a killed process loses nothing written;
// fsync runs at most journalSyncEvery apart (and at the end), so power
// loss forgets at most that much, and those requests are sent again
// (importing is idempotent). A last line without its newline (cut off by
// a crash) is dropped; any other damage refuses the journal, and so does
// a line number the input cannot have (more than its size in bytes plus
// one), which also bounds the journal's memory: a bit per input line,
// and an entry per record that was not imported.
//
// One import at a time may use a journal: it is locked while open (on
// systems with flock), and written in append mode.

// journalVersion is the format of the journal.
const journalVersion = 1

// journalSyncEvery bounds the time between fsyncs of the journal.
const journalSyncEvery = time.Second

// journalHeader is the first line of a journal.
type journalHeader struct {
	Version      int    `json:"timrest_journal"`
	Command      string `json:"command"`
	InputBytes   int64  `json:"input_bytes"`
	InputSHA256  string `json:"input_sha256"`
	Format       string `json:"format"`
	From         string `json:"from"`
	Multiline    bool   `json:"multiline"`
	MaxLineBytes int    `json:"max_line_bytes"`
	Options      string `json:"options,omitempty"`
	SDKAppID     uint64 `json:"sdkappid"`
	BaseURL      string `json:"base_url"`
}

// journalEntry is one request's outcome.
type journalEntry struct {
	Sent    [][2]int             `json:"sent,omitempty"`    // ranges of lines about to be sent (not idempotent)
	OK      [][2]int             `json:"ok,omitempty"`      // ranges of lines, inclusive
	Doubt   []int                `json:"doubt,omitempty"`   // of ok: done on the service's word, after a send in doubt
	Failed  []journalFailLine    `json:"failed,omitempty"`  // [line, code, key, message]
	Invalid []journalInvalidLine `json:"invalid,omitempty"` // [line, message]
}

// journalFailLine is a failed record: [line, code, key, message].
type journalFailLine [4]any

// journalInvalidLine is a record the client refused: [line, message].
type journalInvalidLine [2]any

// What an earlier run did with a record, by the journal.
const (
	journalNone    = iota // nothing: still to be sent
	journalOK             // imported
	journalFailed         // refused by the service, for the item
	journalInvalid        // refused by the client before sending
)

// journalFail is a failed record's outcome as the journal gives it.
type journalFail struct {
	code int
	key  string // of failed_by_code
	msg  string
}

// journal is an open journal: what earlier runs did, and the file this
// run appends to.
type journal struct {
	mu       sync.Mutex // guards writes (intend runs in the engine's workers)
	path     string
	f        *os.File
	w        *bufio.Writer
	lastSync time.Time
	now      func() time.Time

	ok       []uint64            // bit per line: imported by an earlier run
	failed   map[int]journalFail // failed in an earlier run
	invalid  map[int]string      // refused by the client in an earlier run
	sent     map[int]bool        // sent by an earlier run (not idempotent): in doubt unless settled
	doubt    map[int]bool        // of ok: done on the service's word after a send in doubt
	requests int                 // requests sent by earlier runs
	done     int                 // records done by earlier runs
	maxLine  int                 // the last line recorded; nothing after it is done
	limit    int                 // the largest line number the input can have
}

// inputIdentity returns the size and SHA-256 of what is left to read of
// f, and seeks f back to where it was. The journal can only describe a
// regular file: a pipe cannot be read twice.
func inputIdentity(ctx context.Context, f *os.File) (int64, string, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	if !st.Mode().IsRegular() {
		return 0, "", errors.New("the input is not a regular file (a pipe cannot be matched to a journal): use --file PATH")
	}
	at, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, "", err
	}
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, f})
	if err != nil {
		return 0, "", err
	}
	if _, err := f.Seek(at, io.SeekStart); err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader reads r until ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// openJournal opens the journal at path for an import described by want:
// it creates it when it does not exist or is empty, and otherwise loads
// it, refusing it when it was written for another input or other
// settings.
func openJournal(path string, want journalHeader, now func() time.Time) (*journal, error) {
	j := &journal{path: path, failed: map[int]journalFail{}, invalid: map[int]string{}, sent: map[int]bool{}, doubt: map[int]bool{}, now: now}
	j.limit = int(want.InputBytes) + 1 // a line has at least its newline
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, usageErrorf("cannot open --journal: %v", err)
	}
	j.f = f
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, usageErrorf("--journal %s is in use by another import (%v): one import at a time may use a journal", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, usageErrorf("cannot open --journal: %v", err)
	}
	if st.Size() == 0 {
		b, _ := json.Marshal(want)
		if _, err := f.Write(append(b, '\n')); err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot write --journal: %w", err)
		}
		if err := syncFileAndDir(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot write --journal: %w", err)
		}
	} else if err := j.load(want); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		f.Close()
		return nil, err
	}
	j.w = bufio.NewWriter(f)
	j.lastSync = now()
	return j, nil
}

// load reads an existing journal, checks that it was written for want,
// and cuts off a last line left unfinished by a crash.
func (j *journal) load(want journalHeader) error {
	br := bufio.NewReaderSize(j.f, 256<<10)
	var good int64 // bytes of whole lines
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("cannot read --journal: %w", err)
		}
		if len(line) == 0 || line[len(line)-1] != '\n' {
			// The end, or a last line cut off by a crash: dropped.
			if len(line) > 0 && n == 1 {
				return usageErrorf("--journal %s is not a timrest journal (its first line is incomplete)", j.path)
			}
			break
		}
		if n == 1 {
			var h journalHeader
			if json.Unmarshal(line, &h) != nil || h.Version == 0 {
				return usageErrorf("--journal %s is not a timrest journal", j.path)
			}
			if h.Version != journalVersion {
				return usageErrorf("--journal %s is version %d of the format; this timrest reads version %d", j.path, h.Version, journalVersion)
			}
			if why := h.mismatch(want); why != "" {
				return usageErrorf("--journal %s was written for %s: resume with the input and flags it was written for, or start a new journal", j.path, why)
			}
		} else if err := j.add(line); err != nil {
			return usageErrorf("--journal %s is damaged at line %d (%v): it cannot be trusted; start a new journal", j.path, n, err)
		}
		good += int64(len(line))
	}
	return j.f.Truncate(good)
}

// mismatch says how h (a journal's header) differs from want, or "".
func (h journalHeader) mismatch(want journalHeader) string {
	switch {
	case h.Command != want.Command:
		return fmt.Sprintf("%q, not %q", h.Command, want.Command)
	case h.InputBytes != want.InputBytes || h.InputSHA256 != want.InputSHA256:
		return fmt.Sprintf("another input (%d bytes, SHA-256 %.12s…; this one has %d bytes, %.12s…)", h.InputBytes, h.InputSHA256, want.InputBytes, want.InputSHA256)
	case h.Format != want.Format:
		return fmt.Sprintf("--format %s, not %s", h.Format, want.Format)
	case h.From != want.From:
		return fmt.Sprintf("--from %q, not %q", h.From, want.From)
	case h.Multiline != want.Multiline:
		return fmt.Sprintf("--multiline=%t, not %t", h.Multiline, want.Multiline)
	case h.MaxLineBytes != want.MaxLineBytes:
		return fmt.Sprintf("--max-line-bytes %d, not %d", h.MaxLineBytes, want.MaxLineBytes)
	case h.Options != want.Options:
		return fmt.Sprintf("the options %q, not %q", h.Options, want.Options)
	case h.SDKAppID != want.SDKAppID:
		return fmt.Sprintf("the app %d, not %d", h.SDKAppID, want.SDKAppID)
	case h.BaseURL != want.BaseURL:
		return fmt.Sprintf("the service at %s, not %s (the same app through another host needs a new journal)", h.BaseURL, want.BaseURL)
	}
	return ""
}

// add takes in one entry line of an earlier run.
func (j *journal) add(line []byte) error {
	var e journalEntry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value on the line")
	}
	for _, r := range slices.Concat(e.Sent, e.OK) {
		if r[0] < 1 || r[1] < r[0] || r[1] > j.limit {
			return fmt.Errorf("bad range %v (the input has at most %d lines)", r, j.limit)
		}
	}
	for _, r := range e.Sent {
		for l := r[0]; l <= r[1]; l++ {
			j.sent[l] = true
		}
	}
	for _, r := range e.OK {
		for l := r[0]; l <= r[1]; l++ {
			j.forget(l)
			j.setOK(l)
		}
	}
	for _, l := range e.Doubt {
		if j.outcomeOf(l) != journalOK {
			return fmt.Errorf("doubt %d is not among the lines done", l)
		}
		j.doubt[l] = true
	}
	for _, f := range e.Failed {
		line, ok1 := f[0].(float64)
		code, ok2 := f[1].(float64)
		key, ok3 := f[2].(string)
		msg, ok4 := f[3].(string)
		if !ok1 || !ok2 || !ok3 || !ok4 || line < 1 || line > float64(j.limit) || line != float64(int(line)) {
			return fmt.Errorf("bad failed record %v", f)
		}
		j.forget(int(line))
		j.failed[int(line)] = journalFail{code: int(code), key: key, msg: msg}
		j.note(int(line))
	}
	for _, f := range e.Invalid {
		line, ok1 := f[0].(float64)
		msg, ok2 := f[1].(string)
		if !ok1 || !ok2 || line < 1 || line > float64(j.limit) || line != float64(int(line)) {
			return fmt.Errorf("bad invalid record %v", f)
		}
		j.forget(int(line))
		j.invalid[int(line)] = msg
		j.note(int(line))
	}
	if len(e.OK) > 0 || len(e.Failed) > 0 {
		j.requests++ // it reached the service
	}
	return nil
}

// forget removes an earlier outcome of line, which a later one replaces.
func (j *journal) forget(line int) {
	if j.outcomeOf(line) == journalNone {
		return
	}
	j.done--
	delete(j.doubt, line)
	if line/64 < len(j.ok) {
		j.ok[line/64] &^= 1 << (line % 64)
	}
	delete(j.failed, line)
	delete(j.invalid, line)
}

// note counts line done.
func (j *journal) note(line int) {
	j.done++
	j.maxLine = max(j.maxLine, line)
}

func (j *journal) setOK(line int) {
	for len(j.ok)*64 <= line {
		j.ok = append(j.ok, 0)
	}
	j.ok[line/64] |= 1 << (line % 64)
	j.note(line)
}

func (j *journal) outcomeOf(line int) int {
	switch {
	case line/64 < len(j.ok) && j.ok[line/64]&(1<<(line%64)) != 0:
		return journalOK
	}
	if _, ok := j.failed[line]; ok {
		return journalFailed
	}
	if _, ok := j.invalid[line]; ok {
		return journalInvalid
	}
	return journalNone
}

// outcome returns what an earlier run did with the record on line
// (journalNone: it is still to be sent), with the failure or the
// invalid record's message.
func (j *journal) outcome(line int) (kind int, fail journalFail, msg string) {
	if j == nil || line > j.maxLine {
		return journalNone, journalFail{}, ""
	}
	switch kind = j.outcomeOf(line); kind {
	case journalFailed:
		fail = j.failed[line]
	case journalInvalid:
		msg = j.invalid[line]
	}
	return kind, fail, msg
}

// inDoubt reports whether an earlier run sent the record on line, for an
// operation that is not idempotent, and may have done it without
// recording the outcome (for a line with no outcome yet).
func (j *journal) inDoubt(line int) bool {
	return j != nil && j.sent[line]
}

// doneInDoubt reports whether the line, settled as done, was done on the
// service's word after a send in doubt.
func (j *journal) doneInDoubt(line int) bool {
	return j != nil && j.doubt[line]
}

// ranges turns sorted lines into inclusive ranges.
func ranges(lines []int) [][2]int {
	var out [][2]int
	for _, l := range lines {
		if n := len(out); n > 0 && out[n-1][1] == l-1 {
			out[n-1][1] = l
			continue
		}
		out = append(out, [2]int{l, l})
	}
	return out
}

// intend appends, for an operation that is not idempotent, the lines of a
// request about to be sent, and syncs the journal to disk: a run that
// resumes it knows that the records may have been done.
func (j *journal) intend(lines []int) error {
	lines = slices.Sorted(slices.Values(lines))
	return j.append(journalEntry{Sent: ranges(lines)}, true)
}

// record appends one request's outcome: the lines of its records that
// were imported (doubt: those of them done on the service's word after a
// send in doubt), the ones the service refused and the ones the client
// refused. The line is handed to the operating system at once, and synced
// to disk at most journalSyncEvery after the last sync.
func (j *journal) record(ok, doubt []int, failed []journalFailLine, invalid []journalInvalidLine) error {
	if len(ok) == 0 && len(failed) == 0 && len(invalid) == 0 {
		return nil
	}
	slices.Sort(ok)
	e := journalEntry{OK: ranges(ok), Doubt: doubt, Failed: failed, Invalid: invalid}
	return j.append(e, false)
}

// append writes e as a line, and syncs it when sync is set or
// journalSyncEvery has passed since the last sync.
func (j *journal) append(e journalEntry, sync bool) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := j.w.Write(append(b, '\n')); err != nil {
		return err
	}
	if err := j.w.Flush(); err != nil {
		return err
	}
	if now := j.now(); sync || now.Sub(j.lastSync) >= journalSyncEvery {
		j.lastSync = now
		return j.f.Sync()
	}
	return nil
}

// close flushes, syncs and closes the journal.
func (j *journal) close() error {
	if j == nil || j.f == nil {
		return nil
	}
	defer func() { j.f = nil }()
	err := j.w.Flush()
	if serr := j.f.Sync(); err == nil {
		err = serr
	}
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncFileAndDir syncs f and the folder that holds it, so that a file
// just created survives a power loss.
func syncFileAndDir(f *os.File) error {
	if err := f.Sync(); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(f.Name()))
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs folders
	return nil
}
