package timrest_test

import (
	"os"
	"strings"
	"testing"

	"github.com/timrest/timrest/internal/spec"
)

// TestReadmeListsEveryOperation: the README's table of operations names
// every operation of the document, by its path and its method.
func TestReadmeListsEveryOperation(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for _, o := range spec.Operations {
		row := ""
		for _, l := range lines {
			if strings.HasPrefix(l, "| `"+strings.TrimPrefix(o.Path, "/")+"` |") {
				row = l
			}
		}
		method := "`c." + o.Service + "." + o.Method
		switch {
		case row == "":
			t.Errorf("README.md has no row for %s", o.Path)
		case !strings.Contains(row, method+"`") && !strings.Contains(row, method+"`,"):
			t.Errorf("README.md's row for %s does not name %s`: %s", o.Path, method, row)
		}
	}
}
