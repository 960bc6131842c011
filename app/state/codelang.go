package state

import (
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/passcrow/passcrow-desktop/app/translations"
)

// codeLanguage is the language servers are asked to write their codes in:
// the one the app shows, that is the language chosen in Settings, else the
// system's when the app has it, else English. (Asking for the saved
// preference alone sent English codes to an Icelandic desktop.)
func (s *State) codeLanguage() string {
	if l := s.Language(); l != "" {
		return l
	}
	return systemLanguage(lang.SystemLocale().LanguageString())
}

// systemLanguage picks the app's language for a system locale ("is-IS").
func systemLanguage(locale string) string {
	locale = strings.ToLower(locale)
	for _, l := range translations.Languages {
		if locale == l || strings.HasPrefix(locale, l+"-") || strings.HasPrefix(locale, l+"_") {
			return l
		}
	}
	return "en"
}
