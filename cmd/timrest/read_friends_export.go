package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// CSV columns of a friends file beyond the first seven (csvColumns):
// RemarkTime, then one column per custom friend tag, named by the tag.
const exportColRemarkTime = "RemarkTime"

// exportedFriend is one friend relation as "friends export" writes it:
// in JSON Lines, an AddFriendItem with From_Account, exactly what
// "friends import" reads; in CSV, a row of the same fields.
type exportedFriend struct {
	FromAccount string                 `json:"From_Account"`
	ToAccount   string                 `json:"To_Account"`
	AddSource   string                 `json:"AddSource"`
	Remark      *string                `json:"Remark,omitempty"`
	RemarkTime  *int64                 `json:"RemarkTime,omitempty"`
	GroupName   []string               `json:"GroupName,omitempty"`
	AddWording  *string                `json:"AddWording,omitempty"`
	AddTime     *int64                 `json:"AddTime,omitempty"`
	CustomItem  []api.CustomFriendItem `json:"CustomItem,omitempty"`
}

// exportedFriendOf turns a friend of friend_get into the import format.
// It returns the tags it could not carry (an unknown tag, or a value of
// another type than the tag's), "Tag (why)".
func exportedFriendOf(from string, d api.FriendData) (exportedFriend, []string) {
	f := exportedFriend{FromAccount: from, ToAccount: d.ToAccount}
	var lost []string
	str := func(it api.TagItem, dst **string) {
		if s, ok := it.Value.AsString(); ok {
			*dst = &s
		} else {
			lost = append(lost, it.Tag+" (not a string)")
		}
	}
	num := func(it api.TagItem, dst **int64) {
		if n, ok := it.Value.AsInt(); ok {
			*dst = &n
		} else {
			lost = append(lost, it.Tag+" (not an integer)")
		}
	}
	seen := map[string]bool{}
	for _, it := range d.ValueItem {
		if seen[it.Tag] {
			continue // the first wins, as with timrest.Tags.Get
		}
		seen[it.Tag] = true
		switch {
		case it.Tag == timrest.TagAddSource:
			if s, ok := it.Value.AsString(); ok {
				f.AddSource = s
			} else {
				lost = append(lost, it.Tag+" (not a string)")
			}
		case it.Tag == timrest.TagRemark:
			str(it, &f.Remark)
		case it.Tag == timrest.TagAddWording:
			str(it, &f.AddWording)
		case it.Tag == timrest.TagAddTime:
			num(it, &f.AddTime)
		case it.Tag == timrest.TagRemarkTime:
			num(it, &f.RemarkTime)
		case it.Tag == timrest.TagFriendLists:
			if ss, ok := it.Value.AsStrings(); ok {
				if len(ss) > 0 {
					f.GroupName = ss
				}
			} else {
				lost = append(lost, it.Tag+" (not a list of strings)")
			}
		case strings.HasPrefix(it.Tag, timrest.TagSNSCustomPrefix):
			if k := it.Value.Kind(); k == tag.KindString || k == tag.KindInt {
				f.CustomItem = append(f.CustomItem, api.CustomFriendItem{Tag: it.Tag, Value: it.Value})
			} else {
				lost = append(lost, it.Tag+" (not a string or an integer)")
			}
		default:
			lost = append(lost, it.Tag+" (no field of the import format)")
		}
	}
	return f, lost
}

// exportSink is where an export writes its records.
type exportSink interface {
	// finish writes what is held back (the CSV rows, after the header
	// that names every custom tag) and flushes.
	finish() error
	// customTags returns the custom friend tags written, sorted.
	customTags() []string
	// close releases what the sink holds (a spool file); safe to repeat.
	close()
}

// friendSink writes exported friends in one format.
type friendSink interface {
	exportSink
	write(f *exportedFriend) error
}

// writeError is an error writing the output: it stops an export.
type exportWriteError struct{ err error }

func (e *exportWriteError) Error() string { return "cannot write the export: " + e.err.Error() }
func (e *exportWriteError) Unwrap() error { return e.err }

// newFriendSink returns a sink of format writing to w.
func newFriendSink(format string, w io.Writer) (friendSink, error) {
	if format == formatJSONL {
		bw := bufio.NewWriterSize(w, 64<<10)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &jsonlFriendSink{w: bw, enc: enc, tags: map[string]bool{}}, nil
	}
	// The CSV header names one column per custom tag, which are known
	// only at the end: the rows are spooled to a temporary file (as JSON
	// Lines) and written after the header. Memory holds the tag names.
	spool, err := os.CreateTemp("", "timrest-export-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("cannot create a temporary file for the CSV rows: %w", err)
	}
	sw := bufio.NewWriterSize(spool, 64<<10)
	enc := json.NewEncoder(sw)
	enc.SetEscapeHTML(false)
	return &csvFriendSink{out: w, spool: spool, sw: sw, enc: enc, tags: map[string]bool{}}, nil
}

