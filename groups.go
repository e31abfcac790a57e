package timrest

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/timrest/timrest/gen"
)

// GroupIDsPage is one page of [Client.ListGroupIDs].
type GroupIDsPage struct {
	// GroupIDs are the page's group IDs, in the service's order.
	GroupIDs []string
	// Next is the cursor of the next page, to pass as the request's Next;
	// 0 when this is the last page. It is a 64-bit value.
	Next int64
	// TotalCount is the number of groups in the app (of the request's
	// GroupType, when given), whatever Limit and Next are.
	TotalCount int64
}

// ListGroupIDs returns one page of the app's group IDs: at most req.Limit
// (1 to 10000, default 10000) from the cursor req.Next (nil or 0 for the
// first page), of type req.GroupType when given. Pass page.Next as the
// next request's Next; 0 means there is no next page. [Client.AllGroupIDs]
// does this loop.
//
// The service allows this call once per second (x-tim-rate-limit); the
// client's limiter spaces the calls accordingly.
//
// Tencent IM API docs: https://www.tencentcloud.com/document/product/1047/34960
//
//meta:operation POST /v4/group_open_http_svc/get_appid_group_list
func (c *Client) ListGroupIDs(ctx context.Context, req gen.ListGroupIDsRequest) (*GroupIDsPage, error) {
	if err := c.checkListGroupIDs(req); err != nil {
		return nil, err
	}
	a, err := call(ctx, c, opListGroupIDs, func(ctx context.Context) (*http.Response, error) {
		return c.raw.ListGroupIDs(ctx, req)
	}, func(a *gen.ListGroupIDsResponse) base {
		return base{a.ActionStatus, a.ErrorCode, a.ErrorInfo, a.ErrorDisplay}
	})
	if err != nil {
		return nil, err
	}
	p := &GroupIDsPage{GroupIDs: make([]string, len(a.GroupIDList)), Next: deref(a.Next), TotalCount: deref(a.TotalCount)}
	for i, g := range a.GroupIDList {
		p.GroupIDs[i] = g.GroupID
	}
	return p, nil
}

func (c *Client) checkListGroupIDs(req gen.ListGroupIDsRequest) error {
	const op = opListGroupIDs
	if err := checkUTF8(op, req); err != nil {
		return err
	}
	if req.Limit != nil && (*req.Limit < c.doc.limitMin || *req.Limit > c.doc.limitMax) {
		return invalid(op, "Limit", -1, "", fmt.Sprintf("is %d, want %d to %d (or nil for %d)", *req.Limit, c.doc.limitMin, c.doc.limitMax, c.doc.limitMax))
	}
	if req.Next != nil && *req.Next < 0 {
		return invalid(op, "Next", -1, "", fmt.Sprintf("is %d, want 0 or a cursor the service returned", *req.Next))
	}
	if req.GroupType != nil && !req.GroupType.Valid() {
		return invalid(op, "GroupType", -1, "", fmt.Sprintf("%q is not a group type of the document", *req.GroupType))
	}
	return nil
}

// AllGroupIDs returns an iterator over all the app's group IDs (of
// req.GroupType, when given), fetching page after page of req.Limit
// (default 10000) as the loop goes; it starts from req.Next (nil or 0 for
// the beginning). req is copied: the caller's request is never changed.
//
// An error ends the iteration: it is yielded once, with an empty ID. If
// the service returns a cursor it returned before, the iteration ends
// with an error wrapping [ErrRepeatedCursor] instead of looping forever.
// Memory use does not grow with the number of groups: one page is held at
// a time.
//
//	for id, err := range client.AllGroupIDs(ctx, gen.ListGroupIDsRequest{}) {
//		if err != nil { return err }
//		fmt.Println(id)
//	}
//
// Tencent IM API docs: https://www.tencentcloud.com/document/product/1047/34960
//
//meta:operation POST /v4/group_open_http_svc/get_appid_group_list
func (c *Client) AllGroupIDs(ctx context.Context, req gen.ListGroupIDsRequest) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		r := req // a copy; its pointer fields are replaced, never written through
		if err := c.checkListGroupIDs(r); err != nil {
			yield("", err)
			return
		}
		var next int64
		if r.Next != nil {
			next = *r.Next
		}
		seen := map[int64]bool{next: true}
		for {
			cur := next
			r.Next = &cur
			page, err := c.ListGroupIDs(ctx, r)
			if err != nil {
				yield("", err)
				return
			}
			for _, id := range page.GroupIDs {
				if !yield(id, nil) {
					return
				}
			}
			if page.Next == 0 {
				return
			}
			if seen[page.Next] {
				yield("", fmt.Errorf("timrest: %s: %w: Next %d after the page at %d", opListGroupIDs, ErrRepeatedCursor, page.Next, cur))
				return
			}
			seen[page.Next] = true
			next = page.Next
		}
	}
}
