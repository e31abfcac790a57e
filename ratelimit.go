package timrest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/time/rate"

	"github.com/timrest/timrest/internal/spec"
)

// Limiter decides when an attempt may be sent. The client calls Wait
// before every attempt (retries included) with the operationId of the
// call ("ImportFriends", "ListGroupIDs", ...); Wait blocks until the
// attempt may go or returns an error when ctx ends first. Implement it to
// share one budget among several processes (for example with a counter in
// Redis); it must be safe for concurrent use.
type Limiter interface {
	Wait(ctx context.Context, op string) error
}

// OperationLimiter is the default [Limiter]: one token bucket per
// operation (golang.org/x/time/rate), refilled at the operation's rate
// with a burst of one, so that attempts are spread evenly and no window
// of a second ever sees more than the rate. It limits one client (one
// process); callers in several processes share the service's budget and
// need a shared [Limiter].
type OperationLimiter struct {
	limiters map[string]*rate.Limiter
}

// NewLimiter returns an [OperationLimiter] with each operation at the call
// rate the OpenAPI document gives (x-tim-rate-limit: 200/s for the
// relationship operations, 1/s for ListGroupIDs), except those in
// overrides (operationId → calls per second), for example a lower share
// of the budget when several clients call the same app. An unknown
// operationId or a rate that is not positive is an error.
func NewLimiter(overrides map[string]float64) (*OperationLimiter, error) {
	l := &OperationLimiter{limiters: map[string]*rate.Limiter{}}
	for _, o := range spec.Operations {
		l.limiters[o.ID] = rate.NewLimiter(rate.Limit(o.Rate), 1)
	}
	for id, r := range overrides {
		if spec.ByID(id) == nil {
			var known []string
			for _, o := range spec.Operations {
				known = append(known, o.ID)
			}
			slices.Sort(known)
			return nil, &ValidationError{Op: "NewLimiter", Field: "overrides", Index: -1,
				Reason: fmt.Sprintf("unknown operation %q (want one of %s)", id, strings.Join(known, ", "))}
		}
		if !(r > 0) {
			return nil, &ValidationError{Op: "NewLimiter", Field: "overrides", Index: -1,
				Reason: fmt.Sprintf("rate of %s is %v, want a positive number of calls per second", id, r)}
		}
		l.limiters[id] = rate.NewLimiter(rate.Limit(r), 1)
	}
	return l, nil
}

// Wait blocks until an attempt of op may be sent, or returns an error when
// ctx ends first (or would end before then). An operation the limiter
// does not know is not limited.
func (l *OperationLimiter) Wait(ctx context.Context, op string) error {
	if lim, ok := l.limiters[op]; ok {
		return lim.Wait(ctx)
	}
	return nil
}

// Rate returns the calls per second the limiter allows op, and false for an
// operation it does not limit.
func (l *OperationLimiter) Rate(op string) (float64, bool) {
	lim, ok := l.limiters[op]
	if !ok {
		return 0, false
	}
	return float64(lim.Limit()), true
}
