package cli

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

const (
	unitFile          = "../packaging/server/passcrow-server.service"
	exampleConfigFile = "../packaging/server/server.conf.example"
)

// serveFlagNames is every setting serve takes.
func serveFlagNames(t *testing.T) map[string]bool {
	t.Helper()
	code, out, errs := runCLI(context.Background(), func(string) string { return "" }, "serve", "--help")
	if code != ExitOK {
		t.Fatalf("serve --help: exit %d %s", code, errs)
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(out, -1) {
		names[m[1]] = true
	}
	if !names["listen"] || !names["config"] {
		t.Fatalf("could not read serve's flags from --help:\n%s", out)
	}
	return names
}

// The unit is checked by systemd itself, and every PASSCROW_SERVE_
// variable it sets, even commented out, names a real setting.
func TestSystemdUnitIsValid(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	testreal.Require(t, "systemd-analyze (Debian package systemd)", err)
	unit, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	// systemd-analyze insists the binary exists: point the unit at one that does.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "passcrow-server.service")
	if err := os.WriteFile(copyPath, []byte(strings.ReplaceAll(string(unit), "/usr/bin/passcrow", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", copyPath).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}

	flags := serveFlagNames(t)
	vars := regexp.MustCompile(`PASSCROW_SERVE_([A-Z0-9_]+)=`).FindAllStringSubmatch(string(unit), -1)
	if len(vars) < 3 {
		t.Fatalf("found only %d PASSCROW_SERVE_ variables in the unit", len(vars))
	}
	for _, v := range vars {
		name := strings.ToLower(strings.ReplaceAll(v[1], "_", "-"))
		if name != "config" && !flags[name] {
			t.Errorf("the unit sets PASSCROW_SERVE_%s, but serve has no --%s", v[1], name)
		}
	}
}

// The example config passes --check-config as shipped (with its paths
// moved into a temp dir), and every setting it mentions, even commented
// out, is one serve takes.
func TestExampleConfigChecks(t *testing.T) {
	text, err := os.ReadFile(exampleConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	flags := serveFlagNames(t)
	sc := bufio.NewScanner(strings.NewReader(string(text)))
	mentioned := 0
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "#")
		name, _, ok := strings.Cut(line, " = ")
		if !ok || strings.Contains(name, " ") {
			continue
		}
		mentioned++
		if !flags[name] {
			t.Errorf("the example mentions %q, which serve does not take", name)
		}
	}
	if mentioned < 5 {
		t.Fatalf("found only %d settings in the example", mentioned)
	}
	conf := writeConfig(t, string(text), 0o600)
	data := filepath.Join(t.TempDir(), "data")
	code, out, errs := runCLI(context.Background(), func(k string) string {
		return map[string]string{"PASSCROW_SERVE_DATA": data}[k]
	}, "serve", "--config", conf, "--check-config")
	if code != ExitOK || !strings.Contains(out, data) {
		t.Fatalf("the example config: exit %d\n%s%s", code, out, errs)
	}
}
