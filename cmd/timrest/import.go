package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/timrest/timrest"
)

// Defaults of "friends import".
const (
	defaultImportBuffer = 50000
	maxShown            = 20 // invalid and failed records listed in the summary
)

// Limits of the flags of "friends import".
const (
	maxImportBuffer      = 1_000_000 // --buffer: about 2 × this many records are held
	maxImportConcurrency = 256
	minMaxLineBytes      = 1 << 10
)

// newFriendsImportCmd returns "friends import" (v4/sns/friend_import).
func newFriendsImportCmd(a *app) *cobra.Command {
	return newWriteCmd(a, writeCmd[*record]{
		use:     "import --file F [--from U] [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short:   "Import friends from a CSV or JSON Lines file (v4/sns/friend_import)",
		long:    friendsImportHelp,
		example: friendsImportExample,
		from:    true,
		kind:    func() (*writeKind[*record], error) { return friendsImportKind(), nil },
	})
}

const friendsImportExample = `  timrest friends import --file friends.csv --failures failed.csv --journal friends.journal
  timrest friends import --from alice --file alice.jsonl --dry-run
  generate-friends | timrest friends import --file - --format jsonl -o json > summary.json`

// writeCmd describes a write command for newWriteCmd.
type writeCmd[R any] struct {
	use, short, long, example string
	// from: the command has --from (the From_Account of records that
	// name none).
	from bool
	// flags adds the command's own flags.
	flags func(fs *pflag.FlagSet)
	// kind returns the kind, once the flags are parsed; a bad flag is a
	// usage error.
	kind func() (*writeKind[R], error)
	// confirm, when set, is asked before anything is sent (not for a dry
	// run); an error stops the command.
	confirm func(cmd *cobra.Command) error
}

