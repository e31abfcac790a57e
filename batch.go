package timrest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/timrest/timrest/internal/spec"
)

// BatchResult is the outcome of a batch call (a method that takes a slice
// of requests, such as [FriendsService.Import]): one BatchItem per item of
// the requests, in order, whatever happened to it. R is the type of the
// answer's per-item result (struct{} when the answer has only a list of
// failed items).
type BatchResult[R any] struct {
	// Items has one entry per item of the call: the items of the first
	// request, then those of the second, and so on.
	Items []BatchItem[R]
	// Fail maps each account (a request's From_Account, say; "" for an
	// operation whose items belong to no account) to the fail lists of
	// its answers (Fail_Account), concatenated in the order they were
	// sent. An account without failed items has no entry.
	Fail map[string][]string
}

// BatchItem is the outcome of one item of a batch call.
type BatchItem[R any] struct {
	// Request is the index of the item's request among the call's
	// requests, and Index its index in that request's array.
	Request, Index int
	// Account is the request's account field (From_Account), or "" for
	// an operation without one.
	Account string
	// Key is the item's key: its To_Account, or the item itself for an
	// array of strings.
	Key string
	// Result is the answer's result for the item, or nil when the answer
	// gave none (the item was not sent, its request failed, or the
	// operation answers with a fail list only).
	Result *R
	// Code and Info are the item's ResultCode and ResultInfo, when the
	// service answered for it.
	Code int
	Info string
	// Err is nil when the item succeeded. Otherwise it is an [*Error]
	// (the item's ResultCode, or the error of its whole request), a
	// [*ValidationError] for an item the client refused to send,
	// [ErrMissingResult] when the answer said nothing about the item, or
	// an error wrapping [ErrNotSent] for an item never sent.
	Err error
}

// OK reports whether the item succeeded.
func (i BatchItem[R]) OK() bool { return i.Err == nil }

// Failed returns the items that did not succeed.
func (r *BatchResult[R]) Failed() []BatchItem[R] {
	var out []BatchItem[R]
	for _, it := range r.Items {
		if it.Err != nil {
			out = append(out, it)
		}
	}
	return out
}

// Succeeded returns how many items succeeded.
func (r *BatchResult[R]) Succeeded() int {
	n := 0
	for _, it := range r.Items {
		if it.Err == nil {
			n++
		}
	}
	return n
}

// batchOp is how the generic batch runner reaches into the generated
// types of one operation (operations.gen.go writes one per batch
// operation from its x-tim-batch).
type batchOp[Req, Item, Ans, Res any] struct {
	op        *spec.Operation
	alike     bool                      // the request has nothing but its items (and account): requests differ only in their items
	merge     bool                      // alike, with an account: one account's requests can share a request
	items     func(*Req) []Item         // the request's items
	setItems  func(*Req, []Item)        // replaces them (on a copy)
	account   func(*Req) string         // the account, nil for none
	owner     func(*Req) string         // the request's From_Account, for its own problems; nil for none
	key       func(*Item) string        // the item's key
	checkHead func(*Req) *spec.Problem  // the request but its items
	checkItem func(*Item) *spec.Problem // one item
	env       func(*Ans) envelope       // the answer's envelope
	results   func(*Ans) []Res          // per-item results, nil for none
	resKey    func(*Res) string         // a result's key
	resCode   func(*Res) int32          // a result's code
	resInfo   func(*Res) string         // a result's message
	failList  func(*Ans) []string       // the fail list, nil for none
	errs      func(*Ans) []itemErr      // the answer's list of failed items with their codes, nil for none
}

// itemErr is an entry of an answer's list of failed items (x-tim-batch
// errors): the item's key and its code.
type itemErr struct {
	key  string
	code int32
}

