package recovery

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// CodeAlphabet holds the code prefix letters, in the order records get
// them (the reference client's order; no I, L or O, which look like 1 and 0).
const CodeAlphabet = "1234567890ABCDEFGHJKMNPQRSTUVWXYZ"

// MaxLocations is how many locations one pack can have: one prefix each.
const MaxLocations = len(CodeAlphabet)

// codeDigits is how many digits follow the prefix.
const codeDigits = 6

var (
	// ErrCodeFormat means a typed code is not a prefix and six digits.
	ErrCodeFormat = errors.New("recovery: not a code")
	// ErrUnknownPrefix means no record of the pack has the code's prefix.
	ErrUnknownPrefix = errors.New("recovery: no location has this code's prefix")
)

// Prefix is the code prefix of the i-th record of a pack.
func Prefix(i int) (string, error) {
	if i < 0 || i >= len(CodeAlphabet) {
		return "", fmt.Errorf("recovery: location %d has no code prefix: at most %d locations", i+1, MaxLocations)
	}
	return CodeAlphabet[i : i+1], nil
}

// NormaliseCode turns what a user typed into the code as servers send
// it: upper case, O read as 0, I and L as 1, and no spaces, dashes or dots.
func NormaliseCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == '.' || unicode.IsSpace(r):
		case r == 'O':
			b.WriteByte('0')
		case r == 'I' || r == 'L':
			b.WriteByte('1')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// RouteCode finds the record a typed code belongs to by its prefix letter.
// It returns the record's index and the normalised code. Its errors name
// the code's first letter, never the code: a valid code of another pack
// must not end up on a terminal or in a log.
func RouteCode(records []Record, code string) (int, string, error) {
	c := NormaliseCode(code)
	if c == "" {
		return -1, "", fmt.Errorf("%w: nothing typed", ErrCodeFormat)
	}
	prefix, digits := c[:1], c[1:]
	if !strings.Contains(CodeAlphabet, prefix) {
		return -1, "", fmt.Errorf("%w: the code does not start with a code letter", ErrCodeFormat)
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return -1, "", fmt.Errorf("%w: the code starting %q has %q after its first letter; only digits belong there", ErrCodeFormat, prefix, r)
		}
	}
	// The reference server draws randint(0, 1000000) inclusive, so one
	// code in a million is "1000000": seven digits.
	if len(digits) != codeDigits && digits != "1000000" {
		return -1, "", fmt.Errorf("%w: the code starting %q has %d digits after its letter, want %d", ErrCodeFormat, prefix, len(digits), codeDigits)
	}
	var have []string
	for i, r := range records {
		if r.Prefix == prefix {
			return i, c, nil
		}
		if r.Prefix != "" {
			have = append(have, r.Prefix)
		}
	}
	return -1, "", fmt.Errorf("%w: the code starts with %q, but this pack's codes start with %s", ErrUnknownPrefix, prefix, strings.Join(have, ", "))
}
