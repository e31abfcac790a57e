package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run runs the command line args (without the program name) and returns
// the process exit status (see exitOK, exitFailure, exitUsage). It is main
// without the process: the tests call it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: getenv,
		now:    time.Now,
	}
	return a.execute(ctx, args)
}
