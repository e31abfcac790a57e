package timrest

import (
	"context"
	"fmt"
	"net/http"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// ImportResult is the outcome of [Client.ImportFriends]: one
// ImportItemResult per AddFriendItem of the requests, in order.
type ImportResult struct {
	// Items has one entry per AddFriendItem of the call, in the order of
	// the requests and of their items.
	Items []ImportItemResult
	// FailAccount maps each From_Account to the Fail_Account lists of its
	// answers, concatenated in the order they were sent. An account with
	// no failed item has no entry.
	FailAccount map[string][]string
}

// ImportItemResult is the outcome of one AddFriendItem.
type ImportItemResult struct {
	// Request is the index of the item's request among the call's
	// requests, and Index its index in that request's AddFriendItem.
	Request, Index int
	// From and To are the request's From_Account and the item's
	// To_Account.
	From, To string
	// Code is the item's ResultCode, when the service answered for it.
	Code int
	// Info is the item's ResultInfo, when the service answered for it.
	Info string
	// Err is nil when the friend was imported. Otherwise it is an [*Error]
	// (the item's ResultCode, or the error of its request when that
	// failed as a whole), a [*ValidationError] for an item the client
	// refused to send, [ErrMissingResult] when the answer said nothing
	// about the item, or an error wrapping [ErrNotSent] for an item never
	// sent (the context ended, or an earlier request failed in a way every
	// request would).
	Err error
}

// OK reports whether the friend was imported.
func (r ImportItemResult) OK() bool { return r.Err == nil }

// Failed returns the failed entries of r.Items.
func (r *ImportResult) Failed() []ImportItemResult {
	var out []ImportItemResult
	for _, it := range r.Items {
		if it.Err != nil {
			out = append(out, it)
		}
	}
	return out
}

// Imported returns how many items were imported.
func (r *ImportResult) Imported() int {
	n := 0
	for _, it := range r.Items {
		if it.Err == nil {
			n++
		}
	}
	return n
}

// ImportFriends imports the friends of each request's From_Account. Any
// number of requests and items may be given:
//
//   - each From_Account's items (from all the requests that name it) are
//     sent in requests of at most 1000 (the document's x-tim-batch-limit),
//     one after another, in input order, since concurrent writes for one
//     account fail with 30008;
//   - different From_Accounts are imported in parallel, up to the
//     client's concurrency ([WithConcurrency]).
//
// The result accounts for every item exactly once, in input order. A
// partial failure (items the service refused, items the client did not
// send) is a result, not an error. The error is a [*ValidationError] (and
// the result nil) when a From_Account is invalid; otherwise it is nil
// unless some request failed as a whole (retries ran out, a UserSig or
// permission error, the context ended), in which case it wraps the first
// such failure and the result is still complete. Requests that were not
// sent because the context ended, or because an earlier one failed with a
// UserSig, permission or configuration error, fail with [ErrNotSent].
//
// Items are checked against the document before anything is sent
// (To_Account, AddSource, Remark, AddWording, GroupName, CustomItem), and
// every string must be valid UTF-8 (JSON would carry U+FFFD in place of
// a stray byte): an invalid item is not sent, so it cannot sink the other
// items of its request, and gets a [*ValidationError].
//
// Duplicates: the items of a From_Account are applied in input order, and
// a request never holds the same To_Account twice: an item whose
// To_Account is already in the request being built starts the account's
// next request. Every occurrence is sent and gets its own outcome, and the
// last item for a From_Account and To_Account is applied last: re-importing
// a friend updates it, each field an item sets replacing the stored one,
// so for each field the last item that sets it wins. How the items are
// spread over the requests given makes no difference.
//
// Importing is idempotent, so an item whose request failed (even one
// whose outcome is unknown because the context ended while it was in
// flight) can be imported again safely.
//
// Tencent IM API docs: https://www.tencentcloud.com/document/product/1047/34903
//
//meta:operation POST /v4/sns/friend_import
func (c *Client) ImportFriends(ctx context.Context, reqs ...gen.ImportFriendsRequest) (*ImportResult, error) {
	const op = opImportFriends
	total := 0
	for n, req := range reqs {
		whole := req
		whole.AddFriendItem = nil // checked item by item below
		if path, reason, bad := invalidUTF8(whole); bad {
			e := utf8Invalid(op, path, reason, "", -1, "")
			e.Reason = fmt.Sprintf("(request %d) %s", n, e.Reason)
			return nil, e
		}
		if r := c.doc.userID.check(req.FromAccount); r != "" {
			return nil, invalid(op, "From_Account", -1, req.FromAccount, fmt.Sprintf("(request %d) %s", n, r))
		}
		total += len(req.AddFriendItem)
	}
	res := &ImportResult{Items: make([]ImportItemResult, 0, total), FailAccount: map[string][]string{}}

	// One job per From_Account, in order of first appearance, with its
	// requests: runs of at most size valid items, in input order, none
	// holding a To_Account twice.
	size := c.doc.importBatch
	type job struct {
		from string
		reqs [][]int         // each request's items: indexes into res.Items
		last map[string]bool // the To_Accounts of the last request
	}
	var jobs []*job
	jobOf := map[string]*job{}
	sources := map[string]bool{} // AddSource values already checked
	requests := 0
	for n := range reqs {
		req := &reqs[n]
		j := jobOf[req.FromAccount]
		if j == nil {
			j = &job{from: req.FromAccount, last: make(map[string]bool, min(size, len(req.AddFriendItem)))}
			jobOf[req.FromAccount] = j
			jobs = append(jobs, j)
		}
		for i := range req.AddFriendItem {
			it := &req.AddFriendItem[i]
			at := len(res.Items)
			res.Items = append(res.Items, ImportItemResult{Request: n, Index: i, From: req.FromAccount, To: it.ToAccount})
			if err := c.checkImportItem(i, it, sources); err != nil {
				res.Items[at].Err = err
				continue
			}
			k := len(j.reqs) - 1
			if k < 0 || len(j.reqs[k]) == size || j.last[it.ToAccount] {
				j.reqs = append(j.reqs, make([]int, 0, min(size, len(req.AddFriendItem)-i)))
				clear(j.last)
				k++
				requests++
			}
			j.reqs[k] = append(j.reqs[k], at)
			j.last[it.ToAccount] = true
		}
	}
	for _, j := range jobs {
		j.last = nil // not needed any more
	}

	run := &batchRun{op: op, requests: requests}
	fails := make([][]string, len(jobs))
	parallel(len(jobs), c.concurrency, func(n int) {
		j := jobs[n]
		for _, idx := range j.reqs {
			fail := func(err error) {
				run.fail(err)
				for _, i := range idx {
					res.Items[i].Err = err
				}
			}
			if err := run.stopErr(ctx); err != nil {
				fail(err)
				continue
			}
			chunk := gen.ImportFriendsRequest{FromAccount: j.from, AddFriendItem: sendItems(reqs, res.Items, idx)}
			a, err := call(ctx, c, op, func(ctx context.Context) (*http.Response, error) {
				return c.raw.ImportFriends(ctx, chunk)
			}, func(a *gen.ImportFriendsResponse) base {
				return base{a.ActionStatus, a.ErrorCode, a.ErrorInfo, a.ErrorDisplay}
			})
			if err != nil {
				fail(err)
				continue
			}
			fails[n] = append(fails[n], a.FailAccount...)
			results := matchResults(a.ResultItem, len(chunk.AddFriendItem),
				func(k int) string { return chunk.AddFriendItem[k].ToAccount },
				func(r *gen.ImportResult) string { return r.ToAccount })
			for k, i := range idx {
				it := &res.Items[i]
				r := results(k)
				if r == nil {
					it.Err = fmt.Errorf("%w (From_Account %q, To_Account %q)", ErrMissingResult, it.From, it.To)
					continue
				}
				it.Code, it.Info = int(r.ResultCode), deref(r.ResultInfo)
				if r.ResultCode != 0 {
					it.Err = c.answerErr(op, it.To, r.ResultCode, it.Info, "")
				}
			}
		}
	})
	for n, j := range jobs {
		if len(fails[n]) > 0 {
			res.FailAccount[j.from] = fails[n]
		}
	}
	return res, run.err()
}

// sendItems returns the input items of res[idx] for one request: a slice
// of the caller's request when they are a run of one request's items (the
// common case: nothing to copy), else a copy.
func sendItems(reqs []gen.ImportFriendsRequest, res []ImportItemResult, idx []int) []gen.AddFriendItem {
	first, last := res[idx[0]], res[idx[len(idx)-1]]
	if first.Request == last.Request && last.Index-first.Index == len(idx)-1 && idx[len(idx)-1]-idx[0] == len(idx)-1 {
		return reqs[first.Request].AddFriendItem[first.Index : last.Index+1 : last.Index+1]
	}
	out := make([]gen.AddFriendItem, len(idx))
	for k, i := range idx {
		out[k] = reqs[res[i].Request].AddFriendItem[res[i].Index]
	}
	return out
}

// matchResults returns a function that gives the result for the k-th of n
// accounts sent (sentTo(k)), or nil when the answer has none. The service
// answers in request order; when it does not, results are matched by
// account (resTo), the first result for an account winning.
func matchResults[R any](results []R, n int, sentTo func(k int) string, resTo func(*R) string) func(k int) *R {
	inOrder := len(results) == n
	for k := 0; inOrder && k < n; k++ {
		inOrder = resTo(&results[k]) == sentTo(k)
	}
	if inOrder {
		return func(k int) *R { return &results[k] }
	}
	by := make(map[string]*R, len(results))
	for k := range results {
		if _, dup := by[resTo(&results[k])]; !dup {
			by[resTo(&results[k])] = &results[k]
		}
	}
	return func(k int) *R { return by[sentTo(k)] }
}

// checkImportItem checks an AddFriendItem against the document's schema.
// sources caches the AddSource values already found valid.
func (c *Client) checkImportItem(i int, it *gen.AddFriendItem, sources map[string]bool) error {
	const op = opImportFriends
	d := c.doc
	bad := func(field, reason string) error {
		return invalid(op, "AddFriendItem."+field, i, it.ToAccount, reason)
	}
	if path, reason, ok := invalidUTF8(it); ok {
		return utf8Invalid(op, path, reason, "AddFriendItem", i, it.ToAccount)
	}
	if r := d.userID.check(it.ToAccount); r != "" {
		return bad("To_Account", r)
	}
	if !sources[it.AddSource] {
		if r := d.addSource.check(it.AddSource); r != "" {
			return bad("AddSource", r)
		}
		sources[it.AddSource] = true
	}
	if it.Remark != nil {
		if r := d.remark.check(*it.Remark); r != "" {
			return bad("Remark", r)
		}
	}
	if it.AddWording != nil {
		if r := d.addWording.check(*it.AddWording); r != "" {
			return bad("AddWording", r)
		}
	}
	if d.maxLists >= 0 && len(it.GroupName) > d.maxLists {
		return bad("GroupName", fmt.Sprintf("has %d lists, want at most %d", len(it.GroupName), d.maxLists))
	}
	for k, name := range it.GroupName {
		if r := d.listName.check(name); r != "" {
			return bad("GroupName", fmt.Sprintf("list %d %s", k, r))
		}
	}
	for k, ci := range it.CustomItem {
		if r := d.customTag.check(ci.Tag); r != "" {
			return bad("CustomItem", fmt.Sprintf("item %d: Tag %s", k, r))
		}
		if kind := ci.Value.Kind(); kind != tag.KindString && kind != tag.KindInt {
			return bad("CustomItem", fmt.Sprintf("item %d (%s): Value is %s, want a string or an integer", k, ci.Tag, kind))
		}
	}
	return nil
}
