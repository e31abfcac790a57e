package redislimit_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"

	"github.com/timrest/timrest/internal/redistest"
)

// shared is the redis-server of the tests that do not stop theirs.
var shared *redistest.Server

func TestMain(m *testing.M) {
	logging.Disable() // go-redis's own lines on dial errors
	s, err := redistest.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: the redislimit tests run against a real redis-server: %v\n", err)
		os.Exit(1)
	}
	shared = s
	os.Setenv("REDIS_ADDR", s.Addr) // for the examples
	code := m.Run()
	s.Close()
	os.Exit(code)
}

// nextApp gives each test an SDKAppID, hence keys, of its own.
var nextApp atomic.Uint64

func init() { nextApp.Store(1400000000) }

func newApp() uint64 { return nextApp.Add(1) }

// client returns a new go-redis client of addr, closed with the test.
func client(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { c.Close() })
	return c
}

// redisClient is client of the shared server.
func redisClient(t testing.TB) *redis.Client { return client(t, shared.Addr) }

// logBuffer is a concurrency-safe buffer for a slog text handler.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// count returns the lines that contain s.
func (l *logBuffer) count(s string) int {
	return strings.Count(l.String(), s)
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, nil))
}
