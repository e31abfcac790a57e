package main

import (
	"encoding/json"
	"io"
	"text/tabwriter"
)

// writeJSON writes v as indented JSON and a newline. HTML characters are
// not escaped: the output is for people and jq, not for a web page.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// newTable returns a tabwriter for table output: columns separated by
// two spaces, cells separated by tabs in what is written to it. Flush it.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}
