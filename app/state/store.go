package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/passcrow/passcrow-desktop/platform"
)

// Where packs are kept. With PASSCROW_HOME they are files there; else
// in the OS keychain. With no keychain the app asks before it falls back
// to files (platform.OpenStore, which the CLI uses, falls back silently,
// in the same directory): until the user agrees, the state has no store
// and nothing is written.

// ErrNoStoreYet is returned by anything that would write a pack while the
// user has not yet agreed to keep packs as files.
var ErrNoStoreYet = errors.New("there is no keychain, and keeping packs as files was not agreed to yet")

// openStore picks the store as described above; it leaves s.store nil,
// with s.noKeychain set, when it must ask first.
func (s *State) openStore(o Options) error {
	if o.Home != "" {
		fs, err := platform.NewFileStore(o.Home)
		if err != nil {
			return err
		}
		s.store = fs
		return nil
	}
	keychain := o.Keychain
	if keychain == nil {
		keychain = func() (platform.Store, error) {
			ks := platform.NewKeychainStore(platform.KeychainService)
			return ks, ks.Check()
		}
	}
	ks, err := keychain()
	if err == nil {
		s.store = ks
		return nil
	}
	if !errors.Is(err, platform.ErrNoKeychain) {
		return err
	}
	s.fileDir = o.FileStoreDir
	if s.fileDir == "" {
		cfg, cerr := os.UserConfigDir()
		if cerr != nil {
			return fmt.Errorf("%w, and no config directory for files: %w", err, cerr)
		}
		s.fileDir = filepath.Join(cfg, "passcrow")
	}
	s.noKeychain = err
	if s.prefs.BoolWithFallback(prefFileStoreOK, false) {
		return s.UseFileStore()
	}
	return nil
}

// StoreConsent is what the user is asked when there is no keychain.
type StoreConsent struct {
	Cause error  // why there is no keychain
	Dir   string // where the packs would be kept as files
}

// NeedsStoreConsent reports, when there is no keychain and the user has
// not yet agreed to keep packs as files, what to ask.
func (s *State) NeedsStoreConsent() (StoreConsent, bool) {
	s.storeMu.Lock()
	defer s.storeMu.Unlock()
	if s.store != nil || s.noKeychain == nil {
		return StoreConsent{}, false
	}
	return StoreConsent{Cause: s.noKeychain, Dir: s.fileDir}, true
}

// UseFileStore records the user's consent to keep packs as files (asked
// when there is no keychain) and opens the file store.
func (s *State) UseFileStore() error {
	if s.fileDir == "" {
		return errors.New("no directory for the file store")
	}
	fs, err := platform.NewFileStore(s.fileDir)
	if err != nil {
		return err
	}
	s.prefs.SetBool(prefFileStoreOK, true)
	s.storeMu.Lock()
	s.store = fs
	s.storeMu.Unlock()
	return nil
}

// FileStoreDir is the directory packs are kept in as files because there
// is no keychain (with the user's consent), or "" otherwise, so the
// overview can say where they are.
func (s *State) FileStoreDir() string {
	s.storeMu.Lock()
	defer s.storeMu.Unlock()
	if s.noKeychain == nil || s.store == nil {
		return ""
	}
	return s.fileDir
}

// packs is the store; before consent, one that reads as empty and
// refuses writes.
func (s *State) packs() platform.Store {
	s.storeMu.Lock()
	defer s.storeMu.Unlock()
	if s.store == nil {
		return noStore{}
	}
	return s.store
}

// noStore stands in for the store until the user agreed to one.
type noStore struct{}

func (noStore) Get(name string) ([]byte, error) {
	return nil, fmt.Errorf("%w: %q", platform.ErrNotFound, name)
}
func (noStore) Put(string, []byte) error { return ErrNoStoreYet }
func (noStore) Delete(string) error      { return ErrNoStoreYet }
func (noStore) List() ([]string, error)  { return nil, nil }

var _ platform.Store = noStore{}
