package redislimit_test

import (
	"context"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/redislimit"
)

// The cost of one Wait, uncontended, at a rate high enough (1e9/s) that
// nothing waits: the local token bucket against one round trip to a
// redis-server on loopback (the reservation script).

const benchOp = "ImportFriends"

var benchRates = map[string]float64{benchOp: 1e9}

func BenchmarkWaitLocal(b *testing.B) {
	l, err := timrest.NewLimiter(benchRates)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if err := l.Wait(ctx, benchOp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWaitRedis(b *testing.B) {
	rdb := redisClient(b)
	l, err := redislimit.New(rdb, newApp(), redislimit.WithRates(benchRates), redislimit.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if err := l.Wait(ctx, benchOp); err != nil {
			b.Fatal(err)
		}
	}
}
