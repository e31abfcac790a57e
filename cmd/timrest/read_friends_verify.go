package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// Defaults and limits of "friends verify".
const (
	defaultVerifyBuffer = 5000      // records checked together
	maxVerifyBuffer     = 1_000_000 // --buffer
)

// What "friends verify" found for a line.
const (
	vfOK         = "ok"
	vfMissing    = "missing"    // no relation From_Account -> To_Account
	vfDiffer     = "differ"     // the relation exists with other fields
	vfError      = "error"      // the service did not answer for it
	vfInvalid    = "invalid"    // the line cannot be read, or breaks the client's rules
	vfSuperseded = "superseded" // a later line of the file sets the same relation
)

// fieldDiff is one field of a record that the service holds otherwise.
type fieldDiff struct {
	Field string `json:"field"`
	Want  any    `json:"want"`          // the file's value
	Got   any    `json:"got,omitempty"` // the service's; absent when it has none
}

// verifyLine is a line of the file that is not ok, as the summary lists it.
type verifyLine struct {
	Line       int         `json:"line"`
	From       string      `json:"From_Account,omitempty"`
	To         string      `json:"To_Account,omitempty"`
	Status     string      `json:"status"`
	Fields     []fieldDiff `json:"fields,omitempty"`
	ResultCode int         `json:"ResultCode,omitempty"`
	Error      string      `json:"error,omitempty"`
}

// verifyReport is the JSON summary of "friends verify".
type verifyReport struct {
	File            string       `json:"file"`
	Format          string       `json:"format"`
	Lines           int          `json:"lines"`
	SkippedLines    int          `json:"skipped_lines"`
	Records         int          `json:"records"`
	OK              int          `json:"ok"`
	Missing         int          `json:"missing"`
	Differ          int          `json:"differ"`
	Errors          int          `json:"errors"`
	Invalid         int          `json:"invalid"`
	Superseded      int          `json:"superseded,omitempty"`
	Complete        bool         `json:"complete"`
	Interrupted     bool         `json:"interrupted"`
	Stopped         string       `json:"stopped,omitempty"`
	FailuresFile    string       `json:"failures_file,omitempty"`
	Differences     []verifyLine `json:"differences"`
	DifferencesMore int          `json:"differences_omitted,omitempty"`
	Seconds         float64      `json:"seconds"`
}

// verifyEntry is one line of the file in the buffer.
type verifyEntry struct {
	rec    *record      // nil for a line that could not be read
	rerr   *recordError // the reason, when it is invalid
	status string
	fields []fieldDiff
	code   int
	msg    string
}

// verifier checks the records of a friends file against the service.
//
// A line found missing, differing or not checked is a candidate: a later
// line of the same relation, in a later block, supersedes it (an import
// of the file leaves the later line's values), so it must not be reported
// nor written to --failures, whose import would put the earlier values
// back. The candidates are therefore spooled to a temporary file, with
// their summary entry and their --failures row, and only a key of their
// relation and their line stay in memory; when the file has been read,
// the spool is read back without the superseded lines (finish). Memory
// is bounded by --buffer and by the number of candidates, not by the
// file.
type verifier struct {
	a        *app
	c        *timrest.Client
	sum      *verifyReport
	show     int
	buffer   int
	failures *verifyFailures
	progress *progress
	stopErr  error

	cands  map[relationKey]int // the relation of a candidate no later line supersedes (yet) → its line
	spool  *os.File            // the candidates, as verifyCandidate JSON Lines
	spoolW *bufio.Writer
	spoolE *json.Encoder
}

// relationKey identifies a relation From_Account -> To_Account: the first
// 128 bits of its SHA-256 (a collision is out of reach for any file).
type relationKey [16]byte

// keyOf returns the key of the relation from -> to.
func keyOf(from, to string) relationKey {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(from)))]) // from and to cannot run into each other
	h.Write([]byte(from))
	h.Write([]byte(to))
	var k relationKey
	copy(k[:], h.Sum(nil))
	return k
}