// newWriteCmd returns the command w describes: it reads --file as a
// stream of records of w's kind and sends them with the engine, with the
// flags every write command has (--file, --format, --failures, --journal,
// --dry-run, --multiline, --concurrency, --buffer, --max-line-bytes).
func newWriteCmd[R any](a *app, w writeCmd[R]) *cobra.Command {
	var (
		from         string
		file         string
		format       string
		failuresPath string
		journalPath  string
		dryRun       bool
		multiline    bool
		concurrency  = autoConcurrency
		buffer       int
		maxLine      int
	)
	cmd := &cobra.Command{
		Use:                   w.use,
		Short:                 w.short,
		Long:                  w.long,
		Example:               w.example,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return usageErrorf(`missing --file: the records to import ("-" for stdin)`)
			}
			switch format = strings.ToLower(strings.TrimSpace(format)); format {
			case "", "auto":
				format = ""
			case "csv":
				format = formatCSV
			case "jsonl", "ndjson", "json":
				format = formatJSONL
			default:
				return usageErrorf("invalid --format: want auto, csv or jsonl")
			}
			switch {
			case concurrency == badConcurrency:
				return usageErrorf("invalid --concurrency: want auto or 1 to %d", maxImportConcurrency)
			case buffer < 1 || buffer > maxImportBuffer:
				return usageErrorf("invalid --buffer: want 1 to %d", maxImportBuffer)
			case maxLine < minMaxLineBytes || maxLine > maxMaxLineBytes:
				return usageErrorf("invalid --max-line-bytes: want %d to %d", minMaxLineBytes, maxMaxLineBytes)
			case failuresPath == "-":
				return usageErrorf("--failures -: stdout carries the summary; name a file")
			case journalPath == "-":
				return usageErrorf("--journal -: the journal must be a file")
			case journalPath != "" && dryRun:
				return usageErrorf("--journal with --dry-run: a dry run sends nothing to resume")
			}
			kind, err := w.kind()
			if err != nil {
				return err
			}
			out, err := a.output(cmd)
			if err != nil {
				return err
			}
			var c *timrest.Client
			if dryRun {
				c, err = dryRunClient()
			} else {
				// With --concurrency auto, the client's shared in-flight
				// limit (rate × latency, at most MaxAutoConcurrency) bounds
				// what the engine's workers really have in flight; a fixed
				// --concurrency is the number of workers, each sending one
				// request at a time.
				var opts []timrest.Option
				if concurrency != autoConcurrency {
					opts = append(opts, timrest.WithConcurrency(1))
				}
				c, err = a.newClient(cmd, opts...)
			}
			if err != nil {
				return err
			}

			in := a.stdin
			inFile, _ := in.(*os.File)
			if file != "-" {
				f, err := os.Open(file)
				if err != nil {
					return usageErrorf("cannot read --file: %v", err)
				}
				defer f.Close()
				in, inFile = f, f
			}
			regular := false // a regular file is read to the end after a stop
			var inStat os.FileInfo
			if inFile != nil {
				if st, err := inFile.Stat(); err == nil {
					inStat, regular = st, st.Mode().IsRegular()
				}
			}
			if err := a.checkOutputs(inStat, map[string]string{"--failures": failuresPath, "--journal": journalPath}); err != nil {
				return err
			}
			var jh journalHeader
			if journalPath != "" {
				if inFile == nil {
					return usageErrorf("--journal needs --file to be a regular file (a pipe cannot be matched to a journal)")
				}
				if jh.InputBytes, jh.InputSHA256, err = inputIdentity(cmd.Context(), inFile); err != nil {
					if cmd.Context().Err() != nil {
						return errInterrupted
					}
					return usageErrorf("--journal: %v", err)
				}
			}

			// Reading the header may wait on a pipe: Ctrl-C ends the wait.
			var (
				fileFormat string
				rr         rowReader[R]
			)
			if err := untilDone(cmd.Context(), func() error {
				br := bufio.NewReaderSize(in, 64<<10)
				f := detectFormat(format, file, br)
				r, err := kind.newReader(f, br, readOptions{from: from, multiline: multiline, maxLine: maxLine})
				fileFormat, rr = f, r
				return err
			}); err != nil {
				return err
			}
			if w.confirm != nil && !dryRun {
				if err := w.confirm(cmd); err != nil {
					return err
				}
			}

			sum := &importSummary{file: file, format: fileFormat, dryRun: dryRun, done: kind.done, byCode: map[string]int{}, failuresFile: failuresPath, journalFile: journalPath}
			im := &engine[R]{kind: kind, client: c, dryRun: dryRun, workers: concurrency.workers(), lanes: concurrency.lanes(), buffer: buffer, drain: regular, scrub: a.scrub, sum: sum}
			if !dryRun {
				im.later = newSuperseding()
			}
			var ff *failuresFile[R]
			if failuresPath != "" {
				if ff, err = createFailures(failuresPath, fileFormat, kind.line, func(w io.Writer) (failureWriter[R], error) {
					return kind.newFailures(fileFormat, rr, w)
				}); err != nil {
					return err
				}
				defer ff.abort() // after finish, only closes
				im.failures = ff
			}
			if journalPath != "" {
				jh.Version, jh.Command, jh.Format, jh.From, jh.Multiline, jh.MaxLineBytes = journalVersion, kind.command, fileFormat, from, multiline, maxLine
				jh.Options = kind.options
				jh.SDKAppID, jh.BaseURL = c.Signer().SDKAppID(), c.BaseURL()
				if im.journal, err = openJournal(journalPath, jh, a.now); err != nil {
					return err
				}
				defer im.journal.close()
				sum.requests = im.journal.requests
			}
			if a.terminal(a.stderr) {
				total := int64(-1)
				if regular && file != "-" {
					if f, err := os.Open(file); err == nil {
						total = countRecords(fileFormat, f)
						f.Close()
					}
				}
				desc := "sending"
				if kind.done == "imported" {
					desc = "importing"
				}
				if dryRun {
					desc = "checking"
				}
				im.progress = newProgress(a.stderr, total, desc)
			}

			began := a.now()
			stopErr := im.run(cmd.Context(), rr)
			im.progress.finish(stopErr == nil && !sum.interrupted)
			if ff != nil && im.writeErr == nil {
				if sum.superseded, err = ff.finish(kind.rowKey, im.later.dropper()); err != nil {
					im.writeErr = fmt.Errorf("cannot write --failures: %w", err)
				}
			}
			if err := im.journal.close(); err != nil && im.writeErr == nil {
				im.writeErr = fmt.Errorf("cannot write --journal: %w", err)
			}
			if sum.resumed > 0 {
				fmt.Fprintf(a.stderr, "resumed from --journal %s: %d records were settled by earlier runs and not sent again\n", safeText(journalPath), sum.resumed)
			}
			if sum.ambiguous > 0 {
				fmt.Fprintf(a.stderr, "%d records were sent again after an earlier send whose answer was lost, and the service answered that they were done already: counted as %s, and listed as ambiguous (check them)\n", sum.ambiguous, kind.done)
			}
			sum.seconds = a.now().Sub(began).Seconds()
			if out == outputJSON {
				err = writeJSON(a.stdout, sum.report())
			} else {
				err = sum.printTable(a.stdout)
			}
			if err != nil {
				return err
			}
			return sum.result(stopErr, im.writeErr)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&file, "file", "", `the records, CSV or JSON Lines ("-": stdin) (required)`)
	if w.from {
		fs.StringVar(&from, "from", "", "the From_Account of records that name none")
	}
	fs.StringVar(&format, "format", "auto", "input format: auto, csv or jsonl")
	fs.StringVar(&failuresPath, "failures", "", "write the records that were not done to this file, in the input format")
	fs.StringVar(&journalPath, "journal", "", "record each request's outcome in this file, to resume after a crash")
	fs.BoolVar(&dryRun, "dry-run", false, "check every record and send nothing")
	fs.BoolVar(&multiline, "multiline", false, "allow quoted CSV fields to span lines")
	fs.Var(&concurrency, "concurrency", fmt.Sprintf("batches sent at once: auto (follows the call rate and the latency, up to %d) or 1 to %d", timrest.MaxAutoConcurrency, maxImportConcurrency))
	fs.IntVar(&buffer, "buffer", defaultImportBuffer, fmt.Sprintf("records held in memory to fill batches (1 to %d)", maxImportBuffer))
	fs.IntVar(&maxLine, "max-line-bytes", defaultMaxLineBytes, "the longest line (and --multiline record) read; longer ones are refused")
	if w.flags != nil {
		w.flags(fs)
	}
	return cmd
}

