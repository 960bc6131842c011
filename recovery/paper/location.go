package paper

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Kind is the kind name of printed sheets in packs.
const Kind = "paper"

// Location writes a fragment sheet as a PDF into Dir, for the user to
// print. Title, Owner and Label go on the sheet; Locations, when set,
// lists every location of the pack on it (the user chooses whether: it
// helps an heir, and tells a finder where to look).
type Location struct {
	Dir       string
	Paper     sheet.Paper
	Lang      string // "en" or "is"
	Title     string
	Owner     string
	Label     string // "Sheet 1 of 2"
	Locations []string
	// Now is the clock for the sheet's date; nil means time.Now.
	Now func() time.Time
}

var (
	_ recovery.Location      = (*Location)(nil)
	_ recovery.Identifier    = (*Location)(nil)
	_ recovery.LocalLocation = (*Location)(nil)
)

// Record data of a printed sheet.
type recordData struct {
	SealKey string `json:"seal-key"`
	// File is where the PDF was written, so Delete can remove it.
	File string `json:"file"`
	// Printed is the sheet's date (Unix seconds), to tell sheets apart.
	Printed int64 `json:"printed"`
	// SHA256 is the hex SHA-256 of the PDF as written: Delete removes
	// File only when it still is that PDF, so a pack from elsewhere
	// cannot name a file of the user's for Forget to delete.
	SHA256 string `json:"sha256,omitempty"`
}

// ContactsNoOne marks a location that reaches no one over the network:
// a recovery.Spread need not wait before it.
func (l *Location) ContactsNoOne() {}

// Kind is "paper".
func (l *Location) Kind() string { return Kind }

// Describe says "a printed sheet (Sheet 1 of 2)".
func (l *Location) Describe() string {
	if l.Label == "" {
		return "a printed sheet"
	}
	return fmt.Sprintf("a printed sheet (%s)", l.Label)
}

// Identity tells two sheets of one protect apart by their label.
func (l *Location) Identity() string { return filepath.Clean(l.Dir) + "\x00" + l.Label }

// Place seals f and writes the sheet's PDF into Dir, mode 0600, under a
// fresh name, never replacing a file.
func (l *Location) Place(ctx context.Context, f recovery.Fragment, o recovery.PlaceOptions) (recovery.Record, error) {
	key, err := recovery.NewSealKey()
	if err != nil {
		return recovery.Record{}, err
	}
	defer clear(key)
	code, err := recovery.SealToText(key, f)
	if err != nil {
		return recovery.Record{}, err
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	date := now()
	s := sheet.FragmentSheet{
		Title: l.Title, Owner: l.Owner, Date: date, Expires: o.Expires,
		Code: code, Label: l.Label, Locations: l.Locations, Lang: l.Lang,
	}
	if s.Title == "" {
		s.Title = o.Description
	}
	var pdf bytes.Buffer
	if err := sheet.RenderFragment(&pdf, s, l.Paper); err != nil {
		return recovery.Record{}, fmt.Errorf("making the sheet: %w", err)
	}
	if l.Dir == "" {
		return recovery.Record{}, errors.New("no folder was chosen for the sheet")
	}
	// Absolute, so Forget finds the file from any working directory.
	dir, err := filepath.Abs(l.Dir)
	if err != nil {
		return recovery.Record{}, fmt.Errorf("saving the sheet in %s: %w", l.Dir, err)
	}
	path, err := freshName(dir, date)
	if err != nil {
		return recovery.Record{}, err
	}
	if err := atomicfile.WriteFile(path, pdf.Bytes()); err != nil {
		os.Remove(path)
		return recovery.Record{}, fmt.Errorf("saving the sheet in %s: %w", l.Dir, err)
	}
	sum := sha256.Sum256(pdf.Bytes())
	raw, err := json.Marshal(recordData{SealKey: recovery.EncodeSealKey(key), File: path, Printed: date.Unix(), SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		os.Remove(path)
		return recovery.Record{}, err
	}
	hint := "a printed sheet made " + date.Format(time.DateOnly)
	if l.Label != "" {
		hint = fmt.Sprintf("a printed sheet (%s) made %s", l.Label, date.Format(time.DateOnly))
	}
	return recovery.Record{Kind: Kind, Prefix: o.Prefix, Hint: hint, Expires: o.Expires.Unix(), Data: raw}, nil
}

// freshName picks a sheet file name in dir that is not taken and
// reserves it, so two sheets never overwrite each other or a user's file.
func freshName(dir string, date time.Time) (string, error) {
	var r [4]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("passcrow-sheet-%s-%s.pdf", date.Format(time.DateOnly), hex.EncodeToString(r[:])))
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("saving the sheet in %s: %w", dir, err)
	}
	fh.Close()
	return path, nil
}
