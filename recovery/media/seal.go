package media

import (
	"crypto/sha256"
	"encoding/base32"
	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"strings"

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

// fileID names the file after the seal key, so several fragment files
// can share a folder without the names saying anything: a hash of a
// random key.
func fileID(key []byte) string {
	h := sha256.Sum256(append([]byte("passcrow media file\x00"), key...))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:5]))
}

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
