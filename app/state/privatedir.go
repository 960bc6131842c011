package state

import (
	"fmt"
	"os"
)

// privateDir makes dir with mode 0700 when it is missing, then makes sure
// it is this user's alone before anything is kept in it: a directory (not
// a link to one elsewhere), owned by this user, closed to everyone else.
// A directory someone else made first, or can write to, could hand them
// the demo's codes or let them plant files, so it is refused, not fixed;
// one of the user's own that others can only read is closed to them.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%q is not a folder (it is a link or a file)", dir)
	}
	if err := onlyMine(dir, fi); err != nil {
		return fmt.Errorf("%q %w", dir, err)
	}
	return nil
}
