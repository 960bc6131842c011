package translations

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// retired reads the Retired table of docs/GLOSSARY.md: the words that
// must not come back in what people read.
func retired(t *testing.T) []string { return retiredIn(t, "## Retired\n") }

// retiredIn reads the first column of the table under heading.
func retiredIn(t *testing.T, heading string) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/GLOSSARY.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), heading)
	if !ok {
		t.Fatalf("docs/GLOSSARY.md has no %q section", heading)
	}
	table, _, _ = strings.Cut(table, "\n## ")
	var words []string
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		w := strings.TrimSpace(cells[1])
		if w == "" || w == "Retired" || strings.HasPrefix(w, "---") {
			continue
		}
		words = append(words, w)
	}
	if len(words) < 2 {
		t.Fatalf("the table under %q lists %q", heading, words)
	}
	return words
}

// TestNoRetiredIcelandicWords: the Icelandic texts use the glossary's
// words too.
func TestNoRetiredIcelandicWords(t *testing.T) {
	stems := retiredIn(t, "## Retired in Icelandic\n")
	for k, v := range load(t, "is") {
		for _, w := range stems {
			if strings.Contains(strings.ToLower(v), w) {
				t.Errorf("is.json: %q is %q, which says %q (docs/GLOSSARY.md retires it)", k, v, w)
			}
		}
	}
}

// codeLetter is a code's first character called a letter.
var codeLetter = regexp.MustCompile(`(?i)\b(that|first|code|code's) letter\b`)

// TestNoRetiredWords: no English string of the app, key or text, uses a
// word the glossary retired, and neither does the command line's text
// that people read (progress, reminders).
func TestNoRetiredWords(t *testing.T) {
	words := retired(t)
	var pats []*regexp.Regexp
	for _, w := range words {
		pats = append(pats, regexp.MustCompile(`(?i)\b`+regexp.QuoteMeta(w)+`\b`))
	}
	pats = append(pats, codeLetter)
	check := func(where, s string) {
		for _, p := range pats {
			if m := p.FindString(s); m != "" {
				t.Errorf("%s: %q says %q, which docs/GLOSSARY.md retires", where, s, m)
			}
		}
	}
	en := load(t, "en")
	for k, v := range en {
		check("en.json", k)
		check("en.json", v)
	}
	// The command line's own words: the strings it prints to people.
	for _, f := range []string{"../../cli/progress.go", "../../cli/remind.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, lit := range regexp.MustCompile(`"(?:[^"\\]|\\.)*"`).FindAllString(string(b), -1) {
			if strings.Contains(lit, " ") { // a sentence, not a flag or key
				check(f, lit)
			}
		}
	}
}

// TestRetiredWordsAreFound: the check finds what it should.
func TestRetiredWordsAreFound(t *testing.T) {
	words := retired(t)
	for _, w := range []string{"escrow", "location", "hashcash"} {
		found := false
		for _, x := range words {
			found = found || x == w
		}
		if !found {
			t.Errorf("the glossary does not retire %q", w)
		}
	}
	if !codeLetter.MatchString("None of this item's codes starts with that letter.") || codeLetter.MatchString("ask the friend to send the letter back") {
		t.Error("the check for a code's letter is wrong")
	}
}
