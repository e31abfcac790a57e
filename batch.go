package timrest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
)

// call sends one request of op with send and decodes the answer into a T,
// returning an *Error when the service reports a failure.
func call[T any](ctx context.Context, c *Client, op string, send func(context.Context) (*http.Response, error), b func(*T) base) (*T, error) {
	resp, err := send(ctx)
	if err != nil {
		return nil, c.callErr(op, err)
	}
	out := new(T)
	if err := c.decode(op, resp, out, func() base { return b(out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// batchRun runs the requests of one batch call: jobs in parallel (at most
// the client's concurrency at once), each job's requests one after
// another. It stops sending when the context ends or a request fails in
// a way every later request would too, and keeps the first failure.
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
	if r.fatal == nil && stopsBatch(err) {
		r.fatal = err
	}
}

// stopsBatch reports whether err means every later request of the batch
// would fail the same way: a UserSig that does not verify (even after a
// renewal), a missing permission or a wrong app configuration.
func stopsBatch(err error) bool {
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
	if n == 1 || limit == 1 {
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