// friendsImportHelp is the help of "friends import".
const friendsImportHelp = `Import friend relations from --file ("-": stdin), read as a stream.

Formats (--format auto, the default: by the extension .csv, or .jsonl, .ndjson
or .json; otherwise by the content: JSON Lines when it starts with "{", CSV
otherwise). Input is UTF-8 (a byte order mark is allowed; UTF-16 is refused).

  CSV with a header row naming the columns, in any order: From_Account,
  To_Account, AddSource, Remark, GroupName (list names separated by ";"),
  AddWording, AddTime (Unix seconds), and optionally RemarkTime (Unix
  seconds) and one column per custom friend tag, named by the tag
  (Tag_SNS_Custom_Xxx: an integer cell is sent as an integer, any other as
  a string, an empty one sets nothing). To_Account and AddSource are required;
  From_Account unless --from is given. Empty cells are absent fields. Fields
  may be quoted ("Hi, ""Bob"""); a quoted field may not span lines unless
  --multiline is given, so a stray quote cannot swallow the lines after it:
  the line is refused and the next line is read as a record of its own. A
  first line "#TYPE ..." (Windows PowerShell's Export-Csv) is skipped.

  JSON Lines: one AddFriendItem object a line, as the API takes it, with
  From_Account: {"From_Account":"alice","To_Account":"bob",
  "AddSource":"AddSource_Type_Web","GroupName":["work"],"Remark":"Bobby"}.
  RemarkTime and CustomItem can be given too. Names are case-sensitive and
  may appear once; unknown names are refused. Blank lines are skipped.

With --from, records may leave From_Account out; one that names another
account is invalid. The columns (fields) Line, ResultCode, Error and Input,
which --failures writes, are ignored.

Every line of the input is accounted for: the summary counts the lines read,
the lines that hold no record (the header, blank lines) and every record, as
imported, invalid, failed or not sent. A record is invalid when it cannot be
read (bad CSV or JSON, a line longer than --max-line-bytes, text that is not
UTF-8, a time that is not Unix seconds between 1970 and 2106) or breaks the
client's rules (the OpenAPI document's); it is reported with its line and
field and not sent.

Records are grouped by From_Account in requests of up to 1000; one account's
requests go one after another, up to --concurrency accounts at once, under
the client's rate limit and retries. Records of one account need not be
contiguous; at most --buffer records wait to fill batches (the largest are
sent when it is full), so memory stays flat whatever the file size.

Duplicates: records are applied in input order for each From_Account, so when
the same From_Account -> To_Account appears more than once, every record is
sent, one after the other, and the last one wins (the service keeps the
fields each sets; GroupName replaces the lists). This holds wherever the
records are in the file.

Output: a summary on stdout (json or table: lines, records, imported,
invalid, failed, not sent, failed by code, and the first 20 invalid and
failed records by line), and a progress bar on stderr when stderr is a
terminal. --failures FILE writes every record that was not imported, in the
input's format and order with Line, ResultCode and Error added (and, for a
CSV line that could not be read as a record, its text in Input), ready to be
imported again once fixed. A record whose relation a later record set (that
one was imported) is left out, since importing it again would undo the later
one; the summary counts it as superseded. It is written to FILE.tmp-* and renamed when the
import ends, so FILE never holds a partial file. --dry-run checks every
record and sends nothing (it needs no key); --failures then gets the invalid
ones.

--journal FILE makes the import resumable after a crash (kill -9, power
loss): the settled outcome of every request (imported, or refused for the
item) is appended to FILE as it completes. Run the same command again with
the same input and journal, and it sends only what is not settled (a request
that failed as a whole is sent again), then ends with the summary and
failures file of an uninterrupted run. The journal records which input (size and SHA-256),
settings, app and service it was written for, and is refused for any other;
--file must then be a regular file (stdin redirected from a file works, a
pipe does not). One import at a time may use a journal.

Ctrl-C stops sending: requests in flight are cut off, and the summary counts
what was imported, failed and not sent. A regular file (also as stdin) is
read to the end to count the rest and write it to --failures; a pipe is not
read further, and the summary gives the last line read. A UserSig,
permission or app configuration error stops the import the same way, since
every request would get it. Importing is idempotent: importing the
--failures file again is safe, even for requests cut off in flight.

Exit status: 0 when every record was imported (or, with --dry-run, is valid);
1 when some failed or were not sent; 2 on a bad command line, configuration
or input: a bad header, or any invalid record (the valid ones are still
imported).`

