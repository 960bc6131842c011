package platform

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

// storeContract runs the behaviour every Store must have.
func storeContract(t *testing.T, s Store) {
	t.Helper()
	if _, err := s.Get("missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
	if err := s.Delete("missing"); err != nil {
		t.Fatalf("Delete(missing) = %v, want nil", err)
	}
	vals := map[string][]byte{
		"alice":         []byte("pack one"),
		"Bob's pack":    []byte("pack two"),
		"empty":         {},
		"config.json":   []byte(`{"a":1}`),
		"ünïcode naïve": {0, 1, 2, 255},
	}
	for n, v := range vals {
		if err := s.Put(n, v); err != nil {
			t.Fatalf("Put(%q): %v", n, err)
		}
	}
	for n, v := range vals {
		got, err := s.Get(n)
		if err != nil || !bytes.Equal(got, v) {
			t.Fatalf("Get(%q) = %q, %v; want %q", n, got, err, v)
		}
	}
	if err := s.Put("alice", []byte("replaced")); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("alice"); string(got) != "replaced" {
		t.Fatalf("after replace Get(alice) = %q", got)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Bob's pack", "alice", "config.json", "empty", "ünïcode naïve"}
	if !slices.Equal(list, want) {
		t.Fatalf("List() = %q, want %q", list, want)
	}
	if err := s.Delete("alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete = %v, want ErrNotFound", err)
	}
	if list, _ := s.List(); slices.Contains(list, "alice") {
		t.Fatalf("List() after Delete still has alice: %q", list)
	}
	for _, bad := range []string{"", "a/b", "x\n"} {
		if _, err := s.Get(bad); !errors.Is(err, ErrBadName) {
			t.Errorf("Get(%q) = %v, want ErrBadName", bad, err)
		}
		if err := s.Put(bad, nil); !errors.Is(err, ErrBadName) {
			t.Errorf("Put(%q) = %v, want ErrBadName", bad, err)
		}
		if err := s.Delete(bad); !errors.Is(err, ErrBadName) {
			t.Errorf("Delete(%q) = %v, want ErrBadName", bad, err)
		}
	}
}

func TestFileStore(t *testing.T) {
	s, err := NewFileStore(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	storeContract(t, s)
}

func TestFileStorePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("pack", []byte("x")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode = %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	fi, err = os.Stat(filepath.Join(dir, "pack.blob"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

func TestFileStoreIgnoresForeignFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"notes.txt", tempPrefix + "123", "_notbase32!.blob", "UPPER.blob", "_mfrgg.blob"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	// "_mfrgg" is base32 of "abc", which this store spells "abc.blob": not ours.
	if len(list) != 0 {
		t.Fatalf("List() = %q, want nothing", list)
	}
}

func TestFileNames(t *testing.T) {
	cases := map[string]string{
		"alice":       "alice.blob",
		"pack-2.json": "pack-2.json.blob",
		"Alice":       "_ifwgsy3f.blob",
		"con":         "_mnxw4.blob",
		"com1.txt":    "_mnxw2mjoor4hi.blob",
		".hidden":     "_fzugszdemvxa.blob",
		"a b":         "_meqge.blob",
	}
	for name, want := range cases {
		if got := fileName(name); got != want {
			t.Errorf("fileName(%q) = %q, want %q", name, got, want)
		}
		if back, ok := nameFromFile(want); !ok || back != name {
			t.Errorf("nameFromFile(%q) = %q, %v; want %q", want, back, ok, name)
		}
	}
	long := strings.Repeat("é", MaxNameLen/2)
	if f := fileName(long); len(f) > 255 {
		t.Errorf("fileName of a %d-byte name is %d bytes long, over 255", len(long), len(f))
	}
}

func FuzzFileName(f *testing.F) {
	for _, s := range []string{"alice", "Alice", "con", "a.b", ".x", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if ValidateName(name) != nil {
			return
		}
		file := fileName(name)
		if strings.ContainsAny(file, `/\:*?"<>|`) || file != strings.ToLower(file) || len(file) > 255 {
			t.Fatalf("fileName(%q) = %q: not a safe, lower-case file name", name, file)
		}
		if back, ok := nameFromFile(file); !ok || back != name {
			t.Fatalf("nameFromFile(fileName(%q)) = %q, %v", name, back, ok)
		}
	})
}

// TestFileStoreFullDisk fills a real 64 KiB tmpfs: the failed Put must
// return the error, keep the old value and leave no temporary file behind.
func TestFileStoreFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		testreal.Require(t, "root", errors.New("mounting a tmpfs needs root"))
	}
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		testreal.Require(t, "a tmpfs mount", fmt.Errorf("%w: %s", err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	s, err := NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := make([]byte, 16<<10)
	rand.Read(old)
	if err := s.Put("pack", old); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 128<<10)
	err = s.Put("pack", big)
	if err == nil {
		t.Fatal("Put of 128 KiB into a 64 KiB tmpfs succeeded")
	}
	t.Logf("full disk: %v", err)
	if !strings.Contains(err.Error(), "no space left") {
		t.Errorf("error %q does not say the disk is full", err)
	}
	got, err := s.Get("pack")
	if err != nil || !bytes.Equal(got, old) {
		t.Fatalf("after the failed Put, Get = %d bytes, %v; want the old %d bytes", len(got), err, len(old))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries after the failed Put, want only pack.blob", len(entries))
	}
}
