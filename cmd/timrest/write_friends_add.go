package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// This file is "friends add": the friends format sent through
// friend_add, which is not idempotent.

// codeAlreadyFriends is friend_add's ResultCode for an item whose
// To_Account is already a friend of From_Account (the document lists it
// under 30001, with "Incorrect request parameter": the client checks the
// parameters before sending, so an item that reaches the service and gets
// 30001 is one that is a friend already).
const codeAlreadyFriends = 30001

// friendAddOf turns a friends record into a FriendAddItem, or says which
// of its fields friend_add cannot carry ("" when none): friend_add takes
// one list name, and no custom tags.
func friendAddOf(r *record) (api.FriendAddItem, string) {
	it := api.FriendAddItem{ToAccount: r.item.ToAccount, AddSource: r.item.AddSource, Remark: r.item.Remark, AddWording: r.item.AddWording}
	switch {
	case len(r.item.GroupName) > 1:
		return it, fmt.Sprintf("GroupName: friend_add puts a friend in one list, this record names %d (use friends import)", len(r.item.GroupName))
	case len(r.item.CustomItem) > 0:
		return it, fmt.Sprintf("%s: friend_add cannot set custom friend tags (use friends import, or friends update after)", r.item.CustomItem[0].Tag)
	}
	if len(r.item.GroupName) == 1 {
		g := r.item.GroupName[0]
		it.GroupName = &g
	}
	return it, ""
}

// friendsAddKind is "friends add": v4/sns/friend_add, 1000 items a
// request, not idempotent. addType and force are the request's AddType
// and ForceAddFlags (nil: not sent).
func friendsAddKind(addType *api.AddType, force *int32) *writeKind[*record] {
	k := friendsKind("friends add", "added", spec.AddFriends.Batch.Max)
	k.idempotent = false
	opts := ""
	if addType != nil {
		opts += "AddType=" + string(*addType)
	}
	if force != nil {
		if opts != "" {
			opts += ","
		}
		opts += "ForceAddFlags=" + strconv.Itoa(int(*force))
	}
	k.options = opts
	k.alreadyDone = func(code int) bool { return code == codeAlreadyFriends }
	read := k.newReader
	k.newReader = func(format string, r io.Reader, o readOptions) (rowReader[*record], error) {
		rr, err := read(format, r, o)
		if err != nil {
			return nil, err
		}
		return &addReader{rr}, nil
	}
	k.send = func(ctx context.Context, c *timrest.Client, recs []*record) ([]sentItem, error) {
		req := api.AddFriendsRequest{FromAccount: recs[0].from, AddType: addType, ForceAddFlags: force, AddFriendItem: make([]api.FriendAddItem, len(recs))}
		for i, r := range recs {
			req.AddFriendItem[i], _ = friendAddOf(r)
		}
		return batchItems(c.Friends.Add(ctx, []api.AddFriendsRequest{req}))
	}
	return k
}

// addReader refuses, by line and field, the records of the friends
// format that friend_add cannot carry whole.
type addReader struct{ rowReader[*record] }

func (a *addReader) columns() []string { return columnsOf(a.rowReader) }

func (a *addReader) next() (*record, error) {
	r, err := a.rowReader.next()
	if err != nil {
		return r, err
	}
	if _, why := friendAddOf(r); why != "" {
		return nil, &recordError{line: r.line, rec: r, msg: why}
	}
	return r, nil
}

// friendsAddHelp is the help of "friends add".
const friendsAddHelp = `Add friends from --file ("-": stdin), read as a stream, through friend_add:
unlike friends import, the service applies its rules (the friend-request
settings of To_Account unless --force, blocklists, limits) and stamps the
time of the add.

The file is in the format of friends import (see its help): CSV columns
From_Account, To_Account, AddSource, Remark, GroupName, AddWording, AddTime,
RemarkTime and custom tags, or JSON Lines AddFriendItem objects. friend_add
takes one list name (GroupName) and no custom tags: a record with more lists
or with custom tags is refused by its line (use friends import, which
carries every field). AddTime and RemarkTime are ignored: the service sets
them to the time of the add.

--add-type both (the default of the service: Add_Type_Both) adds the
friendship both ways, single (Add_Type_Single) one way. --force sends
ForceAddFlags 1, an admin force-add that skips To_Account's friend-request
setting (without it, an account that needs approval answers 30539: the
request is pending and no friend is added).

friend_add is not idempotent: adding an existing friend fails the item with
30001, so the client never sends a request again after an ambiguous failure
(a timeout, a connection lost after sending): its records are reported
failed (code 0, failed_by_code "error" or "http_502") and written to
--failures, and the service may or may not have added them.

With --journal, the lines of every request are recorded (and synced to disk)
before it is sent. A run resumed with the journal after a crash, or after
such an ambiguous failure, sends those records again when their outcome was
not recorded. When the service then answers 30001 (already friends) for one
of them, the earlier send most likely added it: the record is counted as
added and, to tell it from a plain success, as ambiguous ("ambiguous" in the
summary, "ambiguous_records" lists the first 20 by line, and a line on
stderr); it is not a failure and is not written to --failures. A record
that was not in flight before and gets 30001 is a failure as usual (the
relation existed before the command). Records settled in the journal are
never sent again.

Output, --failures, --dry-run, Ctrl-C and the exit status are those of
friends import (the JSON summary calls the added records "imported").`

// newFriendsAddCmd returns "friends add".
func newFriendsAddCmd(a *app) *cobra.Command {
	var (
		addType string
		force   bool
	)
	return newWriteCmd(a, writeCmd[*record]{
		use:   "add --file F [--from U] [--add-type both|single] [--force] [--failures FILE] [--journal FILE] [--dry-run]",
		short: "Add friends from a CSV or JSON Lines file (v4/sns/friend_add)",
		long:  friendsAddHelp,
		example: `  timrest friends add --file friends.csv --force --failures failed.csv --journal add.journal
  timrest friends add --from alice --file alice.jsonl --add-type single --dry-run`,
		from: true,
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&addType, "add-type", "", "both (Add_Type_Both) or single (Add_Type_Single); default: the service's, both")
			fs.BoolVar(&force, "force", false, "send ForceAddFlags 1: an admin force-add, past To_Account's friend-request setting")
		},
		kind: func() (*writeKind[*record], error) {
			var t *api.AddType
			switch addType {
			case "":
			case "both", string(api.AddTypeBoth):
				v := api.AddTypeBoth
				t = &v
			case "single", string(api.AddTypeSingle):
				v := api.AddTypeSingle
				t = &v
			default:
				return nil, usageErrorf("invalid --add-type: want both or single")
			}
			var f *int32
			if force {
				one := int32(1)
				f = &one
			}
			return friendsAddKind(t, f), nil
		},
	})
}
