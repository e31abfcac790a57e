package conformance

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/regions"
)

// TestRegionsMatchServers: the hosts in regions/ are the document's servers,
// in the same order, with the same codes and backup hosts.
func TestRegionsMatchServers(t *testing.T) {
	t.Parallel()
	c, _ := load(t)
	type host struct{ Code, Name, URL, Backup string }
	var fromDoc, fromPkg []host
	for _, s := range c.Servers {
		fromDoc = append(fromDoc, host{s.Code, s.Name, s.URL, s.BackupHost})
	}
	for _, r := range regions.All() {
		fromPkg = append(fromPkg, host{r.Code(), r.Name(), r.BaseURL(), r.BackupHost()})
	}
	if diff := cmp.Diff(fromDoc, fromPkg); diff != "" {
		t.Errorf("openapi servers and regions differ (-document +regions):\n%s", diff)
	}
}
