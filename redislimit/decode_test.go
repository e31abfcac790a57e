package redislimit

import (
	"testing"
	"time"
)

// TestDecodeAbsurdWait: an answer of the script with a wait beyond the
// sane bound (or negative, or malformed) is a fault of Redis, not a reason
// to sleep an hour.
func TestDecodeAbsurdWait(t *testing.T) {
	const sane = int64(5 * time.Second / time.Microsecond)
	for _, v := range [][]int64{
		{statusTaken, 3600 * 1e6},
		{statusLate, sane + 1},
		{statusAhead, 3600 * 1e6},
		{statusTaken, -1},
		{7, 0},
		{statusTaken},
	} {
		if _, _, err := decode(v, sane); err == nil {
			t.Errorf("decode(%v): want an error", v)
		}
	}
	st, wait, err := decode([]int64{statusTaken, 1500}, sane)
	if err != nil || st != statusTaken || wait != 1500*time.Microsecond {
		t.Errorf("decode({1, 1500}) = %v, %v, %v; want 1, 1.5ms, nil", st, wait, err)
	}
}
