package timrest

import (
	"context"
	"fmt"
	"net/http"

	"github.com/timrest/timrest/gen"
)

// GetFriendLists returns the friend lists of req.FromAccount: every list
// with its size, and its members when NeedFriend is Need_Friend_Type_Yes
// (which only acts when GroupName is empty). A failed call is an [*Error];
// a request the client refuses to send (a From_Account that is not a
// UserID, a string that is not valid UTF-8, ...) a [*ValidationError].
//
// Tencent IM API docs: https://www.tencentcloud.com/document/product/1047/40123
//
//meta:operation POST /v4/sns/group_get
func (c *Client) GetFriendLists(ctx context.Context, req gen.GetFriendListsRequest) (*gen.GetFriendListsResponse, error) {
	if err := checkUTF8(opGetFriendLists, req); err != nil {
		return nil, err
	}
	if r := c.doc.userID.check(req.FromAccount); r != "" {
		return nil, invalid(opGetFriendLists, "From_Account", -1, req.FromAccount, r)
	}
	for i, name := range req.GroupName {
		if r := c.doc.listName.check(name); r != "" {
			return nil, invalid(opGetFriendLists, "GroupName", i, "", r)
		}
	}
	if req.NeedFriend != nil && !req.NeedFriend.Valid() {
		return nil, invalid(opGetFriendLists, "NeedFriend", -1, "", fmt.Sprintf("is %q, want %q or nil", *req.NeedFriend, gen.NeedFriendYes))
	}
	return call(ctx, c, opGetFriendLists, func(ctx context.Context) (*http.Response, error) {
		return c.raw.GetFriendLists(ctx, req)
	}, func(a *gen.GetFriendListsResponse) base {
		return base{a.ActionStatus, a.ErrorCode, a.ErrorInfo, a.ErrorDisplay}
	})
}

// GetFriendsResult is the outcome of [Client.GetFriends]: one FriendResult
// per entry of the request's To_Account, in the same order.
type GetFriendsResult struct {
	// Friends has one entry per entry of To_Account, in order, duplicates
	// included.
	Friends []FriendResult
	// FailAccount is the Fail_Account of the answers, concatenated in
	// request order: the accounts the service reported as failed.
	FailAccount []string
}

// FriendResult is the outcome for one account of a [Client.GetFriends]
// call.
type FriendResult struct {
	// Index is the account's position in the request's To_Account.
	Index int
	// Account is the To_Account.
	Account string
	// Tags are the friend's requested tags (SnsProfileItem).
	Tags Tags
	// Code is the item's ResultCode, when the service answered for it
	// (30001: not a friend).
	Code int
	// Info is the item's ResultInfo, when the service answered for it.
	Info string
	// Err is nil on success. Otherwise it is an [*Error] (the item's
	// ResultCode, or the error of its request when that failed as a
	// whole), a [*ValidationError] for an account the client refused to
	// send, [ErrMissingResult] when the answer said nothing about the
	// account, or an error wrapping [ErrNotSent].
	Err error
}

// OK reports whether the friend was returned.
func (r FriendResult) OK() bool { return r.Err == nil }

// Failed returns the failed entries of r.Friends.
func (r *GetFriendsResult) Failed() []FriendResult {
	var out []FriendResult
	for _, f := range r.Friends {
		if f.Err != nil {
			out = append(out, f)
		}
	}
	return out
}

