package friend

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// sealText and openText are where the fragment becomes text and back:
// the papercode form every kind shares (recovery.SealToText), so a
// fragment file, a friend's attachment and a printed sheet read alike.
func sealText(key []byte, f recovery.Fragment) (string, error) {
	return recovery.SealToText(key, f)
}

func openText(key []byte, text string) (recovery.Fragment, error) {
	return recovery.OpenFromText(key, text)
}

// fileID names the attachment after the seal key, so the same mail can
// be told apart from a friend's other Passcrow mails without the name
// saying anything: a hash of a random key.
func fileID(key []byte) string {
	h := sha256.Sum256(append([]byte("passcrow friend file\x00"), key...))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:5]))
}

// mayHold tells whether text may hold a sealed fragment at all: only
// those texts are tried.
func mayHold(text string) bool { return strings.Contains(strings.ToUpper(text), papercode.Prefix) }

// printed is the sealed text as a person reads it: in groups of four, as
// on a printed sheet, so "a typo in group 24" can be found by counting,
// six groups to a line.
func printed(sealed string) string {
	groups := strings.Fields(papercode.Group(sealed))
	var lines []string
	for len(groups) > 6 {
		lines = append(lines, strings.Join(groups[:6], " "))
		groups = groups[6:]
	}
	return strings.Join(append(lines, strings.Join(groups, " ")), "\n")
}
