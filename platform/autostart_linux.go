package platform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
)

// autostartFile is the XDG autostart entry, honouring XDG_CONFIG_HOME.
func autostartFile() (string, error) {
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("autostart: %w", err)
	}
	return filepath.Join(cfg, "autostart", autostartName+".desktop"), nil
}

// EnableAutostart writes an XDG autostart entry that runs exe with args
// when the user logs in.
func EnableAutostart(exe string, args ...string) error {
	if err := checkCommand(exe, args); err != nil {
		return err
	}
	p, err := autostartFile()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	entry := "[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=Passcrow reminder\n" +
		"Comment=Tells you when your Recovery Packs need renewing\n" +
		"Exec=" + desktopExec(append([]string{exe}, args...)) + "\n" +
		"Terminal=false\n" +
		"NoDisplay=true\n" +
		"X-GNOME-Autostart-enabled=true\n"
	if err := atomicfile.WriteFile(p, []byte(entry)); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// desktopExec spells a command line as the Desktop Entry Specification's
// Exec key wants it: arguments with reserved characters in double quotes
// with ", `, $ and \ backslash-escaped, '%' doubled, and then the string
// escape applied on top, so a literal backslash ends up as four.
func desktopExec(argv []string) string {
	const reserved = " \t\n\"'\\><~|&;$*?#()`"
	quoted := make([]string, len(argv))
	for i, a := range argv {
		a = strings.ReplaceAll(a, "%", "%%")
		if a != "" && !strings.ContainsAny(a, reserved) {
			quoted[i] = a
			continue
		}
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range a {
			if strings.ContainsRune("\"`$\\", r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
		quoted[i] = b.String()
	}
	return strings.ReplaceAll(strings.Join(quoted, " "), `\`, `\\`)
}