// verifyCandidate is a line that is not ok, as the spool holds it until
// the end of the file tells whether a later line supersedes it.
type verifyCandidate struct {
	Line   verifyLine      `json:"v"`
	Friend *exportedFriend `json:"f,omitempty"`   // the record, when it could be read
	Raw    []byte          `json:"raw,omitempty"` // the text of a line that could not
	Msg    string          `json:"m"`             // the Error of its --failures row
	Final  bool            `json:"x,omitempty"`   // invalid before the checks: never superseded
}

// newFriendsVerifyCmd returns "friends verify".
func newFriendsVerifyCmd(a *app) *cobra.Command {
	var (
		file, from, format, failuresPath string
		multiline                        bool
		buffer, show, maxLine            int
	)
	cmd := &cobra.Command{
		Use:   "verify --file F [--from U] [--format csv|jsonl] [--failures FILE]",
		Short: "Report the relations of a friends import file that are missing or differ in the service",
		Long: `Read a friends import file (the format of "friends import" and "friends export",
read the same way: see "friends import --help") and check every line against
the service: whether From_Account has To_Account as a friend (friend_check,
CheckResult_Type_Single: From_Account's list only, which is what an import
writes), and for the friends that exist whether their fields are those of the
line (friend_get_list). Only the fields a line gives are compared (an absent
field is one the import does not set): AddSource, Remark, RemarkTime,
GroupName (as a set of list names), AddWording, AddTime and each custom tag
(value and type). The records are checked --buffer at a time, in requests of
up to 1000 (friend_check) and 100 (friend_get_list) accounts.

When a relation appears more than once in the file, its last line is the
one that counts (the import's last record wins): an earlier line is neither
listed nor written to --failures, wherever it is in the file, and counts as
superseded (or as ok, when it is in another --buffer block and the service
holds what it says). The lines that are not ok wait in a temporary file until
the end of the input tells whether a later line supersedes them: memory is
bounded by --buffer and by their number (a key of the relation and the line
each), not by the file.

Output: a summary on stdout (json or table): lines, records, ok, missing,
differ, errors (the service did not answer for the line), invalid, and the
first --show lines that are not ok, each with its line, its relation and, for
"differ", every field with the file's value (want) and the service's (got).
--failures FILE writes the lines that are missing, differ, failed or are
invalid, in the input's format with Line, ResultCode and Error, ready to be
imported again (written atomically).

Exit status: 0 when every record is in the service as the file says; 1 when
some is missing, differs or could not be checked; 2 on a bad command line or
input (a bad header, or an invalid line).`,
		Example: `  timrest friends verify --file friends.csv
  timrest friends verify --file export.jsonl --failures missing.jsonl -o table`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return usageErrorf(`missing --file: the friends file to verify ("-" for stdin)`)
			}
			flagFormat, err := parseFileFormat(format)
			if err != nil {
				return err
			}
			switch {
			case buffer < 1 || buffer > maxVerifyBuffer:
				return usageErrorf("invalid --buffer: want 1 to %d", maxVerifyBuffer)
			case show < 0:
				return usageErrorf("invalid --show: want 0 or more")
			case maxLine < minMaxLineBytes || maxLine > maxMaxLineBytes:
				return usageErrorf("invalid --max-line-bytes: want %d to %d", minMaxLineBytes, maxMaxLineBytes)
			case failuresPath == "-":
				return usageErrorf("--failures -: stdout carries the summary; name a file")
			}
			out, err := a.output(cmd)
			if err != nil {
				return err
			}
			c, err := a.newClient(cmd)
			if err != nil {
				return err
			}
			in, inStat, closeIn, err := a.openInput(file, "--file")
			if err != nil {
				return err
			}
			defer closeIn()
			if err := a.checkOutputs(inStat, map[string]string{"--failures": failuresPath}); err != nil {
				return err
			}
			var (
				fileFormat string
				rr         recordReader
			)
			if err := untilDone(cmd.Context(), func() error {
				br := bufio.NewReaderSize(in, 64<<10)
				f := detectFormat(flagFormat, file, br)
				r, err := newRecordReader(f, br, readOptions{from: from, multiline: multiline, maxLine: maxLine})
				fileFormat, rr = f, r
				return err
			}); err != nil {
				return err
			}
			sum := &verifyReport{File: file, Format: fileFormat, FailuresFile: failuresPath, Differences: []verifyLine{}}
			v := &verifier{a: a, c: c, sum: sum, show: show, buffer: buffer}
			if failuresPath != "" {
				if v.failures, err = newVerifyFailures(failuresPath, fileFormat); err != nil {
					return err
				}
				defer v.failures.abort()
			}
			defer v.closeSpool()
			if a.terminal(a.stderr) {
				v.progress = newProgress(a.stderr, -1, "verifying")
			}
			began := a.now()
			readErr := v.run(cmd.Context(), rr)
			v.progress.finish(readErr == nil && v.stopErr == nil)
			sum.Lines, sum.SkippedLines = rr.lineCounts()
			writeErr := v.finish()
			if writeErr == nil && v.failures != nil && !sum.Interrupted {
				writeErr = v.failures.commit()
			}
			sum.Seconds = float64(int64(a.now().Sub(began).Seconds()*1000)) / 1000
			sum.Complete = readErr == nil && v.stopErr == nil && sum.OK+sum.Superseded == sum.Records
			if out == outputJSON {
				err = writeJSON(a.stdout, sum)
			} else {
				err = printVerify(a.stdout, sum)
			}
			if err != nil {
				return err
			}
			switch {
			case readErr != nil:
				return readErr
			case writeErr != nil:
				return writeErr
			case sum.Interrupted:
				return errInterrupted
			}
			return verifyResult(sum)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&file, "file", "", `the friends file to verify, CSV or JSON Lines ("-": stdin) (required)`)
	fs.StringVar(&from, "from", "", "the From_Account of records that name none")
	fs.StringVar(&format, "format", "auto", "input format: auto, csv or jsonl")
	fs.StringVar(&failuresPath, "failures", "", "write the lines that are not ok to this file, in the input format")
	fs.BoolVar(&multiline, "multiline", false, "allow quoted CSV fields to span lines")
	fs.IntVar(&buffer, "buffer", defaultVerifyBuffer, fmt.Sprintf("records checked together (1 to %d)", maxVerifyBuffer))
	fs.IntVar(&show, "show", maxShown, "how many lines that are not ok the summary lists")
	fs.IntVar(&maxLine, "max-line-bytes", defaultMaxLineBytes, "the longest line (and --multiline record) read; longer ones are refused")
	return cmd
}

