package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// visual puts a line of text into the order it is drawn in, left to right,
// so a Hebrew name inside an English sentence reads right to left as it
// should. A PDF draws glyphs in the order given; nobody else reorders them.
// Arabic letters come out in the right order but unjoined (no shaping).
func visual(line string) string {
	if !hasRTL(line) {
		return line
	}
	var p bidi.Paragraph
	if _, err := p.SetString(line, bidi.DefaultDirection(bidi.LeftToRight)); err != nil {
		return line
	}
	o, err := p.Order()
	if err != nil {
		return line
	}
	var b strings.Builder
	for i := 0; i < o.NumRuns(); i++ {
		r := o.Run(i)
		t := r.String()
		if r.Direction() == bidi.RightToLeft {
			t = reverseRun(t)
		}
		b.WriteString(t)
	}
	return b.String()
}

func hasRTL(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hebrew, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return true
		}
	}
	return false
}

// reverseRun reverses a right-to-left run for drawing, leaving the spaces
// around it where they were and mirroring brackets.
func reverseRun(t string) string {
	core := strings.TrimSpace(t)
	if core == "" {
		return t
	}
	rs := []rune(core)
	for a, b := 0, len(rs)-1; a < b; a, b = a+1, b-1 {
		rs[a], rs[b] = rs[b], rs[a]
	}
	for i, r := range rs {
		if m, ok := mirror[r]; ok {
			rs[i] = m
		}
	}
	lead := t[:len(t)-len(strings.TrimLeftFunc(t, unicode.IsSpace))]
	trail := t[len(strings.TrimRightFunc(t, unicode.IsSpace)):]
	return lead + string(rs) + trail
}

var mirror = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«'}
