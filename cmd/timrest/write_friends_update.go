package main

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// This file is "friends update" (friend_update, idempotent) and "friends
// delete" (friend_delete, not idempotent): both read the friends format
// (importfile.go), with AddSource not required.

// friendsLooseSchema is the friends format with only To_Account required
// (and From_Account unless --from): what friends update and friends
// delete read, since they do not use AddSource.
var friendsLooseSchema = func() *csvSchema {
	s := *friendsSchema
	s.required = []string{colTo}
	return &s
}()

// looseFriendsReader returns the reader of the friends format for
// friends update and friends delete (friendsLooseSchema for CSV).
func looseFriendsReader(format string, r io.Reader, o readOptions) (rowReader[*record], error) {
	lr, err := newInputLines(r, &o)
	if err != nil {
		return nil, err
	}
	if format == formatJSONL {
		return &jsonlReader{jsonlLines: jsonlLines{lines: lr}, from: o.from}, nil
	}
	t, err := newCSVTable(lr, o, friendsLooseSchema)
	if err != nil {
		return nil, err
	}
	return &csvReader{t}, nil
}

// columnsOf returns the optional columns of the CSV input rr reads, for
// --failures, through readers that wrap the friends CSV reader.
func columnsOf(rr any) []string {
	if c, ok := rr.(interface{ columns() []string }); ok {
		return c.columns()
	}
	return nil
}

// friendsFailuresOf is a friends kind's newFailures that finds the
// optional columns through wrapping readers.
func friendsFailuresOf(format string, rr rowReader[*record], w io.Writer) (failureWriter[*record], error) {
	return newFailureWriter(format, columnsOf(rr), w)
}

// updateOf returns the friend tags a friends record sets that
// friend_update can set: Remark (Tag_SNS_IM_Remark), GroupName
// (Tag_SNS_IM_Group) and custom friend tags. nil: none.
func updateOf(r *record) []api.FriendUpdateTag {
	var tags []api.FriendUpdateTag
	if r.item.Remark != nil {
		tags = append(tags, api.FriendUpdateTag{Tag: timrest.TagRemark, Value: tag.String(*r.item.Remark)})
	}
	if r.item.GroupName != nil {
		tags = append(tags, api.FriendUpdateTag{Tag: timrest.TagFriendLists, Value: tag.Strings(r.item.GroupName...)})
	}
	for _, c := range r.item.CustomItem {
		tags = append(tags, api.FriendUpdateTag{Tag: c.Tag, Value: c.Value})
	}
	return tags
}

// updateReader refuses, by line, the friends records that set nothing
// friend_update can set.
type updateReader struct{ rowReader[*record] }

func (u *updateReader) next() (*record, error) {
	r, err := u.rowReader.next()
	if err != nil {
		return r, err
	}
	if updateOf(r) == nil {
		return nil, &recordError{line: r.line, rec: r, msg: "nothing to update: friend_update sets Remark, GroupName and custom friend tags (Tag_SNS_Custom_*), and this record has none"}
	}
	return r, nil
}

func (u *updateReader) columns() []string { return columnsOf(u.rowReader) }

// friendsUpdateKind is "friends update": v4/sns/friend_update, 1000
// items a request, idempotent.
func friendsUpdateKind() *writeKind[*record] {
	k := friendsKind("friends update", "updated", spec.UpdateFriends.Batch.Max)
	k.idempotent = spec.UpdateFriends.Idempotent
	k.newReader = func(format string, r io.Reader, o readOptions) (rowReader[*record], error) {
		rr, err := looseFriendsReader(format, r, o)
		if err != nil {
			return nil, err
		}
		return &updateReader{rr}, nil
	}
	k.newFailures = friendsFailuresOf
	k.send = func(ctx context.Context, c *timrest.Client, recs []*record) ([]sentItem, error) {
		req := api.UpdateFriendsRequest{FromAccount: recs[0].from, UpdateItem: make([]api.FriendUpdateItem, len(recs))}
		for i, r := range recs {
			req.UpdateItem[i] = api.FriendUpdateItem{ToAccount: r.item.ToAccount, SNSItem: updateOf(r)}
		}
		return batchItems(c.Friends.Update(ctx, []api.UpdateFriendsRequest{req}))
	}
	return k
}

// friendsUpdateHelp is the help of "friends update".
var friendsUpdateHelp = `Update friends from --file ("-": stdin), read as a stream, through
friend_update: for each record, set on From_Account's friend To_Account the
friend fields that friend_update can set, and leave the others as they are.

The file is in the format of friends import (see its help): CSV columns
From_Account, To_Account, AddSource, Remark, GroupName (";"-separated),
AddWording, AddTime, RemarkTime and custom tags (Tag_SNS_Custom_Xxx), or JSON
Lines AddFriendItem objects with From_Account; a file that friends export
wrote will do. AddSource is not required.

friend_update sets only these fields (the document's FriendUpdateTag):

  Remark      Tag_SNS_IM_Remark (the service stamps RemarkTime)
  GroupName   Tag_SNS_IM_Group: the lists named replace the friend's lists
              (lists that do not exist are created; at most 32 lists)
  custom tags Tag_SNS_Custom_Xxx, a string or an integer

AddSource, AddWording, AddTime and RemarkTime are ignored: friend_update
cannot set them. An empty CSV cell sets nothing; in JSON Lines a field that
is present is set, so "Remark":"" clears the remark and "GroupName":[] takes
the friend out of every list. A record that sets none of the fields above is
refused by its line, as is a record whose values break the document's rules
(by field).

Records are grouped by From_Account in requests of up to ` + strconv.Itoa(spec.UpdateFriends.Batch.Max) + `; one account's
requests go one after another (concurrent writes for one account fail with
30008), up to --concurrency accounts at once. An account that is not a friend
of From_Account fails its record with 30001. When the same From_Account ->
To_Account appears more than once, the records are applied in input order
and the last one wins for the fields it sets.

Updating is idempotent: sending a record again sets the same values. With
--journal, a run resumed after a crash skips the records settled in the
journal and sends again the ones in flight, and ends with the summary and
--failures of an uninterrupted run.

Output, --failures, --dry-run, Ctrl-C and the exit status are those of
friends import (the JSON summary calls the updated records "imported").`

// newFriendsUpdateCmd returns "friends update".
func newFriendsUpdateCmd(a *app) *cobra.Command {
	return newWriteCmd(a, writeCmd[*record]{
		use:   "update --file F [--from U] [--format csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Update friends' remarks, lists and custom tags from a CSV or JSON Lines file (v4/sns/friend_update)",
		long:  friendsUpdateHelp,
		example: `  timrest friends update --file remarks.csv --failures failed.csv --journal update.journal
  timrest friends update --from alice --file alice.jsonl --dry-run`,
		from: true,
		kind: func() (*writeKind[*record], error) { return friendsUpdateKind(), nil },
	})
}
