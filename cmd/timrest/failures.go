package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
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
type failuresFile struct {
	path   string
	tmp    *os.File
	w      *bufio.Writer
	inner  failureWriter // the format's writer, writing one row to row
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

// createFailures starts the failures file at path in format. It first
// removes the temporary files that killed runs left beside path (those
// of processes that no longer run).
func createFailures(path, format string) (*failuresFile, error) {
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
	f := &failuresFile{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 64<<10), format: format}
	if f.inner, err = newFailureWriter(format, &f.row); err == nil {
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

func (f *failuresFile) write(rec *record, code int, msg string) error {
	if err := f.inner.write(rec, code, msg); err != nil {
		// A value the format cannot encode (none the readers let
		// through): the row goes without it rather than stopping the
		// import.
		f.row.Reset()
		r := *rec
		r.item.CustomItem = nil
		if err := f.inner.write(&r, code, msg+" (CustomItem left out: "+err.Error()+")"); err != nil {
			return err
		}
	}
	return f.put(rec.line, true)
}

func (f *failuresFile) writeRaw(e *recordError) error {
	if err := f.inner.writeRaw(e); err != nil {
		return err
	}
	return f.put(e.line, false)
}

// put moves the row written to f.row into the temporary file.
func (f *failuresFile) put(line int, record bool) error {
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

func (f *failuresFile) flush() error { return f.w.Flush() }

// finish writes the rows in input order, leaving out those of records
// that drop (nil: none) says were superseded, syncs the file and renames
// it into place. It returns how many rows it left out.
func (f *failuresFile) finish(drop func(from, to string, line int) bool) (int, error) {
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
		if out, dropped, err = f.copyRows(drop); err != nil {
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
func (f *failuresFile) copyRows(drop func(from, to string, line int) bool) (*os.File, int, error) {
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
			if from, to, ok := rowRelation(f.format, buf); ok && drop(from, to, r.line) {
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

// rowRelation returns the From_Account and To_Account of a row that
// --failures wrote for a record.
func rowRelation(format string, row []byte) (from, to string, ok bool) {
	row = bytes.TrimSuffix(row, []byte("\n"))
	if format == formatJSONL {
		var r struct {
			From string `json:"From_Account"`
			To   string `json:"To_Account"`
		}
		if json.Unmarshal(row, &r) != nil {
			return "", "", false
		}
		return r.From, r.To, true
	}
	fields, open, err := parseCSV(row, nil)
	if open || err != nil || len(fields) < 2 {
		return "", "", false
	}
	return fields[0], fields[1], true
}

// abort removes the temporary file unless finish ran; the path keeps
// what it had.
func (f *failuresFile) abort() {
	if !f.done {
		f.done = true
		f.remove()
	}
}

func (f *failuresFile) remove() {
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
