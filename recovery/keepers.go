package recovery

import (
	"errors"
	"fmt"
)

// Keepers finds the Keeper for a record's kind. Recovery, Forget and the
// clean-up after a failed Protect use it, so a pack can be used by a
// program that knows the kinds its records name.
type Keepers map[string]Keeper

// ErrNoKeeper means a record's kind is not known to the program.
var ErrNoKeeper = errors.New("recovery: no keeper for this kind of location")

// NewKeepers registers each keeper under its Kind.
func NewKeepers(ks ...Keeper) Keepers {
	m := Keepers{}
	for _, k := range ks {
		m[k.Kind()] = k
	}
	return m
}

func (ks Keepers) keeper(kind string) (Keeper, error) {
	if k, ok := ks[kind]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrNoKeeper, kind)
}

// describe names a record in errors and progress: its hint, else its kind.
func describe(r Record) string {
	where := r.Hint
	if where == "" {
		where = r.Kind
	}
	if r.Prefix == "" {
		return where
	}
	return fmt.Sprintf("%s (code %s…)", where, r.Prefix)
}
