// Package atomicfile writes files so that a crash, a kill or a full disk
// never leaves a half-written one: the old content stays until the new is
// complete on disk. Packs, recovered secrets, the server's outbox and
// autostart entries all go through it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteFile writes v to path with mode 0600 through a temporary file in
// the same directory, synced and renamed into place, and then syncs the
// directory so the rename itself survives a crash.
func WriteFile(path string, v []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(v); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// TempPrefix starts the names of temporary files, so directory readers
// (the file store, the demo mailbox) can skip them.
const TempPrefix = ".tmp-"
