//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive lock on f without waiting (flock), held
// until f is closed; it fails when another process holds one.
func lockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
}

// processGone reports whether no process pid runs (on this machine).
func processGone(pid int) bool {
	return unix.Kill(pid, 0) == unix.ESRCH
}
