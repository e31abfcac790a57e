package timrest_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/timrest/timrest/gen"
)

// TestNotIdempotentWithOpaqueRoundTripper: with a RoundTripper that reports
// nothing to httptrace, a not-idempotent operation that failed after it may
// have reached the service is not sent again (only a failed dial proves it
// was not sent). (Found by the issue 10 review.)
func TestNotIdempotentWithOpaqueRoundTripper(t *testing.T) {
	var delivered atomic.Int32
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		delivered.Add(1)                               // the service got it and blocked x...
		return nil, errors.New("stream reset by peer") // ...but the answer was lost
	})
	c, _ := newClient(t, rt)
	_, _ = c.Friends.Block(context.Background(), []gen.BlockAccountsRequest{{FromAccount: "alice", ToAccount: []string{"x"}}})
	if n := delivered.Load(); n != 1 {
		t.Errorf("black_list_add (not idempotent) reached the service %d times after an ambiguous failure", n)
	}
}
