package platform

import (
	"os"
	"path/filepath"
	"strings"
)

// lockKeychain takes an advisory lock shared by every process of this
// user on one keychain service, exclusive for writers, and returns its
// release. The keychain has no transactions: without it two processes (the
// CLI beside the app) could each read the index, add their own name and
// write it back, losing the other's; or one Put could delete the chunks
// another Put of the same name is still writing.
//
// If the lock file cannot be opened (no writable cache directory) the
// operation goes ahead unlocked, as it did before there was a lock:
// refusing to save a pack just protected would lose more than the lock
// guards against.
func (s *KeychainStore) lockKeychain(exclusive bool) (unlock func()) {
	f, err := openLockFile(s.service)
	if err != nil {
		return func() {}
	}
	if err := lockFile(f, exclusive); err != nil {
		f.Close()
		return func() {}
	}
	// Closing the file releases the lock.
	return func() { f.Close() }
}

// openLockFile opens (creating it) the lock file of a keychain service.
func openLockFile(service string) (*os.File, error) {
	path, err := lockPath(service)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}

// lockPath is in the user's cache directory, the same for the CLI and the
// app whatever their environment's XDG_RUNTIME_DIR.
func lockPath(service string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, service)
	return filepath.Join(cache, "passcrow", "keychain-"+safe+".lock"), nil
}
