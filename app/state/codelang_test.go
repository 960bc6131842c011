package state

import "testing"

func TestCodesAskedInTheAppsLanguage(t *testing.T) {
	for locale, want := range map[string]string{"is-IS": "is", "is": "is", "IS_is": "is", "en-GB": "en", "de-DE": "en", "": "en", "isl": "en"} {
		if got := systemLanguage(locale); got != want {
			t.Errorf("systemLanguage(%q) = %q, want %q", locale, got, want)
		}
	}
}
