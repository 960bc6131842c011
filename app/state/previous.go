package state

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A renewal with a secret the user typed cannot be checked against the
// old pack: a secret mistyped the same way twice would be protected, and
// forgetting the old escrows would lose the real one. So such a renewal
// keeps the old pack beside the new one, as the item's previous pack,
// until its escrows expire or the user forgets them (ForgetPrevious).
// Only the earliest previous pack is kept: if a later typed renewal went
// wrong too, that one still holds the secret as first protected.

// previousPrefix names the previous pack kept beside an item's pack; it
// is not under packstore.Prefix, so it is not an item of its own.
const previousPrefix = "previous."

// loadPrevious reads the previous pack kept for name; an error wrapping
// platform.ErrNotFound when there is none.
func (s *State) loadPrevious(name string) (*recovery.Pack, error) {
	b, err := s.packs().Get(previousPrefix + name)
	if err != nil {
		return nil, err
	}
	p, err := recovery.ParsePack(b)
	if err != nil {
		return nil, fmt.Errorf("the previous pack of %q is damaged: %w", name, err)
	}
	return p, nil
}

// lastExpiry is when the last of p's escrows expires; zero when one has
// no known expiry.
func lastExpiry(p *recovery.Pack) time.Time {
	var last int64
	for _, r := range p.Records {
		if r.Expires <= 0 {
			return time.Time{}
		}
		last = max(last, r.Expires)
	}
	if last == 0 {
		return time.Time{}
	}
	return time.Unix(last, 0)
}

// previousUntil is, for an item with a previous pack kept, until when its
// escrows are kept (zero: unknown), and whether there is one. An expired
// one is dropped: its escrows are gone by themselves.
func (s *State) previousUntil(name string) (time.Time, bool) {
	p, err := s.loadPrevious(name)
	if errors.Is(err, platform.ErrNotFound) {
		return time.Time{}, false
	}
	if err != nil {
		return time.Time{}, true // damaged: still offer to forget it
	}
	until := lastExpiry(p)
	if !until.IsZero() && !s.now().Before(until) {
		_ = s.packs().Delete(previousPrefix + name)
		return time.Time{}, false
	}
	return until, true
}

// retire deals with old, the pack a renewal of p.Name replaced: kept as
// the previous pack when the secret was typed (p.KeepOld) and none is
// kept yet, else its escrows are forgotten. The new pack is in place
// already, so any error is a warning (see Protected).
func (s *State) retire(ctx context.Context, p Plan, old *recovery.Pack) error {
	if p.KeepOld {
		if _, keeping := s.previousUntil(p.Name); !keeping {
			b, err := old.Marshal()
			if err == nil {
				err = s.packs().Put(previousPrefix+p.Name, b)
			}
			if err != nil {
				// Not forgotten either: the old escrows expire by themselves.
				return fmt.Errorf("%w: keeping them as the previous pack: %w", ErrOldNotDeleted, err)
			}
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := recovery.Forget(ctx, old, keepers()); err != nil {
		return fmt.Errorf("%w: %w", ErrOldNotDeleted, err)
	}
	return nil
}

// ForgetPrevious deletes the escrows of the previous pack kept for name
// after a renewal with a typed secret, then the pack. With none kept it
// does nothing.
func (s *State) ForgetPrevious(ctx context.Context, name string) error {
	p, err := s.loadPrevious(name)
	if errors.Is(err, platform.ErrNotFound) {
		return nil
	}
	if err == nil {
		if err := recovery.Forget(ctx, p, keepers()); err != nil {
			return canceled(ctx, err)
		}
	}
	// A damaged previous pack names no escrows to delete: drop it.
	return s.packs().Delete(previousPrefix + name)
}