// friendRowInfo is what a --failures row adds to a record: the columns
// (fields) Line, ResultCode and Error, and for a line that could not be
// read as a record its text (CSV column Input).
type friendRowInfo struct {
	Line       int    `json:"Line"`
	ResultCode int    `json:"ResultCode"`
	Error      string `json:"Error"`
	Input      string `json:"Input,omitempty"`
}

// spooledFriend is a row in the spool of a CSV sink.
type spooledFriend struct {
	exportedFriend
	Info *friendRowInfo `json:"_info,omitempty"`
}

type jsonlFriendSink struct {
	w    *bufio.Writer
	enc  *json.Encoder
	tags map[string]bool
}

func (s *jsonlFriendSink) write(f *exportedFriend) error {
	for _, ci := range f.CustomItem {
		s.tags[ci.Tag] = true
	}
	return s.enc.Encode(f)
}

func (s *jsonlFriendSink) finish() error        { return s.w.Flush() }
func (s *jsonlFriendSink) customTags() []string { return slices.Sorted(maps.Keys(s.tags)) }
func (s *jsonlFriendSink) close()               {}

type csvFriendSink struct {
	out   io.Writer
	spool *os.File
	sw    *bufio.Writer
	enc   *json.Encoder
	tags  map[string]bool
	info  bool // the rows have the columns of --failures
}

// csvUnwritable returns why f cannot be written as a CSV row that
// "friends import" reads back as it is, or "".
func csvUnwritable(f *exportedFriend) string {
	for _, g := range f.GroupName {
		if strings.Contains(g, groupSep) {
			return fmt.Sprintf("the friend list name %q holds %q, which separates list names in CSV: export with --format jsonl", g, groupSep)
		}
		if strings.TrimSpace(g) != g || g == "" {
			return fmt.Sprintf("the friend list name %q starts or ends with spaces, which CSV import removes: export with --format jsonl", g)
		}
	}
	for _, ci := range f.CustomItem {
		// A CSV cell has no type: import reads an integer in canonical
		// form as an integer and an empty cell as no tag, so a string
		// value of either kind would come back changed.
		if s, ok := ci.Value.AsString(); ok {
			if s == "" {
				return fmt.Sprintf("the custom tag %s is an empty string, which CSV import reads as no tag: export with --format jsonl", ci.Tag)
			}
			if _, isInt := csvTagValue(s).AsInt(); isInt {
				return fmt.Sprintf("the custom tag %s is the string %q, which CSV import reads as an integer: export with --format jsonl", ci.Tag, s)
			}
		}
	}
	return ""
}

func (s *csvFriendSink) write(f *exportedFriend) error { return s.writeInfo(f, nil) }

// writeInfo writes f with the --failures columns info.
func (s *csvFriendSink) writeInfo(f *exportedFriend, info *friendRowInfo) error {
	for _, ci := range f.CustomItem {
		s.tags[ci.Tag] = true
	}
	return s.enc.Encode(spooledFriend{*f, info})
}

func (s *csvFriendSink) customTags() []string { return slices.Sorted(maps.Keys(s.tags)) }

