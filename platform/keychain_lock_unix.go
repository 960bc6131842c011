//go:build unix

package platform

import (
	"os"
	"syscall"
)

// lockFile waits for a flock on f: shared, or exclusive for writers.
func lockFile(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}
