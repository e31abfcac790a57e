package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
)

// Defaults of "friends import".
const (
	defaultImportBuffer = 50000
	maxFailedShown      = 20 // failed records listed in the summary
)

// newFriendsImportCmd returns "friends import" (v4/sns/friend_import).
func newFriendsImportCmd(a *app) *cobra.Command {
	var (
		from         string
		file         string
		format       string
		failuresPath string
		dryRun       bool
		concurrency  int
		buffer       int
	)
	cmd := &cobra.Command{
		Use:   "import --file F [--from U] [--format csv|jsonl] [--failures FILE] [--dry-run]",
		Short: "Import friends from a CSV or JSON Lines file (v4/sns/friend_import)",
		Long: `Import friend relations from --file ("-": stdin), read as a stream.

Formats (--format auto, the default: by the extension .csv, or .jsonl, .ndjson
or .json; otherwise by the content: JSON Lines when it starts with "{", CSV
otherwise):

  CSV with a header row naming the columns, in any order: From_Account,
  To_Account, AddSource, Remark, GroupName (list names separated by ";"),
  AddWording, AddTime (Unix seconds). To_Account and AddSource are required;
  From_Account unless --from is given. Empty cells are absent fields.

  JSON Lines: one AddFriendItem object a line, as the API takes it, with
  From_Account: {"From_Account":"alice","To_Account":"bob",
  "AddSource":"AddSource_Type_Web","GroupName":["work"],"Remark":"Bobby"}.
  RemarkTime and CustomItem can be given too. Blank lines are skipped.

With --from, records may leave From_Account out; one that names another
account is invalid. The columns (fields) Line, ResultCode and Error, which
--failures writes, are ignored.

Every record is checked with the client's rules (the OpenAPI document's)
before anything is sent; an invalid record is reported with its line and not
sent. Records are grouped by From_Account in requests of up to 1000; one
account's requests go one after another, up to --concurrency accounts at
once, under the client's rate limit and retries. Records of one account need
not be contiguous; at most --buffer records wait to fill batches (the largest
are sent when it is full), so memory stays flat whatever the file size.

Output: a summary on stdout (json: records, imported, invalid, failed,
not_sent, failed_by_code, the invalid records and the first failed ones by
line; table: the same for people), and a progress bar on stderr when stderr
is a terminal. --failures FILE writes every record that was not imported, in
the input's format with Line, ResultCode and Error added, ready to be
imported again once fixed. --dry-run checks every record and sends nothing
(it needs no key); --failures then gets the invalid ones.

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
imported).`,
		Example: `  timrest friends import --file friends.csv --failures failed.csv
  timrest friends import --from alice --file alice.jsonl --dry-run
  generate-friends | timrest friends import --file - --format jsonl -o json > summary.json`,
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
			if concurrency < 1 {
				return usageErrorf("invalid --concurrency: want 1 or more")
			}
			if buffer < 1 {
				return usageErrorf("invalid --buffer: want 1 or more")
			}
			out, err := a.output(cmd)
			if err != nil {
				return err
			}
			var c *timrest.Client
			if dryRun {
				c, err = dryRunClient()
			} else {
				c, err = a.newClient(cmd, timrest.WithConcurrency(1))
			}
			if err != nil {
				return err
			}

			in := a.stdin
			regular := false // a regular file is read to the end after a stop
			if f, ok := in.(*os.File); ok && file == "-" {
				if st, err := f.Stat(); err == nil {
					regular = st.Mode().IsRegular()
				}
			}
			if file != "-" {
				f, err := os.Open(file)
				if err != nil {
					return usageErrorf("cannot read --file: %v", err)
				}
				defer f.Close()
				if st, err := f.Stat(); err == nil {
					regular = st.Mode().IsRegular()
				}
				in = f
			}
			br := bufio.NewReaderSize(in, 64<<10)
			fileFormat := detectFormat(format, file, br)
			rr, err := newRecordReader(fileFormat, br, from)
			if err != nil {
				return err
			}

			sum := &importSummary{file: file, format: fileFormat, dryRun: dryRun, byCode: map[string]int{}, failuresFile: failuresPath}
			im := &importer{client: c, dryRun: dryRun, workers: concurrency, buffer: buffer, drain: regular, scrub: a.scrub, sum: sum}
			if failuresPath != "" {
				ff, err := createFailures(failuresPath, file)
				if err != nil {
					return err
				}
				defer ff.Close()
				if im.failures, err = newFailureWriter(fileFormat, ff); err != nil {
					return fmt.Errorf("cannot write --failures: %w", err)
				}
			}
			if a.terminal(a.stderr) {
				total := int64(-1)
				if regular && file != "-" {
					if f, err := os.Open(file); err == nil {
						total = countRecords(fileFormat, f)
						f.Close()
					}
				}
				desc := "importing"
				if dryRun {
					desc = "checking"
				}
				im.progress = newProgress(a.stderr, total, desc)
			}

			began := a.now()
			stopErr := im.run(cmd.Context(), rr)
			im.progress.finish(stopErr == nil && !sum.interrupted)
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
	fs.StringVar(&file, "file", "", `the records to import, CSV or JSON Lines ("-": stdin) (required)`)
	fs.StringVar(&from, "from", "", "the From_Account of records that name none")
	fs.StringVar(&format, "format", "auto", "input format: auto, csv or jsonl")
	fs.StringVar(&failuresPath, "failures", "", "write the records that were not imported to this file, in the input format")
	fs.BoolVar(&dryRun, "dry-run", false, "check every record and send nothing")
	fs.IntVar(&concurrency, "concurrency", timrest.DefaultConcurrency, "From_Accounts imported at once")
	fs.IntVar(&buffer, "buffer", defaultImportBuffer, "records held in memory to fill batches")
	return cmd
}

// createFailures creates the --failures file, refusing the input file.
func createFailures(path, input string) (*os.File, error) {
	if input != "-" {
		a, errA := os.Stat(path)
		b, errB := os.Stat(input)
		if errA == nil && errB == nil && os.SameFile(a, b) {
			return nil, usageErrorf("--failures names the input file: it would be overwritten")
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, usageErrorf("cannot create --failures: %v", err)
	}
	return f, nil
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

// importSummary counts what an import did.
type importSummary struct {
	file, format string
	dryRun       bool
	failuresFile string

	records, imported, valid, invalid, failed, notSent, requests int
	byCode                                                       map[string]int

	invalidRecords []invalidRecord
	failedRecords  []failedRecord // the first maxFailedShown by line
	failedOmitted  int

	complete, interrupted bool
	lastLine              int    // the line of the last record read
	stoppedReason         string // why records were not sent
	readErr               error
	seconds               float64
}

// invalidRecord is a record refused before sending.
type invalidRecord struct {
	Line  int    `json:"line"`
	From  string `json:"From_Account,omitempty"`
	To    string `json:"To_Account,omitempty"`
	Error string `json:"error"`
}

// failedRecord is a record the service did not import.
type failedRecord struct {
	Line  int    `json:"line"`
	From  string `json:"From_Account"`
	To    string `json:"To_Account"`
	Code  int    `json:"code,omitempty"`
	Error string `json:"error"`
}

// addFailed keeps f if it is among the first maxFailedShown by line.
func (s *importSummary) addFailed(f failedRecord) {
	i, _ := slices.BinarySearchFunc(s.failedRecords, f.Line, func(x failedRecord, line int) int { return x.Line - line })
	if i >= maxFailedShown {
		s.failedOmitted++
		return
	}
	s.failedRecords = slices.Insert(s.failedRecords, i, f)
	if len(s.failedRecords) > maxFailedShown {
		s.failedRecords = s.failedRecords[:maxFailedShown]
		s.failedOmitted++
	}
}

// importReport is the JSON summary of an import.
type importReport struct {
	File                 string          `json:"file"`
	Format               string          `json:"format"`
	Records              int             `json:"records"`
	Imported             int             `json:"imported"`
	Invalid              int             `json:"invalid"`
	Failed               int             `json:"failed"`
	NotSent              int             `json:"not_sent"`
	FailedByCode         map[string]int  `json:"failed_by_code"`
	Batches              int             `json:"batches"`
	Complete             bool            `json:"complete"`
	LastLine             int             `json:"last_line,omitempty"`
	Interrupted          bool            `json:"interrupted"`
	Stopped              string          `json:"stopped,omitempty"`
	FailuresFile         string          `json:"failures_file,omitempty"`
	InvalidRecords       []invalidRecord `json:"invalid_records"`
	FailedRecords        []failedRecord  `json:"failed_records"`
	FailedRecordsOmitted int             `json:"failed_records_omitted,omitempty"`
	Seconds              float64         `json:"seconds"`
}

// checkReport is the JSON summary of a --dry-run.
type checkReport struct {
	File           string          `json:"file"`
	Format         string          `json:"format"`
	DryRun         bool            `json:"dry_run"`
	Records        int             `json:"records"`
	Valid          int             `json:"valid"`
	Invalid        int             `json:"invalid"`
	Complete       bool            `json:"complete"`
	Interrupted    bool            `json:"interrupted"`
	FailuresFile   string          `json:"failures_file,omitempty"`
	InvalidRecords []invalidRecord `json:"invalid_records"`
	Seconds        float64         `json:"seconds"`
}

// sortedInvalid returns the invalid records by line.
func (s *importSummary) sortedInvalid() []invalidRecord {
	out := slices.Clone(s.invalidRecords)
	if out == nil {
		out = []invalidRecord{}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// report returns the JSON summary.
func (s *importSummary) report() any {
	secs := float64(int64(s.seconds*1000)) / 1000
	if s.dryRun {
		return checkReport{File: s.file, Format: s.format, DryRun: true, Records: s.records, Valid: s.valid, Invalid: s.invalid,
			Complete: s.complete, Interrupted: s.interrupted, FailuresFile: s.failuresFile, InvalidRecords: s.sortedInvalid(), Seconds: secs}
	}
	r := importReport{File: s.file, Format: s.format, Records: s.records, Imported: s.imported, Invalid: s.invalid,
		Failed: s.failed, NotSent: s.notSent, FailedByCode: s.byCode, Batches: s.requests, Complete: s.complete,
		Interrupted: s.interrupted, FailuresFile: s.failuresFile, InvalidRecords: s.sortedInvalid(),
		FailedRecords: s.failedRecords, FailedRecordsOmitted: s.failedOmitted, Seconds: secs}
	if r.FailedRecords == nil {
		r.FailedRecords = []failedRecord{}
	}
	if !s.complete {
		r.LastLine = s.lastLine
	}
	if s.stoppedReason != "" && !s.interrupted {
		r.Stopped = s.stoppedReason
	}
	return r
}

// printTable writes the summary for people.
func (s *importSummary) printTable(w io.Writer) error {
	tw := newTable(w)
	fmt.Fprintf(tw, "file\t%s (%s)\n", s.file, s.format)
	fmt.Fprintf(tw, "records\t%d\n", s.records)
	if s.dryRun {
		fmt.Fprintf(tw, "valid\t%d\n", s.valid)
		fmt.Fprintf(tw, "invalid\t%d\n", s.invalid)
	} else {
		fmt.Fprintf(tw, "imported\t%d\n", s.imported)
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
		fmt.Fprintf(tw, "batches\t%d\n", s.requests)
	}
	switch {
	case s.interrupted:
		fmt.Fprintf(tw, "stopped\tinterrupted\n")
	case s.stoppedReason != "":
		fmt.Fprintf(tw, "stopped\t%s\n", s.stoppedReason)
	}
	if !s.complete {
		fmt.Fprintf(tw, "input\tread up to line %d\n", s.lastLine)
	}
	if s.failuresFile != "" {
		fmt.Fprintf(tw, "failures\t%s\n", s.failuresFile)
	}
	fmt.Fprintf(tw, "time\t%.1fs\n", s.seconds)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range s.sortedInvalid() {
		fmt.Fprintf(w, "line %d: invalid: %s\n", r.Line, r.Error)
	}
	for _, r := range s.failedRecords {
		fmt.Fprintf(w, "line %d: failed: %s -> %s: %s\n", r.Line, r.From, r.To, r.Error)
	}
	if s.failedOmitted > 0 {
		_, err := fmt.Fprintf(w, "... and %d more failed records\n", s.failedOmitted)
		return err
	}
	return nil
}

// result is the command's error: nil when every record was imported
// (or, for a dry run, is valid); a usage error (exit 2) when some record
// was invalid; else an error (exit 1) saying what was not imported.
func (s *importSummary) result(stopErr, writeErr error) error {
	if s.dryRun {
		switch {
		case s.invalid > 0:
			return usageErrorf("%d of %d records are invalid", s.invalid, s.records)
		case s.interrupted:
			return errors.New("interrupted: not every record was checked")
		case writeErr != nil:
			return fmt.Errorf("cannot write --failures: %w", writeErr)
		}
		return nil
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
	if !s.complete && s.readErr == nil {
		parts = append(parts, fmt.Sprintf("input read up to line %d", s.lastLine))
	}
	if writeErr != nil && !errors.Is(stopErr, writeErr) {
		parts = append(parts, "cannot write --failures: "+writeErr.Error())
	}
	if len(parts) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d of %d records imported; %s", s.imported, s.records, strings.Join(parts, "; "))
	if s.invalid > 0 {
		return &usageError{errors.New(msg)}
	}
	return errors.New(msg)
}