func (s *csvFriendSink) finish() error {
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("cannot write the temporary file of the CSV rows: %w", err)
	}
	if _, err := s.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	tags := s.customTags()
	header := slices.Concat(csvColumns, []string{exportColRemarkTime}, tags)
	infoAt := len(header)
	if s.info {
		header = append(header, colLine, colResultCode, colError, colInput)
	}
	cw := csv.NewWriter(s.out)
	if err := cw.Write(header); err != nil {
		return err
	}
	col := make(map[string]int, len(tags))
	for i, t := range tags {
		col[t] = len(csvColumns) + 1 + i
	}
	dec := json.NewDecoder(bufio.NewReaderSize(s.spool, 64<<10))
	row := make([]string, len(header))
	for {
		var f spooledFriend
		if err := dec.Decode(&f); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("cannot read the temporary file of the CSV rows: %w", err)
		}
		clear(row)
		row[0], row[1], row[2] = f.FromAccount, f.ToAccount, f.AddSource
		row[3] = deref(f.Remark)
		row[4] = strings.Join(f.GroupName, groupSep)
		row[5] = deref(f.AddWording)
		if f.AddTime != nil {
			row[6] = strconv.FormatInt(*f.AddTime, 10)
		}
		if f.RemarkTime != nil {
			row[7] = strconv.FormatInt(*f.RemarkTime, 10)
		}
		for _, ci := range f.CustomItem {
			if s, ok := ci.Value.AsString(); ok {
				row[col[ci.Tag]] = s
			} else if n, ok := ci.Value.AsInt(); ok {
				row[col[ci.Tag]] = strconv.FormatInt(n, 10)
			}
		}
		if in := f.Info; in != nil && s.info {
			row[infoAt], row[infoAt+1], row[infoAt+2], row[infoAt+3] = strconv.Itoa(in.Line), strconv.Itoa(in.ResultCode), in.Error, in.Input
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (s *csvFriendSink) close() {
	if s.spool != nil {
		s.spool.Close()
		os.Remove(s.spool.Name())
		s.spool = nil
	}
}

// exportFailure is an account whose export failed.
type exportFailure struct {
	Account string `json:"account"`
	Line    int    `json:"line,omitempty"` // in --accounts
	Code    int    `json:"code,omitempty"`
	Error   string `json:"error"`
}

// exportProblem is a record exported without some of its data, or not
// exported because the format cannot hold it.
type exportProblem struct {
	From  string `json:"From_Account"`
	To    string `json:"To_Account"`
	Error string `json:"error"`
}

// exportSummary counts what an export did.
type exportSummary struct {
	what                   string // "friends" or "blocked"
	file, format           string
	failuresFile           string
	accounts, accountsFail int
	written, notWritten    int
	incomplete             int // written, but without some of its data
	tags                   []string
	failed                 []exportFailure
	failedOmitted          int
	problems               []exportProblem
	problemsOmitted        int
	interrupted            bool
	stopped                string
	seconds                float64
	accountsRead           bool
}

// exportReport is the JSON summary of an export.
type exportReport struct {
	File                  string          `json:"file,omitempty"`
	Format                string          `json:"format"`
	Accounts              int             `json:"accounts"`
	AccountsFailed        int             `json:"accounts_failed"`
	Written               int             `json:"written"`
	Incomplete            int             `json:"incomplete,omitempty"`
	NotWritten            int             `json:"not_written,omitempty"`
	CustomTags            []string        `json:"custom_tags,omitempty"`
	Complete              bool            `json:"complete"`
	Interrupted           bool            `json:"interrupted"`
	Stopped               string          `json:"stopped,omitempty"`
	FailuresFile          string          `json:"failures_file,omitempty"`
	FailedAccounts        []exportFailure `json:"failed_accounts"`
	FailedAccountsOmitted int             `json:"failed_accounts_omitted,omitempty"`
	Problems              []exportProblem `json:"problems,omitempty"`
	ProblemsOmitted       int             `json:"problems_omitted,omitempty"`
	Seconds               float64         `json:"seconds"`
}

func (s *exportSummary) complete() bool {
	return s.accountsRead && !s.interrupted && s.stopped == "" && s.accountsFail == 0 && s.notWritten == 0 && s.incomplete == 0
}

func (s *exportSummary) report() exportReport {
	r := exportReport{File: s.file, Format: s.format, Accounts: s.accounts, AccountsFailed: s.accountsFail,
		Written: s.written, Incomplete: s.incomplete, NotWritten: s.notWritten, CustomTags: s.tags, Complete: s.complete(),
		Interrupted: s.interrupted, Stopped: s.stopped, FailuresFile: s.failuresFile, FailedAccounts: s.failed,
		FailedAccountsOmitted: s.failedOmitted, Problems: s.problems, ProblemsOmitted: s.problemsOmitted,
		Seconds: float64(int64(s.seconds*1000)) / 1000}
	if r.FailedAccounts == nil {
		r.FailedAccounts = []exportFailure{}
	}
	return r
}

func (s *exportSummary) addFailed(f exportFailure) {
	s.accountsFail++
	if len(s.failed) < maxShown {
		s.failed = append(s.failed, f)
	} else {
		s.failedOmitted++
	}
}

func (s *exportSummary) addProblem(p exportProblem) {
	if len(s.problems) < maxShown {
		s.problems = append(s.problems, p)
	} else {
		s.problemsOmitted++
	}
}

// printTable writes the summary for people.
func (s *exportSummary) printTable(w io.Writer) error {
	tw := newTable(w)
	if s.file != "" {
		fmt.Fprintf(tw, "file\t%s (%s)\n", safeText(s.file), s.format)
	}
	fmt.Fprintf(tw, "accounts\t%d\n", s.accounts)
	fmt.Fprintf(tw, "accounts failed\t%d\n", s.accountsFail)
	fmt.Fprintf(tw, "%s written\t%d\n", s.what, s.written)
	if s.incomplete > 0 {
		fmt.Fprintf(tw, "incomplete\t%d (written without some of their data)\n", s.incomplete)
	}
	if s.notWritten > 0 {
		fmt.Fprintf(tw, "not written\t%d (the format cannot hold them)\n", s.notWritten)
	}
	if len(s.tags) > 0 {
		fmt.Fprintf(tw, "custom tags\t%s\n", safeText(strings.Join(s.tags, ", ")))
	}
	fmt.Fprintf(tw, "complete\t%s\n", yesNo(s.complete()))
	switch {
	case s.interrupted:
		fmt.Fprintf(tw, "stopped\tinterrupted\n")
	case s.stopped != "":
		fmt.Fprintf(tw, "stopped\t%s\n", safeText(s.stopped))
	}
	if s.failuresFile != "" {
		fmt.Fprintf(tw, "failures\t%s\n", safeText(s.failuresFile))
	}
	fmt.Fprintf(tw, "time\t%.1fs\n", s.seconds)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range s.failed {
		fmt.Fprintf(w, "account %s: failed: %s\n", safeText(f.Account), safeText(f.Error))
	}
	if s.failedOmitted > 0 {
		fmt.Fprintf(w, "... and %d more failed accounts\n", s.failedOmitted)
	}
	for _, p := range s.problems {
		fmt.Fprintf(w, "%s -> %s: %s\n", safeText(p.From), safeText(p.To), safeText(p.Error))
	}
	if s.problemsOmitted > 0 {
		fmt.Fprintf(w, "... and %d more\n", s.problemsOmitted)
	}
	return nil
}

// result is the command's error: nil when every account was exported
// whole; else an error (exit 1) saying what was not.
func (s *exportSummary) result() error {
	var parts []string
	if s.accountsFail > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d accounts failed", s.accountsFail, s.accounts))
	}
	if s.notWritten > 0 {
		parts = append(parts, fmt.Sprintf("%d %s not written (the format cannot hold them)", s.notWritten, s.what))
	}
	if s.incomplete > 0 {
		parts = append(parts, fmt.Sprintf("%d %s written without some of their data", s.incomplete, s.what))
	}
	switch {
	case s.interrupted:
		parts = append(parts, "interrupted")
	case s.stopped != "":
		parts = append(parts, "stopped: "+s.stopped)
	}
	if len(parts) == 0 {
		return nil
	}
	return errors.New(strings.Join(parts, "; "))
}

