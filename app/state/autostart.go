package state

import (
	"os"
	"path/filepath"

	"github.com/passcrow/passcrow-desktop/platform"
)

// AutostartEnabled reports whether `passcrow remind` runs at login.
func (s *State) AutostartEnabled() (bool, error) { return platform.AutostartEnabled() }

// SetAutostart turns the login reminder on or off. It runs this very
// executable with the remind command, which notifies only when an item
// is due.
func (s *State) SetAutostart(on bool) error {
	if !on {
		return platform.DisableAutostart()
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{"remind"}
	if s.home != "" {
		home, err := filepath.Abs(s.home)
		if err != nil {
			return err
		}
		args = append(args, "--home", home)
	}
	return platform.EnableAutostart(exe, args...)
}
