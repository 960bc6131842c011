package platform

import (
	"encoding/base32"
	"errors"
	"fmt"
	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileStore keeps each value in its own file in one directory. The
// directory is private to the user (0700) and so is every file (0600).
type FileStore struct {
	dir string
}

var _ Store = (*FileStore)(nil)

// NewFileStore creates dir if needed and tightens it to 0700.
func NewFileStore(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	// MkdirAll leaves an existing directory's mode alone; the packs in it
	// are nobody else's business.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return &FileStore{dir: dir}, nil
}

// Dir returns the directory the store writes to.
func (s *FileStore) Dir() string { return s.dir }

func (s *FileStore) path(name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	return filepath.Join(s.dir, fileName(name)), nil
}

// Get implements Store.
func (s *FileStore) Get(name string) ([]byte, error) {
	p, err := s.path(name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return b, nil
}

// Put implements Store: the value goes to a temporary file in the same
// directory, is synced, and then renamed over the old file, so a crash or a
// full disk leaves the old value whole.
func (s *FileStore) Put(name string, v []byte) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(p, v); err != nil {
		return fmt.Errorf("file store: writing %q: %w", name, err)
	}
	return nil
}

// Delete implements Store.
func (s *FileStore) Delete(name string) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file store: %w", err)
	}
	return atomicfile.SyncDir(s.dir)
}

// List implements Store. Files that are not ours (temporary files, files
// a user dropped in) are ignored.
func (s *FileStore) List() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if name, ok := nameFromFile(e.Name()); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// File names. Names made only of lower-case ASCII letters, digits, '.',
// '_' and '-' (starting with a letter or digit) are kept as they are, so a
// user looking in the directory sees "alice.blob". Any other name is
// spelled "_" + lower-case base32 of its bytes, which survives
// case-insensitive file systems (macOS, Windows) and stays under 255 bytes
// for the longest name.
const (
	fileSuffix = ".blob"
	encPrefix  = "_"
	tempPrefix = atomicfile.TempPrefix
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func fileName(name string) string {
	if plainName(name) {
		return name + fileSuffix
	}
	return encPrefix + strings.ToLower(b32.EncodeToString([]byte(name))) + fileSuffix
}

func nameFromFile(file string) (string, bool) {
	stem, ok := strings.CutSuffix(file, fileSuffix)
	if !ok {
		return "", false
	}
	var name string
	if enc, ok := strings.CutPrefix(stem, encPrefix); ok {
		b, err := b32.DecodeString(strings.ToUpper(enc))
		if err != nil {
			return "", false
		}
		name = string(b)
	} else {
		name = stem
	}
	// Only files this package would have written under that name count.
	if ValidateName(name) != nil || fileName(name) != file {
		return "", false
	}
	return name, true
}

func plainName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return !windowsReserved(name)
}

// windowsReserved reports device names Windows will not open as files,
// whatever extension follows.
func windowsReserved(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	switch stem {
	case "con", "prn", "aux", "nul":
		return true
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "com") || strings.HasPrefix(stem, "lpt")) &&
		'0' <= stem[3] && stem[3] <= '9' {
		return true
	}
	return false
}