// exportFlags are the flags of the export commands.
type exportFlags struct {
	from, accounts, file, format, failures string
}

func (f *exportFlags) register(cmd *cobra.Command, what string) {
	fs := cmd.Flags()
	fs.StringVar(&f.from, "from", "", "export the "+what+" of this account")
	fs.StringVar(&f.accounts, "accounts", "", `export the `+what+` of the accounts of this file, one UserID a line ("-": stdin)`)
	fs.StringVar(&f.file, "file", "", "write to this file (atomically: complete or not at all) instead of stdout")
	fs.StringVar(&f.format, "format", "auto", "output format: auto (by the --file extension, else csv), csv or jsonl")
	fs.StringVar(&f.failures, "failures", "", "write the accounts whose export failed to this file, one a line (an --accounts file)")
}

// exportRun is an export command under way: its flags, summary and
// default format.
type exportRun struct {
	a        *app
	cmd      *cobra.Command
	flags    *exportFlags
	sum      *exportSummary
	defaultF string
	batch    int // accounts exported together (runExportBatch)
}

// accountAt is an account to export and its line in --accounts (0 for
// --from).
type accountAt struct {
	id   string
	line int
}

// runExport runs the export r: newSink makes the sink of the output
// format; each exports the records of one account to it and returns the
// account's error (a *exportWriteError, or an error that timrest.StopsBatch,
// stops the export).
func runExport[S exportSink](r *exportRun, newSink func(format string, w io.Writer) (S, error),
	each func(ctx context.Context, c *timrest.Client, account string, sink S) error) error {
	r.batch = 1
	return runExportBatch(r, newSink, func(ctx context.Context, c *timrest.Client, accounts []accountAt, sink S) []error {
		return []error{each(ctx, c, accounts[0].id, sink)}
	})
}

