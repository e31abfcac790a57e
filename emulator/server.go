package emulator

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// The defaults of [ServerConfig]. They suit a local emulator that
// loopback clients and CI jobs call: far above what an honest call needs,
// yet a client that sends slowly, or parks idle connections, cannot hold
// the emulator's connections and file descriptors for long.
const (
	// DefaultReadHeaderTimeout bounds reading a request's headers.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a whole request, body included
	// (at most 8 MiB).
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds a call from the end of its headers to
	// the end of its answer.
	DefaultWriteTimeout = 60 * time.Second
	// DefaultIdleTimeout bounds how long a keep-alive connection may
	// wait for its next request.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultMaxHeaderBytes bounds a request's headers, its URL (and so
	// its query and UserSig) included. Real UserSigs are a few hundred
	// bytes.
	DefaultMaxHeaderBytes = 64 << 10
	// DefaultMaxConns bounds the connections served at once.
	DefaultMaxConns = 1024
	// DefaultShutdownTimeout bounds how long [Serve] waits for the calls
	// in flight when its context ends.
	DefaultShutdownTimeout = 5 * time.Second
)

// ServerConfig sets the limits of the HTTP server that [NewServer] and
// [Serve] make for an Emulator. A field left zero (or set below zero)
// takes its default: no limit can be turned off.
type ServerConfig struct {
	// ReadHeaderTimeout bounds reading a request's headers; default
	// DefaultReadHeaderTimeout, and never more than ReadTimeout.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a request, headers and body; default
	// DefaultReadTimeout. The emulator's Faults.Latency is added to it,
	// since the body is read after the injected delay.
	ReadTimeout time.Duration
	// WriteTimeout bounds a call from the end of its request headers to
	// the end of its answer; an answer not written by then is cut off.
	// Default DefaultWriteTimeout. The emulator's Faults.Latency is added
	// to it, so that a latency fault never turns into a cut answer.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection may wait for
	// its next request before the server closes it; default
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers, request line included;
	// default DefaultMaxHeaderBytes. A larger request gets HTTP 431.
	MaxHeaderBytes int
	// MaxConns bounds the connections [Serve] serves at once; default
	// DefaultMaxConns. Further connections wait, in the listener's
	// backlog, until one closes; none is refused and none takes a file
	// descriptor of the process meanwhile. Idle keep-alive connections
	// count until IdleTimeout closes them.
	MaxConns int
	// ShutdownTimeout bounds how long [Serve] waits for the calls in
	// flight when its context ends; default DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// ErrorLog receives the server's own errors (failed accepts, broken
	// connections); nil for the log package's standard logger.
	ErrorLog *log.Logger
}

// withDefaults returns c with its fields of zero or less set to their
// defaults.
func (c ServerConfig) withDefaults() ServerConfig {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.ShutdownTimeout, DefaultShutdownTimeout)
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	return c
}

// NewServer returns an http.Server for e with the timeouts and header
// limit of cfg. Serve it on a listener wrapped by [LimitListener] with
// cfg.MaxConns, or call [Serve], which does both.
func NewServer(e *Emulator, cfg ServerConfig) *http.Server {
	cfg = cfg.withDefaults()
	return &http.Server{
		Handler:           e,
		ReadHeaderTimeout: min(cfg.ReadHeaderTimeout, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout + e.latency,
		WriteTimeout:      cfg.WriteTimeout + e.latency,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          cfg.ErrorLog,
	}
}

// Serve serves e on ln with the limits of cfg until ctx ends, then shuts
// the server down: it stops accepting, waits up to cfg.ShutdownTimeout
// for the calls in flight and closes every connection. It returns nil
// after a shutdown, or the error that stopped the server earlier. ln is
// closed either way.
func Serve(ctx context.Context, ln net.Listener, e *Emulator, cfg ServerConfig) error {
	cfg = cfg.withDefaults()
	srv := NewServer(e, cfg)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(LimitListener(ln, cfg.MaxConns)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close() // calls still running after the timeout: cut them off
		if !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
	}
	return nil
}

// LimitListener returns a listener that accepts at most n connections of
// ln at once: Accept waits while n are open, so further clients wait in
// the listener's backlog. n < 1 is taken as 1. Closing the listener ends
// a waiting Accept.
//
// (golang.org/x/net/netutil.LimitListener does the same; this one keeps
// the module's requirements as they are.)
func LimitListener(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, max(n, 1)), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	sem       chan struct{} // one token per open connection
	done      chan struct{} // closed by Close
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

// limitConn gives its token back when it is first closed (by the server,
// the client's going away, or a handler that hijacked it).
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
