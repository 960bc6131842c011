package state

import (
	"os"
	"path/filepath"
	"strconv"

	"github.com/passcrow/passcrow-desktop/platform"
)

// AutostartEnabled reports whether `passcrow remind` runs at login.
func (s *State) AutostartEnabled() (bool, error) { return platform.AutostartEnabled() }

// SetAutostart turns the login reminder on or off. It runs this very
// executable with the remind command, which notifies only when an item
// is due. The entry carries the settings the reminder needs (it has no
// app to ask): the renewal interval, the chosen language and the home.
func (s *State) SetAutostart(on bool) error {
	if !on {
		return platform.DisableAutostart()
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	args, err := s.remindArgs()
	if err != nil {
		return err
	}
	return platform.EnableAutostart(exe, args...)
}

// remindArgs is the remind command line for the settings as they are.
func (s *State) remindArgs() ([]string, error) {
	args := []string{"remind", "--interval-days", strconv.Itoa(s.ReminderDays())}
	if l := s.Language(); l != "" {
		args = append(args, "--lang", l)
	}
	if s.home != "" {
		home, err := filepath.Abs(s.home)
		if err != nil {
			return nil, err
		}
		args = append(args, "--home", home)
	}
	return args, nil
}

// RefreshAutostart writes the login reminder again when it is on, so it
// follows the settings and this executable's path (an entry from an
// older version, or a moved app). The app calls it at start and after a
// setting the reminder uses changed.
func (s *State) RefreshAutostart() error {
	on, err := platform.AutostartEnabled()
	if err != nil || !on {
		return err
	}
	return s.SetAutostart(true)
}
