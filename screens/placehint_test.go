package screens

import "testing"

// TestPlaceHintInIcelandic: the English "at" a pack keeps in a place's
// hint is said in the user's language, and a hint without one is kept.
func TestPlaceHintInIcelandic(t *testing.T) {
	forceIcelandic(t)
	for in, want := range map[string]string{
		"a*@e*ple.org at passcrow.example.org": "a*@e*ple.org hjá passcrow.example.org",
		"mailbox me at imap.example.org":       "mailbox me hjá imap.example.org",
		"a*@e*ple.org":                         "a*@e*ple.org",
	} {
		if got := placeHint(in); got != want {
			t.Errorf("placeHint(%q) = %q, want %q", in, got, want)
		}
	}
}