// runBatch runs a batch call: it checks every request and item (an
// invalid item is not sent and fails alone), splits the items into
// requests of at most the document's limit, sends one account's requests
// one after another when the document says so (and different accounts,
// or requests of no account, in parallel up to the call's concurrency:
// fixed, or the client's in-flight limit for op when automatic),
// and accounts for every item exactly once.
//
// Repeated keys follow the document's policy (x-tim-batch duplicates):
// split sends every occurrence, a later one in a later request, so the
// last wins; share sends a key once per request and gives its result to
// every occurrence.
//
// The error is a *ValidationError (and the result nil) when a request
// itself (not an item) is invalid; otherwise nil, unless some request
// failed as a whole, when it wraps the first such failure (the result is
// still complete). After a failure that every later request would share
// (StopsBatch), nothing more is sent.
func runBatch[Req, Item, Ans, Res any](ctx context.Context, c *Client, b *batchOp[Req, Item, Ans, Res], reqs []Req, opts []CallOption) (*BatchResult[Res], error) {
	op, bt := b.op, b.op.Batch
	s := c.settings(opts)
	total := 0
	for n := range reqs {
		req := &reqs[n]
		if p := b.checkHead(req); p != nil {
			if len(reqs) > 1 {
				p.Reason = fmt.Sprintf("(request %d) %s", n, p.Reason)
			}
			from := ""
			if b.owner != nil {
				from = b.owner(req)
			}
			return nil, checked(c, op.ID, p, from)
		}
		total += len(b.items(req))
	}
	res := &BatchResult[Res]{Items: make([]BatchItem[Res], 0, total), Fail: map[string][]string{}}

	// A job is a run of requests to send one after another: one
	// account's (sequential), or one request's chunks (otherwise, each
	// chunk its own job).
	type chunk struct {
		req   int   // the request whose fields (but items) it is sent with
		items []int // indexes into res.Items
	}
	type job struct {
		account string
		chunks  []chunk
		round   int // split without sequential: the occurrence of its keys (0: first)
	}
	var jobs []*job
	jobOf := map[string]*job{}
	var shared [][2]int // {index, index of the occurrence whose outcome it gets}
	// share: the first occurrence of each key (account and key): in the
	// request, or in the call when requests differ only in their items.
	var first map[string]int
	split := bt.Duplicates == spec.DupSplit
	var inChunk map[string]bool // the keys of the chunk being built (split)
	if split {
		inChunk = make(map[string]bool, min(total, bt.Max))
	}
	// Split without sequential: requests run in parallel, so the k-th
	// occurrence of a key goes in a request of round k, and the rounds run
	// one after another: the last occurrence is applied last.
	rounds := split && !bt.Sequential
	var occ map[string]int // rounds: the occurrences of each key so far
	var cur []*job         // rounds: the job being filled for each round, in this request
	if rounds {
		occ = make(map[string]int, total)
	}
	last := 0 // the last round
	for n := range reqs {
		req := &reqs[n]
		account := ""
		if b.account != nil {
			account = b.account(req)
		}
		var j *job // the job of the current chunk
		ci := -1   // the current chunk, in j.chunks
		if bt.Sequential {
			if j = jobOf[account]; j == nil {
				j = &job{account: account}
				jobOf[account] = j
				jobs = append(jobs, j)
			}
			if lc := len(j.chunks) - 1; b.merge && lc >= 0 && len(j.chunks[lc].items) < bt.Max {
				// The request goes on in the account's last request.
				ci = lc
				if split {
					clear(inChunk)
					for _, i := range j.chunks[lc].items {
						inChunk[res.Items[i].Key] = true
					}
				}
			}
		}
		start := func() {
			if !bt.Sequential {
				j = &job{account: account}
				jobs = append(jobs, j)
			}
			j.chunks = append(j.chunks, chunk{req: n, items: make([]int, 0, min(len(b.items(req)), bt.Max))})
			ci = len(j.chunks) - 1
			clear(inChunk)
		}
		if !split && (first == nil || !b.alike) {
			first = map[string]int{}
		}
		clear(cur)
		items := b.items(req)
		for i := range items {
			it := &items[i]
			at := len(res.Items)
			key := b.key(it)
			res.Items = append(res.Items, BatchItem[Res]{Request: n, Index: i, Account: account, Key: key})
			if p := b.checkItem(it); p != nil {
				res.Items[at].Err = c.scrub(itemInvalid(op.ID, bt.Items, i, key, p))
				continue
			}
			if !split {
				k := key
				if b.alike && account != "" {
					k = account + "\x00" + key
				}
				if f, dup := first[k]; dup {
					shared = append(shared, [2]int{at, f})
					continue
				}
				first[k] = at
			}
			if rounds {
				r := occ[key]
				occ[key]++
				last = max(last, r)
				for len(cur) <= r {
					cur = append(cur, nil)
				}
				if rj := cur[r]; rj == nil || len(rj.chunks[0].items) >= bt.Max {
					cur[r] = &job{account: account, round: r, chunks: []chunk{{req: n, items: make([]int, 0, min(len(items)-i, bt.Max))}}}
					jobs = append(jobs, cur[r])
				}
				cur[r].chunks[0].items = append(cur[r].chunks[0].items, at)
				continue
			}
			if ci < 0 || len(j.chunks[ci].items) >= bt.Max || (split && inChunk[key]) {
				start()
			}
			j.chunks[ci].items = append(j.chunks[ci].items, at)
			if split {
				inChunk[key] = true
			}
		}
	}

	requests := 0
	for _, j := range jobs {
		requests += len(j.chunks)
	}
	run := &batchRun{op: op.ID, requests: requests}
	fails := make([][][]string, len(jobs)) // per job, per chunk: the answer's fail list
	runJob := func(n int) {
		j := jobs[n]
		fails[n] = make([][]string, len(j.chunks))
		for ci, ch := range j.chunks {
			if len(ch.items) == 0 {
				continue
			}
			fail := func(err error) {
				run.fail(err)
				for _, i := range ch.items {
					res.Items[i].Err = err
				}
			}
			if err := run.stopErr(ctx); err != nil {
				fail(err)
				continue
			}
			send := reqs[ch.req]
			part := b.chunkItems(reqs, res.Items, ch.items)
			b.setItems(&send, part)
			a, err := call(ctx, c, op, &send, b.env, s)
			if err != nil {
				fail(err)
				continue
			}
			if b.failList != nil {
				fails[n][ci] = b.failList(a)
			}
			b.settle(c, res, ch.items, part, a)
		}
	}
	// Round by round (one unless a split batch without sequential repeats
	// a key), each in planned order.
	order := make([]int, len(jobs))
	for n := range order {
		order[n] = n
	}
	if last > 0 {
		slices.SortStableFunc(order, func(a, b int) int { return jobs[a].round - jobs[b].round })
	}
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && jobs[order[end]].round == jobs[order[start]].round {
			end++
		}
		round := order[start:end]
		if g := c.doer.gates[op.ID]; s.concurrency == 0 && g != nil {
			parallelAuto(len(round), func() int { _, l := g.state(); return l }, func(k int) { runJob(round[k]) })
		} else {
			n := s.concurrency
			if n == 0 { // automatic, for an operation without a limit
				n = MaxAutoConcurrency
			}
			parallel(len(round), n, func(k int) { runJob(round[k]) })
		}
		start = end
	}
	for _, n := range order { // in the order the requests were sent
		for _, f := range fails[n] {
			if len(f) > 0 {
				res.Fail[jobs[n].account] = append(res.Fail[jobs[n].account], f...)
			}
		}
	}
	for _, d := range shared {
		f := res.Items[d[1]]
		f.Request, f.Index = res.Items[d[0]].Request, res.Items[d[0]].Index
		res.Items[d[0]] = f
	}
	return res, run.err()
}

