// Package redislimit is a [timrest.Limiter] shared through Redis: every
// process of an app that uses the same Redis (and the same SDKAppID)
// draws from one call budget per operation, the budget the service
// enforces per app rather than per process.
//
// The service allows each app 200 calls a second for most operations and 1
// a second for ListGroupIDs (the OpenAPI document's x-tim-rate-limit).
// timrest's default limiter, [timrest.OperationLimiter], keeps that rate in
// one process; ten replicas of a backend, or a migration run as four
// workers, each keep it and together overrun it, and the service answers
// 60007. With a [Limiter] from this package they share it.
//
// # How
//
// Each operation has one key in Redis, timrest:rate:{sdkappid}:{operationId}
// ([Key]), holding the state of the GCRA (generic cell rate algorithm):
// the time, on Redis's clock, from which the next call may go. A Lua script
// run atomically in Redis takes the next free slot and moves that time one
// interval on; Wait then sleeps until its slot. The burst is one: a 200/s
// operation is granted one call every 5 ms, across all processes, so that
// no window of a second ever holds more than the rate, and waiters queued
// in several processes lose no time between two slots. Fractional rates
// (0.5/s: one call every 2 s) work the same way. Each Wait is one round
// trip to Redis.
//
// # When Redis is unreachable
//
// By default the limiter falls back to a local limit per operation at a
// fraction of the rate ([WithFallback], [DefaultFallback] = 1/4): with up
// to four processes sharing the app, they stay within the budget while
// Redis is gone. It logs the fallback once, tries Redis again every
// [DefaultRetryInterval] ([WithRetryInterval]) in the background and logs
// its return; calls go on throughout. In strict mode ([WithStrict]) Wait
// returns an [*UnavailableError] instead, and the call fails. Neither
// mode blocks past the context given to Wait: each exchange with Redis is
// bounded by [WithTimeout] (default [DefaultTimeout]) and by the context,
// even for a Redis that accepts connections and never answers.
//
// # Use
//
//	lim, err := redislimit.NewFromURL("redis://redis.internal:6379/0", sdkAppID)
//	if err != nil { ... }
//	defer lim.Close()
//	c, err := timrest.New(cfg, timrest.WithRateLimiter(lim))
//
// or [New] with a *redis.Client (any redis.UniversalClient) the program
// already has. Configure every process of an app alike (the same rates,
// share and Redis): they share one key per operation.
//
// Package redistest starts a throwaway redis-server for tests.
package redislimit
