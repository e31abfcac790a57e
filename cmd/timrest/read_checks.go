package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
)

// checkBuffer is how many records a check command checks together: a
// friend_check or black_list_check request holds up to 1000 accounts of
// one From_Account, an account_check request 100 (the client splits).
const checkBuffer = 1000

// checkLine is the outcome of one record of a check command: one JSON
// object a line in json output, one row in table output.
type checkLine struct {
	Line          int    `json:"line"`
	From          string `json:"From_Account,omitempty"`
	To            string `json:"To_Account,omitempty"`
	UserID        string `json:"UserID,omitempty"`
	Relation      string `json:"Relation,omitempty"`
	AccountStatus string `json:"AccountStatus,omitempty"`
	OK            bool   `json:"ok"`
	ResultCode    int    `json:"ResultCode,omitempty"`
	Error         string `json:"error,omitempty"`
}

// checkKind is what differs between the check commands.
type checkKind struct {
	schema *idSchema
	what   string // "pairs" or "accounts"
	okText string // what ok means, for the final message
	// check checks rows (all valid) and returns one line each, in order;
	// the error is that of a whole call, when there is one.
	check func(ctx context.Context, c *timrest.Client, rows []*idRow) ([]checkLine, error)
}

// checkCounts counts the outcomes of a check command.
type checkCounts struct {
	records, ok, not, errors, invalid int
	stopped                           error
}