// checkOutputs refuses output files (flag → path; "" when not given)
// that would destroy or mix with the input or each other: a file that is
// the input (in, nil when unknown) by device and inode, whatever its
// name, also when the input is stdin; two flags naming one file, also
// through links to its folder; and stdout or stderr redirected to the
// input or to an output file. When stderr is the input, the refusal is
// written to stdout instead (or nowhere), not into the input.
func (a *app) checkOutputs(in os.FileInfo, outs map[string]string) error {
	type named struct {
		what string
		st   os.FileInfo // the file, when it exists
		dir  os.FileInfo // its folder
		base string
	}
	var files []named
	for _, flag := range slices.Sorted(maps.Keys(outs)) {
		path := outs[flag]
		if path == "" {
			continue
		}
		n := named{what: flag, base: filepath.Base(path)}
		n.st, _ = os.Stat(path)
		n.dir, _ = os.Stat(filepath.Dir(path))
		files = append(files, n)
	}
	same := func(x, y os.FileInfo) bool { return x != nil && y != nil && os.SameFile(x, y) }
	for i, f := range files {
		if in != nil && same(f.st, in) {
			return usageErrorf("%s names the input file: it would be overwritten", f.what)
		}
		for _, g := range files[:i] {
			if same(f.st, g.st) || (f.base == g.base && same(f.dir, g.dir)) {
				return usageErrorf("%s and %s name the same file", g.what, f.what)
			}
		}
	}
	stat := func(w io.Writer) os.FileInfo {
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
				return st
			}
		}
		return nil
	}
	stdout, stderr := stat(a.stdout), stat(a.stderr)
	if in != nil && same(stderr, in) {
		a.stderr = io.Discard
		if !same(stdout, in) {
			a.stderr = a.stdout
		}
		return usageErrorf("stderr is the input file: the output would be written into it")
	}
	for _, std := range []struct {
		name string
		st   os.FileInfo
	}{{"stdout", stdout}, {"stderr", stderr}} {
		if in != nil && same(std.st, in) {
			return usageErrorf("%s is the input file: the output would be written into it", std.name)
		}
		for _, o := range files {
			if same(std.st, o.st) {
				return usageErrorf("%s is the %s file", std.name, o.what)
			}
		}
	}
	return nil
}

// untilDone runs f and returns its error, or errInterrupted as soon as
// ctx ends (f is then left to finish on its own, its result unused).
func untilDone(ctx context.Context, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return errInterrupted
	}
}

