package platform

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockFile waits for a LockFileEx lock on f's first byte: shared, or
// exclusive for writers.
func lockFile(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, new(windows.Overlapped))
}
