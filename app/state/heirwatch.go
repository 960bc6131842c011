package state

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
)

// An owner whose pack has an heir is told on the overview when the heir
// has started a recovery, and can stop it there until the release: the
// app asks each heir's server where its escrow stands (StatusOf), at
// most once an hour (HeirCheckInterval), as the server also mails the
// owner.

// HeirCheckInterval is the least time between two looks at the servers.
const HeirCheckInterval = time.Hour

// A PendingRelease is an heir's recovery under way that the owner can
// stop.
type PendingRelease struct {
	Item      string
	Heir      string // where the heir's codes go, masked
	Claimed   time.Time
	ReleaseAt time.Time
	rec       recovery.Record
}

// HeirReleases asks the servers of every item's heirs whether a release
// is pending. Items and heirs that cannot be asked are left out; the
// error says why, beside what was found.
func (s *State) HeirReleases(ctx context.Context) ([]PendingRelease, error) {
	names, err := s.names()
	if err != nil {
		return nil, err
	}
	k := &heir.Keeper{Client: client}
	var out []PendingRelease
	var errs []error
	for _, name := range names {
		p, err := s.loadPack(name)
		if err != nil {
			continue
		}
		for _, r := range p.Records {
			if r.Kind != heir.Kind {
				continue
			}
			st, err := k.Status(ctx, r)
			if errors.Is(err, heir.ErrNotOwner) {
				continue // an heir's own copy: nothing of the owner's to stop
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%q: %w", name, err))
				continue
			}
			if st.Pending() {
				out = append(out, PendingRelease{Item: name, Heir: heirHint(r), Claimed: st.Claimed, ReleaseAt: st.ReleaseAt, rec: r})
			}
		}
	}
	return out, canceled(ctx, errors.Join(errs...))
}

// heirHint is where the heir's record says the codes go.
func heirHint(r recovery.Record) string { return r.Hint }

// StopRelease stops an heir's pending release; the heir's escrow (and the
// sheet) stay as they were.
func (s *State) StopRelease(ctx context.Context, p PendingRelease) error {
	_, err := (&heir.Keeper{Client: client}).Cancel(ctx, p.rec)
	return canceled(ctx, err)
}

// HasHeirs says whether any kept item has an heir, so the overview asks
// heirs' servers only when there is something to ask about.
func (s *State) HasHeirs() bool {
	names, err := s.names()
	if err != nil {
		return false
	}
	for _, name := range names {
		p, err := s.loadPack(name)
		if err != nil {
			continue
		}
		for _, r := range p.Records {
			if r.Kind == heir.Kind {
				return true
			}
		}
	}
	return false
}
