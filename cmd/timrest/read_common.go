package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// This file holds what the read-only migration commands share (friends
// export, verify and check; accounts check; profiles get; blocklist
// export and check): the --format flag, output files written atomically,
// and the --accounts list read as a stream.

// parseFileFormat reads a --format flag: "" for auto, else formatCSV or
// formatJSONL.
func parseFileFormat(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return "", nil
	case "csv":
		return formatCSV, nil
	case "jsonl", "ndjson", "json":
		return formatJSONL, nil
	}
	return "", usageErrorf("invalid --format: want auto, csv or jsonl")
}

// outputFormat is the format an export writes: flag (csv or jsonl) when
// given, else by the extension of path (.csv: CSV; .jsonl, .ndjson,
// .json: JSON Lines), else def.
func outputFormat(flag, path, def string) string {
	if flag != "" {
		return flag
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return formatCSV
	case ".jsonl", ".ndjson", ".json":
		return formatJSONL
	}
	return def
}

// atomicFile is an output file written atomically: everything goes to a
// temporary file beside it (NAME.tmp-PID-*), which commit syncs and
// renames into place. Until then path holds what it held before; a run
// that stops (an error, Ctrl-C, a crash) leaves it unchanged.
type atomicFile struct {
	path, flag string
	tmp        *os.File
	w          *bufio.Writer
	done       bool
}

// createAtomic starts the file path of the flag flag (for messages).
func createAtomic(path, flag string) (*atomicFile, error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, usageErrorf("%s %s is not a regular file", flag, path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), fmt.Sprintf("%s.tmp-%d-*", filepath.Base(path), os.Getpid()))
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return nil, usageErrorf("cannot create %s: %s: %v", flag, path, pe.Err) // not the temporary name
	} else if err != nil {
		return nil, usageErrorf("cannot create %s: %v", flag, err)
	}
	return &atomicFile{path: path, flag: flag, tmp: tmp, w: bufio.NewWriterSize(tmp, 64<<10)}, nil
}

// Write writes to the temporary file.
func (f *atomicFile) Write(p []byte) (int, error) { return f.w.Write(p) }

// commit flushes, syncs and renames the file into place.
func (f *atomicFile) commit() error {
	if f.done {
		return nil
	}
	f.done = true
	err := f.w.Flush()
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("cannot write %s: %w", f.flag, err)
	}
	return nil
}

// abort removes the temporary file; after commit it does nothing.
func (f *atomicFile) abort() {
	if f == nil || f.done {
		return
	}
	f.done = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// maxAccountLine is the longest line of an --accounts file: a UserID is
// at most 32 bytes; a longer line is refused by its number.
const maxAccountLine = 4 << 10

// userIDList reads an --accounts file ("-": stdin) one UserID a line,
// as a stream: blank lines are skipped, spaces around an ID removed.
type userIDList struct {
	lines *lineReader
	close func() error
}

// openAccounts opens the --accounts file path ("-": stdin). It returns
// the file's identity too (nil when unknown), for checkOutputs.
func (a *app) openAccounts(path string) (*userIDList, os.FileInfo, error) {
	var r io.Reader = a.stdin
	closer := func() error { return nil }
	var st os.FileInfo
	if f, ok := a.stdin.(*os.File); ok && path == "-" {
		st, _ = f.Stat()
	}
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, usageErrorf("cannot read --accounts: %v", err)
		}
		r, closer = f, f.Close
		st, _ = f.Stat()
	}
	lr := newLineReader(r, maxAccountLine)
	if err := checkEncoding(lr.br); err != nil {
		closer()
		return nil, nil, err
	}
	return &userIDList{lines: lr, close: closer}, st, nil
}

// next returns the next account and its line; io.EOF at the end. A line
// that is too long or not UTF-8 is an error naming it (a usage error: the
// list is bad).
func (l *userIDList) next() (string, int, error) {
	for {
		pl, err := l.lines.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", 0, io.EOF
			}
			return "", 0, usageErrorf("cannot read --accounts: %v", err)
		}
		if pl.tooLong {
			return "", pl.num, usageErrorf("--accounts line %d: longer than %d bytes: want one UserID a line", pl.num, maxAccountLine)
		}
		s := strings.TrimSpace(string(pl.text))
		if s == "" {
			continue
		}
		if !utf8.ValidString(s) {
			return "", pl.num, usageErrorf("--accounts line %d: not valid UTF-8", pl.num)
		}
		return s, pl.num, nil
	}
}

// openInput opens an input file ("-": stdin) and returns a reader, its
// identity (nil when unknown) and a closer.
func (a *app) openInput(path, flag string) (io.Reader, os.FileInfo, func() error, error) {
	if path == "-" {
		var st os.FileInfo
		if f, ok := a.stdin.(*os.File); ok {
			st, _ = f.Stat()
		}
		return a.stdin, st, func() error { return nil }, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, usageErrorf("cannot read %s: %v", flag, err)
	}
	st, _ := f.Stat()
	return f, st, f.Close, nil
}
