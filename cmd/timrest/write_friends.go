package main

import (
	"context"
	"io"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
)

// This file has the kinds of the commands that read the friends format
// (importfile.go): "friends import" here, "friends add" in
// write_friends_add.go.

// friendsKind returns a kind of friends records with what every command
// of the friends format shares: records grouped by From_Account, keyed
// by To_Account, read and written back in the friends format.
func friendsKind(command, done string, batchMax int) *writeKind[*record] {
	return &writeKind[*record]{
		command:  command,
		done:     done,
		batchMax: batchMax,
		line:     func(r *record) int { return r.line },
		account:  func(r *record) string { return r.from },
		key:      func(r *record) string { return r.item.ToAccount },
		ident: func(r *record) []idField {
			return []idField{{Name: colFrom, Value: r.from}, {Name: colTo, Value: r.item.ToAccount}}
		},
		newReader: func(format string, r io.Reader, o readOptions) (rowReader[*record], error) {
			return newRecordReader(format, r, o)
		},
		// The optional columns of the input (RemarkTime, custom tags)
		// are found through the readers that wrap the CSV reader (friends
		// add, friends update), so that --failures keeps them.
		newFailures: friendsFailuresOf,
		rowKey:      friendsRowKey,
	}
}

// friendsImportKind is "friends import": v4/sns/friend_import, 1000
// items a request, idempotent.
func friendsImportKind() *writeKind[*record] {
	k := friendsKind("friends import", "imported", batchSize)
	k.idempotent = true
	k.send = func(ctx context.Context, c *timrest.Client, recs []*record) ([]sentItem, error) {
		req := api.ImportFriendsRequest{FromAccount: recs[0].from, AddFriendItem: make([]api.AddFriendItem, len(recs))}
		for i, r := range recs {
			req.AddFriendItem[i] = r.item
		}
		return batchItems(c.Friends.Import(ctx, []api.ImportFriendsRequest{req}))
	}
	return k
}