// GetFriends returns the tags of req.TagList of each friend in
// req.ToAccount, as From_Account sees them. Any number of accounts may be
// given: they are sent in requests of at most 100 (the document's
// x-tim-batch-limit, the vendor's recommendation), up to the client's
// concurrency at once, and the answers are merged in the order of
// req.ToAccount.
//
// An empty To_Account sends nothing and returns an empty result. An
// account given more than once is asked for once; every occurrence gets
// the answer. An account that is not a valid UserID (or not valid UTF-8)
// is not sent and gets a [*ValidationError]. The result accounts for every entry of To_Account:
// a friend that could not be returned is a failed entry, not an error.
// The error is a [*ValidationError] (and the result nil) when From_Account
// or TagList is invalid (a string that is not valid UTF-8 included); otherwise it is nil unless some request failed as
// a whole (after retries, or the context ended), in which case it wraps
// the first such failure and the result is still complete.
//
// Tencent IM API docs: https://www.tencentcloud.com/document/product/1047/34910
//
//meta:operation POST /v4/sns/friend_get_list
func (c *Client) GetFriends(ctx context.Context, req gen.GetFriendsRequest) (*GetFriendsResult, error) {
	const op = opGetFriends
	whole := req
	whole.ToAccount = nil // its entries are checked one by one below
	if err := checkUTF8(op, whole); err != nil {
		return nil, err
	}
	if r := c.doc.userID.check(req.FromAccount); r != "" {
		return nil, invalid(op, "From_Account", -1, req.FromAccount, r)
	}
	if len(req.TagList) == 0 {
		return nil, invalid(op, "TagList", -1, "", "is empty; want the tags to return")
	}
	for i, t := range req.TagList {
		if r := c.doc.tagName.check(t); r != "" {
			return nil, invalid(op, "TagList", i, "", r)
		}
	}
	res := &GetFriendsResult{Friends: make([]FriendResult, len(req.ToAccount))}
	first := make(map[string]int, len(req.ToAccount)) // account → index of its first occurrence
	var unique []int                                  // indexes of the accounts to send
	var dups [][2]int                                 // {index, index of the first occurrence}
	for i, to := range req.ToAccount {
		res.Friends[i] = FriendResult{Index: i, Account: to}
		if path, reason, bad := invalidUTF8(to); bad {
			res.Friends[i].Err = utf8Invalid(op, path, reason, "To_Account", i, to)
			continue
		}
		if r := c.doc.userID.check(to); r != "" {
			res.Friends[i].Err = invalid(op, "To_Account", i, to, r)
			continue
		}
		if j, dup := first[to]; dup {
			dups = append(dups, [2]int{i, j})
			continue
		}
		first[to] = i
		unique = append(unique, i)
	}

	size := c.doc.getBatch
	chunks := (len(unique) + size - 1) / size
	run := &batchRun{op: op, requests: chunks}
	fails := make([][]string, chunks)
	parallel(chunks, c.concurrency, func(n int) {
		idx := unique[n*size : min((n+1)*size, len(unique))]
		fail := func(err error) {
			run.fail(err)
			for _, i := range idx {
				res.Friends[i].Err = err
			}
		}
		if err := run.stopErr(ctx); err != nil {
			fail(err)
			return
		}
		chunk := gen.GetFriendsRequest{FromAccount: req.FromAccount, TagList: req.TagList, ToAccount: make([]string, len(idx))}
		for k, i := range idx {
			chunk.ToAccount[k] = req.ToAccount[i]
		}
		a, err := call(ctx, c, op, func(ctx context.Context) (*http.Response, error) {
			return c.raw.GetFriends(ctx, chunk)
		}, func(a *gen.GetFriendsResponse) base {
			return base{a.ActionStatus, a.ErrorCode, a.ErrorInfo, a.ErrorDisplay}
		})
		if err != nil {
			fail(err)
			return
		}
		fails[n] = a.FailAccount
		results := matchResults(a.InfoItem, len(chunk.ToAccount),
			func(k int) string { return chunk.ToAccount[k] },
			func(r *gen.FriendInfo) string { return r.ToAccount })
		for k, i := range idx {
			f := &res.Friends[i]
			info := results(k)
			if info == nil {
				f.Err = fmt.Errorf("%w (From_Account %q, To_Account %q)", ErrMissingResult, req.FromAccount, f.Account)
				continue
			}
			f.Tags = Tags(info.SNSProfileItem)
			f.Code, f.Info = int(info.ResultCode), deref(info.ResultInfo)
			if info.ResultCode != 0 {
				f.Err = c.answerErr(op, f.Account, info.ResultCode, f.Info, "")
			}
		}
	})
	for _, d := range dups {
		f := res.Friends[d[1]]
		f.Index = d[0]
		res.Friends[d[0]] = f
	}
	for _, fa := range fails {
		res.FailAccount = append(res.FailAccount, fa...)
	}
	return res, run.err()
}
