// Package sheet renders printed hard copies of recovery material as PDF:
// a fragment sheet (one piece of a recovery key, as a QR code and as text
// in groups of four) and an inheritance sheet (a server and key for an heir
// who has never heard of Passcrow, with step-by-step instructions).
//
// The sheets are written for someone who is not technical and may read
// them years later. All wording is in wording_en.go and wording_is.go;
// layout.go lays text out top to bottom with page breaks, qr.go draws the
// QR code as vector squares, and fonts.go embeds DejaVu so names in most
// scripts print as written. The QR code and the grouped text always carry
// the same string, so scanning and typing give the same result.
package sheet

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
)

// Paper is the sheet size to print on.
type Paper int

const (
	A4     Paper = iota // 210 × 297 mm, everywhere but North America
	Letter              // 8.5 × 11 in, USA and Canada
)

func (p Paper) String() string {
	switch p {
	case A4:
		return "A4"
	case Letter:
		return "Letter"
	}
	return fmt.Sprintf("Paper(%d)", int(p))
}

// FragmentSheet is what a sheet holding one piece of a recovery key says.
type FragmentSheet struct {
	Title   string    // the secret's name or description, e.g. "Family photos"
	Owner   string    // whose secret it is; optional
	Date    time.Time // when the sheet was made
	Expires time.Time // until when it is valid; zero for never
	// Code is the piece itself, the uppercase string from papercode.Encode.
	// The QR code holds it without spaces; the text prints it grouped as
	// papercode.Group does, so the groups the app names in a typo message
	// are the printed ones.
	Code string
	// Label says which sheet this is, e.g. "Sheet 1 of 2".
	Label string
	// Locations, when not empty, lists where every piece of this key is
	// kept; printed only when the user chooses so.
	Locations []string
	// Lang is "en" or "is"; other languages get English.
	Lang string
}

// InheritanceSheet is what a sheet for an heir says.
type InheritanceSheet struct {
	Title   string // what the heir will get back, e.g. "Bitcoin wallet"
	Owner   string // who leaves it; optional but strongly advised
	Heir    string // the heir's name; optional
	Date    time.Time
	Expires time.Time // zero for never
	// Key is what the app needs from the heir, as the caller spells it,
	// e.g. "passcrow.example.org:ABCD-EFGH-JKMN-PQRS" or a URL. The QR
	// code and the printed text carry it unchanged.
	Key string
	// InstallURL is where to get the Passcrow app.
	InstallURL string
	// HeirAddress is the e-mail address the code will be sent to.
	HeirAddress string
	// WaitDays is how long the owner has to stop a recovery; 0 for none.
	WaitDays  int
	Label     string
	Locations []string // where the other pieces are; optional
	Lang      string
}

// Limits that keep a sheet on the page and reject nonsense early.
const (
	maxField = 300 // characters in a title, name, address or location
	maxCode  = 300 // characters in a code or key: beyond, the QR modules get too small for a phone
	maxLocs  = 50
)

// ErrEmpty is returned when a required field is missing.
var ErrEmpty = errors.New("sheet: a required field is empty")

// clean makes a caller's text safe to print: control characters become
// spaces, and invisible direction overrides (which could make a name read
// differently from how it is stored) are dropped.
func clean(field, s string) (string, error) {
	if utf8.RuneCountInString(s) > maxField {
		return "", fmt.Errorf("sheet: %s is longer than %d characters", field, maxField)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("sheet: %s is not valid UTF-8", field)
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " "), nil
}

// cleanCode checks a code or key: printable ASCII without spaces, as both
// the QR code and a person typing need it. Spaces a caller put between
// groups are removed.
func cleanCode(field, s string) (string, error) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return "", fmt.Errorf("%w: %s", ErrEmpty, field)
	}
	if len(s) > maxCode {
		return "", fmt.Errorf("sheet: %s is longer than %d characters", field, maxCode)
	}
	for _, r := range s {
		if r < '!' || r > '~' {
			return "", fmt.Errorf("sheet: %s has a character that cannot be typed: %q", field, r)
		}
	}
	return s, nil
}

func cleanList(field string, list []string) ([]string, error) {
	if len(list) > maxLocs {
		return nil, fmt.Errorf("sheet: more than %d %s", maxLocs, field)
	}
	var out []string
	for _, l := range list {
		c, err := clean(field, l)
		if err != nil {
			return nil, err
		}
		if c != "" {
			out = append(out, c)
		}
	}
	return out, nil
}

// groups splits a code into the groups the app names when it points out
// a typo: papercode's, "PC1" on its own and then fours.
func groups(code string) []string {
	return strings.Fields(papercode.Group(code))
}

// dates fills {date} lines: when printed and until when valid.
func (w *wording) dates(made, expires time.Time) (printed, valid string) {
	printed = vars{"date": w.date(w, made)}.fill(w.printed)
	if expires.IsZero() {
		return printed, w.noExpiry
	}
	return printed, vars{"date": w.date(w, expires)}.fill(w.validUntil)
}
