// Package packstore keeps Recovery Packs in a platform.Store, under the
// names the command line and the desktop app share ("pack.NAME"), so an
// item protected in one shows up in the other.
package packstore

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Prefix starts the store name of every pack; other entries (the app's
// plans, the CLI's unfinished recoveries) sit beside them under their own.
const Prefix = "pack."

// ErrNoSuchItem means no pack is stored under the name.
var ErrNoSuchItem = errors.New("no protected item of that name")

// ValidateName checks that name can be stored as an item.
func ValidateName(name string) error {
	if name == "" {
		return errors.New("the name is empty")
	}
	return platform.ValidateName(Prefix + name)
}

// Load reads and parses the pack stored under name.
func Load(st platform.Store, name string) (*recovery.Pack, error) {
	b, err := st.Get(Prefix + name)
	if errors.Is(err, platform.ErrNotFound) {
		return nil, fmt.Errorf("%w: %q", ErrNoSuchItem, name)
	}
	if err != nil {
		return nil, err
	}
	p, err := recovery.ParsePack(b)
	if err != nil {
		return nil, fmt.Errorf("the stored pack %q is damaged: %w", name, err)
	}
	return p, nil
}

// Save stores p under name, replacing any pack there as a whole (the
// store's Put never leaves half a value).
func Save(st platform.Store, name string, p *recovery.Pack) error {
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	return st.Put(Prefix+name, b)
}

// Delete removes the pack stored under name; a missing one is no error.
func Delete(st platform.Store, name string) error {
	return st.Delete(Prefix + name)
}

// Names lists the stored items, sorted.
func Names(st platform.Store) ([]string, error) {
	all, err := st.List()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range all {
		if name, ok := strings.CutPrefix(n, Prefix); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}
