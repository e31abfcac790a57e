package main

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// This file is "accounts delete": the accounts format (only UserID is
// used) sent through account_delete, which is not idempotent.

// codeAccountGone is account_delete's ResultCode for an account that does
// not exist: never imported, or deleted already (the document's 70107,
// class not_found). For a record that an earlier run sent without
// recording the answer, it means that the earlier send most likely
// deleted it.
const codeAccountGone = 70107

// accountsDeleteKind is "accounts delete": v4/im_open_login_svc/
// account_delete with DeleteItem, 100 accounts a request
// (spec.DeleteAccounts' batch max), not idempotent. It reads and writes
// the accounts format as "accounts import" does: Nick and FaceUrl are
// not sent, and go to --failures as they were.
func accountsDeleteKind() *writeKind[*accountRecord] {
	k := accountsImportKind()
	k.command = "accounts delete"
	k.done = "deleted"
	k.batchMax = spec.DeleteAccounts.Batch.Max
	k.idempotent = spec.DeleteAccounts.Idempotent
	k.alreadyDone = func(code int) bool { return code == codeAccountGone }
	k.send = func(ctx context.Context, c *timrest.Client, recs []*accountRecord) ([]sentItem, error) {
		req := api.DeleteAccountsRequest{DeleteItem: make([]api.DeleteAccountItem, len(recs))}
		for i, r := range recs {
			req.DeleteItem[i] = api.DeleteAccountItem{UserID: r.item.UserID}
		}
		return batchItems(c.Accounts.Delete(ctx, []api.DeleteAccountsRequest{req}))
	}
	return k
}

// accountsDeleteHelp is the help of "accounts delete".
var accountsDeleteHelp = `Delete the accounts of --file ("-": stdin), read as a stream, through
account_delete, ` + strconv.Itoa(spec.DeleteAccounts.Batch.Max) + ` accounts a request (the document's limit), at most
` + strconv.FormatFloat(spec.DeleteAccounts.Rate, 'f', -1, 64) + ` requests a second (the document's rate, which the client keeps).

DELETING IS IRREVERSIBLE. An account is deleted with all its data: its
friends, profile, groups and conversations. Nothing can be recovered. And the
service may refuse to import a deleted UserID again: by the document, only
the trial editions can import it again at once; on other editions a deleted
UserID cannot be imported again for 3 months. Editions other than the trial
ones must first enable deletion in the console. So the command does nothing
without --yes (a usage error, exit status 2); it asks no question, since
stdin may be the input. --dry-run checks the file and needs no --yes.

The file is in the accounts format of "accounts import" (see its help): CSV
with a header row and a UserID column (Nick and FaceUrl columns are allowed
and ignored), or JSON Lines {"UserID":"u1"}. Only UserID is used; the other
fields go to --failures as they were.

Every account gets its own outcome: deleted, or failed with its ResultCode.
An account that does not exist (never imported, or deleted already) fails
with 70107. A UserID given twice is deleted once: a second record in the same
request shares the first one's outcome; one in a later request finds no
account and fails with 70107.

account_delete is not idempotent (deleting again answers 70107), so the
client never sends a request again after an ambiguous failure (a timeout, a
connection lost after sending): its records are reported failed (code 0) and
the service may or may not have deleted them. With --journal, the lines of
every request are recorded (and synced to disk) before it is sent. A run
resumed with the journal after a crash, or after such an ambiguous failure,
sends those records again when their outcome was not recorded. When the
service then answers 70107 for one of them, the earlier send most likely
deleted it: the record is counted as deleted and, to tell it from a plain
success, as ambiguous ("ambiguous" in the summary, "ambiguous_records" lists
the first 20 by line, and a line on stderr); it is not written to --failures.
A record that was not in flight before and gets 70107 is a failure as usual.
Records settled in the journal are never sent again.

Output, --failures, --dry-run, Ctrl-C and the exit status are those of
"friends import" (see its help): the JSON summary calls the deleted records
"imported".`

// newAccountsDeleteCmd returns "accounts delete".
func newAccountsDeleteCmd(a *app) *cobra.Command {
	var (
		yes   bool
		flags *pflag.FlagSet
	)
	return newWriteCmd(a, writeCmd[*accountRecord]{
		use:   "delete --file F --yes [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Delete accounts, irreversibly, from a CSV or JSON Lines file (v4/im_open_login_svc/account_delete)",
		long:  accountsDeleteHelp,
		example: `  timrest accounts delete --file leavers.csv --dry-run
  timrest accounts delete --file leavers.csv --yes --failures failed.csv --journal delete.journal`,
		flags: func(fs *pflag.FlagSet) {
			flags = fs
			fs.BoolVar(&yes, "yes", false, "confirm that the accounts are to be deleted, irreversibly (required unless --dry-run)")
		},
		kind: func() (*writeKind[*accountRecord], error) {
			// Checked before anything is read or sent (confirm would come
			// after the input's header, and after hashing it for --journal).
			if dry, err := flags.GetBool("dry-run"); !yes && (err != nil || !dry) {
				return nil, usageErrorf("accounts delete deletes accounts with all their data, irreversibly: pass --yes to go ahead (or --dry-run to check the file)")
			}
			return accountsDeleteKind(), nil
		},
	})
}