// runExportBatch is runExport for a command that exports r.batch
// accounts at a time: each returns one error per account (nil: exported).
func runExportBatch[S exportSink](r *exportRun, newSink func(format string, w io.Writer) (S, error),
	each func(ctx context.Context, c *timrest.Client, accounts []accountAt, sink S) []error) error {
	a, cmd, fl, sum := r.a, r.cmd, r.flags, r.sum
	switch {
	case fl.from == "" && fl.accounts == "":
		return usageErrorf("missing --from or --accounts: the accounts whose %s to export", sum.what)
	case fl.from != "" && fl.accounts != "":
		return usageErrorf("--from and --accounts: give one")
	case fl.failures == "-":
		return usageErrorf("--failures -: name a file")
	case fl.file == "-":
		fl.file = ""
	}
	flagFormat, err := parseFileFormat(fl.format)
	if err != nil {
		return err
	}
	format := outputFormat(flagFormat, fl.file, r.defaultF)
	out, err := a.output(cmd)
	if err != nil {
		return err
	}
	c, err := a.newClient(cmd)
	if err != nil {
		return err
	}
	var list *userIDList
	var inStat os.FileInfo
	if fl.accounts != "" {
		if list, inStat, err = a.openAccounts(fl.accounts); err != nil {
			return err
		}
		defer list.close()
	}
	if err := a.checkOutputs(inStat, map[string]string{"--file": fl.file, "--failures": fl.failures}); err != nil {
		return err
	}
	sum.file, sum.format, sum.failuresFile = fl.file, format, fl.failures

	var dst io.Writer = a.stdout
	var file *atomicFile
	if fl.file != "" {
		if file, err = createAtomic(fl.file, "--file"); err != nil {
			return err
		}
		defer file.abort()
		dst = file
	}
	var failures *atomicFile
	if fl.failures != "" {
		if failures, err = createAtomic(fl.failures, "--failures"); err != nil {
			return err
		}
		defer failures.abort()
	}
	sink, err := newSink(format, dst)
	if err != nil {
		return err
	}
	defer sink.close()
	var bar *progress
	if a.terminal(a.stderr) {
		bar = newProgress(a.stderr, -1, "exporting "+sum.what)
	}

	ctx := cmd.Context()
	began := a.now()
	var readErr error
	batchSize := max(r.batch, 1)
	batch := make([]accountAt, 0, batchSize)
	// fail accounts for the failure of one account; it reports whether
	// the export must stop.
	fail := func(at accountAt, err error) (stop bool, _ error) {
		if ctx.Err() != nil {
			sum.interrupted = true
			return true, nil
		}
		if we, ok := errors.AsType[*exportWriteError](err); ok {
			return true, we
		}
		f := exportFailure{Account: at.id, Line: at.line, Error: a.scrub(err.Error())}
		if e, ok := errors.AsType[*timrest.Error](err); ok {
			f.Code = e.Code
		}
		sum.addFailed(f)
		if failures != nil {
			fmt.Fprintln(failures, at.id)
		}
		if timrest.StopsBatch(err) {
			sum.stopped = f.Error
			return true, nil
		}
		return false, nil
	}
	runBatch := func() (bool, error) {
		if len(batch) == 0 {
			return false, nil
		}
		before := sum.written
		errs := each(ctx, c, batch, sink)
		bar.add(sum.written - before)
		for i, err := range errs {
			if err == nil {
				continue
			}
			if stop, werr := fail(batch[i], err); stop || werr != nil {
				return true, werr
			}
		}
		batch = batch[:0]
		return false, nil
	}
	for {
		at := accountAt{id: fl.from}
		if list != nil {
			at.id, at.line, err = list.next()
			if errors.Is(err, io.EOF) {
				sum.accountsRead = true
				break
			}
			if err != nil {
				readErr = err
				break
			}
		} else if sum.accounts > 0 {
			sum.accountsRead = true
			break
		}
		sum.accounts++
		batch = append(batch, at)
		if len(batch) < batchSize {
			continue
		}
		if stop, werr := runBatch(); werr != nil {
			return werr
		} else if stop {
			break
		}
	}
	if !sum.interrupted && sum.stopped == "" && readErr == nil {
		if _, werr := runBatch(); werr != nil {
			return werr
		}
	}
	bar.finish(sum.complete())
	sum.tags = sink.customTags()
	var writeErr error
	if !sum.interrupted && readErr == nil {
		// The records are written whole even when accounts failed: the
		// failures file names the accounts to export again. An account
		// list that could not be read to its end leaves no --file: the
		// export is complete or not written at all.
		if writeErr = sink.finish(); writeErr == nil && file != nil {
			writeErr = file.commit()
		}
		if writeErr == nil && failures != nil {
			writeErr = failures.commit()
		}
	}
	sum.seconds = a.now().Sub(began).Seconds()
	if readErr != nil {
		return readErr
	}
	if writeErr != nil {
		return fmt.Errorf("cannot write the export: %w", writeErr)
	}
	if fl.file != "" {
		if out == outputJSON {
			err = writeJSON(a.stdout, sum.report())
		} else {
			err = sum.printTable(a.stdout)
		}
		if err != nil {
			return err
		}
	}
	if sum.interrupted {
		return errInterrupted
	}
	return sum.result()
}

