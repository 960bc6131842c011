package friend

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLetters: every language fills every blank, keeps to the line width
// where words allow, and says that forgetting voids the piece.
func TestLetters(t *testing.T) {
	voids := map[string]string{"en": "useless for good", "is": "gagnslaust fyrir fullt og allt"}
	for lang, phrase := range voids {
		l, err := letterFor(lang, "Þórdís Ösp Guðmundsdóttir", "thordis@example.is", "Bob", "passcrow-fragment-abcdefgh.txt")
		if err != nil {
			t.Fatal(err)
		}
		all := l.Subject + l.Body + l.File
		if strings.ContainsAny(all, "{}") || !strings.Contains(l.Body, "passcrow-fragment-abcdefgh.txt") || !strings.Contains(l.File, "thordis@example.is") {
			t.Errorf("%s: blanks left or missing:\n%s", lang, all)
		}
		if !strings.Contains(strings.Join(strings.Fields(l.Body), " "), phrase) {
			t.Errorf("%s: the letter does not say %q", lang, phrase)
		}
		for _, line := range strings.Split(l.Body+l.File, "\n") {
			if utf8.RuneCountInString(line) > lineWidth && strings.Contains(line, " ") {
				t.Errorf("%s: line of %d characters: %q", lang, utf8.RuneCountInString(line), line)
			}
		}
	}
	if _, err := letterFor("de", "A", "a@b", "", "f"); err == nil {
		t.Error("a language with no letter was accepted")
	}
}
