package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// packPrefix namespaces packs in the store, leaving room for config.
const packPrefix = "pack."

// errNoSuchItem maps to ExitNotFound.
var errNoSuchItem = errors.New("no protected item of that name")

// openStore finds where packs live: --home, else $PASSCROW_HOME, else the
// OS keychain (falling back to files with a notice when there is none).
func (e *env) openStore(c *commonFlags) (platform.Store, error) {
	home := c.home
	if home == "" {
		home = e.getenv("PASSCROW_HOME")
	}
	st, notice, err := platform.OpenStore(home)
	if err != nil {
		return nil, err
	}
	if notice != "" {
		e.notice("passcrow: %s", notice)
	}
	return st, nil
}

func loadPack(st platform.Store, name string) (*recovery.Pack, error) {
	b, err := st.Get(packPrefix + name)
	if errors.Is(err, platform.ErrNotFound) {
		return nil, fmt.Errorf("%w: %q (see passcrow list)", errNoSuchItem, name)
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

func savePack(st platform.Store, name string, p *recovery.Pack) error {
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	return st.Put(packPrefix+name, b)
}

func packNames(st platform.Store) ([]string, error) {
	all, err := st.List()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range all {
		if strings.HasPrefix(n, packPrefix) {
			names = append(names, strings.TrimPrefix(n, packPrefix))
		}
	}
	sort.Strings(names)
	return names, nil
}
