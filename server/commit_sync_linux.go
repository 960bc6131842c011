//go:build linux

package server

import (
	"fmt"
	"os"
	"syscall"
)

// fdatasync makes f's data durable without its access times: the journal
// is appended to, so its size is synced too.
func fdatasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}

// syncDir makes a new file's name in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("server: syncing data dir: %w", err)
	}
	return nil
}
