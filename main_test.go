package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets a test run the real program: the test binary re-executes
// itself with PASSCROW_RUN_MAIN=1, and then it is passcrow.
func TestMain(m *testing.M) {
	if os.Getenv("PASSCROW_RUN_MAIN") == "1" {
		os.Args = append([]string{"passcrow"}, strings.Fields(os.Getenv("PASSCROW_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// On Debian's default C.UTF-8 locale the CLI prints only its own output,
// not Fyne's complaint about the locale (see internal/localefix).
func TestCLocaleIsQuietAndKept(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "PASSCROW_RUN_MAIN=1", "PASSCROW_ARGS=help",
		"LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("passcrow help: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Fyne error") || !strings.Contains(string(out), "Usage:") {
		t.Fatalf("passcrow help printed:\n%s", out)
	}
}
