// Package termtext makes text from elsewhere (a server's answer, a pack
// someone handed over) safe to print on a terminal. Such text is data: an
// escape sequence in it could recolour, move the cursor, retitle the
// window, hide lines, write a fake prompt or, on some terminals, answer
// back as if typed; bidi controls could show a line in another order than
// it reads. What is printed must be what the text says, nothing more.
package termtext

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s as one line of plain text: ANSI escape sequences
// (CSI, OSC, DCS and the rest) are dropped whole, every other C0 and C1
// control character (newlines and tabs too), DEL and the Unicode bidi
// and line-separator controls are dropped, and bytes that are not UTF-8
// become U+FFFD.
func Clean(s string) string {
	return clean(s, false)
}

// CleanLines is Clean for text of several lines: it keeps each '\n' and
// cleans what lies between. For messages this program builds around
// untrusted parts; a single untrusted field should go through Clean, so
// it cannot start a line of its own.
func CleanLines(s string) string {
	return clean(s, true)
}

func clean(s string, keepNewlines bool) string {
	if isPlain(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
			i++
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
			i++
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			i = skipEscape(s, i)
		case dropped(r):
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// isPlain reports whether s needs no change, so that the common case
// allocates nothing.
func isPlain(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false // checked rune by rune in clean
		}
		if (c < 0x20 && !(c == '\n' && keepNewlines)) || c == 0x7f {
			return false
		}
	}
	return true
}

// dropped reports the characters that are removed on their own: C0, DEL,
// C1, and the Unicode controls that reorder or break lines invisibly.
func dropped(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, // Arabic letter mark
		r == 0x200e, r == 0x200f, // left-to-right and right-to-left marks
		r >= 0x202a && r <= 0x202e, // embeddings and overrides
		r >= 0x2066 && r <= 0x2069, // isolates
		r == 0x2028, r == 0x2029:   // line and paragraph separators
		return true
	}
	return false
}

// skipEscape returns the index just past the escape sequence starting at
// s[i] (ESC, or a C1 introducer encoded as UTF-8). An unfinished
// sequence runs to the end of s: whatever follows an unterminated OSC
// would be eaten by the terminal too, so none of it is shown.
func skipEscape(s string, i int) int {
	r, size := utf8.DecodeRuneInString(s[i:])
	i += size
	var kind rune
	if r == 0x1b {
		if i >= len(s) {
			return i
		}
		c := s[i]
		switch c {
		case '[':
			kind = 0x9b
		case ']':
			kind = 0x9d
		case 'P':
			kind = 0x90
		case 'X':
			kind = 0x98
		case '^':
			kind = 0x9e
		case '_':
			kind = 0x9f
		default:
			// ESC, intermediates 0x20-0x2f, then one final byte.
			for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
				i++
			}
			if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
				i++
			}
			return i
		}
		i++
	} else {
		kind = r
	}
	if kind == 0x9b {
		// CSI: parameters and intermediates 0x20-0x3f, final 0x40-0x7e.
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
			i++
		}
		if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
			i++
		}
		return i
	}
	// OSC, DCS, SOS, PM, APC: a string ended by BEL (OSC only, but
	// terminals take it for all), ESC \ or the C1 ST.
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // a new sequence starts: clean takes it from here
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}