// chunkItems returns the items of res[idx] for one request: a slice of
// the caller's request when they are a run of one request's items (the
// common case: nothing is copied), else a copy.
func (b *batchOp[Req, Item, Ans, Res]) chunkItems(reqs []Req, res []BatchItem[Res], idx []int) []Item {
	first, last := res[idx[0]], res[idx[len(idx)-1]]
	if first.Request == last.Request && last.Index-first.Index == len(idx)-1 && idx[len(idx)-1]-idx[0] == len(idx)-1 {
		items := b.items(&reqs[first.Request])
		return items[first.Index : last.Index+1 : last.Index+1]
	}
	out := make([]Item, len(idx))
	for k, i := range idx {
		out[k] = b.items(&reqs[res[i].Request])[res[i].Index]
	}
	return out
}

// settle gives each sent item (idx into res.Items, sent as part) its
// outcome from the answer a: an entry of its errors list (with its
// code), else its result (with its code, when results have one), else
// its place in the fail list (for an answer that has only one), else
// ErrMissingResult.
func (b *batchOp[Req, Item, Ans, Res]) settle(c *Client, res *BatchResult[Res], idx []int, part []Item, a *Ans) {
	op := b.op.ID
	var errs map[string]int32
	if b.errs != nil {
		list := b.errs(a)
		errs = make(map[string]int32, len(list))
		for _, e := range list {
			if _, dup := errs[e.key]; !dup {
				errs[e.key] = e.code
			}
		}
	}
	var match func(k int) *Res
	if b.results != nil {
		match = matchResults(b.results(a), len(part), func(k int) string { return b.key(&part[k]) }, b.resKey)
	}
	var failed map[string]bool
	if b.failList != nil {
		failed = map[string]bool{}
		for _, k := range b.failList(a) {
			failed[k] = true
		}
	}
	for k, i := range idx {
		it := &res.Items[i]
		if code, bad := errs[it.Key]; bad {
			it.Code = int(code)
			it.Err = c.answerErr(op, it.Key, code, "", "")
			if match != nil {
				it.Result = match(k)
			}
			continue
		}
		switch {
		case match != nil:
			r := match(k)
			if r == nil && failed[it.Key] { // no result, but named as failed
				it.Err = &Error{Op: op, Account: it.Key, Info: "listed as failed in the answer, without a result"}
				continue
			}
			if r == nil {
				it.Err = fmt.Errorf("%w (%s %q)", ErrMissingResult, b.op.Batch.Items, it.Key)
				continue
			}
			it.Result = r
			if b.resCode != nil {
				it.Code, it.Info = int(b.resCode(r)), b.resInfo(r)
			}
			if it.Code != 0 {
				e := c.answerErr(op, it.Key, int32(it.Code), it.Info, "")
				it.Info = e.Info // what the service sent, without any secret it echoed
				it.Err = e
			}
		case failed != nil:
			if failed[it.Key] {
				it.Err = &Error{Op: op, Account: it.Key, Info: "listed as failed in the answer"}
			}
		case errs != nil: // an errors list only: the items not in it succeeded
		default:
			it.Err = fmt.Errorf("%w (%s %q)", ErrMissingResult, b.op.Batch.Items, it.Key)
		}
	}
}

