package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// blockRow is one blocklist entry as "blocklist export" writes it: the
// blocklist format (CSV From_Account,To_Account; JSON Lines
// {"From_Account","To_Account"}).
type blockRow struct {
	FromAccount string `json:"From_Account"`
	ToAccount   string `json:"To_Account"`
}

// blockSink writes blocklist rows in one format, as they come.
type blockSink struct {
	w   *bufio.Writer
	csv *csv.Writer
	enc *json.Encoder
}

func newBlockSink(format string, w io.Writer) (*blockSink, error) {
	s := &blockSink{w: bufio.NewWriterSize(w, 64<<10)}
	if format == formatJSONL {
		s.enc = json.NewEncoder(s.w)
		s.enc.SetEscapeHTML(false)
		return s, nil
	}
	s.csv = csv.NewWriter(s.w)
	return s, s.csv.Write([]string{colFrom, colTo})
}

func (s *blockSink) write(r blockRow) error {
	if s.enc != nil {
		return s.enc.Encode(r)
	}
	return s.csv.Write([]string{r.FromAccount, r.ToAccount})
}

func (s *blockSink) finish() error {
	if s.csv != nil {
		s.csv.Flush()
		if err := s.csv.Error(); err != nil {
			return err
		}
	}
	return s.w.Flush()
}

func (s *blockSink) customTags() []string { return nil }
func (s *blockSink) close()               {}

// newBlocklistExportCmd returns "blocklist export" (v4/sns/black_list_get).
func newBlocklistExportCmd(a *app) *cobra.Command {
	var fl exportFlags
	cmd := &cobra.Command{
		Use:   "export --from U | --accounts F [--file OUT] [--format csv|jsonl] [--failures FILE]",
		Short: "Export blocklists in the format blocklist import reads (v4/sns/black_list_get)",
		Long: `Export the blocklist of --from, or of each account of --accounts (one UserID a
line), in the blocklist format that "blocklist import" reads: CSV
From_Account,To_Account, or JSON Lines {"From_Account","To_Account"}, one
blocked account a line, in the order the service lists them. (The time each
account was blocked is not part of the format: an import blocks at its own
time.) Pages of up to 1000 are read and written as they come.

The format is --format, else the --file extension (.csv; .jsonl, .ndjson,
.json), else CSV. --file is written atomically (whole or not at all);
without it the rows go to stdout, with it a summary goes to stdout (json or
table). An account whose export fails is reported and the export goes on;
--failures FILE lists those accounts, one a line, ready for --accounts.

Exit status: 0 when every account was exported; 1 when some failed; 2 on a
bad command line.`,
		Example: `  timrest blocklist export --accounts users.txt --file blocklist.csv
  timrest blocklist export --from alice --format jsonl`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum := &exportSummary{what: "blocked"}
			r := &exportRun{a: a, cmd: cmd, flags: &fl, sum: sum, defaultF: formatCSV}
			return runExport(r, newBlockSink, func(ctx context.Context, c *timrest.Client, from string, sink *blockSink) error {
				req := api.ListBlockedRequest{FromAccount: from, MaxLimited: spec.LimitBlocklistPerAccount}
				for b, err := range c.Friends.AllBlocked(ctx, req) {
					if err != nil {
						return err
					}
					if err := sink.write(blockRow{from, b.ToAccount}); err != nil {
						return &exportWriteError{err}
					}
					sum.written++
				}
				return nil
			})
		},
	}
	fl.register(cmd, "blocklist")
	return cmd
}
