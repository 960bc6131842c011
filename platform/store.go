package platform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode"
	"unicode/utf8"
)

// Store keeps named byte blobs (Recovery Packs, configuration). A name is
// 1 to 100 bytes of UTF-8 without '/' or control characters.
type Store interface {
	// Get returns the value stored under name, or an error wrapping
	// ErrNotFound.
	Get(name string) ([]byte, error)
	// Put stores v under name, replacing any old value atomically: after a
	// crash either the old or the new value is readable, never a mix.
	Put(name string, v []byte) error
	// Delete removes name. Deleting a missing name is not an error.
	Delete(name string) error
	// List returns the stored names in lexical order.
	List() ([]string, error)
}

var (
	// ErrNotFound means no value is stored under the name.
	ErrNotFound = errors.New("not found")
	// ErrNoKeychain means the OS keychain is definitely not there (on
	// Linux: no session bus, or no Secret Service on it, nor one D-Bus
	// could start), so keeping data as files instead loses nothing. It is
	// wrapped with the cause.
	ErrNoKeychain = errors.New("no keychain available")
	// ErrKeychainLocked means the keychain is there but would not open: it
	// did not answer in time (typically a locked keyring waiting on its
	// unlock prompt) or refused to unlock. It does not match
	// ErrNoKeychain on purpose: falling back to files then would hide the
	// user's data in the keychain and split new data across two stores.
	ErrKeychainLocked = errors.New("the keychain is locked or not answering")
	// ErrCorrupt means a stored value failed its integrity check.
	ErrCorrupt = errors.New("stored value is corrupt")
	// ErrBadName means a name was rejected by validation.
	ErrBadName = errors.New("invalid name")
)

// MaxNameLen is the longest accepted name, in bytes.
const MaxNameLen = 100

// ValidateName reports whether name can be used as a Store name.
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrBadName)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%w %q: longer than %d bytes", ErrBadName, name, MaxNameLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w %q: not UTF-8", ErrBadName, name)
	}
	for _, r := range name {
		if r == '/' {
			return fmt.Errorf("%w %q: contains '/'", ErrBadName, name)
		}
		if unicode.IsControl(r) {
			return fmt.Errorf("%w %q: contains a control character", ErrBadName, name)
		}
	}
	return nil
}

// KeychainService is the keychain service name the app stores under.
const KeychainService = "passcrow"

// OpenStore picks where the app keeps its data. A non-empty home
// (PASSCROW_HOME or --home) always means plain files in that directory.
// Otherwise the OS keychain is used when it answers. When there is no
// keychain at all, files under the user's config directory are used and
// notice says so for the user; a keychain that is there but locked or
// silent is an error wrapping ErrKeychainLocked, so the user unlocks it
// rather than finding their packs missing.
func OpenStore(home string) (s Store, notice string, err error) {
	if home != "" {
		fs, err := NewFileStore(home)
		return fs, "", err
	}
	ks := NewKeychainStore(KeychainService)
	probeErr := ks.Check()
	if probeErr == nil {
		return ks, "", nil
	}
	if !errors.Is(probeErr, ErrNoKeychain) {
		return nil, "", fmt.Errorf("%w; unlock it and try again, or use --home DIR", probeErr)
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return nil, "", fmt.Errorf("no keychain (%v) and no config directory: %w", probeErr, err)
	}
	dir := filepath.Join(cfg, "passcrow")
	fs, err := NewFileStore(dir)
	if err != nil {
		return nil, "", err
	}
	notice = fmt.Sprintf("No keychain was found, so Recovery Packs are kept as files in %s (%v).", dir, probeErr)
	return fs, notice, nil
}
