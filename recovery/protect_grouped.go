package recovery

import (
	"errors"
	"fmt"
)

// ErrMixedPolicy means a ProtectRequest gave both flat locations and groups.
var ErrMixedPolicy = errors.New("recovery: give either locations and a policy, or groups, not both")

// layout is how Protect's split places fragments: one per location, in
// order, and what the pack keeps.
type layout struct {
	locations []Location
	frags     []Fragment // one per location, same order
	pack      []Fragment // the pack's own fragments of the key
	threshold int
	groups    []PackGroup
}

// wipe clears every fragment a layout made but the pack's own.
func (l *layout) wipe() {
	for _, f := range l.frags {
		clear(f)
	}
}

// flatLayout splits key for a policy over locations.
func flatLayout(key []byte, pol Policy, locs []Location) (*layout, error) {
	pl, err := planFor(pol, len(locs))
	if err != nil {
		return nil, err
	}
	frags, err := splitKey(key, pl.threshold, pl.total)
	if err != nil {
		return nil, err
	}
	m := len(locs)
	return &layout{locations: locs, frags: frags[:m], pack: frags[m:], threshold: pl.threshold}, nil
}

// groupedLayout splits key among the groups as needed says, then each
// group's share among its locations as the group's policy says.
func groupedLayout(key []byte, needed Policy, groups []Group) (*layout, error) {
	top, err := planFor(needed, len(groups))
	if err != nil {
		return nil, fmt.Errorf("recovery: groups: %w", err)
	}
	shares, err := splitKey(key, top.threshold, top.total)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, s := range shares[:len(groups)] {
			clear(s)
		}
	}()
	l := &layout{pack: shares[len(groups):], threshold: top.threshold}
	for i, g := range groups {
		if g.Name == "" {
			return nil, fmt.Errorf("recovery: group %d has no name", i+1)
		}
		pl, err := planFor(g.Policy, len(g.Locations))
		if err != nil {
			return nil, fmt.Errorf("recovery: group %q: %w", g.Name, err)
		}
		frags, err := splitKey(shares[i], pl.threshold, pl.total)
		if err != nil {
			return nil, fmt.Errorf("recovery: group %q: %w", g.Name, err)
		}
		m := len(g.Locations)
		l.locations = append(l.locations, g.Locations...)
		l.frags = append(l.frags, frags[:m]...)
		l.groups = append(l.groups, PackGroup{
			Name:      g.Name,
			Policy:    g.Policy,
			Size:      m,
			Threshold: pl.threshold,
			Fragments: frags[m:],
			Check:     groupCheck(shares[i]),
		})
	}
	return l, nil
}

// requestLayout checks what req asks for and splits key accordingly.
func requestLayout(key []byte, req ProtectRequest) (*layout, error) {
	if len(req.Groups) == 0 {
		return flatLayout(key, req.Policy, req.Locations)
	}
	if len(req.Locations) > 0 {
		return nil, ErrMixedPolicy
	}
	return groupedLayout(key, req.GroupsNeeded, req.Groups)
}

// requestLocations lists every location req names, in placing order.
func requestLocations(req ProtectRequest) []Location {
	if len(req.Groups) == 0 {
		return req.Locations
	}
	var all []Location
	for _, g := range req.Groups {
		all = append(all, g.Locations...)
	}
	return all
}
