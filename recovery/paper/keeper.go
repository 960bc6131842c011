package paper

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/passcrow/passcrow-desktop/internal/qrscan"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Keeper reads printed sheets back: typed text, or a photo or scan of
// the QR code.
type Keeper struct{}

var _ recovery.Gatherer = Keeper{}

// Kind is "paper".
func (Keeper) Kind() string { return Kind }

// Asks for the typed text or a picture of the sheet.
func (Keeper) Asks(recovery.Record) recovery.Ask { return recovery.AskText | recovery.AskFile }

// Gather opens the fragment from the typed text or a picture. A typo is
// an error that says where (papercode's errors), never corrected; a
// sheet of another pack is recovery.ErrNotThisPack.
func (Keeper) Gather(ctx context.Context, r recovery.Record, in recovery.Input) (recovery.Fragment, error) {
	d, err := data(r)
	if err != nil {
		return nil, err
	}
	key, err := recovery.DecodeSealKey(d.SealKey)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	text := in.Text
	if in.File != nil {
		text, err = fileText(in.File)
		if err != nil {
			return nil, err
		}
	}
	f, err := recovery.OpenFromText(key, text)
	if errors.Is(err, recovery.ErrWrongFragment) {
		return nil, fmt.Errorf("%w: %w", recovery.ErrNotThisPack, err)
	}
	return f, err
}

// fileText is a picture's QR code, or a text file's text.
func fileText(b []byte) (string, error) {
	if bytes.HasPrefix(b, []byte("\x89PNG")) || bytes.HasPrefix(b, []byte("\xff\xd8")) {
		s, err := qrscan.DecodeBytes(b)
		if err != nil {
			return "", fmt.Errorf("reading the QR code in the picture: %w", err)
		}
		return s, nil
	}
	if bytes.HasPrefix(b, []byte("%PDF")) {
		return "", errors.New("this is the sheet's PDF file; open a photo or scan of the printed sheet, or type its text")
	}
	return string(b), nil
}

// Delete removes the sheet's PDF file if it is still there, just as it
// was written. Printed copies stay; forgetting the pack makes them
// unreadable. A pack can come from anywhere, so a file is removed only
// when it is provably this sheet's PDF: a sheet's name, a regular file
// (not a link), and the very bytes whose hash the record keeps. Anything
// else (another file, a changed PDF, a record without the hash) is left
// alone and is no error: without the pack's key the sheet is unreadable.
func (Keeper) Delete(ctx context.Context, r recovery.Record) error {
	d, err := data(r)
	if err != nil {
		return err
	}
	if d.File == "" || !isSheetPath(d.File) || len(d.SHA256) != 2*sha256.Size {
		return nil
	}
	if !sameBytes(d.File, d.SHA256) {
		return nil
	}
	if err := os.Remove(d.File); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the sheet's file: %w", err)
	}
	return nil
}

// sheetName is the name freshName gives a sheet's PDF.
var sheetName = regexp.MustCompile(`^passcrow-sheet-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9a-f]{8}\.pdf$`)

// isSheetPath tells an absolute path to a file named as Place names sheets.
func isSheetPath(path string) bool {
	return filepath.IsAbs(path) && filepath.Clean(path) == path && sheetName.MatchString(filepath.Base(path))
}

// maxSheetFile bounds what Delete reads to compare: a sheet is tens of
// kilobytes (the fonts are subset).
const maxSheetFile = 16 << 20

// sameBytes tells whether path is a regular file whose SHA-256 is sum
// (hex). A link, a FIFO or a file too large is not.
func sameBytes(path, sum string) bool {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxSheetFile {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi2, err := f.Stat(); err != nil || !os.SameFile(fi, fi2) {
		return false
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, maxSheetFile+1)); err != nil {
		return false
	}
	want, err := hex.DecodeString(sum)
	return err == nil && bytes.Equal(h.Sum(nil), want)
}

func data(r recovery.Record) (recordData, error) {
	var d recordData
	if r.Kind != Kind {
		return d, fmt.Errorf("paper keeper: a record of kind %q", r.Kind)
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return d, fmt.Errorf("the pack's record of this sheet is damaged: %w", err)
	}
	return d, nil
}
