package platform

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
)

// The reminder runs at login (and on macOS daily) so that the Recovery
// Packs are checked without the app being open. The app calls
//
//	EnableAutostart(exe, "remind", "--interval-days", "365", ...)
//
// with its own absolute path and the settings the reminder needs (it has
// no app to ask), and again whenever they change; EnableAutostart,
// DisableAutostart and AutostartEnabled are implemented per OS in
// autostart_<os>.go.
const (
	autostartName  = "passcrow-remind"     // Linux .desktop file name
	autostartLabel = "org.passcrow.remind" // macOS launchd label
	autostartValue = "PasscrowRemind"      // Windows Run value name
)

// checkCommand rejects a command line no autostart format can carry.
func checkCommand(exe string, args []string) error {
	if exe == "" {
		return fmt.Errorf("autostart: empty program path")
	}
	if !filepath.IsAbs(exe) {
		return fmt.Errorf("autostart: program path %q is not absolute", exe)
	}
	for _, a := range append([]string{exe}, args...) {
		if strings.ContainsFunc(a, unicode.IsControl) {
			return fmt.Errorf("autostart: argument %q contains a control character", a)
		}
	}
	return nil
}
