// Package state is the desktop app's state and services, apart from any
// widget: the settings (Fyne preferences under fixed keys), the pack store,
// the protected items, and the flows of the recovery library (protect,
// recover, renew, forget) and the local demo server, wrapped so that
// screens/ never touches network or storage code. Nothing here needs a
// display, so the screens' tests drive the real flows headless.
package state

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/passcrow/passcrow-desktop/platform"
)

// State is shared by every screen. Its methods are safe to call from any
// goroutine; the slow ones take a context and must not be called on the
// UI goroutine.
type State struct {
	prefs fyne.Preferences
	home  string
	now   func() time.Time

	storeMu    sync.Mutex
	store      platform.Store // nil until the user agreed to files (store.go)
	noKeychain error          // why the keychain cannot be used, or nil
	fileDir    string         // where packs go as files without a keychain

	mu      sync.Mutex
	demo    *Demo
	demoErr error // why the demo last failed to start (demo_items.go)

	waitMu sync.Mutex
	onWait func(time.Duration) // see OnSpreadWait (tor.go)
}

// Options configure Open.
type Options struct {
	// Home, when set, keeps packs as files in this directory instead of
	// the OS keychain (PASSCROW_HOME, --home).
	Home string
	// Store overrides where packs live (tests); nil picks as store.go says.
	Store platform.Store
	// Keychain opens the OS keychain store, with an error wrapping
	// platform.ErrNoKeychain when there is none; nil uses the
	// platform's (tests of the no-keychain screen pass a fake).
	Keychain func() (platform.Store, error)
	// FileStoreDir is where packs go as files when there is no keychain
	// and the user agrees; "" means os.UserConfigDir()/passcrow, where
	// the CLI keeps them too.
	FileStoreDir string
	// Now overrides the clock (tests).
	Now func() time.Time
}

// Open loads the state. prefs is the app's Preferences (test.NewApp's in
// tests).
func Open(prefs fyne.Preferences, o Options) (*State, error) {
	s := &State{prefs: prefs, store: o.Store, home: o.Home, now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	s.applyTor() // tor.go
	if s.store == nil {
		if err := s.openStore(o); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Close stops the demo server, if one runs.
func (s *State) Close() error {
	s.mu.Lock()
	d := s.demo
	s.demo = nil
	s.mu.Unlock()
	if d != nil {
		return d.Close()
	}
	return nil
}

// ErrCanceled is returned when the user cancelled a running flow.
var ErrCanceled = errors.New("cancelled")

func canceled(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return ErrCanceled
	}
	return err
}