// dryRunClient returns a client for --dry-run: it checks requests with
// the document's rules like any client, and cannot send anything (the
// import also calls it with an ended context).
func dryRunClient() (*timrest.Client, error) {
	return timrest.New(timrest.Config{SDKAppID: 1, SecretKey: "dry-run: no key, nothing is sent", Admin: "administrator", BaseURL: "http://127.0.0.1"},
		timrest.WithHTTPClient(&http.Client{Transport: noNetwork{}}), timrest.WithoutRateLimit(), timrest.WithConcurrency(1))
}

// noNetwork is the transport of the --dry-run client.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("--dry-run sends nothing")
}

// importSummary counts what a write command did.
type importSummary struct {
	file, format string
	dryRun       bool
	done         string // the kind's word for a record done: "imported", "added"
	failuresFile string
	journalFile  string

	lines, skippedLines                                          int
	records, imported, valid, invalid, failed, notSent, requests int
	resumed                                                      int // records accounted for from the journal
	notChecked                                                   int // a dry run's records not checked (it stopped)
	superseded                                                   int // not imported, left out of --failures (see superseding)
	ambiguous                                                    int // of imported: done by an earlier send, most likely (see writeKind.alreadyDone)
	byCode                                                       map[string]int

	invalidRecords   []invalidRecord // the first maxShown by line
	invalidOmitted   int
	failedRecords    []failedRecord // the first maxShown by line
	failedOmitted    int
	ambiguousRecords []ambiguousRecord // the first maxShown by line
	ambiguousOmitted int

	inputRead, interrupted bool
	lastLine               int    // the line of the last record read
	stoppedReason          string // why records were not sent
	readErr                error
	seconds                float64
}

// invalidRecord is a record refused before sending. In JSON:
// {"line", the record's naming fields ("From_Account", "To_Account";
// "UserID"), "error"}.
type invalidRecord struct {
	Line  int
	ID    []idField // nil for a line that could not be read as a record
	Error string
}

// failedRecord is a record the service did not take. In JSON: {"line",
// the record's naming fields, "code" (left out when 0), "error"}.
type failedRecord struct {
	Line  int
	ID    []idField
	Code  int
	Error string
}

// ambiguousRecord is a record counted done on the service's word that it
// was done already (see writeKind.alreadyDone). In JSON: {"line", the
// record's naming fields}.
type ambiguousRecord struct {
	Line int
	ID   []idField
}

func (r invalidRecord) MarshalJSON() ([]byte, error) {
	return marshalListed(r.Line, r.ID, false, nil, r.Error)
}

func (r failedRecord) MarshalJSON() ([]byte, error) {
	return marshalListed(r.Line, r.ID, true, &r.Code, r.Error)
}

func (r ambiguousRecord) MarshalJSON() ([]byte, error) {
	return marshalListed(r.Line, r.ID, true, nil, "")
}