// itemInvalid is the *ValidationError of item i (key) of a request's
// array items, for the problem p.
func itemInvalid(op, items string, i int, key string, p *spec.Problem) *ValidationError {
	field := items
	if p.Field != "" {
		field += "." + p.Field
	}
	return &ValidationError{Op: op, Field: field, Index: i, Account: key, Reason: p.Reason}
}

// matchResults returns a function that gives the result for the k-th of n
// keys sent (sentKey(k)), or nil when the answer has none. The service
// answers in request order; when it does not, results are matched by key
// (resKey), the first result for a key winning.
func matchResults[R any](results []R, n int, sentKey func(k int) string, resKey func(*R) string) func(k int) *R {
	inOrder := len(results) == n
	for k := 0; inOrder && k < n; k++ {
		inOrder = resKey(&results[k]) == sentKey(k)
	}
	if inOrder {
		return func(k int) *R { return &results[k] }
	}
	by := make(map[string]*R, len(results))
	for k := range results {
		if _, dup := by[resKey(&results[k])]; !dup {
			by[resKey(&results[k])] = &results[k]
		}
	}
	return func(k int) *R { return by[sentKey(k)] }
}

// batchRun runs the requests of one batch call: jobs in parallel (at most
// the call's concurrency at once, see parallel and parallelAuto), each
// job's requests one after another.
// It stops sending when the context ends or a request fails in a way
// every later request would too, and keeps the first failure.
type batchRun struct {
	op       string
	requests int // requests planned, for the summary error

	failed atomic.Int64 // requests that failed as a whole or were not sent
	mu     sync.Mutex
	first  error // the first request-level failure, in time
	fatal  error // set: send nothing more
}

// stopErr returns the error to give the items of a request that is not
// sent, or nil when it may be sent.
func (r *batchRun) stopErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fatal != nil {
		return fmt.Errorf("%w: an earlier request of this call failed: %w", ErrNotSent, r.fatal)
	}
	return nil
}

// fail records a request that failed as a whole (or was not sent) with err.
func (r *batchRun) fail(err error) {
	r.failed.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first == nil {
		r.first = err
	}
	if r.fatal == nil && StopsBatch(err) {
		r.fatal = err
	}
}

// StopsBatch reports whether err, the error of a whole request, means
// every later request of the same kind would fail the same way: a
// UserSig that does not verify (even after a renewal), a missing
// permission or a wrong app configuration. Batch calls stop sending after
// such an error (the rest fails with [ErrNotSent]); a program that sends
// requests itself can do the same. The error of an item (an [*Error] with
// an Account) never stops a batch.
func StopsBatch(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Account != "" {
		return false
	}
	return errors.Is(e, ErrUserSig) || errors.Is(e, ErrPermission) || errors.Is(e, ErrConfig)
}

// err is the call's error: nil when every request was answered, else a
// summary wrapping the first failure.
func (r *batchRun) err() error {
	n := r.failed.Load()
	if n == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Errorf("timrest: %s: %d of %d requests failed as a whole (their items carry the error): %w", r.op, n, r.requests, r.first)
}

// parallel runs job(i) for i in [0, n) with at most limit at once.
func parallel(n, limit int, job func(i int)) {
	if n == 1 || limit <= 1 {
		for i := range n {
			job(i)
		}
		return
	}
	limit = min(limit, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range limit {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				job(i)
			}
		})
	}
	wg.Wait()
}
