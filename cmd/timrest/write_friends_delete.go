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

// friend_delete's ResultCodes for an item whose To_Account is not a
// friend of From_Account: 31704, the operation's own code for exactly
// that, and 30001, which the document also gives for it ("Incorrect
// request parameter, or (per item) To_Account is not a friend": the
// client checks the parameters before sending).
const (
	codeDeleteNotFriend    = 31704
	codeDeleteNotFriendOld = 30001
)

// friendsDeleteKind is "friends delete": v4/sns/friend_delete, 1000
// accounts a request, not idempotent. deleteType is the request's
// DeleteType (nil: not sent, the service's Delete_Type_Single).
func friendsDeleteKind(deleteType *api.DeleteType) *writeKind[*record] {
	k := friendsKind("friends delete", "deleted", spec.DeleteFriends.Batch.Max)
	k.idempotent = spec.DeleteFriends.Idempotent
	if deleteType != nil {
		k.options = "DeleteType=" + string(*deleteType)
	}
	k.alreadyDone = func(code int) bool { return code == codeDeleteNotFriend || code == codeDeleteNotFriendOld }
	k.newReader = looseFriendsReader
	k.newFailures = friendsFailuresOf
	k.send = func(ctx context.Context, c *timrest.Client, recs []*record) ([]sentItem, error) {
		req := api.DeleteFriendsRequest{FromAccount: recs[0].from, DeleteType: deleteType, ToAccount: make([]api.UserID, len(recs))}
		for i, r := range recs {
			req.ToAccount[i] = r.item.ToAccount
		}
		return batchItems(c.Friends.Delete(ctx, []api.DeleteFriendsRequest{req}))
	}
	return k
}

// friendsDeleteHelp is the help of "friends delete".
var friendsDeleteHelp = `Delete friends from --file ("-": stdin), read as a stream, through
friend_delete: each record removes To_Account from From_Account's friends
(with --both, also From_Account from To_Account's friends: Delete_Type_Both;
without it Delete_Type_Single).

The file is in the format of friends import (see its help): CSV with a header
row, JSON Lines AddFriendItem objects with From_Account; a file that friends
import, friends add or friends export read or wrote will do. Only
From_Account and To_Account are used (AddSource is not required); the other
fields are ignored, but must still be valid for the format (an AddTime that
is not Unix seconds is refused by its line, as friends import refuses it).

Records are grouped by From_Account in requests of up to ` + strconv.Itoa(spec.DeleteFriends.Batch.Max) + `; one account's
requests go one after another, up to --concurrency accounts at once. An
account that is not a friend of From_Account fails its record with 31704
(or 30001). A pair repeated in one request is sent once and shares its
answer; in a later request it fails as not a friend.

friend_delete is not idempotent: deleting a friend again fails the item, so
the client never sends a request again after an ambiguous failure (a timeout,
a connection lost after sending): its records are reported failed (code 0)
and written to --failures, and the service may or may not have deleted them.

With --journal, the lines of every request are recorded (and synced to disk)
before it is sent. A run resumed with the journal after a crash, or after
such an ambiguous failure, sends those records again when their outcome was
not recorded. When the service then answers 31704 or 30001 (not a friend) for
one of them, the earlier send most likely deleted it: the record is counted
as deleted and, to tell it from a plain success, as ambiguous ("ambiguous" in
the summary, "ambiguous_records" lists the first 20 by line, and a line on
stderr); it is not a failure and is not written to --failures. A record that
was not in flight before and gets one of those codes is a failure as usual
(they were not friends before the command). Records settled in the journal
are never sent again, and the last run's summary and --failures are those of
an uninterrupted run. --both is bound to the journal: a resumed run must
give it as the first did.

Output, --failures, --dry-run, Ctrl-C and the exit status are those of
friends import (the JSON summary calls the deleted records "imported").`

// newFriendsDeleteCmd returns "friends delete".
func newFriendsDeleteCmd(a *app) *cobra.Command {
	var both bool
	return newWriteCmd(a, writeCmd[*record]{
		use:   "delete --file F [--from U] [--both] [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Delete friends listed in a CSV or JSON Lines file (v4/sns/friend_delete)",
		long:  friendsDeleteHelp,
		example: `  timrest friends delete --file gone.csv --both --failures failed.csv --journal delete.journal
  timrest friends delete --from alice --file alice.jsonl --dry-run`,
		from: true,
		flags: func(fs *pflag.FlagSet) {
			fs.BoolVar(&both, "both", false, "delete both ways (Delete_Type_Both); default: From_Account's side only (Delete_Type_Single)")
		},
		kind: func() (*writeKind[*record], error) {
			var t *api.DeleteType
			if both {
				v := api.DeleteTypeBoth
				t = &v
			}
			return friendsDeleteKind(t), nil
		},
	})
}
