package recovery

import (
	"errors"
	"fmt"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// A GroupProgress says how far one group of a grouped pack is.
type GroupProgress struct {
	Name string
	Have int // fragments of the group's locations at hand
	Need int // how many of its locations the group needs
	Size int // how many locations the group has
}

// Done says whether the group has all it needs.
func (g GroupProgress) Done() bool { return g.Have >= g.Need }

// GroupsProgress says, for a grouped pack, how far each group is with the
// fragments at hand, and how many groups are needed; nil for a flat pack.
func GroupsProgress(p *Pack, fetched map[string]Fragment) (groups []GroupProgress, groupsNeeded int) {
	if len(p.Groups) == 0 {
		return nil, 0
	}
	start := 0
	for _, g := range p.Groups {
		gp := GroupProgress{Name: g.Name, Need: g.Need(), Size: g.Size}
		for _, r := range p.Records[start : start+g.Size] {
			if _, ok := fetched[r.Prefix]; ok {
				gp.Have++
			}
		}
		start += g.Size
		groups = append(groups, gp)
	}
	return groups, p.Threshold - len(p.Fragments)
}

// stillNeeded is the fewest more fragments that could complete a grouped
// pack: the groups closest to done, enough of them.
func stillNeeded(groups []GroupProgress, groupsNeeded int) int {
	left := make([]int, len(groups))
	for i, g := range groups {
		left[i] = max(0, g.Need-g.Have)
	}
	// Few groups: a simple selection is clearer than a sort import.
	n := 0
	for range groupsNeeded {
		best := -1
		for i, l := range left {
			if l >= 0 && (best < 0 || l < left[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		n += left[best]
		left[best] = -1
	}
	return n
}

// combineGrouped rebuilds each group's share that has enough fragments,
// checking it against the group's Check, then the key from the shares.
func combineGrouped(p *Pack, fetched map[string]Fragment) ([]byte, *BadFragmentError, error) {
	var (
		shares      []Fragment
		badPrefixes []string
		wrongAll    []string
		short       []string
		groupErrs   []error
	)
	defer func() {
		for _, s := range shares {
			clear(s)
		}
	}()
	start := 0
	for _, g := range p.Groups {
		recs := p.Records[start : start+g.Size]
		start += g.Size
		seenX := map[byte]bool{}
		for _, f := range g.Fragments {
			seenX[f[len(f)-1]] = true
		}
		var cands []candidate
		for _, r := range recs {
			f, ok := fetched[r.Prefix]
			if !ok {
				continue
			}
			if checkGroupFragment(f) != nil || seenX[f[len(f)-1]] {
				badPrefixes = append(badPrefixes, r.Prefix)
				continue
			}
			cands = append(cands, candidate{r.Prefix, f})
		}
		if len(cands) < g.Need() {
			short = append(short, fmt.Sprintf("%q: %d of %d", g.Name, len(cands), g.Need()))
			continue
		}
		s := search{base: g.Fragments, cands: cands, need: g.Need(), combine: gf256{}.combine,
			accept: func(share []byte) bool { return groupCheck(share) == g.Check }}
		share, wrong, err := s.run()
		wrongAll = append(wrongAll, wrong...)
		if err != nil {
			groupErrs = append(groupErrs, fmt.Errorf("group %q: %w", g.Name, err))
			continue
		}
		shares = append(shares, share)
	}
	bad := badFragments(badPrefixes, wrongAll)
	topNeed := p.Threshold - len(p.Fragments)
	if len(shares) < topNeed {
		e := fmt.Errorf("%w: %d of the %d groups needed are complete (%s)", ErrNotEnough, len(shares), topNeed, strings.Join(short, "; "))
		errs := append([]error{e}, groupErrs...)
		if bad != nil {
			errs = append(errs, bad)
		}
		return nil, bad, errors.Join(errs...)
	}
	// Every share passed its group's check, so any topNeed of them do.
	try := append(append([]Fragment(nil), p.Fragments...), shares[:topNeed]...)
	key, err := gf256{}.combine(try)
	if err != nil {
		return nil, bad, fmt.Errorf("%w: %v", ErrNoMatch, err)
	}
	defer clear(key)
	secret, err := wire.Open(key, p.Secret)
	if err != nil {
		return nil, bad, fmt.Errorf("%w: every group's share checks out, so the pack itself was changed", ErrNoMatch)
	}
	return secret, bad, nil
}

// describeGroups says how far the groups are: "2 of 3 groups needed;
// servers 1 of 2, friends 1 of 1 (done)".
func describeGroups(groups []GroupProgress, groupsNeeded int) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = fmt.Sprintf("%s %d of %d", g.Name, min(g.Have, g.Need), g.Need)
		if g.Done() {
			parts[i] += " (done)"
		}
	}
	return fmt.Sprintf("%d of %d groups needed; %s", groupsNeeded, len(groups), strings.Join(parts, ", "))
}
