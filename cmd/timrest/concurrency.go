package main

import (
	"strconv"
	"strings"

	"github.com/timrest/timrest"
)

// concurrencyValue is the value of a write command's --concurrency: auto
// (autoConcurrency) or a fixed number of batches in flight, 1 to
// maxImportConcurrency; badConcurrency for any other value, which the
// command refuses with its usage error.
type concurrencyValue int

// autoConcurrency is --concurrency auto, the default: the engine runs
// timrest.MaxAutoConcurrency workers and the client's shared in-flight
// limit, which follows the operation's call rate and the latency it
// observes, decides how many of them really have a request out.
const autoConcurrency concurrencyValue = 0

// badConcurrency is a --concurrency that is neither auto nor a number in
// range.
const badConcurrency concurrencyValue = -1

// autoLanes is the number of lanes of a kind without an account (accounts
// import) under --concurrency auto: enough batches in flight for the
// service's rate at a few hundred milliseconds of latency, few enough that
// a small input still fills its batches.
const autoLanes = 64

func (v *concurrencyValue) String() string {
	switch *v {
	case autoConcurrency:
		return "auto"
	case badConcurrency:
		return "invalid"
	}
	return strconv.Itoa(int(*v))
}

func (v *concurrencyValue) Type() string { return "auto|N" }

func (v *concurrencyValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "auto") {
		*v = autoConcurrency
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxImportConcurrency {
		*v = badConcurrency
		return nil
	}
	*v = concurrencyValue(n)
	return nil
}

// workers returns the engine's number of workers.
func (v concurrencyValue) workers() int {
	if v == autoConcurrency {
		return timrest.MaxAutoConcurrency
	}
	return int(v)
}

// lanes returns the number of lanes of a kind without an account.
func (v concurrencyValue) lanes() int {
	if v == autoConcurrency {
		return autoLanes
	}
	return int(v)
}
