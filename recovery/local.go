package recovery

import "fmt"

// The pack itself is one more place fragments live: when a policy needs a
// single location, vault's shamir (threshold at least 2) needs a second
// fragment, and it is kept in the pack (Pack.Fragments). Such fragments
// need no code and go when the pack is deleted, so they have no Record and
// no Keeper; the rule below keeps them from ever opening the secret alone.

// PackLocation is how progress reports name the pack's own fragments.
const PackLocation = "the recovery pack itself"

// maxFragments is the limit of vault's shamir: x coordinates are one byte.
const maxFragments = 255

// A plan is how a policy over m locations becomes a Shamir split.
type plan struct {
	need      int // location fragments needed
	extra     int // fragments kept in the pack itself
	threshold int // Shamir threshold: need + extra
	total     int // fragments made: m + extra
}

// planFor finds the fewest fragments to keep in the pack so that the
// Shamir threshold is at least 2 (vault's minimum) while the pack's own
// fragments stay fewer than the threshold, so they never suffice alone.
func planFor(p Policy, m int) (plan, error) {
	need, err := p.Need(m)
	if err != nil {
		return plan{}, err
	}
	e := 0
	for need+e < 2 || e >= need+e {
		e++
	}
	pl := plan{need: need, extra: e, threshold: need + e, total: m + e}
	if pl.total > maxFragments {
		return plan{}, fmt.Errorf("recovery: %d fragments needed but at most %d are possible", pl.total, maxFragments)
	}
	return pl, nil
}
