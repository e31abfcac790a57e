package timrest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestDefaultClientPlainHTTP: the client's own transport, for plain http
// on a loopback host, has no proxy (the environment's HTTP_PROXY would
// apply to a *.localhost name) and refuses to dial an address that is not
// loopback before connecting; for https it keeps the environment's
// proxy.
func TestDefaultClientPlainHTTP(t *testing.T) {
	t.Parallel()
	hc, reason := httpClientFor(nil, true, "im.localhost")
	if reason != "" {
		t.Fatal(reason)
	}
	tr := hc.Transport.(*http.Transport)
	if tr.Proxy != nil {
		t.Error("plain http to loopback goes through the environment's proxy")
	}
	ctx := context.Background()
	for _, addr := range []string{"192.0.2.1:80", "[2001:db8::1]:80"} {
		conn, err := tr.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			t.Errorf("dialled %s", addr)
		} else if !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("dial %s: %v, want it refused as not loopback", addr, err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conn, err := tr.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial loopback: %v", err)
	}
	conn.Close()

	hc, _ = httpClientFor(nil, false, "adminapisgp.im.qcloud.com")
	if hc.Transport.(*http.Transport).Proxy == nil {
		t.Error("https lost the environment's proxy")
	}
	if hc.CheckRedirect == nil {
		t.Error("the default client follows redirects")
	}
}
