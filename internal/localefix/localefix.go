// Package localefix works around Fyne reading the "C.UTF-8" locale (the
// default of Debian and Ubuntu servers and containers) as an invalid
// language tag and logging "Error parsing user locale C" on every start,
// CLI commands and `passcrow serve` included.
//
// Importing it strips the codeset from C and POSIX locale variables before
// Fyne's lang package reads them: Go initializes, among the packages that
// are ready, the one first by import path, and this package (standard
// library imports only) is ready long before fyne.io/fyne/v2/lang, which
// waits for golang.org/x/text. Package restore, which imports Fyne's lang,
// puts the variables back right after, so child processes see them
// unchanged.
package localefix

import (
	"os"
	"strings"
)

var saved = map[string]string{}

func init() { Strip() }

// Strip changes C.UTF-8 style variables to their plain C form; Restore
// undoes it. The app wraps its own loading of translations (which makes
// Fyne read the locale again) in the pair.
func Strip() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if base, _, ok := strings.Cut(v, "."); ok && (base == "C" || base == "POSIX") {
			saved[k] = v
			os.Setenv(k, base)
		}
	}
}

// Restore puts back what init changed.
func Restore() {
	for k, v := range saved {
		os.Setenv(k, v)
	}
}
