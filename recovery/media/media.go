package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Kind names media records in packs.
const Kind = "media"

// The names of the README beside the fragment files: README.txt, or
// when a README.txt that is not ours is there, the second name.
const (
	readmeName      = "README.txt"
	readmeFallback  = "README-passcrow.txt"
	maxFile         = 64 << 10 // a fragment file is a few hundred bytes
	maxReadmeChecks = 10000    // directory entries looked at before removing a README
)

var (
	// ErrExists means a file of the fragment file's name is already in
	// the folder: Place never overwrites one (it may be another pack's).
	ErrExists = errors.New("a file of that name is already there")
	// ErrFull means the media has no room left for the file.
	ErrFull = errors.New("there is no room left on the media")
)

// A Location is a folder on external media.
type Location struct {
	// Dir is the folder the user chose, which must exist.
	Dir string
	// FileName is the fragment file's name; "" makes
	// "passcrow-fragment-XXXXXXXX.txt" from the seal key.
	FileName string
	// Label is how the user calls the media ("the blue USB stick"), for
	// the record's hint; "" says "external media".
	Label string
	// Language of the README and the file's note: "en" (default) or "is".
	Language string
}

var (
	_ recovery.Location      = (*Location)(nil)
	_ recovery.Identifier    = (*Location)(nil)
	_ recovery.LocalLocation = (*Location)(nil)
	_ recovery.Keeper        = (*Location)(nil)
	_ recovery.Gatherer      = Keeper{}
	_ recovery.Checker       = Keeper{}
)

// ContactsNoOne marks a location that reaches no one over the network:
// a recovery.Spread need not wait before it.
func (l *Location) ContactsNoOne() {}

// Kind is Kind.
func (l *Location) Kind() string { return Kind }

// Describe says "a file in /media/alice/STICK".
func (l *Location) Describe() string { return "a file in " + l.Dir }

// Identity is the folder: two fragments in one folder are on one stick,
// which defeats splitting them.
func (l *Location) Identity() string {
	if abs, err := filepath.Abs(l.Dir); err == nil {
		return abs
	}
	return filepath.Clean(l.Dir)
}

// Delete does what Keeper.Delete does, so Protect can roll back a media
// location without a Keepers entry.
func (l *Location) Delete(ctx context.Context, r recovery.Record) error {
	return Keeper{}.Delete(ctx, r)
}

// recordData is what a pack keeps of a media location.
type recordData struct {
	SealKey string `json:"seal-key"`
	File    string `json:"file"`
	// Path is where the file was written: where Delete and Check look.
	// Recovery does not rely on it (the media may mount elsewhere).
	Path string `json:"path"`
	// Readme is the name of the README written or found beside it.
	Readme string `json:"readme,omitempty"`
}

