// Package restore undoes localefix once Fyne's lang package has read the
// locale: importing lang makes this package initialize after it.
package restore

import (
	_ "fyne.io/fyne/v2/lang"

	"github.com/passcrow/passcrow-desktop/internal/localefix"
)

func init() { localefix.Restore() }