// marshalListed writes a record of the summary's lists: line, the naming
// fields in order (all of them with all, else those not empty or
// always listed), code (when not nil or 0) and error (when not "").
func marshalListed(line int, id []idField, all bool, code *int, msg string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"line":%d`, line)
	put := func(k string, v any) error {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.WriteByte(',')
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
		return nil
	}
	for _, f := range id {
		if f.Value != "" || f.Always || all {
			if err := put(f.Name, f.Value); err != nil {
				return nil, err
			}
		}
	}
	if code != nil && *code != 0 {
		put("code", *code)
	}
	if msg != "" || code != nil || id == nil {
		if err := put("error", msg); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// listedJSON is a record of the summary's lists read back (tests, tools).
type listedJSON struct {
	Line  int    `json:"line"`
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// unmarshalListed reads a record of the summary's lists: line, code,
// error, and every other member as a naming field, in order.
func unmarshalListed(data []byte) (listedJSON, []idField, error) {
	var l listedJSON
	if err := json.Unmarshal(data, &l); err != nil {
		return l, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var id []idField
	if _, err := dec.Token(); err != nil {
		return l, nil, err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return l, nil, err
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return l, nil, err
		}
		if k, _ := t.(string); k != "line" && k != "code" && k != "error" {
			s, _ := v.(string)
			id = append(id, idField{Name: k, Value: s, Always: true})
		}
	}
	return l, id, nil
}

func (r *invalidRecord) UnmarshalJSON(data []byte) error {
	l, id, err := unmarshalListed(data)
	*r = invalidRecord{Line: l.Line, ID: id, Error: l.Error}
	return err
}

func (r *failedRecord) UnmarshalJSON(data []byte) error {
	l, id, err := unmarshalListed(data)
	*r = failedRecord{Line: l.Line, ID: id, Code: l.Code, Error: l.Error}
	return err
}

func (r *ambiguousRecord) UnmarshalJSON(data []byte) error {
	l, id, err := unmarshalListed(data)
	*r = ambiguousRecord{Line: l.Line, ID: id}
	return err
}

// idText is the naming fields of a record for the table: "a -> b".
func idText(id []idField) string {
	var parts []string
	for _, f := range id {
		parts = append(parts, safeText(f.Value))
	}
	return strings.Join(parts, " -> ")
}

// keepFirst inserts x into list (sorted by line, at most maxShown long)
// when it is among the first maxShown by line, and returns the list and
// whether a record was left out of it.
func keepFirst[T any](list []T, x T, line func(T) int) ([]T, bool) {
	i, _ := slices.BinarySearchFunc(list, line(x), func(y T, l int) int { return line(y) - l })
	if i >= maxShown {
		return list, true
	}
	list = slices.Insert(list, i, x)
	if len(list) > maxShown {
		return list[:maxShown], true
	}
	return list, false
}

// addFailed keeps f if it is among the first maxShown by line.
func (s *importSummary) addFailed(f failedRecord) {
	var omitted bool
	if s.failedRecords, omitted = keepFirst(s.failedRecords, f, func(r failedRecord) int { return r.Line }); omitted {
		s.failedOmitted++
	}
}

// addAmbiguous keeps r if it is among the first maxShown by line.
func (s *importSummary) addAmbiguous(r ambiguousRecord) {
	var omitted bool
	if s.ambiguousRecords, omitted = keepFirst(s.ambiguousRecords, r, func(r ambiguousRecord) int { return r.Line }); omitted {
		s.ambiguousOmitted++
	}
}

// addInvalid keeps r if it is among the first maxShown by line.
func (s *importSummary) addInvalid(r invalidRecord) {
	var omitted bool
	if s.invalidRecords, omitted = keepFirst(s.invalidRecords, r, func(r invalidRecord) int { return r.Line }); omitted {
		s.invalidOmitted++
	}
}

// complete reports whether the whole input was read and every record
// imported (or, for a dry run, found valid).
func (s *importSummary) complete() bool {
	if s.dryRun {
		return s.inputRead && !s.interrupted && s.valid == s.records
	}
	return s.inputRead && s.imported == s.records
}

// importReport is the JSON summary of an import.
type importReport struct {
	File                  string          `json:"file"`
	Format                string          `json:"format"`
	Lines                 int             `json:"lines"`
	SkippedLines          int             `json:"skipped_lines"`
	Records               int             `json:"records"`
	Imported              int             `json:"imported"`
	Invalid               int             `json:"invalid"`
	Failed                int             `json:"failed"`
	NotSent               int             `json:"not_sent"`
	Superseded            int             `json:"superseded,omitempty"`
	Ambiguous             int             `json:"ambiguous,omitempty"`
	FailedByCode          map[string]int  `json:"failed_by_code"`
	Batches               int             `json:"batches"`
	Complete              bool            `json:"complete"`
	InputRead             bool            `json:"input_read"`
	LastLine              int             `json:"last_line,omitempty"`
	Interrupted           bool            `json:"interrupted"`
	Stopped               string          `json:"stopped,omitempty"`
	FailuresFile          string          `json:"failures_file,omitempty"`
	JournalFile           string          `json:"journal_file,omitempty"`
	InvalidRecords        []invalidRecord `json:"invalid_records"`
	InvalidRecordsOmitted int             `json:"invalid_records_omitted,omitempty"`
	FailedRecords         []failedRecord  `json:"failed_records"`
	FailedRecordsOmitted  int             `json:"failed_records_omitted,omitempty"`
	// AmbiguousRecords are the first maxShown records counted in
	// Ambiguous, by line.
	AmbiguousRecords        []ambiguousRecord `json:"ambiguous_records,omitempty"`
	AmbiguousRecordsOmitted int               `json:"ambiguous_records_omitted,omitempty"`
	Seconds                 float64           `json:"seconds"`
}

// checkReport is the JSON summary of a --dry-run.
type checkReport struct {
	File                  string          `json:"file"`
	Format                string          `json:"format"`
	DryRun                bool            `json:"dry_run"`
	Lines                 int             `json:"lines"`
	SkippedLines          int             `json:"skipped_lines"`
	Records               int             `json:"records"`
	Valid                 int             `json:"valid"`
	Invalid               int             `json:"invalid"`
	NotChecked            int             `json:"not_checked"`
	Complete              bool            `json:"complete"`
	InputRead             bool            `json:"input_read"`
	Interrupted           bool            `json:"interrupted"`
	FailuresFile          string          `json:"failures_file,omitempty"`
	InvalidRecords        []invalidRecord `json:"invalid_records"`
	InvalidRecordsOmitted int             `json:"invalid_records_omitted,omitempty"`
	Seconds               float64         `json:"seconds"`
}

// shownInvalid returns the invalid records listed in the summary.
func (s *importSummary) shownInvalid() []invalidRecord {
	if s.invalidRecords == nil {
		return []invalidRecord{}
	}
	return s.invalidRecords
}

// report returns the JSON summary.
func (s *importSummary) report() any {
	secs := float64(int64(s.seconds*1000)) / 1000
	if s.dryRun {
		return checkReport{File: s.file, Format: s.format, DryRun: true, Lines: s.lines, SkippedLines: s.skippedLines,
			Records: s.records, Valid: s.valid, Invalid: s.invalid, NotChecked: s.notChecked, Complete: s.complete(), InputRead: s.inputRead,
			Interrupted: s.interrupted, FailuresFile: s.failuresFile, InvalidRecords: s.shownInvalid(),
			InvalidRecordsOmitted: s.invalidOmitted, Seconds: secs}
	}
	r := importReport{File: s.file, Format: s.format, Lines: s.lines, SkippedLines: s.skippedLines, Records: s.records,
		Imported: s.imported, Invalid: s.invalid, Failed: s.failed, NotSent: s.notSent, Superseded: s.superseded, Ambiguous: s.ambiguous, FailedByCode: s.byCode,
		Batches: s.requests, Complete: s.complete(), InputRead: s.inputRead, Interrupted: s.interrupted,
		FailuresFile: s.failuresFile, JournalFile: s.journalFile, InvalidRecords: s.shownInvalid(),
		InvalidRecordsOmitted: s.invalidOmitted, FailedRecords: s.failedRecords, FailedRecordsOmitted: s.failedOmitted,
		AmbiguousRecords: s.ambiguousRecords, AmbiguousRecordsOmitted: s.ambiguousOmitted, Seconds: secs}
	if r.FailedRecords == nil {
		r.FailedRecords = []failedRecord{}
	}
	if !s.inputRead {
		r.LastLine = s.lastLine
	}
	if s.stoppedReason != "" && !s.interrupted {
		r.Stopped = s.stoppedReason
	}
	return r
}

// printTable writes the summary for people. Texts from the input and the
// service are escaped (see safeText).
func (s *importSummary) printTable(w io.Writer) error {
	tw := newTable(w)
	fmt.Fprintf(tw, "file\t%s (%s)\n", safeText(s.file), s.format)
	fmt.Fprintf(tw, "lines\t%d (%d without a record: header, blank)\n", s.lines, s.skippedLines)
	fmt.Fprintf(tw, "records\t%d\n", s.records)
	if s.dryRun {
		fmt.Fprintf(tw, "valid\t%d\n", s.valid)
		fmt.Fprintf(tw, "invalid\t%d\n", s.invalid)
		if s.notChecked > 0 {
			fmt.Fprintf(tw, "not checked\t%d\n", s.notChecked)
		}
	} else {
		fmt.Fprintf(tw, "%s\t%d\n", s.doneWord(), s.imported)
		if s.ambiguous > 0 {
			fmt.Fprintf(tw, "ambiguous\t%d (%s: the service said done already after an earlier send whose answer was lost)\n", s.ambiguous, s.doneWord())
		}
		fmt.Fprintf(tw, "invalid\t%d\n", s.invalid)
		codes := ""
		if len(s.byCode) > 0 {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(s.byCode)) {
				parts = append(parts, fmt.Sprintf("%s: %d", k, s.byCode[k]))
			}
			codes = "  (" + strings.Join(parts, ", ") + ")"
		}
		fmt.Fprintf(tw, "failed\t%d%s\n", s.failed, codes)
		fmt.Fprintf(tw, "not sent\t%d\n", s.notSent)
		if s.superseded > 0 {
			fmt.Fprintf(tw, "superseded\t%d (not %s, but a later record of the same target was: left out of --failures)\n", s.superseded, s.doneWord())
		}
		fmt.Fprintf(tw, "batches\t%d\n", s.requests)
	}
	fmt.Fprintf(tw, "complete\t%s\n", yesNo(s.complete()))
	switch {
	case s.interrupted:
		fmt.Fprintf(tw, "stopped\tinterrupted\n")
	case s.stoppedReason != "":
		fmt.Fprintf(tw, "stopped\t%s\n", safeText(s.stoppedReason))
	}
	if !s.inputRead {
		fmt.Fprintf(tw, "input\tread up to line %d\n", s.lastLine)
	}
	if s.failuresFile != "" {
		fmt.Fprintf(tw, "failures\t%s\n", safeText(s.failuresFile))
	}
	if s.journalFile != "" {
		fmt.Fprintf(tw, "journal\t%s\n", safeText(s.journalFile))
	}
	fmt.Fprintf(tw, "time\t%.1fs\n", s.seconds)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range s.shownInvalid() {
		fmt.Fprintf(w, "line %d: invalid: %s\n", r.Line, safeText(r.Error))
	}
	if s.invalidOmitted > 0 {
		fmt.Fprintf(w, "... and %d more invalid records\n", s.invalidOmitted)
	}
	for _, r := range s.failedRecords {
		fmt.Fprintf(w, "line %d: failed: %s: %s\n", r.Line, idText(r.ID), safeText(r.Error))
	}
	for _, r := range s.ambiguousRecords {
		fmt.Fprintf(w, "line %d: ambiguous: %s: done already when sent again\n", r.Line, idText(r.ID))
	}
	if s.ambiguousOmitted > 0 {
		fmt.Fprintf(w, "... and %d more ambiguous records\n", s.ambiguousOmitted)
	}
	if s.failedOmitted > 0 {
		_, err := fmt.Fprintf(w, "... and %d more failed records\n", s.failedOmitted)
		return err
	}
	return nil
}

// doneWord is the kind's word for a record done.
func (s *importSummary) doneWord() string {
	if s.done == "" {
		return "imported"
	}
	return s.done
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// result is the command's error: nil when every record was imported
// (or, for a dry run, is valid); a usage error (exit 2) when some record
// was invalid; else an error (exit 1) saying what was not imported.
func (s *importSummary) result(stopErr, writeErr error) error {
	if s.dryRun {
		var parts []string
		if s.invalid > 0 {
			parts = append(parts, fmt.Sprintf("%d of %d records are invalid", s.invalid, s.records))
		}
		if s.notChecked > 0 {
			parts = append(parts, fmt.Sprintf("%d not checked", s.notChecked))
		}
		if s.interrupted {
			parts = append(parts, "interrupted: not every record was checked")
		}
		if writeErr != nil {
			parts = append(parts, writeErr.Error())
		}
		if !s.inputRead && !s.interrupted {
			parts = append(parts, fmt.Sprintf("input read up to line %d", s.lastLine))
		}
		switch {
		case len(parts) == 0:
			return nil
		case s.invalid > 0:
			return usageErrorf("%s", strings.Join(parts, "; "))
		}
		return errors.New(strings.Join(parts, "; "))
	}
	var parts []string
	if s.invalid > 0 {
		parts = append(parts, fmt.Sprintf("%d invalid (not sent)", s.invalid))
	}
	if s.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", s.failed))
	}
	if s.notSent > 0 {
		parts = append(parts, fmt.Sprintf("%d not sent", s.notSent))
	}
	switch {
	case s.interrupted:
		parts = append(parts, "interrupted")
	case stopErr != nil:
		parts = append(parts, "stopped: "+shortErr(stopErr))
	}
	if !s.inputRead && s.readErr == nil {
		parts = append(parts, fmt.Sprintf("input read up to line %d", s.lastLine))
	}
	if writeErr != nil && !errors.Is(stopErr, writeErr) {
		parts = append(parts, writeErr.Error())
	}
	if len(parts) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d of %d records %s; %s", s.imported, s.records, s.doneWord(), strings.Join(parts, "; "))
	if s.invalid > 0 {
		return &usageError{errors.New(msg)}
	}
	return errors.New(msg)
}
