package emulator

import (
	"maps"
	"sync"
)

// Stats counts what the emulator did, for tests. [Emulator.Stats] returns
// a copy.
type Stats struct {
	// Calls counts the calls per operationId, every call once, whatever
	// its outcome. Requests for no known operation count under "".
	Calls map[string]int
	// Codes counts, per operationId, the ErrorCode of the answers sent
	// (0 for success). Calls answered with HTTP 502 or a dropped
	// connection have no code and are not counted here.
	Codes map[string]map[int]int
	// Faults counts the injected faults by kind: "transient", "http502",
	// "drop" and "latency" (calls delayed by Faults.Latency).
	Faults map[string]int
	// RateLimited counts the calls refused for their call rate, per
	// operationId.
	RateLimited map[string]int
	// Undelivered counts, per operationId, the answers that could not be
	// written because the client had gone (it cancelled the call or
	// closed the connection). The call was carried out all the same (a
	// friend_import's changes were made): its ErrorCode is counted in
	// Codes.
	Undelivered map[string]int
	// NotStateful counts, per operationId, the calls the generic fallback
	// answered: the operation has no behaviour in the emulator, so the
	// answer was the document's first example answer, whatever the state
	// and the request (which was still authenticated and validated).
	NotStateful map[string]int
}

type statsRecorder struct {
	mu sync.Mutex
	s  Stats
}

func newStatsRecorder() *statsRecorder {
	return &statsRecorder{s: Stats{
		Calls:       map[string]int{},
		Codes:       map[string]map[int]int{},
		Faults:      map[string]int{},
		RateLimited: map[string]int{},
		Undelivered: map[string]int{},
		NotStateful: map[string]int{},
	}}
}

func (r *statsRecorder) record(c *callInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Calls[c.op]++
	if c.code >= 0 {
		m := r.s.Codes[c.op]
		if m == nil {
			m = map[int]int{}
			r.s.Codes[c.op] = m
		}
		m[int(c.code)]++
	}
	if c.fault != faultNone {
		r.s.Faults[c.fault.String()]++
	}
	if c.delayed {
		r.s.Faults["latency"]++
	}
	if c.rateLimited {
		r.s.RateLimited[c.op]++
	}
	if c.undelivered {
		r.s.Undelivered[c.op]++
	}
	if c.fallback {
		r.s.NotStateful[c.op]++
	}
}

func (r *statsRecorder) snapshot() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := Stats{
		Calls:       maps.Clone(r.s.Calls),
		Codes:       make(map[string]map[int]int, len(r.s.Codes)),
		Faults:      maps.Clone(r.s.Faults),
		RateLimited: maps.Clone(r.s.RateLimited),
		Undelivered: maps.Clone(r.s.Undelivered),
		NotStateful: maps.Clone(r.s.NotStateful),
	}
	for op, m := range r.s.Codes {
		out.Codes[op] = maps.Clone(m)
	}
	return out
}

// Stats returns a copy of the emulator's counters.
func (e *Emulator) Stats() Stats { return e.stats.snapshot() }
