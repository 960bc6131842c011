package papercode

import (
	"fmt"
	"strings"
	"unicode"
)

const (
	// Prefix starts every code: the human-readable part "PC" and bech32's
	// separator "1".
	Prefix = "PC1"

	// MaxPayload is the longest payload in bytes. Up to ShortMax bytes the
	// 13-character codex32 checksum is used; longer payloads take the
	// 15-character long checksum, up to the 124 characters after the
	// prefix that codex32 allows for it.
	MaxPayload = 68

	// ShortMax is the longest payload with the short checksum: 80 data
	// characters, the most the 13-character code can protect (93 with
	// its checksum).
	ShortMax = 50
)

// alphabet is bech32's, in uppercase: the character for the value v is
// alphabet[v]. It has no 1, B, I or O.
const alphabet = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"

var charValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for v, ch := range alphabet {
		t[ch] = int8(v)
	}
	return t
}()

// hrpSymbols is "pc" expanded as bech32 does (high bits of each letter,
// a zero, low bits), put through the checksum before the data so that the
// checksum covers our human-readable part too.
var hrpSymbols = func() []uint8 {
	const hrp = "pc"
	var s []uint8
	for i := range len(hrp) {
		s = append(s, hrp[i]>>5)
	}
	s = append(s, 0)
	for i := range len(hrp) {
		s = append(s, hrp[i]&31)
	}
	return s
}()

// codeFor returns the checksum used for a payload of n bytes.
func codeFor(n int) *bchCode {
	if n <= ShortMax {
		return shortCode
	}
	return longCode
}

// dataChars is how many characters n bytes take: 5 bits each, the last one
// padded with zero bits.
func dataChars(n int) int { return (8*n + 4) / 5 }

// Encode returns the code for payload: "PC1", the payload in bech32
// characters, and the checksum, all uppercase with no spaces, as it goes
// into a QR code (alphanumeric mode). Use Group for the printed text.
// Encode panics unless 1 ≤ len(payload) ≤ MaxPayload: the caller decides
// what goes on paper and must keep to that.
func Encode(payload []byte) string {
	if len(payload) < 1 || len(payload) > MaxPayload {
		panic(fmt.Sprintf("papercode: payload of %d bytes, want 1 to %d", len(payload), MaxPayload))
	}
	data := make([]uint8, 0, dataChars(len(payload))+maxCheck)
	var acc uint32
	bits := 0
	for _, b := range payload {
		acc = acc<<8 | uint32(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			data = append(data, uint8(acc>>bits)&31)
		}
	}
	if bits > 0 {
		data = append(data, uint8(acc<<(5-bits))&31)
	}
	data = append(data, codeFor(len(payload)).checksum(hrpSymbols, data)...)

	var sb strings.Builder
	sb.Grow(len(Prefix) + len(data))
	sb.WriteString(Prefix)
	for _, v := range data {
		sb.WriteByte(alphabet[v])
	}
	return sb.String()
}

// Group returns s in groups of four characters separated by single spaces,
// for printing and reading aloud. The prefix "PC1" is a group of its own,
// so every later group is four characters of data or checksum (the last
// may be shorter): "PC1 QPZR Y9X8 …". Group 1 is the prefix, group 2 the
// first four characters after it; errors from Decode count the same way.
// s may already be grouped or in lowercase; Group uppercases it.
func Group(s string) string {
	n := normalise(s)
	var sb strings.Builder
	sb.Grow(len(n) + len(n)/4 + 1)
	rest := n
	if strings.HasPrefix(n, Prefix) {
		sb.WriteString(Prefix)
		rest = n[len(Prefix):]
	}
	for i := 0; i < len(rest); i += 4 {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(rest[i:min(i+4, len(rest))])
	}
	return sb.String()
}

