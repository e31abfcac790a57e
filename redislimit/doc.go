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
// (0.5/s: one call every 2 s) work the same way, down to one call a day
// ([MaxInterval]). Each Wait is one round trip to Redis, or a few when
// many wait: Redis hands out no slot further than [MaxAhead] (250 ms, or
// one interval of a slower operation) from now, and a Wait that would get
// one further sleeps and asks again. So a key lost while calls wait (DEL,
// FLUSHDB, an eviction, a failover to a replica that had not received
// it) lets through at most about MaxAhead of the rate beyond it. A key
// whose time is far beyond that (a clock of Redis set back, a key written
// by something else) is taken for garbage and the limit starts again
// from now, rather than stall every call.
//
// # When Redis is unreachable or refuses
//
// By default the limiter falls back to a local limit per operation at a
// fraction of the rate ([WithFallback], [DefaultFallback] = 1/4): with up
// to four processes sharing the app, they stay within the budget while
// Redis is gone. It logs the fallback once, with its cause, tries Redis
// again every [DefaultRetryInterval] ([WithRetryInterval]) in the
// background with the very script a Wait runs (not PING: a Redis that
// answers PING but refuses the script stays "down"), and logs its return;
// calls go on throughout. For one retry interval after the return, by
// when every process configured alike has found Redis back, a Wait also
// keeps to the local limit: a process back first does not take the whole
// rate while the others still send their share. A Redis that answers with
// an error (a wrong password, a missing permission, a read-only replica,
// a key of another type, out of memory) is "refusing" rather than
// "unreachable" in the log, and the cause is a [*RefusedError]. In strict
// mode ([WithStrict]) Wait returns an [*UnavailableError] instead, and the
// call fails. Neither mode blocks past the context given to Wait: each
// exchange with Redis is bounded by [WithTimeout] (default
// [DefaultTimeout]) and by the context, even for a Redis that accepts
// connections and never answers.
//
// [Limiter.Check] makes one exchange at start, to tell a configuration
// mistake ([RefusedError].Config: a wrong password, a database out of
// range, a missing permission) from an outage.
//
// No error or log line holds the Redis URL's password or user name: the
// messages are fixed texts, a Redis error reply is shown only when it
// holds neither.
//
// # Use
//
//	lim, err := redislimit.NewFromURL("redis://redis.internal:6379/0", sdkAppID)
//	if err != nil { ... }
//	defer lim.Close()
//	if err := lim.Check(ctx); err != nil { ... } // optional: a wrong password at start
//	c, err := timrest.New(cfg, timrest.WithRateLimiter(lim))
//
// or [New] with a *redis.Client (any redis.UniversalClient) the program
// already has. Configure every process of an app alike (the same rates,
// share and Redis): they share one key per operation.
//
// Package redistest starts a throwaway redis-server for tests.
package redislimit
