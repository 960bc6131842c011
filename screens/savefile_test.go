//go:build unix

package screens

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// saveForTest fills in the open save dialog, taps Save and, when
// wantSaved, waits for the file to be written.
func saveForTest(t *testing.T, u *UI, dir, name string, wantSaved bool) *SaveFile {
	t.Helper()
	var f *SaveFile
	look(u, func() { f = u.saving })
	if f == nil {
		t.Fatal("no save dialog")
	}
	typeIn(u, f.Folder, dir)
	typeIn(u, f.Name, name)
	tap(u, f.Save)
	if !wantSaved {
		return f
	}
	var saved chan struct{}
	look(u, func() { saved = f.saved })
	if err := wait(saved, TourStepTimeout, "the file to be saved"); err != nil {
		t.Fatal(err)
	}
	return f
}

// checkPrivateFile fails unless path is a regular file (not a link) of
// mode 0600 holding want.
func checkPrivateFile(t *testing.T, path, want string) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s is %v, want a regular file of mode 0600", path, fi.Mode())
	}
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Fatalf("%s holds %q, want %q", path, b, want)
	}
}

// TestSaveSecretPrivately: the recovered secret is saved with mode 0600
// (whatever the umask), the page says where, and a symbolic link at the
// chosen name is replaced after the user agrees, never followed: the file
// it pointed to keeps its content.
func TestSaveSecretPrivately(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	u := newTestUI(t)
	rec := &Recovery{ui: u, Name: "Disk", Lines: map[string]*CodeLine{}, secret: []byte(TourSecret)}
	rec.Error = para("")
	look(u, rec.showSecret)
	dir := t.TempDir()

	tap(u, rec.Save)
	saveForTest(t, u, dir, "disk.txt", true)
	checkPrivateFile(t, filepath.Join(dir, "disk.txt"), TourSecret)
	if want := "Saved to " + filepath.Join(dir, "disk.txt"); rec.Saved.Text != want || !rec.Saved.Visible() {
		t.Fatalf("the page says %q (shown %v), want %q", rec.Saved.Text, rec.Saved.Visible(), want)
	}

	victim := filepath.Join(t.TempDir(), "bashrc")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	tap(u, rec.Save)
	f := saveForTest(t, u, dir, "link.txt", false)
	if !strings.Contains(f.Error.Text, "already a link.txt") || f.Save.Text != "Replace" {
		t.Fatalf("saving over a link: %q, button %q", f.Error.Text, f.Save.Text)
	}
	tap(u, f.Save)
	if err := wait(f.saved, TourStepTimeout, "the file to be saved"); err != nil {
		t.Fatal(err)
	}
	checkPrivateFile(t, link, TourSecret)
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Fatalf("the link was followed: its target holds %q", b)
	}

	tap(u, rec.Save)
	for _, bad := range []string{"../x", "", ".."} {
		f = saveForTest(t, u, dir, bad, false)
		if f.Error.Text != "Type a file name, without a folder in it." {
			t.Fatalf("file name %q: %q", bad, f.Error.Text)
		}
	}
	f = saveForTest(t, u, filepath.Join(dir, "nowhere"), "x", false)
	if !strings.Contains(f.Error.Text, "There is no folder") {
		t.Fatalf("a missing folder: %q", f.Error.Text)
	}
}

// TestSavePackPrivately: "Save the pack…" writes the pack the same way
// and says where it went.
func TestSavePackPrivately(t *testing.T) {
	u := newTestUI(t)
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "vectors", "roundtrip-2of3", "recovery-pack.passcrow"))
	if err != nil {
		t.Fatal(err)
	}
	name, err := u.State.Import(data, "Wallet")
	if err != nil {
		t.Fatal(err)
	}
	want, err := u.State.Export(name)
	if err != nil {
		t.Fatal(err)
	}
	look(u, func() { u.exportPack(name) })
	var f *SaveFile
	look(u, func() { f = u.saving })
	if f.Name.Text != "Wallet.passcrow-pack" {
		t.Fatalf("suggested name %q", f.Name.Text)
	}
	dir := t.TempDir()
	saveForTest(t, u, dir, f.Name.Text, true)
	path := filepath.Join(dir, "Wallet.passcrow-pack")
	checkPrivateFile(t, path, string(want))
	if !shows(u, "Saved to "+path) {
		t.Fatal("no message says where the pack was saved")
	}
}

// shows reports whether a label on the window, dialogs included, has
// exactly text.
func shows(u *UI, text string) bool {
	found := false
	look(u, func() {
		objs := test.LaidOutObjects(u.Win.Content())
		for _, o := range u.Win.Canvas().Overlays().List() {
			objs = append(objs, test.LaidOutObjects(o)...)
		}
		for _, o := range objs {
			if l, ok := o.(*widget.Label); ok && l.Text == text {
				found = true
			}
		}
	})
	return found
}

func TestFileNameFor(t *testing.T) {
	for in, want := range map[string]string{"Disk": "Disk", "../../.bashrc": ".._.._.bashrc", "a\\b": "a_b", "..": "passcrow", " ": "passcrow", "x\u202ey": "x_y"} {
		if got := fileNameFor(in); got != want {
			t.Errorf("fileNameFor(%q) = %q, want %q", in, got, want)
		}
	}
}