// newFriendsExportCmd returns "friends export" (v4/sns/friend_get).
func newFriendsExportCmd(a *app) *cobra.Command {
	var fl exportFlags
	cmd := &cobra.Command{
		Use:   "export --from U | --accounts F [--file OUT] [--format csv|jsonl] [--failures FILE]",
		Short: "Export friends in the format friends import reads (v4/sns/friend_get)",
		Long: `Export every friend of --from, or of each account of --accounts (one UserID a
line), with every field friend_get returns: the standard friend tags and every
custom friend tag (Tag_SNS_Custom_*). The output is exactly what "friends
import" reads, so export -> import round-trips:

  JSON Lines: one AddFriendItem a line with From_Account: {"From_Account",
  "To_Account", "AddSource", "Remark", "RemarkTime", "GroupName": [...],
  "AddWording", "AddTime", "CustomItem": [{"Tag", "Value"}]}; values keep
  their types.

  CSV: From_Account, To_Account, AddSource, Remark, GroupName (list names
  separated by ";"), AddWording, AddTime, RemarkTime, then one column per
  custom friend tag, named by the tag (empty: the friend has no such tag).
  A list name holding ";" or starting or ending with a space cannot be
  written in CSV: such a friend is not written (use --format jsonl). A
  remark or wording with a line break is quoted over several lines: import
  it with --multiline.

The format is --format, else the --file extension (.csv; .jsonl, .ndjson,
.json), else CSV. The friends are read page by page and written as they come
(a CSV export spools its rows to a temporary file, since the header names the
custom tags found): memory does not grow with the number of friends.

--file is written atomically: it holds the whole export, or is left as it
was when the export is interrupted. Without --file the friends go to
stdout; with it, a summary goes to stdout (json or table). An account whose
export fails (it does not exist, say) is reported and the export goes on;
--failures FILE lists those accounts, one a line, ready for --accounts. A UserSig
or permission error stops the export. Friends lists (group_get) without
members and the friends' profiles are not part of this format.

Exit status: 0 when every account was exported whole; 1 when some failed or
some friend could not be written whole; 2 on a bad command line.`,
		Example: `  timrest friends export --from alice --file alice.jsonl
  timrest friends export --accounts users.txt --file friends.csv --failures failed.txt
  timrest friends export --from alice --format jsonl | jq .`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum := &exportSummary{what: "friends"}
			r := &exportRun{a: a, cmd: cmd, flags: &fl, sum: sum, defaultF: formatCSV}
			return runExport(r, newFriendSink, func(ctx context.Context, c *timrest.Client, from string, sink friendSink) error {
				for page, err := range c.Friends.Pages(ctx, api.ListFriendsRequest{FromAccount: from}) {
					if err != nil {
						return err
					}
					for _, d := range page.UserDataItem {
						f, lost := exportedFriendOf(from, d)
						if sum.format == formatCSV {
							if why := csvUnwritable(&f); why != "" {
								sum.notWritten++
								sum.addProblem(exportProblem{From: from, To: d.ToAccount, Error: why})
								continue
							}
						}
						if len(lost) > 0 {
							sum.incomplete++
							sum.addProblem(exportProblem{From: from, To: d.ToAccount, Error: "written without " + strings.Join(lost, ", ")})
						}
						if err := sink.write(&f); err != nil {
							return &exportWriteError{err}
						}
						sum.written++
					}
				}
				return nil
			})
		},
	}
	fl.register(cmd, "friends")
	return cmd
}
