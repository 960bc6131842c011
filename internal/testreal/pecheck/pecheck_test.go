package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildWindows builds testdata/hello for Windows with the real Go
// toolchain (no cgo), with or without -H=windowsgui.
func buildWindows(t *testing.T, gui bool) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "hello.exe")
	args := []string{"build", "-o", out}
	if gui {
		args = append(args, "-ldflags=-H=windowsgui")
	}
	cmd := exec.Command("go", append(args, "./testdata/hello")...)
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

func TestSubsystem(t *testing.T) {
	gui := buildWindows(t, true)
	if p, err := check(gui, true, false, false, "", nil, io.Discard); err != nil || len(p) != 0 {
		t.Errorf("a -H=windowsgui build: %v %v, want no problems", p, err)
	}
	console := buildWindows(t, false)
	p, err := check(console, true, false, false, "", nil, io.Discard)
	if err != nil || len(p) != 1 || !strings.Contains(p[0], "console program") {
		t.Errorf("a console build checked for -gui: %q %v, want the console problem", p, err)
	}
}

// A plain Go build has no resources: every resource asked for is missing.
func TestMissingResources(t *testing.T) {
	exe := buildWindows(t, true)
	p, err := check(exe, true, true, true, "0.1.0.1", []string{"ProductName=Passcrow"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"no icon resource", "no manifest resource", "no version resource"}
	if strings.Join(p, "|") != strings.Join(want, "|") {
		t.Errorf("problems %q, want %q", p, want)
	}
}

// A version resource laid out as Windows documents it (VS_VERSIONINFO
// with a VS_FIXEDFILEINFO and one string table), built here byte by byte.
func TestParseVersion(t *testing.T) {
	var info Info
	if err := parseVersion(versionBlob("0.1.0.148", map[string]string{"ProductVersion": "0.1.0-dev.3", "ProductName": "Passcrow"}), &info); err != nil {
		t.Fatal(err)
	}
	if info.FileVersion != "0.1.0.148" || info.Strings["ProductVersion"] != "0.1.0-dev.3" || info.Strings["ProductName"] != "Passcrow" {
		t.Errorf("parsed %+v", info)
	}
}

func FuzzParseBlock(f *testing.F) {
	f.Add(versionBlob("1.2.3.4", map[string]string{"A": "b"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var info Info
		_ = parseVersion(b, &info) // must not panic
	})
}
