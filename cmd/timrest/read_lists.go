package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
)

// listRow is one row of the lists format as "lists export" writes it:
// CSV From_Account,GroupName,To_Account; JSON Lines
// {"From_Account","GroupName","To_Account"} (To_Account left out for a
// list without members). It is what "lists add" reads.
type listRow struct {
	FromAccount string `json:"From_Account"`
	GroupName   string `json:"GroupName"`
	ToAccount   string `json:"To_Account,omitempty"`
}

// listSink writes lists rows in one format, as they come.
type listSink struct {
	w   *bufio.Writer
	csv *csv.Writer
	enc *json.Encoder
}

func newListSink(format string, w io.Writer) (*listSink, error) {
	s := &listSink{w: bufio.NewWriterSize(w, 64<<10)}
	if format == formatJSONL {
		s.enc = json.NewEncoder(s.w)
		s.enc.SetEscapeHTML(false)
		return s, nil
	}
	s.csv = csv.NewWriter(s.w)
	return s, s.csv.Write(listsSchema.columns)
}

func (s *listSink) write(r listRow) error {
	if s.enc != nil {
		return s.enc.Encode(r)
	}
	return s.csv.Write([]string{r.FromAccount, r.GroupName, r.ToAccount})
}

func (s *listSink) finish() error {
	if s.csv != nil {
		s.csv.Flush()
		if err := s.csv.Error(); err != nil {
			return err
		}
	}
	return s.w.Flush()
}

func (s *listSink) customTags() []string { return nil }
func (s *listSink) close()               {}

// listUnwritable returns why the list l cannot be written in format as
// rows that "lists add" reads back as they are, or "".
func listUnwritable(format string, l *api.FriendList) string {
	if n := len(l.ToAccount); n > listMaxRows {
		return fmt.Sprintf("the list %q has %d members, more than the %d rows of a list lists add reads (group_add takes at most %d members): its members come with the friends file (GroupName)", l.GroupName, n, listMaxRows, listMaxRows)
	}
	if format == formatCSV && strings.TrimSpace(l.GroupName) != l.GroupName {
		return fmt.Sprintf("the list name %q starts or ends with spaces, which CSV import removes: export with --format jsonl", l.GroupName)
	}
	return ""
}

// listsExportHelp is the help of "lists export".
var listsExportHelp = `Export the friend lists of --from, or of each account of --accounts (one
UserID a line), with their members (group_get, Need_Friend_Type_Yes), in the
lists format that "lists add" reads:

  CSV From_Account,GroupName,To_Account: one row per member of a list, the
  rows of a list together, and one row without To_Account for a list
  without members.

  JSON Lines {"From_Account","GroupName","To_Account"}, To_Account left out
  for a list without members.

Lists come in the order the service lists them (the order they were
created), members in the order it gives. The summary's "written" counts
lists (a list with n members is n rows). A list name starting or ending with
a space cannot be written in CSV (use --format jsonl); a list of more than
` + strconv.Itoa(listMaxRows) + ` members is more than lists add reads (group_add puts at most
` + strconv.Itoa(listMaxRows) + ` members in a new list): such lists are not written, and are counted
in not_written and named in problems. A list name with a line break is
quoted over several lines: import it with --multiline.

--empty-only writes only the lists without members. That is the file of the
migration step after friends import: the friends file carries every list
that has members (GroupName), and friends import creates them; group_add
cannot create a list again (30001), so only the empty lists are left to add.
The whole export (without --empty-only) recreates the lists in an app that
has the friends but not their lists: lists add needs the members to be
friends already (32216 otherwise).

The format is --format, else the --file extension (.csv; .jsonl, .ndjson,
.json), else CSV. --file is written atomically (whole or not at all);
without it the rows go to stdout, with it a summary goes to stdout (json or
table). An account whose export fails is reported and the export goes on;
--failures FILE lists those accounts, one a line, ready for --accounts. A
UserSig or permission error stops the export.

Exit status: 0 when every account was exported whole; 1 when some failed or
some list could not be written; 2 on a bad command line.`

// newListsExportCmd returns "lists export" (v4/sns/group_get).
func newListsExportCmd(a *app) *cobra.Command {
	var (
		fl        exportFlags
		emptyOnly bool
	)
	cmd := &cobra.Command{
		Use:   "export --from U | --accounts F [--file OUT] [--format csv|jsonl] [--failures FILE] [--empty-only]",
		Short: "Export friend lists and their members in the format lists add reads (v4/sns/group_get)",
		Long:  listsExportHelp,
		Example: `  timrest lists export --accounts users.txt --file lists.csv
  timrest lists export --accounts users.txt --empty-only --file empty-lists.csv
  timrest lists export --from alice --format jsonl`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum := &exportSummary{what: "lists"}
			r := &exportRun{a: a, cmd: cmd, flags: &fl, sum: sum, defaultF: formatCSV}
			return runExport(r, newListSink, func(ctx context.Context, c *timrest.Client, from string, sink *listSink) error {
				yes := api.NeedFriendYes
				resp, err := c.Friends.Lists(ctx, api.GetFriendListsRequest{FromAccount: from, NeedFriend: &yes})
				if err != nil {
					return err
				}
				for i := range resp.ResultItem {
					l := &resp.ResultItem[i]
					if emptyOnly && (len(l.ToAccount) > 0 || (l.FriendNumber != nil && *l.FriendNumber > 0)) {
						continue
					}
					if why := listUnwritable(sum.format, l); why != "" {
						sum.notWritten++
						sum.addProblem(exportProblem{From: from, Error: why})
						continue
					}
					if n := l.FriendNumber; n != nil && *n != int64(len(l.ToAccount)) {
						sum.incomplete++
						sum.addProblem(exportProblem{From: from, Error: fmt.Sprintf("the list %q: written with the %d members group_get gave, of %d (FriendNumber)", l.GroupName, len(l.ToAccount), *n)})
					}
					if len(l.ToAccount) == 0 {
						if err := sink.write(listRow{FromAccount: from, GroupName: l.GroupName}); err != nil {
							return &exportWriteError{err}
						}
					}
					for _, to := range l.ToAccount {
						if err := sink.write(listRow{FromAccount: from, GroupName: l.GroupName, ToAccount: to}); err != nil {
							return &exportWriteError{err}
						}
					}
					sum.written++
				}
				return nil
			})
		},
	}
	fl.register(cmd, "friend lists")
	cmd.Flags().BoolVar(&emptyOnly, "empty-only", false, "export only the lists without members (what lists add has left to do after friends import)")
	return cmd
}
