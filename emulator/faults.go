package emulator

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults configures fault injection. Each call draws one fault from a
// random sequence that depends only on Seed, so the same seed and the same
// order of calls give the same faults. Probabilities are per call, each in
// [0, 1], and their sum must not exceed 1. The zero Faults injects
// nothing.
type Faults struct {
	// Seed seeds the random sequence.
	Seed int64
	// Transient is the probability of answering with one of the
	// operation's transient error codes (class transient among its
	// codes in spec: 30006 or 30007 for sns, 10002 for group) instead of
	// processing the call.
	Transient float64
	// HTTP502 is the probability of answering HTTP 502 Bad Gateway with
	// a non-JSON body, as the vendor's proxy does.
	HTTP502 float64
	// Drop is the probability of closing the connection without an
	// answer.
	Drop float64
	// Latency is added to every call before it is processed.
	Latency time.Duration
}

// Enabled reports whether f injects anything.
func (f Faults) Enabled() bool {
	return f.Transient > 0 || f.HTTP502 > 0 || f.Drop > 0 || f.Latency > 0
}

// Validate checks the probabilities and the latency.
func (f Faults) Validate() error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"transient", f.Transient}, {"502", f.HTTP502}, {"drop", f.Drop}} {
		if !(p.v >= 0 && p.v <= 1) { // also refuses NaN
			return fmt.Errorf("emulator: faults: %s=%v is not a probability in [0, 1]", p.name, p.v)
		}
	}
	if sum := f.Transient + f.HTTP502 + f.Drop; sum > 1 {
		return fmt.Errorf("emulator: faults: the probabilities add up to %v, more than 1", sum)
	}
	if f.Latency < 0 {
		return fmt.Errorf("emulator: faults: latency %v is negative", f.Latency)
	}
	return nil
}

// String formats f the way ParseFaults reads it ("off" for no faults).
func (f Faults) String() string {
	if !f.Enabled() && f.Seed == 0 {
		return "off"
	}
	parts := []string{"seed=" + strconv.FormatInt(f.Seed, 10)}
	add := func(k string, v float64) {
		if v > 0 {
			parts = append(parts, k+"="+strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	add("transient", f.Transient)
	add("502", f.HTTP502)
	add("drop", f.Drop)
	if f.Latency > 0 {
		parts = append(parts, "latency="+f.Latency.String())
	}
	return strings.Join(parts, ",")
}

// ParseFaults reads a fault specification: comma-separated key=value
// pairs with the keys seed (an integer), transient, 502 and drop
// (probabilities in [0, 1]) and latency (a Go duration), for example
// "seed=1,transient=0.2,502=0.05,drop=0.01,latency=20ms". "" and "off"
// give the zero Faults. The result is validated.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "off" {
		return f, nil
	}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return Faults{}, fmt.Errorf("emulator: faults: %q is not key=value", part)
		}
		if seen[k] {
			return Faults{}, fmt.Errorf("emulator: faults: %s is given twice", k)
		}
		seen[k] = true
		var err error
		switch k {
		case "seed":
			f.Seed, err = strconv.ParseInt(v, 10, 64)
		case "transient":
			f.Transient, err = strconv.ParseFloat(v, 64)
		case "502":
			f.HTTP502, err = strconv.ParseFloat(v, 64)
		case "drop":
			f.Drop, err = strconv.ParseFloat(v, 64)
		case "latency":
			f.Latency, err = time.ParseDuration(v)
		default:
			return Faults{}, fmt.Errorf("emulator: faults: unknown key %q (want seed, transient, 502, drop, latency)", k)
		}
		if err != nil {
			return Faults{}, fmt.Errorf("emulator: faults: %s=%s: not a valid value", k, v)
		}
	}
	if err := f.Validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}

// faultKind is what the injector decided for one call.
type faultKind uint8

const (
	faultNone faultKind = iota
	faultTransient
	fault502
	faultDrop
)

func (k faultKind) String() string {
	switch k {
	case faultTransient:
		return "transient"
	case fault502:
		return "http502"
	case faultDrop:
		return "drop"
	}
	return ""
}

// injector draws faults. One draw per call keeps the sequence a function
// of the seed and the order of calls.
type injector struct {
	f   Faults
	mu  sync.Mutex
	rng *rand.Rand
}

func newInjector(f Faults) *injector {
	return &injector{f: f, rng: rand.New(rand.NewPCG(uint64(f.Seed), 0x5deece66d))}
}

// draw returns the fault for the next call and, for a transient fault, the
// index of the transient code among n.
func (in *injector) draw(n int) (faultKind, int) {
	if in.f.Transient == 0 && in.f.HTTP502 == 0 && in.f.Drop == 0 {
		return faultNone, 0
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	u := in.rng.Float64()
	pick := in.rng.IntN(max(n, 1))
	switch {
	case u < in.f.Drop:
		return faultDrop, 0
	case u < in.f.Drop+in.f.HTTP502:
		return fault502, 0
	case u < in.f.Drop+in.f.HTTP502+in.f.Transient:
		return faultTransient, pick
	}
	return faultNone, 0
}