// Place writes f, sealed under a fresh key, into the folder, and the
// README beside it if there is none. On error nothing it wrote is left.
func (l *Location) Place(ctx context.Context, f recovery.Fragment, o recovery.PlaceOptions) (recovery.Record, error) {
	if len(f) == 0 {
		return recovery.Record{}, errors.New("media: empty fragment")
	}
	if err := ctx.Err(); err != nil {
		return recovery.Record{}, err
	}
	t, err := textsFor(l.Language)
	if err != nil {
		return recovery.Record{}, err
	}
	dir, err := filepath.Abs(l.Dir)
	if err != nil {
		return recovery.Record{}, fmt.Errorf("media: %w", err)
	}
	if fi, err := os.Stat(dir); err != nil {
		return recovery.Record{}, fmt.Errorf("media: the folder %q: %w", dir, err)
	} else if !fi.IsDir() {
		return recovery.Record{}, fmt.Errorf("media: %q is not a folder", dir)
	}
	key, err := recovery.NewSealKey()
	if err != nil {
		return recovery.Record{}, err
	}
	sealed, err := sealText(key, f)
	if err != nil {
		return recovery.Record{}, err
	}
	name := l.FileName
	if name == "" {
		name = "passcrow-fragment-" + fileID(key) + ".txt"
	}
	if err := checkName(name); err != nil {
		return recovery.Record{}, err
	}
	path := filepath.Join(dir, name)
	readme, writeReadme := chooseReadme(dir)
	data, err := json.Marshal(recordData{SealKey: recovery.EncodeSealKey(key), File: name, Path: path, Readme: readme})
	if err != nil {
		return recovery.Record{}, err
	}

	if _, err := os.Lstat(path); err == nil {
		return recovery.Record{}, fmt.Errorf("media: %w: %q (it may be another pack's fragment; choose another folder)", ErrExists, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return recovery.Record{}, fmt.Errorf("media: %w", err)
	}
	if err := writeNew(path, []byte(fileContent(t, sealed))); err != nil {
		return recovery.Record{}, err
	}
	if writeReadme {
		if err := writeNew(filepath.Join(dir, readme), []byte(t.readme)); err != nil {
			return recovery.Record{}, errors.Join(err, remove(path))
		}
	}
	return recovery.Record{Kind: Kind, Prefix: o.Prefix, Hint: l.hint(name, dir), Data: data}, nil
}

// fileContent is a fragment file as Place writes it.
func fileContent(t texts, sealed string) string {
	return fragmentMarker + "\n" + t.fileLine + "\n\n" + printed(sealed) + "\n"
}

// isOurFile tells whether b is, byte for byte, the fragment file Place
// wrote for key in some language: sealing is deterministic (one key, one
// fragment, a zero nonce), so the file can be written again and
// compared. Delete removes nothing else: a pack can come from anywhere,
// and its fragment could be pasted into a file of the user's.
func isOurFile(key, b []byte) bool {
	f, err := openText(key, string(b))
	if err != nil {
		return false
	}
	defer clear(f)
	sealed, err := sealText(key, f)
	if err != nil {
		return false
	}
	for _, t := range languages {
		if string(b) == fileContent(t, sealed) {
			return true
		}
	}
	return false
}

func (l *Location) hint(name, dir string) string {
	on := l.Label
	if on == "" {
		on = "external media"
	}
	return fmt.Sprintf("the file %s on %s (it was in %s)", name, on, dir)
}

// writeNew writes a file that was not there. Whatever goes wrong, the
// file is not left behind: atomicfile removes its temporary file, and a
// file that got renamed into place before a later step failed (syncing
// the folder) is removed here.
func writeNew(path string, b []byte) error {
	err := atomicfile.WriteFile(path, b)
	if err == nil {
		return nil
	}
	err = errors.Join(err, remove(path))
	if diskFull(err) {
		return fmt.Errorf("media: %w: writing %q: %w", ErrFull, path, err)
	}
	return fmt.Errorf("media: writing %q: %w", path, err)
}

// remove removes path (gone is fine) and makes that durable.
func remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// chooseReadme picks the README's name: an existing README of ours is
// reused as it is, a missing one written, and one of someone else's
// left alone for the second name. It returns "" when both names are
// taken by files not ours.
func chooseReadme(dir string) (name string, write bool) {
	for _, n := range []string{readmeName, readmeFallback} {
		b, err := readSmall(filepath.Join(dir, n))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return n, true
		case err == nil && isOurReadme(b):
			return n, false
		}
	}
	return "", false
}

// checkName refuses a file name that is not a plain name in dir.
func checkName(name string) error {
	bad := name == "" || name == "." || name == ".." || len(name) > 255 ||
		!utf8.ValidString(name) || strings.ContainsAny(name, `/\:`) ||
		strings.ContainsFunc(name, unicode.IsControl) ||
		strings.HasPrefix(name, atomicfile.TempPrefix) ||
		strings.EqualFold(name, readmeName) || strings.EqualFold(name, readmeFallback)
	if bad {
		return fmt.Errorf("media: %q cannot be the fragment file's name", name)
	}
	return nil
}

// readSmall reads a regular file of at most maxFile bytes. Anything
// else (a symlink, a FIFO planted on the stick that would block a read)
// is refused before it is opened.
func readSmall(path string) ([]byte, error) {
	if fi, err := os.Lstat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%q is too large to be a fragment file", path)
	}
	return b, nil
}
