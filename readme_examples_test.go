package timrest_test

import (
	"errors"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeExamples: every Go block of the README that follows a
// `<!-- example NAME -->` marker is a piece of the Example function NAME
// (its lines appear in that function's body, in order and together), so
// the README's code compiles and, where the example has an Output, runs
// as shown. It reads README.md and README-client-sections.md (the
// client's sections before they are merged into README.md), whichever
// exist.
func TestReadmeExamples(t *testing.T) {
	t.Parallel()
	bodies := exampleBodies(t)
	marker := regexp.MustCompile("(?s)<!-- example (\\w+) -->\\s*```go\\n(.*?)```")
	checked := 0
	for _, file := range []string{"README.md", "README-client-sections.md"} {
		text, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		for _, m := range marker.FindAllStringSubmatch(string(text), -1) {
			name, block := m[1], m[2]
			body, ok := bodies[name]
			if !ok {
				t.Errorf("%s: no function %s in the root's *_test.go files", file, name)
				continue
			}
			if !containsLines(body, lines(block)) {
				t.Errorf("%s: the block after <!-- example %s --> is not a piece of %s:\n%s", file, name, name, block)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no example blocks found")
	}
}

// exampleBodies returns the body lines, trimmed, of every Example
// function in the package's test files.
func exampleBodies(t *testing.T) map[string][]string {
	t.Helper()
	files, err := fs.Glob(os.DirFS("."), "*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fn := regexp.MustCompile(`(?s)\nfunc (Example\w*)\(\) \{\n(.*?)\n\}\n`)
	out := map[string][]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fn.FindAllStringSubmatch(string(src), -1) {
			out[m[1]] = lines(m[2])
		}
	}
	return out
}

// lines splits text into trimmed lines, without blank ones.
func lines(text string) []string {
	var out []string
	for l := range strings.SplitSeq(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// containsLines reports whether part appears in whole as a run of lines.
func containsLines(whole, part []string) bool {
	for i := 0; i+len(part) <= len(whole); i++ {
		if slices.Equal(whole[i:i+len(part)], part) {
			return true
		}
	}
	return false
}