// runCheck reads rows (from next) checkBuffer at a time and writes one
// line per record to stdout, in input order.
func runCheck(a *app, cmd *cobra.Command, k *checkKind, next func() (*idRow, error)) error {
	out, err := a.output(cmd)
	if err != nil {
		return err
	}
	c, err := a.newClient(cmd)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var n checkCounts
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	header := false
	emit := func(lines []checkLine) error {
		if out == outputJSON {
			for _, l := range lines {
				if err := enc.Encode(l); err != nil {
					return err
				}
			}
			return nil
		}
		tw := newTable(a.stdout)
		if !header {
			header = true
			if k.what == "accounts" {
				fmt.Fprintln(tw, "LINE\tUSERID\tSTATUS\tRESULT")
			} else {
				fmt.Fprintln(tw, "LINE\tFROM\tTO\tRELATION\tRESULT")
			}
		}
		for _, l := range lines {
			result := "ok"
			switch {
			case l.Error != "" && l.ResultCode != 0:
				result = fmt.Sprintf("%d %s", l.ResultCode, safeText(l.Error))
			case l.Error != "":
				result = safeText(l.Error)
			case !l.OK:
				result = "no"
			}
			if k.what == "accounts" {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", l.Line, safeText(l.UserID), cmpOr(l.AccountStatus, "-"), result)
			} else {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", l.Line, safeText(l.From), safeText(l.To), cmpOr(strings.TrimPrefix(strings.TrimPrefix(l.Relation, "CheckResult_Type_"), "BlackCheckResult_Type_"), "-"), result)
			}
		}
		return tw.Flush()
	}
	var (
		rows  []*idRow
		lines []checkLine // the invalid lines of the buffer, with rows
		order []int       // per record of the buffer: the index into rows, or -1-i into lines
	)
	flush := func() error {
		var checked []checkLine
		if len(rows) > 0 {
			if n.stopped != nil {
				for _, r := range rows {
					checked = append(checked, checkLine{Line: r.line, Error: "not checked: " + a.scrub(n.stopped.Error())})
				}
			} else {
				var err error
				checked, err = k.check(ctx, c, rows)
				if err != nil && (timrest.StopsBatch(err) || ctx.Err() != nil) {
					n.stopped = err
				}
			}
		}
		all := make([]checkLine, 0, len(order))
		for _, o := range order {
			var l checkLine
			if o >= 0 {
				l = checked[o]
				l.Error = a.scrub(l.Error)
				switch {
				case l.Error != "":
					n.errors++
				case l.OK:
					n.ok++
				default:
					n.not++
				}
			} else {
				l = lines[-1-o]
				n.invalid++
			}
			all = append(all, l)
		}
		rows, lines, order = rows[:0], lines[:0], order[:0]
		return emit(all)
	}
	var readErr error
	for {
		if ctx.Err() != nil {
			break
		}
		row, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if re, ok := errors.AsType[*idRowError](err); ok {
			order = append(order, -1-len(lines))
			lines = append(lines, checkLine{Line: re.line, Error: "invalid: " + re.msg})
		} else if err != nil {
			readErr = err
			break
		} else {
			order = append(order, len(rows))
			rows = append(rows, row)
		}
		n.records++
		if len(order) >= checkBuffer {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	switch {
	case readErr != nil:
		if _, ok := errors.AsType[*usageError](readErr); ok {
			return readErr
		}
		return fmt.Errorf("cannot read the input: %w", readErr)
	case ctx.Err() != nil:
		return errInterrupted
	}
	var parts []string
	if n.not > 0 {
		parts = append(parts, fmt.Sprintf("%d not", n.not))
	}
	if n.errors > 0 {
		parts = append(parts, fmt.Sprintf("%d could not be checked", n.errors))
	}
	if n.invalid > 0 {
		parts = append(parts, fmt.Sprintf("%d invalid", n.invalid))
	}
	if n.stopped != nil {
		parts = append(parts, "stopped: "+a.scrub(shortErr(n.stopped)))
	}
	if len(parts) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d of %d %s %s; %s", n.ok, n.records, k.what, k.okText, strings.Join(parts, "; "))
	if n.invalid > 0 {
		return &usageError{errors.New(msg)}
	}
	return errors.New(msg)
}

// itemError fills l's error from a batch item's.
func itemError(l *checkLine, err error, code int) {
	if code == 0 {
		if te, ok := errors.AsType[*timrest.Error](err); ok {
			code = te.Code
		}
	}
	l.ResultCode, l.Error = code, err.Error()
	if ve, ok := errors.AsType[*timrest.ValidationError](err); ok {
		l.Error = "invalid: " + ve.Error()
	}
}

// pairChecks groups rows (From_Account, To_Account) by From_Account, in
// order; index maps each row to its request and item.
func pairChecks(rows []*idRow) (froms []string, tos map[string][]string) {
	tos = map[string][]string{}
	for _, r := range rows {
		if _, ok := tos[r.ids[0]]; !ok {
			froms = append(froms, r.ids[0])
		}
		tos[r.ids[0]] = append(tos[r.ids[0]], r.ids[1])
	}
	return froms, tos
}

// pairLines turns the items of a batch over pairChecks' requests into
// one line per row. relation returns an item's relation and whether it
// counts as ok.
func pairLines[R any](rows []*idRow, froms []string, res *timrest.BatchResult[R], err error, relation func(*R) (string, bool)) []checkLine {
	type key struct{ from, to string }
	byPair := map[key]*timrest.BatchItem[R]{}
	if res != nil {
		for i := range res.Items {
			it := &res.Items[i]
			byPair[key{froms[it.Request], it.Key}] = it
		}
	}
	out := make([]checkLine, len(rows))
	for i, r := range rows {
		l := checkLine{Line: r.line, From: r.ids[0], To: r.ids[1]}
		it := byPair[key{r.ids[0], r.ids[1]}]
		switch {
		case it == nil && err != nil:
			itemError(&l, err, 0)
		case it == nil:
			l.Error = "no answer for the pair"
		case it.Err != nil:
			itemError(&l, it.Err, it.Code)
		default:
			l.Relation, l.OK = relation(it.Result)
		}
		out[i] = l
	}
	return out
}

// newFriendsCheckCmd returns "friends check" (v4/sns/friend_check).
func newFriendsCheckCmd(a *app) *cobra.Command {
	var (
		file, from, format string
		both               bool
	)
	cmd := &cobra.Command{
		Use:   "check --file F [--from U] [--both] [--format csv|jsonl]",
		Short: "Check whether the pairs of a friends file are friends (v4/sns/friend_check)",
		Long: `Check, for each line of a friends file (the format of "friends import"; only
From_Account and To_Account are used, the other columns are ignored), whether
To_Account is in From_Account's friend list. The default check type is
CheckResult_Type_Single (From_Account's list only: AWithB or NoRelation);
--both asks CheckResult_Type_Both (BothWay, AWithB, BWithA or NoRelation). A
pair is ok when From_Account has To_Account (AWithB or BothWay).

Output: one line per pair, in input order, as the pairs are checked (1000 at a
time): in json output one JSON object a line {"line", "From_Account",
"To_Account", "Relation", "ok", "ResultCode", "error"}; in table output a row.

Exit status: 0 when every pair is ok; 1 when some pair is not friends or
could not be checked; 2 on a bad command line or input (a bad header, an
invalid line).`,
		Example: `  timrest friends check --file friends.csv -o table
  timrest friends check --file pairs.jsonl --both`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ct := api.FriendCheckTypeSingle
			if both {
				ct = api.FriendCheckTypeBoth
			}
			k := &checkKind{schema: friendsIDSchema, what: "pairs", okText: "are friends",
				check: func(ctx context.Context, c *timrest.Client, rows []*idRow) ([]checkLine, error) {
					froms, tos := pairChecks(rows)
					reqs := make([]api.CheckFriendsRequest, len(froms))
					for i, f := range froms {
						reqs[i] = api.CheckFriendsRequest{FromAccount: f, ToAccount: tos[f], CheckType: ct}
					}
					res, err := c.Friends.Check(ctx, reqs)
					return pairLines(rows, froms, res, err, func(r *api.FriendCheckResult) (string, bool) {
						return string(r.Relation), r.Relation == api.FriendRelationAWithB || r.Relation == api.FriendRelationBothWay
					}), err
				}}
			return runIDCheck(a, cmd, k, file, from, format)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&file, "file", "", `the friends file ("-": stdin) (required)`)
	fs.StringVar(&from, "from", "", "the From_Account of records that name none")
	fs.StringVar(&format, "format", "auto", "input format: auto, csv or jsonl")
	fs.BoolVar(&both, "both", false, "check both lists (CheckResult_Type_Both)")
	return cmd
}

// newBlocklistCheckCmd returns "blocklist check" (v4/sns/black_list_check).
func newBlocklistCheckCmd(a *app) *cobra.Command {
	var (
		file, from, format string
		both               bool
	)
	cmd := &cobra.Command{
		Use:   "check --file F [--from U] [--both] [--format csv|jsonl]",
		Short: "Check whether the pairs of a blocklist file are blocked (v4/sns/black_list_check)",
		Long: `Check, for each line of a blocklist file (CSV From_Account,To_Account or JSON
Lines {"From_Account","To_Account"}), whether To_Account is on From_Account's
blocklist. The default check type is BlackCheckResult_Type_Single
(From_Account's blocklist only: AWithB or NO); --both asks
BlackCheckResult_Type_Both (BothWay, AWithB, BWithA or NO). A pair is ok
when From_Account blocks To_Account (AWithB or BothWay).

Output: one line per pair, in input order (1000 at a time): in json output one
JSON object a line {"line", "From_Account", "To_Account", "Relation", "ok",
"ResultCode", "error"}; in table output a row.

Exit status: 0 when every pair is blocked; 1 when some is not or could not be
checked; 2 on a bad command line or input.`,
		Example:               `  timrest blocklist check --file blocklist.csv -o table`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ct := api.BlockCheckTypeSingle
			if both {
				ct = api.BlockCheckTypeBoth
			}
			k := &checkKind{schema: blocklistIDSchema, what: "pairs", okText: "are blocked",
				check: func(ctx context.Context, c *timrest.Client, rows []*idRow) ([]checkLine, error) {
					froms, tos := pairChecks(rows)
					reqs := make([]api.CheckBlockedRequest, len(froms))
					for i, f := range froms {
						reqs[i] = api.CheckBlockedRequest{FromAccount: f, ToAccount: tos[f], CheckType: ct}
					}
					res, err := c.Friends.CheckBlocked(ctx, reqs)
					return pairLines(rows, froms, res, err, func(r *api.BlockCheckResult) (string, bool) {
						return string(r.Relation), r.Relation == api.BlockRelationAWithB || r.Relation == api.BlockRelationBothWay
					}), err
				}}
			return runIDCheck(a, cmd, k, file, from, format)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&file, "file", "", `the blocklist file ("-": stdin) (required)`)
	fs.StringVar(&from, "from", "", "the From_Account of records that name none")
	fs.StringVar(&format, "format", "auto", "input format: auto, csv or jsonl")
	fs.BoolVar(&both, "both", false, "check both blocklists (BlackCheckResult_Type_Both)")
	return cmd
}

// runIDCheck runs a check command over the file path.
func runIDCheck(a *app, cmd *cobra.Command, k *checkKind, path, from, format string) error {
	if path == "" {
		return usageErrorf(`missing --file: the file to check ("-" for stdin)`)
	}
	flagFormat, err := parseFileFormat(format)
	if err != nil {
		return err
	}
	in, _, closeIn, err := a.openInput(path, "--file")
	if err != nil {
		return err
	}
	defer closeIn()
	var ir *idReader
	if err := untilDone(cmd.Context(), func() error {
		var err error
		ir, err = newIDReader(k.schema, flagFormat, path, in, from)
		return err
	}); err != nil {
		return err
	}
	return runCheck(a, cmd, k, ir.next)
}

// accountsCheckKind checks accounts (account_check).
var accountsCheckKind = &checkKind{schema: accountsIDSchema, what: "accounts", okText: "are imported",
	check: func(ctx context.Context, c *timrest.Client, rows []*idRow) ([]checkLine, error) {
		items := make([]api.CheckAccountItem, len(rows))
		for i, r := range rows {
			items[i] = api.CheckAccountItem{UserID: r.ids[0]}
		}
		res, err := c.Accounts.Check(ctx, []api.CheckAccountsRequest{{CheckItem: items}})
		out := make([]checkLine, len(rows))
		for i, r := range rows {
			l := checkLine{Line: r.line, UserID: r.ids[0]}
			switch {
			case res == nil:
				itemError(&l, err, 0)
			case res.Items[i].Err != nil:
				itemError(&l, res.Items[i].Err, res.Items[i].Code)
			case res.Items[i].Result == nil || res.Items[i].Result.AccountStatus == nil:
				l.Error = "no AccountStatus in the answer"
			default:
				l.AccountStatus = string(*res.Items[i].Result.AccountStatus)
				l.OK = *res.Items[i].Result.AccountStatus == api.AccountStatusImported
			}
			out[i] = l
		}
		return out, err
	}}

// newAccountsCheckCmd returns "accounts check" (v4/im_open_login_svc/account_check).
func newAccountsCheckCmd(a *app) *cobra.Command {
	var file, accounts, format string
	cmd := &cobra.Command{
		Use:   "check --file F | --accounts F [--format csv|jsonl]",
		Short: "Check which accounts are imported (v4/im_open_login_svc/account_check)",
		Long: `Check, for each account, whether it has been imported: the accounts of --file
(an accounts file: CSV with a UserID column, or JSON Lines {"UserID", ...};
Nick and FaceUrl are ignored) or of --accounts (one UserID a line). They are
checked 1000 at a time, in requests of 100.

Output: one line per account, in input order: in json output one JSON object
a line {"line", "UserID", "AccountStatus", "ok", "ResultCode", "error"}; in
table output a row.

Exit status: 0 when every account is imported; 1 when some is not or could
not be checked; 2 on a bad command line or input.`,
		Example: `  timrest accounts check --file accounts.csv -o table
  timrest accounts check --accounts users.txt`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case file == "" && accounts == "":
				return usageErrorf("missing --file or --accounts: the accounts to check")
			case file != "" && accounts != "":
				return usageErrorf("--file and --accounts: give one")
			case file != "":
				return runIDCheck(a, cmd, accountsCheckKind, file, "", format)
			}
			list, _, err := a.openAccounts(accounts)
			if err != nil {
				return err
			}
			defer list.close()
			return runCheck(a, cmd, accountsCheckKind, func() (*idRow, error) {
				id, line, err := list.next()
				if err != nil {
					return nil, err
				}
				return &idRow{line: line, ids: []string{id}}, nil
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&file, "file", "", `an accounts file, CSV or JSON Lines ("-": stdin)`)
	fs.StringVar(&accounts, "accounts", "", `a list of accounts, one UserID a line ("-": stdin)`)
	fs.StringVar(&format, "format", "auto", "--file format: auto, csv or jsonl")
	return cmd
}
