package platform

import (
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func autostartFile() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("autostart: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", autostartLabel+".plist"), nil
}

// EnableAutostart writes a LaunchAgent that runs exe with args at login
// and once a day after that; the reminder itself decides whether a year
// has passed. launchd picks it up at the next login.
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
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + autostartLabel + `</string>
	<key>ProgramArguments</key>
	<array>
`)
	for _, a := range append([]string{exe}, args...) {
		b.WriteString("\t\t<string>")
		if err := xml.EscapeText(&b, []byte(a)); err != nil {
			return fmt.Errorf("autostart: %w", err)
		}
		b.WriteString("</string>\n")
	}
	b.WriteString(`	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>StartInterval</key>
	<integer>86400</integer>
</dict>
</plist>
`)
	if err := atomicfile.WriteFile(p, []byte(b.String())); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// DisableAutostart removes the LaunchAgent; a missing one is fine.
func DisableAutostart() error {
	p, err := autostartFile()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// AutostartEnabled reports whether the LaunchAgent exists.
func AutostartEnabled() (bool, error) {
	p, err := autostartFile()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("autostart: %w", err)
	}
}
