package main

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// failuresFile writes --failures atomically: rows go to a temporary file
// beside it as records fail, and finish puts them in input order and
// renames the file into place. Until then the path holds what it held
// before (an earlier run's whole file, or nothing), never a torn row; a
// crash leaves only the temporary file (FILE.tmp-*), which a later run
// does not read.
type failuresFile[R any] struct {
	path   string
	tmp    *os.File
	w      *bufio.Writer
	inner  failureWriter[R] // the format's writer, writing one row to row
	line   func(R) int      // a record's input line
	row    bytes.Buffer
	header int64 // bytes of the header row at the start of tmp
	off    int64 // bytes written to tmp
	rows   []rowAt
	format string
	done   bool // finished or aborted
}

// rowAt is where one row of a failures file is, and the input line it is
// for; record is set for a row written from a record (which names a
// relation), not from a line that could not be read.
type rowAt struct {
	line   int
	off    int64
	n      int32
	record bool
}

// createFailures starts the failures file at path in format, its rows
// written by the writer that newWriter returns; line gives a record's
// input line. It first removes the
// temporary files that killed runs left beside path (those of processes
// that no longer run).
func createFailures[R any](path, format string, line func(R) int, newWriter func(io.Writer) (failureWriter[R], error)) (*failuresFile[R], error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, usageErrorf("--failures %s is not a regular file", path)
	}
	removeStaleTemps(path)
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPattern(path))
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return nil, usageErrorf("cannot create --failures: %s: %v", path, pe.Err) // not the temporary name
	} else if err != nil {
		return nil, usageErrorf("cannot create --failures: %v", err)
	}
	f := &failuresFile[R]{line: line, path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 64<<10), format: format}
	if f.inner, err = newWriter(&f.row); err == nil {
		err = f.inner.flush()
	}
	if err == nil {
		f.header = int64(f.row.Len())
		err = f.put(-1, false)
	}
	if err != nil {
		f.abort()
		return nil, fmt.Errorf("cannot write --failures: %w", err)
	}
	return f, nil
}

func (f *failuresFile[R]) write(rec R, code int, msg string) error {
	if err := f.inner.write(rec, code, msg); err != nil {
		return err
	}
	return f.put(f.line(rec), true)
}

func (f *failuresFile[R]) writeRaw(e *recordError) error {
	if err := f.inner.writeRaw(e); err != nil {
		return err
	}
	return f.put(e.line, false)
}

// put moves the row written to f.row into the temporary file.
func (f *failuresFile[R]) put(line int, record bool) error {
	if err := f.inner.flush(); err != nil {
		return err
	}
	n, err := f.w.Write(f.row.Bytes())
	if line >= 0 {
		f.rows = append(f.rows, rowAt{line: line, off: f.off, n: int32(n), record: record})
	}
	f.off += int64(n)
	f.row.Reset()
	return err
}

func (f *failuresFile[R]) flush() error { return f.w.Flush() }

// finish writes the rows in input order, leaving out those of records
// that drop (nil: none) says were superseded (by their key, which rowKey
// reads from a row), syncs the file and renames it into place. It
// returns how many rows it left out.
func (f *failuresFile[R]) finish(rowKey func(format string, row []byte) (string, bool), drop func(key string, line int) bool) (int, error) {
	f.done = true
	if err := f.w.Flush(); err != nil {
		f.remove()
		return 0, err
	}
	sorted := slices.IsSortedFunc(f.rows, func(a, b rowAt) int { return cmp.Compare(a.line, b.line) })
	if !sorted {
		slices.SortStableFunc(f.rows, func(a, b rowAt) int { return cmp.Compare(a.line, b.line) })
	}
	out, dropped := f.tmp, 0
	if !sorted || drop != nil {
		var err error
		if out, dropped, err = f.copyRows(rowKey, drop); err != nil {
			f.remove()
			return 0, err
		}
		if !sorted || dropped > 0 {
			f.remove()
		} else { // nothing changed: keep the first file
			out.Close()
			os.Remove(out.Name())
			out = f.tmp
		}
	}
	err := out.Sync()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(out.Name(), f.path)
	}
	if err != nil {
		os.Remove(out.Name())
		return 0, err
	}
	if d, err := os.Open(filepath.Dir(f.path)); err == nil {
		_ = d.Sync() // the rename, on file systems that sync folders
		d.Close()
	}
	return dropped, nil
}

// copyRows copies the temporary file to another one with the rows in the
// order of f.rows, leaving out the superseded ones.
func (f *failuresFile[R]) copyRows(rowKey func(format string, row []byte) (string, bool), drop func(key string, line int) bool) (*os.File, int, error) {
	out, err := os.CreateTemp(filepath.Dir(f.path), tempPattern(f.path))
	if err != nil {
		return nil, 0, err
	}
	w := bufio.NewWriterSize(out, 64<<10)
	_, err = io.Copy(w, io.NewSectionReader(f.tmp, 0, f.header))
	var buf []byte
	dropped := 0
	for _, r := range f.rows {
		if err != nil {
			break
		}
		buf = slices.Grow(buf[:0], int(r.n))[:r.n]
		if _, err = f.tmp.ReadAt(buf, r.off); err != nil {
			break
		}
		if drop != nil && r.record {
			if key, ok := rowKey(f.format, buf); ok && drop(key, r.line) {
				dropped++
				continue
			}
		}
		_, err = w.Write(buf)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		out.Close()
		os.Remove(out.Name())
		return nil, 0, err
	}
	return out, dropped, nil
}

// abort removes the temporary file unless finish ran; the path keeps
// what it had.
func (f *failuresFile[R]) abort() {
	if !f.done {
		f.done = true
		f.remove()
	}
}

func (f *failuresFile[R]) remove() {
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// tempPattern is the os.CreateTemp pattern of the temporary files of
// --failures path: path.tmp-PID-*, so that a later run can tell whether
// the process that made one still runs.
func tempPattern(path string) string {
	return fmt.Sprintf("%s.tmp-%d-*", filepath.Base(path), os.Getpid())
}

// removeStaleTemps removes the temporary files of path left by runs that
// were killed: those whose process no longer runs.
func removeStaleTemps(path string) {
	entries, _ := os.ReadDir(filepath.Dir(path))
	prefix := filepath.Base(path) + ".tmp-"
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if ok && err == nil && pid > 0 && pid != os.Getpid() && processGone(pid) {
			os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
}
