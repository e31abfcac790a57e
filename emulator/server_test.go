package emulator_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/timrest/timrest/emulator"
)

// serve runs emulator.Serve for cfg on a loopback port until the test
// ends, and returns the address and the emulator.
func serve(t *testing.T, cfg emulator.Config, scfg emulator.ServerConfig) (string, *emulator.Emulator) {
	t.Helper()
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- emulator.Serve(ctx, ln, emu, scfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String(), emu
}

// dial opens a raw connection, closed when the test ends.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawRequest is the head of a group_get call with query q and a body of
// length bytes.
func rawRequest(q string, length int) string {
	return fmt.Sprintf("POST %s?%s HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", pathGroupGet, q, length)
}

// fullRequest is a complete group_get call with query q.
func fullRequest(q string) string {
	body := `{"From_Account":"alice"}`
	return rawRequest(q, len(body)) + body
}

// readAnswer reads one HTTP answer from r within d and returns its body.
func readAnswer(t *testing.T, c net.Conn, r *bufio.Reader, d time.Duration) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("no answer within %v: %v", d, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitClosed fails t unless the server closes c within d (the test's
// margin: the timeouts under test are far shorter). It returns what the
// server sent first.
func waitClosed(t *testing.T, c net.Conn, d time.Duration) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the connection is still open after %v (received %q)", d, b)
	}
	return string(b) // EOF or a reset: closed either way
}

// TestServeCutsOffSlowBody: a client that sends its headers and then its
// body slowly (here: never) is cut off after ReadTimeout, whether its
// UserSig is valid (the emulator waits for the body, then answers 60003)
// or not (the emulator answers 70003 at once, but the server reads the
// rest of the body before answering, to keep the connection).
func TestServeCutsOffSlowBody(t *testing.T) {
	cfg, _ := testConfig(t)
	addr, _ := serve(t, cfg, emulator.ServerConfig{ReadTimeout: 300 * time.Millisecond})
	valid := newCaller(t, "", cfg).query()
	bad := newCaller(t, "", cfg).query()
	bad.Set("usersig", "eJw")
	for _, tt := range []struct {
		name, query, want string
	}{
		{"valid UserSig", valid.Encode(), `"ErrorCode":60003`},
		{"bad UserSig", bad.Encode(), `"ErrorCode":70003`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, addr)
			if _, err := io.WriteString(c, rawRequest(tt.query, 1000)+`{"From_Account":`); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			got := waitClosed(t, c, 10*time.Second)
			if d := time.Since(start); d < 250*time.Millisecond {
				t.Errorf("closed after %v, before the read timeout", d)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("answer %q, want %s", got, tt.want)
			}
		})
	}
}

// TestServeClosesIdleConnections: a keep-alive connection without a next
// request is closed after IdleTimeout, not after ReadTimeout (which
// net/http would use without an IdleTimeout).
func TestServeClosesIdleConnections(t *testing.T) {
	cfg, _ := testConfig(t)
	addr, _ := serve(t, cfg, emulator.ServerConfig{ReadTimeout: time.Minute, IdleTimeout: 300 * time.Millisecond})
	c := dial(t, addr)
	if _, err := io.WriteString(c, fullRequest(newCaller(t, "", cfg).query().Encode())); err != nil {
		t.Fatal(err)
	}
	if a := readAnswer(t, c, bufio.NewReader(c), 10*time.Second); !strings.Contains(a, `"ErrorCode":0`) {
		t.Fatalf("answer %s", a)
	}
	start := time.Now()
	waitClosed(t, c, 10*time.Second)
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("closed after %v, before the idle timeout", d)
	}
}

// TestServeLimitsConnections: with MaxConns 2 and two connections open
// (idle, kept alive), a third client is not served until one of them
// closes; then it is.
func TestServeLimitsConnections(t *testing.T) {
	cfg, _ := testConfig(t)
	addr, _ := serve(t, cfg, emulator.ServerConfig{MaxConns: 2})
	req := fullRequest(newCaller(t, "", cfg).query().Encode())
	var open []net.Conn
	for range 2 {
		c := dial(t, addr)
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		readAnswer(t, c, bufio.NewReader(c), 10*time.Second)
		open = append(open, c)
	}
	third := dial(t, addr) // the kernel completes the handshake; the server does not accept it
	if _, err := io.WriteString(third, req); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(third)
	third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := r.Peek(1); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the third connection was served while two were open (%v)", err)
	}
	open[0].Close()
	if a := readAnswer(t, third, r, 10*time.Second); !strings.Contains(a, `"ErrorCode":0`) {
		t.Errorf("answer %s", a)
	}
}

// TestServeLatencyIsNotCutOff: Faults.Latency is added to the read and
// write timeouts, so that a latency fault longer than them delays the
// answer but does not cut it off. The body is larger than the server's
// read buffer, so that its end is read from the connection after the
// delay.
func TestServeLatencyIsNotCutOff(t *testing.T) {
	cfg, _ := testConfig(t)
	cfg.Faults.Latency = 400 * time.Millisecond
	addr, _ := serve(t, cfg, emulator.ServerConfig{ReadTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond})
	c := newCaller(t, "http://"+addr, cfg)
	names := make([]string, 3000)
	for i := range names {
		names[i] = fmt.Sprintf(`"list%d"`, i)
	}
	body := `{"From_Account":"alice","GroupName":[` + strings.Join(names, ",") + `,"work"]}`
	if _, m := c.post(pathGroupGet, nil, body); code(t, m) != 0 {
		t.Errorf("answer %v", m)
	}
}

// TestServeRefusesLargeHeaders: headers (the URL included) over
// MaxHeaderBytes get HTTP 431.
func TestServeRefusesLargeHeaders(t *testing.T) {
	cfg, _ := testConfig(t)
	addr, _ := serve(t, cfg, emulator.ServerConfig{MaxHeaderBytes: 1024})
	q := newCaller(t, "", cfg).query()
	q.Set("pad", strings.Repeat("x", 8192)) // net/http allows 4096 bytes over the limit
	c := dial(t, addr)
	if _, err := io.WriteString(c, fullRequest(q.Encode())); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("HTTP %d, want 431", resp.StatusCode)
	}
}

// TestLimitListenerClose: closing the listener ends an Accept that waits
// for a free slot, so that Serve's shutdown does not hang.
func TestLimitListenerClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := emulator.LimitListener(ln, 1)
	dial(t, ln.Addr().String())
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	errc := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if c != nil {
			c.Close()
		}
		errc <- err
	}()
	l.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Accept still waits after Close")
	}
}
