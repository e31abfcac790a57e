// Package redistest runs a throwaway redis-server for tests: a process of
// the redis-server found in PATH, on a free loopback port, with no
// persistence (no RDB snapshot, no AOF) and its files in a temporary
// directory removed by Close. A test can stop it and start it again on the
// same port, to play an outage.
//
// When redis-server is not installed, Start fails with an error that says
// how to install it (make redis-server): tests that need Redis fail rather
// than skip.
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Install is the command that installs redis-server for the tests.
const Install = "make redis-server"

// Databases is the number of databases of a Server: 0 to Databases-1.
const Databases = 4

// startTimeout bounds the wait for a started server to answer PING.
const startTimeout = 10 * time.Second

// Server is a redis-server process for tests.
type Server struct {
	// Addr is the server's host:port on 127.0.0.1.
	Addr string
	// Socket is the path of the server's Unix socket (mode 0700).
	Socket string

	path string // redis-server
	dir  string

	mu     sync.Mutex
	cmd    *exec.Cmd     // nil: stopped
	exited chan struct{} // closed when cmd has exited
}

// Start starts a redis-server on a free port of 127.0.0.1 and returns once
// it answers PING.
func Start() (*Server, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redistest: redis-server is not installed (not in PATH): the Redis tests need it; run %q (Debian's redis-server package, as root)", Install)
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, err
	}
	s := &Server{path: path, dir: dir, Socket: filepath.Join(dir, "redis.sock")}
	// The free port is found by listening on port 0 and closing: another
	// process may take it before redis-server does, so try a few.
	for range 5 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.Addr = ln.Addr().String()
		ln.Close()
		if err = s.Restart(); err == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, fmt.Errorf("redistest: could not start redis-server: %w", err)
}

// URL returns the server's URL, redis://127.0.0.1:port/0.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Restart starts the server again after Stop, on the same port. The data
// is gone: nothing persists.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("redistest: the server is running")
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	cmd := exec.Command(s.path,
		"--bind", "127.0.0.1", "--port", port, "--protected-mode", "yes",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--unixsocket", s.Socket, "--unixsocketperm", "700",
		"--daemonize", "no", "--loglevel", "warning", "--databases", strconv.Itoa(Databases))
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(startTimeout)
	for {
		if err := ping(s.Addr); err == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redistest: redis-server exited: %s", strings.TrimSpace(out.String()))
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redistest: redis-server did not answer within %v: %s", startTimeout, strings.TrimSpace(out.String()))
		}
	}
}

// Stop kills the server (SIGKILL, as a crash or a network cut would) and
// waits until it has exited and its port is closed.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
	return nil
}

// Close stops the server and removes its directory.
func (s *Server) Close() error {
	err := s.Stop()
	os.RemoveAll(s.dir)
	return err
}

// ping sends PING to addr and reads +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("redistest: PING answered %q", strings.TrimSpace(line))
	}
	return nil
}
