package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Operators run the server on machines with no display: the headless
// build needs no cgo, so no OpenGL or X11 libraries, and it serves.
func TestHeadlessServerBuild(t *testing.T) {
	// go test puts its own go first in PATH.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "passcrow")
	build := exec.Command(goBin, "build", "-tags", "headless", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags headless: %v\n%s", err, out)
	}
	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("the headless build is dynamically linked; it must need no system libraries")
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("the headless build links %v", libs)
		}
	}

	check := exec.Command(bin, "serve", "--check-config", "--outbox", filepath.Join(dir, "outbox"), "--data", filepath.Join(dir, "data"))
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(out), "The settings are fine") {
		t.Fatalf("headless serve --check-config: %v\n%s", err, out)
	}
	app := exec.Command(bin)
	out, err := app.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "has no desktop app") {
		t.Fatalf("headless passcrow with no command: %v\n%s", err, out)
	}
}
