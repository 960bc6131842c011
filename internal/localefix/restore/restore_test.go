package restore

import (
	"os"
	"os/exec"
	"testing"
)

// By the time any test runs, localefix has changed C.UTF-8 to C for
// Fyne and this package has put it back.
func TestLocaleVariablesAreBack(t *testing.T) {
	if os.Getenv("PASSCROW_LOCALE_CHILD") == "" {
		t.Skip("run by TestLocaleVariablesAreBackInChild")
	}
	if got := os.Getenv("LANG"); got != "C.UTF-8" {
		t.Fatalf("LANG = %q after init, want C.UTF-8 back", got)
	}
}
func TestLocaleVariablesAreBackInChild(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLocaleVariablesAreBack$", "-test.v")
	cmd.Env = append(os.Environ(), "PASSCROW_LOCALE_CHILD=1", "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
