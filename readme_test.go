package timrest_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeQuickStart: the README's quick-start code block is the body of
// Example_quickStart, which compiles with the module.
func TestReadmeQuickStart(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)<!-- quickstart -->\\s*```go\\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no ```go block after <!-- quickstart -->")
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile("(?s)func Example_quickStart\\(\\) \\{\\n(.*?)\\n\\}\\n").FindSubmatch(src)
	if body == nil {
		t.Fatal("example_test.go has no Example_quickStart")
	}
	dedent := func(b []byte) string { // the function body is indented once
		lines := strings.Split(string(b), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "\t")
		}
		return strings.TrimSpace(strings.Join(lines, "\n"))
	}
	if got, want := strings.TrimSpace(string(block[1])), dedent(body[1]); got != want {
		t.Errorf("README quick start and Example_quickStart differ.\nREADME:\n%s\n\nExample:\n%s", got, want)
	}
}