// normalise drops what people put between characters (spaces, newlines,
// dashes) and uppercases ASCII letters. Everything else stays, so that a
// stray character is reported where it is rather than skipped.
func normalise(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '-' || unicode.IsSpace(r):
		case 'a' <= r && r <= 'z':
			sb.WriteRune(r - 'a' + 'A')
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// GroupOf tells where the character at position pos of a normalised code
// (0-based, counting the prefix) is printed: in group `group` (1-based,
// the prefix being group 1) as its nth character (1-based).
func GroupOf(pos int) (group, nth int) {
	if pos < len(Prefix) {
		return 1, pos + 1
	}
	d := pos - len(Prefix)
	return d/4 + 2, d%4 + 1
}

// Decode returns the payload of a typed or scanned code. It accepts any
// case, and spaces, dashes and line breaks anywhere. It never guesses: a
// character outside the alphabet is a *CharacterError (say an O for a 0),
// a wrong character a *TypoError that says where (up to four of them), and
// more typos than can be placed ErrChecksum. A wrong start is ErrPrefix.
// A character left out or typed twice is a *LengthError that says where
// when exactly one place explains it; otherwise the text is ErrLength, or
// ErrChecksum if its length happens to be that of another code.
func Decode(typed string) ([]byte, error) {
	n := []rune(normalise(typed))
	if len(n) < len(Prefix) || string(n[:len(Prefix)]) != Prefix {
		return nil, ErrPrefix
	}
	rest := n[len(Prefix):]

	var bad []int
	data := make([]uint8, len(rest))
	for i, r := range rest {
		if r >= 128 || charValue[r] < 0 {
			if len(bad) < maxReported {
				bad = append(bad, len(Prefix)+i)
			}
			continue
		}
		data[i] = uint8(charValue[r])
	}
	if bad != nil {
		return nil, newCharacterError(bad)
	}

	code := codeForLength(len(data))
	if code == nil {
		if sl, ok := findSlip(data); ok {
			return nil, newLengthError(sl)
		}
		return nil, fmt.Errorf("%w (%d after %s)", ErrLength, len(data), Prefix)
	}
	if e := code.syndrome(hrpSymbols, data); e != (residue{}) {
		if idx := code.locate(hrpSymbols, data, e); idx != nil {
			pos := make([]int, len(idx))
			for i, t := range idx {
				pos[i] = len(Prefix) + t
			}
			return nil, newTypoError(pos)
		}
		if sl, ok := findSlip(data); ok {
			return nil, newLengthError(sl)
		}
		return nil, ErrChecksum
	}
	payload, _, ok := decodeData(data)
	if !ok {
		// Encode pads with zero bits; a valid checksum over other padding
		// means many typos that happen to form another valid string.
		return nil, ErrChecksum
	}
	return payload, nil
}

// decodeData returns the payload of the characters after the prefix, and
// whether they are a code exactly as Encode makes it: a length it makes, a
// valid checksum, zero padding bits.
func decodeData(data []uint8) ([]byte, *bchCode, bool) {
	code := codeForLength(len(data))
	if code == nil || code.syndrome(hrpSymbols, data) != (residue{}) {
		return nil, nil, false
	}
	chars := data[:len(data)-code.checkLen]
	payload := make([]byte, 0, len(chars)*5/8)
	var acc uint32
	bits := 0
	for _, v := range chars {
		acc = acc<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			payload = append(payload, byte(acc>>bits))
		}
	}
	if acc&(1<<bits-1) != 0 {
		return nil, nil, false
	}
	return payload, code, true
}

// codeForLength returns the checksum of a code with chars characters
// after the prefix, or nil when Encode makes no code that long.
func codeForLength(chars int) *bchCode {
	_, code := payloadSize(chars)
	return code
}

// payloadSize returns the payload length and checksum for a code with
// chars characters after the prefix, or a nil code when no payload gives
// that many.
func payloadSize(chars int) (int, *bchCode) {
	for _, code := range []*bchCode{shortCode, longCode} {
		d := chars - code.checkLen
		n := d * 5 / 8
		if n >= 1 && n <= MaxPayload && dataChars(n) == d && codeFor(n) == code {
			return n, code
		}
	}
	return 0, nil
}
