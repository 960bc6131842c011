package media

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// sealText and openText are where the fragment becomes text and back.
// Stand-in until recovery.SealToText / OpenFromText (PC1 with a
// checksum) land: base64 of recovery.SealFragment after a marker.
func sealText(key []byte, f recovery.Fragment) (string, error) {
	s, err := recovery.SealFragment(key, f)
	if err != nil {
		return "", err
	}
	return standInPrefix + base64.StdEncoding.EncodeToString(s), nil
}

const standInPrefix = "PCSEALED:"

var standInToken = regexp.MustCompile(`PCSEALED:([A-Za-z0-9+/=]{8,1000})`)

func openText(key []byte, text string) (recovery.Fragment, error) {
	m := standInToken.FindStringSubmatch(text)
	if m == nil {
		return nil, fmt.Errorf("%w: no sealed fragment in the text", recovery.ErrWrongFragment)
	}
	raw, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", recovery.ErrWrongFragment, err)
	}
	return recovery.OpenFragment(key, raw)
}

// fileID names the file after the seal key, so several fragment files
// can share a folder without the names saying anything: a hash of a
// random key.
func fileID(key []byte) string {
	h := sha256.Sum256(append([]byte("passcrow media file\x00"), key...))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:5]))
}

// mayHold tells whether text may hold a sealed fragment at all, so a
// file with none is "not this pack's" rather than "changed".
func mayHold(text string) bool { return strings.Contains(text, standInPrefix) }
