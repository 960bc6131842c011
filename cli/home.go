package cli

import (
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

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
	// Fragments kept by a recovery the user gave up on go once they
	// expire, whatever command runs next (see packstore.SweepPartial).
	if _, err := packstore.SweepPartial(st, time.Now()); err != nil {
		e.notice("passcrow: %v", err)
	}
	return st, nil
}

// openPack opens the store and loads the pack stored under name.
func (e *env) openPack(c *commonFlags, name string) (platform.Store, *recovery.Pack, error) {
	st, err := e.openStore(c)
	if err != nil {
		return nil, nil, err
	}
	p, err := packstore.Load(st, name)
	if err != nil {
		return nil, nil, err
	}
	return st, p, nil
}
