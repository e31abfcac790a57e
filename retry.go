package timrest

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy says how often and how patiently the client retries a call.
// A zero field takes its default.
//
// What is retried is not configurable: it comes from the OpenAPI
// document's retry advice for each code and its idempotency of each
// operation (see the package documentation, # Retries). An idempotent
// operation is also retried after a network error, a timeout or a proxy's
// 5xx; one that is not (x-tim-idempotent false: friend_add, black_list_add,
// account_delete, ...) is retried only when the attempt surely changed
// nothing: it was never sent, or the service refused it (its rate, a
// write conflict, an expired UserSig).
type RetryPolicy struct {
	// MaxAttempts is the most attempts one call makes, the first one
	// included (default 4). 1 turns retries off, the UserSig renewal
	// retry included.
	MaxAttempts int
	// BaseDelay is the backoff cap of the first retry of a transient
	// failure; it doubles for each further retry (default 200ms).
	BaseDelay time.Duration
	// MaxDelay caps the backoff of transient failures (default 5s).
	MaxDelay time.Duration
	// RateLimitedBaseDelay is the backoff cap of the first retry after the
	// service reported a rate limit (retry advice "slow": 60007, 60011,
	// 70050, HTTP 429); it doubles for each further retry (default 1s).
	RateLimitedBaseDelay time.Duration
	// RateLimitedMaxDelay caps the backoff after a rate limit (default 30s).
	RateLimitedMaxDelay time.Duration
}

// DefaultRetryPolicy is the policy of a client made without [WithRetry].
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:          4,
	BaseDelay:            200 * time.Millisecond,
	MaxDelay:             5 * time.Second,
	RateLimitedBaseDelay: time.Second,
	RateLimitedMaxDelay:  30 * time.Second,
}

func (p RetryPolicy) withDefaults() RetryPolicy { return p.over(DefaultRetryPolicy) }

// over returns p with its zero fields taken from d.
func (p RetryPolicy) over(d RetryPolicy) RetryPolicy {
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	if p.RateLimitedBaseDelay > 0 {
		d.RateLimitedBaseDelay = p.RateLimitedBaseDelay
	}
	if p.RateLimitedMaxDelay > 0 {
		d.RateLimitedMaxDelay = p.RateLimitedMaxDelay
	}
	return d
}

// capDelay returns min(max, base·2^(retry-1)) for retry ≥ 1.
func capDelay(base, max time.Duration, retry int) time.Duration {
	d := base
	for i := 1; i < retry && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// transientDelay is exponential backoff with full jitter: a uniform delay
// in [0, cap].
func (p RetryPolicy) transientDelay(retry int) time.Duration {
	c := capDelay(p.BaseDelay, p.MaxDelay, retry)
	return time.Duration(rand.Int64N(int64(c) + 1))
}

// rateLimitedDelay backs off longer: a uniform delay in [cap/2, cap], so
// that it is never short however the jitter falls.
func (p RetryPolicy) rateLimitedDelay(retry int) time.Duration {
	c := capDelay(p.RateLimitedBaseDelay, p.RateLimitedMaxDelay, retry)
	return c/2 + time.Duration(rand.Int64N(int64(c/2)+1))
}
