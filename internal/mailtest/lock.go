//go:build linux

package mailtest

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// LockPath serialises OpenSMTPD instances across test processes: the
// system-wide queue allows only one per machine.
const LockPath = "/tmp/passcrow-mailtest.lock"

// lock takes the machine-wide lock, waiting for another test process that
// holds it, and returns the file whose closing releases it.
func lock(t testing.TB) (*os.File, error) {
	f, err := os.OpenFile(LockPath, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		return f, nil
	}
	t.Logf("mailtest: waiting for %s (another test process runs OpenSMTPD)", LockPath)
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", LockPath, err)
	}
	return f, nil
}
