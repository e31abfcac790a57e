package timrest

import (
	"context"
	"fmt"
	"iter"

	"github.com/timrest/timrest/internal/spec"
)

// pageOp is how the generic pager reaches into the generated types of one
// paged operation (operations.gen.go writes one per operation with
// x-tim-paging).
type pageOp[Req, Ans, Item any] struct {
	op     *spec.Operation
	check  func(*Req) *spec.Problem // the request
	owner  func(*Req) string        // its From_Account, for its own problems; nil for none
	cursor func(*Req) int64         // its position
	setCur func(*Req, int64)        // sets its position (on a copy)
	next   func(*Ans) int64         // the answer's next position
	last   func(*Ans) bool          // the answer says it is the last page (nil: next is 0 on the last page)
	carry  func(from *Ans, to *Req) // copies answer fields into the next request, nil for none
	items  func(*Ans) []Item        // the page's items
	env    func(*Ans) envelope
}

// page sends one request of a paged operation and returns its answer.
func page[Req, Ans, Item any](ctx context.Context, c *Client, p *pageOp[Req, Ans, Item], req Req, opts []CallOption) (*Ans, error) {
	if err := p.checkReq(c, &req); err != nil {
		return nil, err
	}
	return call(ctx, c, p.op, &req, p.env, c.settings(opts))
}

// pages returns an iterator over every page of a paged operation, from
// req's position on: it sends req, then the same request at each next
// position the service gives (with the answer fields x-tim-paging carries
// copied in), until the last page. The request is copied, never modified.
// An error ends the iteration: it is yielded once, with a nil page. A
// service that gives a position it gave before would loop, and an offset
// (x-tim-paging offset) that does not grow would give items again: both
// are an error wrapping [ErrRepeatedCursor]. Only one page is held at a
// time.
func pages[Req, Ans, Item any](ctx context.Context, c *Client, p *pageOp[Req, Ans, Item], req Req, opts []CallOption) iter.Seq2[*Ans, error] {
	return func(yield func(*Ans, error) bool) {
		if err := p.checkReq(c, &req); err != nil {
			yield(nil, err)
			return
		}
		s := c.settings(opts)
		seen := map[int64]bool{p.cursor(&req): true}
		for {
			a, err := call(ctx, c, p.op, &req, p.env, s)
			if err != nil {
				yield(nil, err)
				return
			}
			next := p.next(a)
			lastPage := next == 0
			if p.last != nil {
				lastPage = p.last(a)
			}
			if !yield(a, nil) || lastPage {
				return
			}
			if seen[next] {
				yield(nil, fmt.Errorf("timrest: %s: %w: %d (after %d pages)", p.op.ID, ErrRepeatedCursor, next, len(seen)))
				return
			}
			if cur := p.cursor(&req); p.op.Paging.Offset && next <= cur {
				// An offset that does not grow would give items again.
				yield(nil, fmt.Errorf("timrest: %s: %w: offset %d after %d (after %d pages)", p.op.ID, ErrRepeatedCursor, next, cur, len(seen)))
				return
			}
			seen[next] = true
			p.setCur(&req, next)
			if p.carry != nil {
				p.carry(a, &req)
			}
		}
	}
}

// allItems returns an iterator over every item of every page (see pages),
// each projected by value.
func allItems[Req, Ans, Item, T any](ctx context.Context, c *Client, p *pageOp[Req, Ans, Item], req Req, value func(*Item) T, opts []CallOption) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for a, err := range pages(ctx, c, p, req, opts) {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			items := p.items(a)
			for i := range items {
				if !yield(value(&items[i]), nil) {
					return
				}
			}
		}
	}
}

// checkReq checks req against the document.
func (p *pageOp[Req, Ans, Item]) checkReq(c *Client, req *Req) error {
	from := ""
	if p.owner != nil {
		from = p.owner(req)
	}
	return checked(c, p.op.ID, p.check(req), from)
}
