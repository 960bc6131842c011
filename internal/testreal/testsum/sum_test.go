package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// goTestJSON runs the real `go test -json` on a small module with a
// passing, a failing and a skipping test, subtests, a package that does
// not build and one whose binary exits outside any test.
func goTestJSON(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"a/a_test.go": `package a

import "testing"

func TestPass(t *testing.T) {}
func TestFail(t *testing.T) { t.Fatal("broken") }
func TestSkip(t *testing.T) { t.Skip("no gizmo here") }
func TestSub(t *testing.T) {
	t.Run("ok", func(t *testing.T) {})
	t.Run("allowed", func(t *testing.T) { t.Skipf("set %s to run", "GIZMO") })
}
`,
		"b/b_test.go": "package b\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) { undefined() }\n",
		"c/c_test.go": `package c

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(3) }
func TestNeverRuns(t *testing.T) {}
`,
		"d/d.go": "package d\n", // no test files: not a skip
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-json", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("go test: %v, want it to fail\n%s", err, out)
	}
	return string(out)
}

func TestSummary(t *testing.T) {
	stream := goTestJSON(t)
	for _, tc := range []struct {
		name    string
		ci      bool
		allow   string
		require []string
		want    counts
		bad     []string // in the list of skips CI does not allow
	}{
		// TestSub passes (its subtests passed or skipped): 3 passed;
		// failed: TestFail, b's build, c's binary.
		{"not CI", false, "", nil, counts{3, 3, 2}, nil},
		{"CI, one skip allowed", true, `^a\.TestSub/allowed$`, nil, counts{3, 4, 1}, []string{"a.TestSkip: no gizmo here"}},
		{"CI, none allowed", true, "", nil, counts{3, 5, 0}, []string{"a.TestSkip: no gizmo here", "a.TestSub/allowed: set GIZMO to run"}},
		// Required: one passed, one skipped, one failed, one never ran.
		{"required", false, "", []string{"a.TestSub/ok", "a.TestSub/allowed", "a.TestFail", "a.TestGone"}, counts{3, 6, 2}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			s := &summary{ci: tc.ci, module: "example.com/m", out: &out, require: tc.require}
			if tc.allow != "" {
				s.allow = regexp.MustCompile(tc.allow)
			}
			if err := s.read(strings.NewReader(stream)); err != nil {
				t.Fatal(err)
			}
			if got := s.report(); got != tc.want {
				t.Errorf("counts %+v, want %+v\n%s", got, tc.want, out.String())
			}
			if !slices.Equal(s.badSkips, tc.bad) {
				t.Errorf("skips CI does not allow: %q, want %q", s.badSkips, tc.bad)
			}
			text := out.String()
			for _, want := range []string{
				"a.TestFail\n",
				"b (build failed: b",
				"c (the test binary failed outside any test",
				"broken", // the failed test's output is shown
				"undefined: undefined",
				"FAIL\texample.com/m/a",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("the report lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "TestPass") {
				t.Errorf("the report shows a passed test:\n%s", text)
			}
		})
	}
}

func TestNonJSONLinesPassThrough(t *testing.T) {
	var out strings.Builder
	s := &summary{out: &out}
	if err := s.read(strings.NewReader("with-keyring.sh: gnome-keyring-daemon not found\n{not json\n")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "with-keyring.sh: gnome-keyring-daemon not found\n{not json\n" {
		t.Errorf("out %q", out.String())
	}
}
