package screens

import (
	"strings"

	"fyne.io/fyne/v2/lang"
)

// placeHint is a place's hint in the user's language. Packs keep it in
// English, "a*@e*ple.org at passcrow.example.org", as the command line
// and the reference client write it; the screenshots showed that "at"
// in the middle of Icelandic.
func placeHint(h string) string {
	i := strings.LastIndex(h, " at ")
	if i <= 0 {
		return h
	}
	return lang.L("{{.Who}} at {{.Server}}", map[string]any{"Who": h[:i], "Server": h[i+len(" at "):]})
}
