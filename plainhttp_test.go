package timrest_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timrest/timrest"
)

// TestPlainHTTPLoopbackSkipsProxy: a base URL of plain http on a
// *.localhost name (which net/http's ProxyFromEnvironment does not exempt)
// with the caller's transport set to use a proxy: the request goes to the
// loopback server, never to the proxy, and the caller's transport keeps
// its proxy.
func TestPlainHTTPLoopbackSkipsProxy(t *testing.T) {
	t.Parallel()
	server, served := countingServer(t, false)
	proxy, proxied := countingServer(t, false)
	proxyURL, _ := url.Parse(proxy.URL)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(server.URL, "http://"))
	name := "im.localhost:" + port
	tr := &http.Transport{
		Proxy: http.ProxyURL(proxyURL),
		// im.localhost may not resolve here: send it to the server.
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == name {
				addr = strings.TrimPrefix(server.URL, "http://")
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	defer tr.CloseIdleConnections()
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: "http://" + name},
		timrest.WithHTTPClient(&http.Client{Transport: tr}), timrest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	if err := getLists(c); err != nil {
		t.Fatal(err)
	}
	if n := proxied.Load(); n != 0 {
		t.Errorf("the proxy received %d requests (with the UserSig in clear text)", n)
	}
	if n := served.Load(); n != 1 {
		t.Errorf("the loopback server received %d requests, want 1", n)
	}
	if tr.Proxy == nil {
		t.Error("the caller's transport lost its proxy")
	}
}

// pipeConn is one end of a net.Pipe that claims to be connected to a
// remote address, as when a name resolves to a host off the machine.
type pipeConn struct {
	net.Conn
	remote net.Addr
}

func (c pipeConn) RemoteAddr() net.Addr { return c.remote }

// TestPlainHTTPLoopbackRefusesOtherHosts: when the name of a plain-http
// loopback base URL leads to a connection to another address, the
// connection is closed before anything is written.
func TestPlainHTTPLoopbackRefusesOtherHosts(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		received []byte
		wg       sync.WaitGroup
		dials    atomic.Int64
	)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		client, server := net.Pipe()
		wg.Go(func() {
			b, _ := io.ReadAll(server)
			mu.Lock()
			received = append(received, b...)
			mu.Unlock()
		})
		return pipeConn{client, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 7), Port: 80}}, nil
	}}
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: "http://im.localhost:8080"},
		timrest.WithHTTPClient(&http.Client{Transport: tr}), timrest.WithoutRateLimit(),
		timrest.WithSleeper((&sleeps{}).sleep), timrest.WithAttemptTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	err = getLists(c)
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("err = %v, want the connection to 203.0.113.7 refused", err)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections, want 1 (the refusal is not retried)", n)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(received) != 0 {
		t.Errorf("the other host received %d bytes: %.40q...", len(received), received)
	}
}

// TestPlainHTTPLoopbackOpaqueTransport: a RoundTripper that is not an
// *http.Transport cannot be kept off proxies; with plain http it is
// accepted for a loopback IP (dialled directly by net/http's transports)
// and refused for a name, unless WithAllowHTTP.
func TestPlainHTTPLoopbackOpaqueTransport(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, nil)
	for _, tt := range []struct {
		base  string
		opts  []timrest.Option
		field string
	}{
		{"http://127.0.0.1:8080", nil, ""},
		{"http://[::1]:8080", nil, ""},
		{"http://localhost:8080", nil, "WithHTTPClient"},
		{"http://im.localhost:8080", nil, "WithHTTPClient"},
		{"http://im.localhost:8080", []timrest.Option{timrest.WithAllowHTTP()}, ""},
		{"https://im.localhost:8080", nil, ""},
	} {
		_, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: tt.base},
			append([]timrest.Option{timrest.WithHTTPClient(&http.Client{Transport: rt})}, tt.opts...)...)
		var ve *timrest.ValidationError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.base, err)
		case tt.field != "" && (!errors.As(err, &ve) || ve.Field != tt.field):
			t.Errorf("%s: err = %v, want a ValidationError for %s", tt.base, err, tt.field)
		}
	}
}
