package platform

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
)

func autostartFile() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("autostart: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", autostartLabel+".plist"), nil
}

// EnableAutostart writes a LaunchAgent that runs exe with args at login
// and once a day after that; the reminder itself decides whether renewal
// is due. launchd picks it up at the next login.
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
