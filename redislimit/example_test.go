package redislimit_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/redislimit"
)

// Every process of the app makes its client with a limiter on the same
// Redis: together they keep the app's budget.
func ExampleNewFromURL() {
	lim, err := redislimit.NewFromURL("redis://redis.internal:6379/0", 1400000000,
		redislimit.WithLogger(slog.Default()))
	if err != nil {
		log.Fatal(err)
	}
	defer lim.Close()
	c, err := timrest.New(timrest.Config{
		SDKAppID:  1400000000,
		SecretKey: os.Getenv("TIM_SECRET_KEY"),
		BaseURL:   "https://adminapisgp.im.qcloud.com",
	}, timrest.WithRateLimiter(lim))
	if err != nil {
		log.Fatal(err)
	}
	_ = c
}

// A program that has a Redis client already shares it with the limiter.
// Here, half of the app's budget for this program's processes, and an
// error rather than a local limit when Redis is unreachable.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
	defer rdb.Close()
	lim, err := redislimit.New(rdb, 1400000000, redislimit.WithShare(0.5), redislimit.WithStrict())
	if err != nil {
		log.Fatal(err)
	}
	if err := lim.Wait(context.Background(), "ImportFriends"); err != nil {
		log.Fatal(err)
	}
	r, _ := lim.Rate("ImportFriends")
	fmt.Printf("ImportFriends: %v calls/s\n", r)
	// Output: ImportFriends: 100 calls/s
}
