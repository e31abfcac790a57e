package redistest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTools writes shell scripts named as the tools the Makefile's
// redis-server target runs into a new directory, for a PATH of only
// them: apt-get "installs" redis-server (a script that prints a version),
// id says root, and systemctl and service log their arguments to calls
// and exit with the status given.
func fakeTools(t *testing.T, systemctlStatus, serviceStatus string) (dir, calls string) {
	t.Helper()
	dir = t.TempDir()
	calls = filepath.Join(dir, "calls")
	scripts := map[string]string{
		"apt-get":   `echo "apt-get $*" >>"` + calls + `"; printf '#!/bin/sh\necho "Redis server v=7.0.15 (fake)"\n' >"` + dir + `/redis-server"; chmod +x "` + dir + `/redis-server"`,
		"id":        `echo 0`,
		"chmod":     `/bin/chmod "$@"`,
		"systemctl": `echo "systemctl $*" >>"` + calls + `"; exit ` + systemctlStatus,
		"service":   `echo "service $*" >>"` + calls + `"; exit ` + serviceStatus,
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, calls
}

// TestMakeRedisServerStopsService: "make redis-server" on a machine
// without redis-server installs Debian's package, then stops and
// disables the system redis-server the package starts (systemd), or stops
// it with the init script when systemctl fails, and succeeds when neither
// works (a container).
func TestMakeRedisServerStopsService(t *testing.T) {
	t.Parallel()
	makeTool, err := exec.LookPath("make")
	if err != nil {
		t.Fatalf("make is not installed: %v", err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		systemctl, service string
		want               []string
	}{
		{"0", "0", []string{"systemctl disable --now redis-server"}},
		{"1", "0", []string{"systemctl disable --now redis-server", "service redis-server stop"}},
		{"1", "1", []string{"systemctl disable --now redis-server", "service redis-server stop"}},
	} {
		dir, calls := fakeTools(t, c.systemctl, c.service)
		cmd := exec.Command(makeTool, "-s", "-C", root, "redis-server")
		cmd.Env = []string{"PATH=" + dir, "HOME=" + dir}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("systemctl exit %s, service exit %s: make redis-server: %v\n%s", c.systemctl, c.service, err, out)
			continue
		}
		b, err := os.ReadFile(calls)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if !strings.HasPrefix(line, "apt-get ") {
				got = append(got, line)
			}
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("systemctl exit %s, service exit %s: after the install, ran %q; want %q", c.systemctl, c.service, got, c.want)
		}
		if !strings.Contains(string(out), "Redis server v=") {
			t.Errorf("make redis-server printed %q, want the version", out)
		}
	}
}
