package recovery

import (
	"errors"
	"fmt"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
)

// A sealed fragment travels as text wherever it leaves the device: the
// papercode form ("PC1" and bech32 characters with a checksum that
// locates typos), the same on paper, in a friend's mail attachment, in a
// mailbox and in a file on a USB stick. So every kind reads every other's
// copies, and a person can read one aloud or type it.

// ErrNoSealedText means a text or file holds nothing that looks like a
// sealed fragment.
var ErrNoSealedText = errors.New("no recovery fragment was found in it (it should hold a text starting with PC1)")

// SealToText seals f under key (SealFragment) and writes it as papercode
// text, uppercase without spaces (papercode.Group spaces it for print).
func SealToText(key []byte, f Fragment) (string, error) {
	sealed, err := SealFragment(key, f)
	if err != nil {
		return "", err
	}
	if len(sealed) > papercode.MaxPayload {
		return "", fmt.Errorf("recovery: a sealed fragment of %d bytes is too long for text (at most %d)", len(sealed), papercode.MaxPayload)
	}
	return papercode.Encode(sealed), nil
}

// OpenFromText finds the sealed fragment in text (a typed sheet, a mail,
// a file) and opens it with key. Text may be grouped, in any case, and
// surrounded by other words. Errors: ErrWrongFragment when a fragment is
// found that belongs elsewhere; the papercode errors (typos, located)
// when a fragment is found but damaged; ErrNoSealedText when none is.
func OpenFromText(key []byte, text string) (Fragment, error) {
	var firstErr error
	for _, cand := range sealedCandidates(text) {
		sealed, err := decodeCandidate(cand)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		f, err := OpenFragment(key, sealed)
		if err != nil {
			firstErr = err // a whole, readable fragment outranks a typo
			continue
		}
		return f, nil
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, ErrNoSealedText
}

// maxTextScan bounds how much of a file is searched: a fragment is about
// a hundred characters, and mails that carry one are small.
const maxTextScan = 1 << 20

// maxCandidates bounds the work a hostile file can cause: each candidate
// is decoded at up to 68 lengths.
const maxCandidates = 16

// sealedCandidates collects, for each "PC1" in text, the code characters
// that follow it, skipping the spaces, dashes and line breaks of grouped
// or wrapped text, up to the longest code there can be.
func sealedCandidates(text string) []string {
	if len(text) > maxTextScan {
		text = text[:maxTextScan]
	}
	upper := strings.ToUpper(text)
	var out []string
	for i := 0; ; {
		j := strings.Index(upper[i:], papercode.Prefix)
		if j < 0 || len(out) == maxCandidates {
			return out
		}
		start := i + j
		i = start + len(papercode.Prefix)
		var sb strings.Builder
		sb.WriteString(papercode.Prefix)
		gap := 0
		for _, r := range upper[i:] {
			switch {
			case strings.ContainsRune(codeChars, r):
				sb.WriteRune(r)
				gap = 0
			case r == ' ' || r == '-' || r == '\t' || r == '\r' || r == '\n':
				gap++
			default:
				gap = 99
			}
			if gap > 3 || sb.Len() >= maxCodeLen {
				break
			}
		}
		out = append(out, sb.String())
	}
}

// codeChars are papercode's characters, uppercase.
const codeChars = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"

// codeLens are the lengths a code can have, longest first, and maxCodeLen
// the longest; computed from papercode itself so they cannot drift.
var codeLens, maxCodeLen = func() ([]int, int) {
	var ls []int
	for n := papercode.MaxPayload; n >= 1; n-- {
		ls = append(ls, len(papercode.Encode(make([]byte, n))))
	}
	return ls, ls[0]
}()

// decodeCandidate tries the lengths a code can have, longest first: a
// code in running text may be followed by words of code characters.
func decodeCandidate(c string) ([]byte, error) {
	// The whole candidate first: a code on its own, typos included, is
	// judged at its own length, so its errors name the right places.
	b, first := papercode.Decode(c)
	if first == nil {
		return b, nil
	}
	for _, n := range codeLens {
		if n >= len(c) {
			continue
		}
		b, err := papercode.Decode(c[:n])
		if err == nil {
			return b, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}
