package cli

import "github.com/passcrow/passcrow-desktop/platform"

// openStore finds where packs live: --home, else $PASSCROW_HOME, else the
// OS keychain (falling back to files with a notice when there is none).
func (e *env) openStore(c *commonFlags) (platform.Store, error) {
	home := c.home
	if home == "" {
		home = e.getenv("PASSCROW_HOME")
	}
	st, notice, err := platform.OpenStore(home)
	if err != nil {
		return nil, err
	}
	if notice != "" {
		e.notice("passcrow: %s", notice)
	}
	return st, nil
}
