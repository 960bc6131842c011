//go:build unix

package screens

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tryDemoForTest taps "Try it with a local demo server" on the welcome
// screen and waits until the demo server started or failed.
func tryDemoForTest(t *testing.T, u *UI) {
	t.Helper()
	look(u, u.ShowWelcome)
	tap(u, u.Current().(*Welcome).TryDemo)
	var started chan struct{}
	look(u, func() { started = u.demoStarted })
	if err := wait(started, TourStepTimeout, "the demo server"); err != nil {
		t.Fatal(err)
	}
}

// plantedDir makes dir as another local user could have made it first:
// with mode, and owned by nobody when chown is set.
func plantedDir(t *testing.T, dir string, mode os.FileMode, chown bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	if chown {
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDemoNeverInSharedTemp: with no cache folder of the user's, the
// demo server keeps its data in a fresh private folder, never in the
// fixed $TMPDIR/passcrow-demo, which another user may have made first.
func TestDemoNeverInSharedTemp(t *testing.T) {
	u := newTestUI(t)
	u.DemoDir = ""
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	planted := filepath.Join(tmp, "passcrow-demo")
	plantedDir(t, planted, 0o777, os.Geteuid() == 0)

	tryDemoForTest(t, u)
	if u.State.Demo() == nil {
		t.Fatal("the demo server did not start")
	}
	if ents, _ := os.ReadDir(planted); len(ents) != 0 {
		t.Fatalf("the demo used the planted folder: %v", ents)
	}
	fi, err := os.Lstat(u.DemoDir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.DemoDir, filepath.Join(tmp, "passcrow-demo-")) || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the demo's folder is %s, %v", u.DemoDir, fi.Mode())
	}
	if _, err := os.Stat(filepath.Join(u.DemoDir, "outbox")); err != nil {
		t.Fatalf("the demo's outbox: %v", err)
	}
}

// TestDemoRefusesFolderOthersCanUse: the demo's folder in the user's
// cache is used only when it is theirs alone; one made by another user
// (or that others can write to) is refused with a message, and nothing is
// put in it. One of the user's own that others can read is closed first.
func TestDemoRefusesFolderOthersCanUse(t *testing.T) {
	type planting struct {
		mode  os.FileMode
		chown bool
		want  string
	}
	cases := map[string]planting{"world-writable": {0o777, false, "can be changed by other users (mode 0777): remove it, or make it private with chmod 700"}}
	if os.Geteuid() == 0 { // only root can give a folder away
		cases["owned by nobody"] = planting{0o700, true, "belongs to another user (uid 65534): remove it, or give the demo another folder"}
	}
	for what, c := range cases {
		t.Run(what, func(t *testing.T) {
			u := newTestUI(t)
			u.DemoDir = ""
			cache := t.TempDir()
			t.Setenv("XDG_CACHE_HOME", cache)
			planted := filepath.Join(cache, "passcrow", "demo")
			plantedDir(t, planted, c.mode, c.chown)
			tryDemoForTest(t, u)
			if u.State.Demo() != nil {
				t.Fatal("the demo server started in a folder others can use")
			}
			if ents, _ := os.ReadDir(planted); len(ents) != 0 {
				t.Fatalf("the demo wrote into the planted folder: %v", ents)
			}
			// The error's own text is behind Details (errview.go).
			look(u, func() {
				if u.lastError != nil {
					u.lastError.Details.Open(0)
				}
			})
			if want := fmt.Sprintf("demo server: %q %s", planted, c.want); !shows(u, want) {
				t.Fatalf("no message says %q", want)
			}
		})
	}
}

func TestDemoClosesOwnReadableFolder(t *testing.T) {
	u := newTestUI(t)
	u.DemoDir = ""
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir := filepath.Join(cache, "passcrow", "demo")
	plantedDir(t, dir, 0o755, false)
	tryDemoForTest(t, u)
	if u.State.Demo() == nil {
		t.Fatal("the demo did not start in the user's own folder")
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the demo's folder: %v, %v", fi.Mode(), err)
	}
}
