//go:build unix

package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// onlyMine refuses a folder another user owns or may write to; one of
// this user's that others may only read is closed to them (mode 0700).
func onlyMine(dir string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New("has no owner to check")
	}
	if int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("belongs to another user (uid %d): remove it, or give the demo another folder", st.Uid)
	}
	perm := fi.Mode().Perm()
	if perm&0o022 != 0 {
		return fmt.Errorf("can be changed by other users (mode %04o): remove it, or make it private with chmod 700", perm)
	}
	if perm&0o077 != 0 {
		return os.Chmod(dir, perm&^0o077)
	}
	return nil
}
