package timrest_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoOpenAPIMachinery: a program that uses the client links no
// OpenAPI, YAML or JSON Schema library: the document's facts are compiled
// into Go (internal/spec), and only the emulator and the tests load the
// document. The packages a caller imports (this one, auth, regions, gen,
// tag) are checked with `go list -deps`.
func TestNoOpenAPIMachinery(t *testing.T) {
	t.Parallel()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	forbidden := []string{"github.com/getkin/kin-openapi", "github.com/gorilla/mux", "github.com/santhosh-tekuri/jsonschema",
		"gopkg.in/yaml", "go.yaml.in/yaml", "github.com/oasdiff/yaml", "github.com/invopop/yaml", "github.com/timrest/timrest/internal/contract",
		"github.com/timrest/timrest/openapi"}
	for _, pkg := range []string{".", "./auth", "./regions", "./gen", "./tag"} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
		}
	}
}
