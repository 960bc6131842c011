package media_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

// tmpfs mounts a real tmpfs of size bytes, standing in for a small USB
// stick, and unmounts it when the test ends, or earlier with unplug.
func tmpfs(t *testing.T, size int) (dir string, unplug func()) {
	t.Helper()
	if runtime.GOOS != "linux" {
		testreal.Require(t, "a tmpfs mount", errors.New("tmpfs is Linux's"))
	}
	if os.Geteuid() != 0 {
		testreal.Require(t, "root", errors.New("mounting a tmpfs needs root"))
	}
	dir = filepath.Join(t.TempDir(), "stick")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		testreal.Require(t, "a tmpfs mount", fmt.Errorf("%w: %s", err, out))
	}
	mounted := true
	unplug = func() {
		if !mounted {
			return
		}
		mounted = false
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	}
	t.Cleanup(unplug)
	return dir, unplug
}
