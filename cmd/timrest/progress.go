package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress is the progress bar of "friends import" on stderr, when that
// is a terminal: records done, the rate, and with a known total the
// percentage and the time left. A nil *progress draws nothing.
type progress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

// newProgress returns a progress bar writing to w for total records
// (-1 when unknown: a spinner with the count and the rate).
func newProgress(w io.Writer, total int64, description string) *progress {
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rec"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionSpinnerType(14),
	)
	return &progress{w: w, bar: bar}
}

// add counts n more records done.
func (p *progress) add(n int) {
	if p == nil || n == 0 {
		return
	}
	// An error here only means the count passed the total counted
	// beforehand (the file grew): not worth stopping an import for.
	_ = p.bar.Add(n)
}

// finish draws the final state and ends the line: full when everything
// was done, as it stands when the import stopped early.
func (p *progress) finish(complete bool) {
	if p == nil {
		return
	}
	if complete {
		_ = p.bar.Finish()
	} else {
		_ = p.bar.Exit()
	}
	fmt.Fprintln(p.w)
}
