package recovery

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A ProtectRequest is what Protect needs.
type ProtectRequest struct {
	Name        string
	Description string // shown to the user when a code is sent
	Secret      []byte
	Policy      Policy
	Locations   []Location
	// Groups, instead of Policy and Locations, makes a grouped policy:
	// GroupsNeeded of the groups, each as its own Policy says.
	Groups       []Group
	GroupsNeeded Policy
	// Expires is when the fragments may be forgotten; Renew before then.
	Expires time.Time
	// Keepers delete what was placed when a later placement fails. A
	// Location that is itself the Keeper of its kind needs no entry.
	Keepers Keepers
	// Progress, when set, hears about each placement; it may be called
	// from other goroutines.
	Progress func(Progress)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Spread, when set, places at the locations in random order with
	// random waits between contacts, reported through Progress, so that
	// servers cannot link the escrows by their timing. Nil places them
	// in order, at once.
	Spread *Spread
}

// cleanupTimeout bounds deleting placed fragments after a failure, which
// must happen even when ctx was cancelled.
const cleanupTimeout = 2 * time.Minute

// Protect seals req.Secret under a new Recovery Key, splits the key as the
// policy says and places one fragment at each location, in order (or in
// the random order of req.Spread). If any
// placement fails, the fragments already placed are deleted before the
// error is returned, so nothing is left behind that the user cannot see.
// The key and the fragments are wiped from memory on return, so a
// Location must copy a fragment it wants to keep past Place.
func Protect(ctx context.Context, req ProtectRequest) (*Pack, error) {
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	if len(req.Secret) == 0 {
		return nil, ErrEmptySecret
	}
	locs := requestLocations(req)
	m := len(locs)
	if m == 0 {
		return nil, ErrNoLocations
	}
	if m > MaxLocations {
		return nil, fmt.Errorf("recovery: %d locations, at most %d (one code letter each)", m, MaxLocations)
	}
	seen := map[string]bool{}
	for _, l := range locs {
		id := l.Kind() + "\x00" + l.Describe()
		if u, ok := l.(Identifier); ok {
			id = l.Kind() + "\x00" + u.Identity()
		}
		if seen[id] {
			return nil, fmt.Errorf("recovery: %q is chosen twice", l.Describe())
		}
		seen[id] = true
	}
	created := now()
	if !req.Expires.After(created) {
		return nil, fmt.Errorf("recovery: the expiry %s is not in the future", req.Expires.Format(time.DateOnly))
	}

	key, err := newKey()
	if err != nil {
		return nil, err
	}
	defer clear(key)
	lay, err := requestLayout(key, req)
	if err != nil {
		return nil, err
	}
	defer lay.wipe()
	sealed, err := sealSecret(key, req.Secret)
	if err != nil {
		return nil, err
	}

	p := &Pack{
		Name:        req.Name,
		Description: req.Description,
		Created:     created,
		Policy:      req.Policy,
		Scheme:      SchemeGF256,
		Threshold:   lay.threshold,
		Secret:      sealed,
		Fragments:   lay.pack,
		Groups:      lay.groups,
	}
	if len(req.Groups) > 0 {
		p.Policy = req.GroupsNeeded
	}
	report := func(where, stage string, fraction float64) {
		if req.Progress != nil {
			req.Progress(Progress{Location: where, Stage: stage, Fraction: fraction})
		}
	}
	// Record i is what locs[i] placed, whatever order they are placed in.
	records, placed := make([]Record, m), make([]bool, m)
	sp := req.Spread.start()
	for n, i := range sp.order(m) {
		l := locs[i]
		prefix, _ := Prefix(i) // m <= MaxLocations
		if contactsSomeone(l) {
			if err := sp.beforeContact(ctx, l.Describe(), req.Progress); err != nil {
				err = fmt.Errorf("recovery: waiting before %s: %w", l.Describe(), err)
				return nil, errors.Join(err, rollback(ctx, req, records, placed))
			}
		}
		report(l.Describe(), "placing", float64(n)/float64(m))
		r, err := l.Place(ctx, lay.frags[i], PlaceOptions{
			Description: req.Description,
			Expires:     sp.expiry(req.Expires, created),
			Prefix:      prefix,
			Progress:    req.Progress,
		})
		if err == nil {
			err = checkPlaced(l, prefix, &r)
			if err != nil {
				records[i], placed[i] = r, true // placed, so it must be deleted
			}
		}
		if err != nil {
			err = fmt.Errorf("recovery: placing a fragment at %s: %w", l.Describe(), err)
			return nil, errors.Join(err, rollback(ctx, req, records, placed))
		}
		records[i], placed[i] = r, true
		report(l.Describe(), "placed", float64(n+1)/float64(m))
	}
	p.Records = records
	if len(p.Fragments) > 0 {
		report(PackLocation, "placed", 1)
	}
	if err := p.validate(); err != nil {
		return nil, errors.Join(err, rollback(ctx, req, records, placed))
	}
	beforeContact := func(ctx context.Context, where string) error { return sp.beforeContact(ctx, where, req.Progress) }
	if err := placeWithPack(ctx, p, locs, report, beforeContact); err != nil {
		return nil, errors.Join(err, rollback(ctx, req, records, placed))
	}
	return p, nil
}

// checkPlaced makes sure a location's record fits in a pack.
func checkPlaced(l Location, prefix string, r *Record) error {
	if r.Prefix == "" {
		r.Prefix = prefix
	}
	if r.Kind != l.Kind() || r.Prefix != prefix {
		return fmt.Errorf("the location returned a record of kind %q, prefix %q; want %q, %q", r.Kind, r.Prefix, l.Kind(), prefix)
	}
	if err := validateRecord("record", *r, true); err != nil {
		return err
	}
	return nil
}

// rollback deletes placed fragments (records[i] where placed[i]) after a
// failure, on a context that outlives a cancelled ctx. Whatever it cannot
// delete is named.
func rollback(ctx context.Context, req ProtectRequest, records []Record, placed []bool) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	var errs []error
	locs := requestLocations(req)
	for i, r := range records {
		if !placed[i] {
			continue
		}
		k, err := req.Keepers.keeper(r.Kind)
		if err != nil {
			if lk, ok := locs[i].(Keeper); ok && lk.Kind() == r.Kind {
				k, err = lk, nil
			}
		}
		if err == nil {
			err = k.Delete(ctx, r)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("recovery: the fragment placed at %s could not be deleted: %w", locs[i].Describe(), err))
		}
	}
	return errors.Join(errs...)
}