// verifyResult is the command's error for a finished verification.
func verifyResult(s *verifyReport) error {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{s.Missing, "missing"}, {s.Differ, "differ"}, {s.Errors, "could not be checked"}, {s.Invalid, "invalid"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if s.Stopped != "" {
		parts = append(parts, "stopped: "+s.Stopped)
	}
	if len(parts) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d of %d records ok; %s", s.OK, s.Records, strings.Join(parts, "; "))
	if s.Invalid > 0 {
		return &usageError{errors.New(msg)}
	}
	return errors.New(msg)
}

// run reads every record and checks them --buffer at a time. It returns
// an error that stopped the reading (the input could not be read).
func (v *verifier) run(ctx context.Context, rr recordReader) error {
	var buf []*verifyEntry
	flush := func() error {
		v.check(ctx, buf)
		v.supersede(buf)
		for _, e := range buf {
			if err := v.account(e); err != nil {
				return err
			}
		}
		v.progress.add(len(buf))
		buf = buf[:0]
		return nil
	}
	for {
		if ctx.Err() != nil {
			v.sum.Interrupted = true
			return nil
		}
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if re, ok := errors.AsType[*recordError](err); ok {
			rec, _ := any(re.rec).(*record) // the record, when it could be read
			buf = append(buf, &verifyEntry{rec: rec, rerr: re, status: vfInvalid, msg: re.msg})
		} else if err != nil {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return usageErrorf("cannot read --file: %v", err)
		} else {
			buf = append(buf, &verifyEntry{rec: rec})
		}
		v.sum.Records++
		if len(buf) >= v.buffer {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// supersede drops the candidates of earlier blocks whose relation a line
// of buf sets. A line that could not be read or is invalid before the
// checks sets nothing (the import refuses it), and is never superseded.
func (v *verifier) supersede(buf []*verifyEntry) {
	if len(v.cands) == 0 {
		return
	}
	for _, e := range buf {
		if e.rerr != nil {
			continue
		}
		delete(v.cands, keyOf(e.rec.from, e.rec.item.ToAccount))
	}
}

// account counts the outcome of e when it is ok or superseded, and
// otherwise spools it as a candidate (see verifier).
func (v *verifier) account(e *verifyEntry) error {
	s := v.sum
	switch e.status {
	case vfOK:
		s.OK++
		return nil
	case vfSuperseded:
		s.Superseded++
		return nil
	case vfMissing, vfDiffer, vfInvalid:
	default:
		e.status = vfError
	}
	c := verifyCandidate{Line: verifyLine{Status: e.status, Fields: e.fields, ResultCode: e.code, Error: v.a.scrub(e.msg)}}
	if e.rec != nil {
		c.Line.Line, c.Line.From, c.Line.To = e.rec.line, e.rec.from, e.rec.item.ToAccount
		f := friendOfRecord(e.rec)
		c.Friend = &f
	} else {
		c.Line.Line = e.rerr.line
		c.Raw = e.rerr.raw
	}
	c.Final = e.rerr != nil
	c.Msg = c.Line.Error
	if e.status == vfDiffer {
		c.Msg = "differs: " + diffText(e.fields)
	} else if e.status == vfMissing {
		c.Msg = "missing: " + c.Msg
	}
	if v.spool == nil {
		f, err := os.CreateTemp("", "timrest-verify-*.jsonl")
		if err != nil {
			return fmt.Errorf("cannot create a temporary file for the lines that are not ok: %w", err)
		}
		v.spool, v.spoolW = f, bufio.NewWriterSize(f, 64<<10)
		v.spoolE = json.NewEncoder(v.spoolW)
		v.spoolE.SetEscapeHTML(false)
		v.cands = map[relationKey]int{}
	}
	if err := v.spoolE.Encode(&c); err != nil {
		return fmt.Errorf("cannot write the temporary file of the lines that are not ok: %w", err)
	}
	if e.rerr == nil {
		v.cands[keyOf(e.rec.from, e.rec.item.ToAccount)] = c.Line.Line
	}
	return nil
}

// finish reads the spooled candidates back in the order of the file:
// those a later line superseded (their relation's key no longer leads to
// their line) count as superseded; the others are counted, listed (the
// first --show) and written to --failures.
func (v *verifier) finish() error {
	if v.spool == nil {
		return nil
	}
	s := v.sum
	if err := v.spoolW.Flush(); err != nil {
		return fmt.Errorf("cannot write the temporary file of the lines that are not ok: %w", err)
	}
	if _, err := v.spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("cannot read the temporary file of the lines that are not ok: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(v.spool, 64<<10))
	dec.UseNumber() // the values of the fields come back as they were written
	for {
		var c verifyCandidate
		if err := dec.Decode(&c); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("cannot read the temporary file of the lines that are not ok: %w", err)
		}
		if !c.Final && v.cands[keyOf(c.Line.From, c.Line.To)] != c.Line.Line {
			s.Superseded++ // a later line of its relation came after its check
			continue
		}
		switch c.Line.Status {
		case vfMissing:
			s.Missing++
		case vfDiffer:
			s.Differ++
		case vfInvalid:
			s.Invalid++
		default:
			s.Errors++
		}
		if len(s.Differences) < v.show {
			s.Differences = append(s.Differences, c.Line)
		} else {
			s.DifferencesMore++
		}
		if v.failures != nil {
			if err := v.failures.write(&c); err != nil {
				return err
			}
		}
	}
	return nil
}

// closeSpool removes the temporary file of the candidates.
func (v *verifier) closeSpool() {
	if v.spool != nil {
		v.spool.Close()
		os.Remove(v.spool.Name())
		v.spool = nil
	}
}

// diffText describes field differences in one line.
func diffText(fields []fieldDiff) string {
	var parts []string
	for _, f := range fields {
		want, _ := json.Marshal(f.Want)
		got := "absent"
		if f.Got != nil {
			b, _ := json.Marshal(f.Got)
			got = string(b)
		}
		parts = append(parts, fmt.Sprintf("%s: want %s, got %s", f.Field, want, got))
	}
	return strings.Join(parts, "; ")
}

// check sets the status of every entry of buf that has a record.
func (v *verifier) check(ctx context.Context, buf []*verifyEntry) {
	type pair = friendPair
	last := map[pair]*verifyEntry{}
	var froms []string
	tos := map[string][]string{}
	for _, e := range buf {
		if e.status != "" {
			continue
		}
		p := pair{e.rec.from, e.rec.item.ToAccount}
		if prev := last[p]; prev != nil {
			prev.status = vfSuperseded
		} else {
			if _, ok := tos[p.from]; !ok {
				froms = append(froms, p.from)
			}
			tos[p.from] = append(tos[p.from], p.to)
		}
		last[p] = e
	}
	if len(froms) == 0 {
		return
	}
	if v.stopErr != nil {
		for _, e := range last {
			e.status, e.msg = vfError, "not checked: "+shortErr(v.stopErr)
		}
		return
	}
	// friend_check: which relations exist.
	checks := make([]api.CheckFriendsRequest, len(froms))
	for i, from := range froms {
		checks[i] = api.CheckFriendsRequest{FromAccount: from, ToAccount: tos[from], CheckType: api.FriendCheckTypeSingle}
	}
	res, err := v.c.Friends.Check(ctx, checks)
	if res == nil {
		v.failAll(last, err)
		return
	}
	exists := map[string][]string{} // from → friends to read
	for _, it := range res.Items {
		from := checks[it.Request].FromAccount
		e := last[pair{from, it.Key}]
		switch {
		case it.Err != nil:
			v.itemErr(e, it.Err, it.Code)
		case it.Result.Relation == api.FriendRelationAWithB || it.Result.Relation == api.FriendRelationBothWay:
			exists[from] = append(exists[from], it.Key)
		default:
			e.status, e.msg = vfMissing, fmt.Sprintf("%s does not have %s as a friend (%s)", from, it.Key, it.Result.Relation)
		}
	}
	v.noteStop(err)
	// friend_get_list: the fields of those that exist.
	var gets []api.GetFriendsRequest
	for _, from := range froms {
		if len(exists[from]) == 0 {
			continue
		}
		tags := slices.Clone(defaultFriendTags)
		seen := map[string]bool{}
		for _, to := range exists[from] {
			for _, ci := range last[pair{from, to}].rec.item.CustomItem {
				if !seen[ci.Tag] {
					seen[ci.Tag] = true
					tags = append(tags, ci.Tag)
				}
			}
		}
		gets = append(gets, api.GetFriendsRequest{FromAccount: from, ToAccount: exists[from], TagList: tags})
	}
	if len(gets) == 0 {
		return
	}
	got, err := v.c.Friends.Get(ctx, gets)
	if got == nil {
		sub := map[pair]*verifyEntry{}
		for _, g := range gets {
			for _, to := range g.ToAccount {
				sub[pair{g.FromAccount, to}] = last[pair{g.FromAccount, to}]
			}
		}
		v.failAll(sub, err)
		return
	}
	for _, it := range got.Items {
		from := gets[it.Request].FromAccount
		e := last[pair{from, it.Key}]
		switch {
		case it.Err != nil && it.Code == codeNotFriend:
			e.status, e.msg = vfMissing, fmt.Sprintf("%s does not have %s as a friend", from, it.Key)
		case it.Err != nil:
			v.itemErr(e, it.Err, it.Code)
		default:
			e.fields = compareFriend(&e.rec.item, timrest.Tags(it.Result.SNSProfileItem))
			e.status = vfOK
			if len(e.fields) > 0 {
				e.status = vfDiffer
			}
		}
	}
	v.noteStop(err)
}

// friendPair is a relation From_Account -> To_Account.
type friendPair struct{ from, to string }

// codeNotFriend is friend_get_list's item code for an account that is not
// a friend of From_Account.
const codeNotFriend = 30001

// itemErr sets e's outcome for the item error err.
func (v *verifier) itemErr(e *verifyEntry, err error, code int) {
	if ve, ok := errors.AsType[*timrest.ValidationError](err); ok {
		e.status, e.msg = vfInvalid, ve.Error()
		return
	}
	if code == 0 {
		if te, ok := errors.AsType[*timrest.Error](err); ok {
			code = te.Code
		}
	}
	e.status, e.code, e.msg = vfError, code, err.Error()
}

// failAll marks every entry of m as not checked, for the error err of a
// whole call.
func (v *verifier) failAll(m map[friendPair]*verifyEntry, err error) {
	for _, e := range m {
		v.itemErr(e, err, 0)
	}
	v.noteStop(err)
}

// noteStop stops the checks after an error that every later request
// would get too (a UserSig, permission or configuration error), or after
// an interrupt.
func (v *verifier) noteStop(err error) {
	if err == nil || v.stopErr != nil {
		return
	}
	if errors.Is(err, context.Canceled) {
		v.sum.Interrupted = true
		v.stopErr = errInterrupted
		return
	}
	if timrest.StopsBatch(err) {
		v.stopErr = err
		v.sum.Stopped = v.a.scrub(shortErr(err))
	}
}

// compareFriend returns the fields of it (a record of the file) that the
// service's tags ts hold otherwise. Only the fields the record gives are
// compared.
func compareFriend(it *api.AddFriendItem, ts timrest.Tags) []fieldDiff {
	var out []fieldDiff
	str := func(field, tagName string, want *string) {
		if want == nil {
			return
		}
		got, ok := ts.String(tagName)
		if got == *want {
			return // an empty string is no value: the service does not keep it
		}
		d := fieldDiff{Field: field, Want: *want}
		if ok {
			d.Got = got
		} else if v, ok := ts.Get(tagName); ok {
			d.Got = v
		}
		out = append(out, d)
	}
	num := func(field, tagName string, want *int64) {
		if want == nil {
			return
		}
		got, ok := ts.Int(tagName)
		if got == *want && (ok || *want == 0) {
			return
		}
		d := fieldDiff{Field: field, Want: *want}
		if v, ok := ts.Get(tagName); ok {
			d.Got = v
		}
		out = append(out, d)
	}
	addSource := it.AddSource
	str("AddSource", timrest.TagAddSource, &addSource)
	str("Remark", timrest.TagRemark, it.Remark)
	num("RemarkTime", timrest.TagRemarkTime, it.RemarkTime)
	if it.GroupName != nil {
		want := slices.Sorted(slices.Values(slices.Compact(slices.Sorted(slices.Values(it.GroupName)))))
		got, _ := ts.Strings(timrest.TagFriendLists)
		gotSet := slices.Compact(slices.Sorted(slices.Values(got)))
		if !slices.Equal(want, gotSet) {
			d := fieldDiff{Field: "GroupName", Want: it.GroupName}
			if v, ok := ts.Get(timrest.TagFriendLists); ok {
				d.Got = v
			}
			out = append(out, d)
		}
	}
	str("AddWording", timrest.TagAddWording, it.AddWording)
	num("AddTime", timrest.TagAddTime, it.AddTime)
	for _, ci := range it.CustomItem {
		v, ok := ts.Get(ci.Tag)
		if ok && v.Equal(ci.Value) {
			continue
		}
		if !ok && isEmptyValue(ci.Value) {
			continue
		}
		d := fieldDiff{Field: ci.Tag, Want: ci.Value}
		if ok {
			d.Got = v
		}
		out = append(out, d)
	}
	return out
}

// isEmptyValue reports whether a custom tag value is one the service
// does not keep: an empty string.
func isEmptyValue(v tag.Value) bool {
	s, ok := v.AsString()
	return ok && s == ""
}

// printVerify writes the summary of "friends verify" for people.
func printVerify(w io.Writer, s *verifyReport) error {
	tw := newTable(w)
	fmt.Fprintf(tw, "file\t%s (%s)\n", safeText(s.File), s.Format)
	fmt.Fprintf(tw, "lines\t%d (%d without a record: header, blank)\n", s.Lines, s.SkippedLines)
	fmt.Fprintf(tw, "records\t%d\n", s.Records)
	fmt.Fprintf(tw, "ok\t%d\n", s.OK)
	fmt.Fprintf(tw, "missing\t%d\n", s.Missing)
	fmt.Fprintf(tw, "differ\t%d\n", s.Differ)
	fmt.Fprintf(tw, "errors\t%d\n", s.Errors)
	fmt.Fprintf(tw, "invalid\t%d\n", s.Invalid)
	if s.Superseded > 0 {
		fmt.Fprintf(tw, "superseded\t%d (a later line of the relation was checked)\n", s.Superseded)
	}
	fmt.Fprintf(tw, "complete\t%s\n", yesNo(s.Complete))
	switch {
	case s.Interrupted:
		fmt.Fprintf(tw, "stopped\tinterrupted\n")
	case s.Stopped != "":
		fmt.Fprintf(tw, "stopped\t%s\n", safeText(s.Stopped))
	}
	if s.FailuresFile != "" {
		fmt.Fprintf(tw, "failures\t%s\n", safeText(s.FailuresFile))
	}
	fmt.Fprintf(tw, "time\t%.1fs\n", s.Seconds)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range s.Differences {
		what := d.Error
		if d.Status == vfDiffer {
			what = diffText(d.Fields)
		}
		rel := ""
		if d.From != "" || d.To != "" {
			rel = safeText(d.From) + " -> " + safeText(d.To) + ": "
		}
		fmt.Fprintf(w, "line %d: %s: %s%s\n", d.Line, d.Status, rel, safeText(what))
	}
	if s.DifferencesMore > 0 {
		_, err := fmt.Fprintf(w, "... and %d more lines\n", s.DifferencesMore)
		return err
	}
	return nil
}

// verifyFailures is the --failures file of "friends verify": the lines
// that are not ok, in the input format with Line, ResultCode and Error,
// written atomically.
type verifyFailures struct {
	file   *atomicFile
	format string
	csv    *csvFriendSink
	w      *bufio.Writer
	enc    *json.Encoder
}

func newVerifyFailures(path, format string) (*verifyFailures, error) {
	f, err := createAtomic(path, "--failures")
	if err != nil {
		return nil, err
	}
	vf := &verifyFailures{file: f, format: format}
	if format == formatJSONL {
		vf.w = bufio.NewWriter(f)
		vf.enc = json.NewEncoder(vf.w)
		vf.enc.SetEscapeHTML(false)
		return vf, nil
	}
	s, err := newFriendSink(formatCSV, f)
	if err != nil {
		f.abort()
		return nil, err
	}
	vf.csv = s.(*csvFriendSink)
	vf.csv.info = true
	return vf, nil
}

// jsonlFailureRow is a JSON Lines row of --failures.
type jsonlFailureRow struct {
	exportedFriend
	Line       int    `json:"Line"`
	ResultCode int    `json:"ResultCode"`
	Error      string `json:"Error"`
}

// friendOfRecord is rec in the export shape.
func friendOfRecord(rec *record) exportedFriend {
	it := &rec.item
	return exportedFriend{FromAccount: rec.from, ToAccount: it.ToAccount, AddSource: it.AddSource, Remark: it.Remark,
		RemarkTime: it.RemarkTime, GroupName: it.GroupName, AddWording: it.AddWording, AddTime: it.AddTime, CustomItem: it.CustomItem}
}

// write writes the row of the candidate c.
func (f *verifyFailures) write(c *verifyCandidate) error {
	line, code, msg := c.Line.Line, c.Line.ResultCode, c.Msg
	if f.enc != nil {
		if c.Friend == nil {
			if len(c.Raw) > 0 { // the line as it was
				f.w.Write(c.Raw)
				return f.w.WriteByte('\n')
			}
			return f.enc.Encode(friendRowInfo{Line: line, Error: msg})
		}
		return f.enc.Encode(jsonlFailureRow{*c.Friend, line, code, msg})
	}
	info := &friendRowInfo{Line: line, ResultCode: code, Error: msg}
	if c.Friend == nil {
		info.Input = string(c.Raw)
		return f.csv.writeInfo(&exportedFriend{}, info)
	}
	return f.csv.writeInfo(c.Friend, info)
}

func (f *verifyFailures) commit() error {
	var err error
	if f.enc != nil {
		err = f.w.Flush()
	} else {
		err = f.csv.finish()
		f.csv.close()
	}
	if err != nil {
		f.file.abort()
		return fmt.Errorf("cannot write --failures: %w", err)
	}
	return f.file.commit()
}

func (f *verifyFailures) abort() {
	if f.csv != nil {
		f.csv.close()
	}
	f.file.abort()
}
