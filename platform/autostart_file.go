//go:build linux || darwin

package platform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// On Linux (an XDG autostart entry) and macOS (a LaunchAgent) autostart is
// one file at autostartFile(); its presence is the setting.

// DisableAutostart removes the autostart file; a missing one is fine.
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

// AutostartEnabled reports whether the autostart file exists.
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
