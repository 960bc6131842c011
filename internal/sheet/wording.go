package sheet

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// wording is every sentence printed on the sheets in one language; each
// language is one file (wording_en.go, wording_is.go) so a reviewer reads
// it top to bottom. Placeholders in braces are filled by fill:
// {title} the secret's name, {owner} / {Owner} the owner (or "the owner",
// capitalised for {Owner}), {date}, {heir}, {address}, {url}, {days} (a
// number with its noun), {n} and {total} (page numbers).
type wording struct {
	theOwner string // stands in for {owner} when no name is given

	printed     string
	validUntil  string
	noExpiry    string
	page        string
	scanCaption string

	// The fragment sheet.
	fragHeader    string
	fragTitle     string
	fragOwner     string
	typeCaption   string
	typeHint      string
	whatHeading   string
	whatText      string
	whatTextOwner string
	whenText      string
	howHeading    string
	howSteps      []string
	safeHeading   string
	safeText      string
	validText     string
	validForever  string
	whereHeading  string

	// The inheritance sheet.
	inhHeader     string
	inhTitle      string
	inhFor        string
	inhIntro      string
	inhNoPrior    string
	inhStepsHead  string
	inhInstall    string
	inhOpen       string
	inhScan       string
	inhMail       string
	inhMailNoAddr string
	inhWait       string
	inhPieces     string
	keyCaption    string
	inhSafeText   string

	months [12]string
	// date formats a calendar date the way this language writes it.
	date func(w *wording, t time.Time) string
	// days writes a number of days with the right noun.
	days func(n int) string
}

// wordingFor picks the wording for a language tag such as "is" or "en-GB";
// anything but Icelandic gets English.
func wordingFor(lang string) *wording {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	base, _, _ = strings.Cut(base, "_")
	if base == "is" {
		return &wordingIS
	}
	return &wordingEN
}

// vars holds the values for one sheet's placeholders.
type vars map[string]string

// fill replaces the placeholders in s.
func (v vars) fill(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		key := s[i+1 : i+j]
		if val, ok := v[key]; ok {
			b.WriteString(val)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// ownerVars sets {owner} and {Owner}: the name as given, or the language's
// "the owner" with a capital for the start of a sentence.
func (w *wording) ownerVars(v vars, owner string) {
	if owner != "" {
		v["owner"], v["Owner"] = owner, owner
		return
	}
	v["owner"] = w.theOwner
	r, n := utf8.DecodeRuneInString(w.theOwner)
	v["Owner"] = string(unicode.ToUpper(r)) + w.theOwner[n:]
}
