package recovery

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

var (
	// ErrNotEnough means fewer fragments are at hand than the pack needs.
	ErrNotEnough = errors.New("recovery: not enough fragments")
	// ErrNoMatch means no combination of the fragments at hand opens the
	// sealed secret: a location sent a wrong fragment, or the pack was changed.
	ErrNoMatch = errors.New("recovery: the fragments do not open the secret")
	// ErrSearchLimit means there were too many ways to pick the fragments
	// to try them all.
	ErrSearchLimit = errors.New("recovery: too many combinations of fragments to try")
)

// maxCombinations bounds the subset search: each try opens the sealed
// secret once, and C(m, t) grows fast (C(33, 16) is about 10^9).
const maxCombinations = 4096

// A BadFragmentError names the locations, by code prefix, that returned
// a fragment which does not fit the others. Combine and Recovery.Secret
// give it as a warning next to the secret when enough good fragments
// were at hand anyway.
type BadFragmentError struct {
	Prefixes []string
}

func (e *BadFragmentError) Error() string {
	return fmt.Sprintf("recovery: wrong fragment from the location(s) with code prefix %s", strings.Join(e.Prefixes, ", "))
}

// Combine recovers the secret of p from the fragments fetched so far,
// keyed by their record's code prefix, and the pack's own fragments.
// With more fragments than needed it tries subsets until one opens the
// secret, and names the locations whose fragments do not fit in bad.
// bad may be non-nil when err is nil.
func Combine(p *Pack, fetched map[string]Fragment) (secret []byte, bad *BadFragmentError, err error) {
	sch, ok := schemes[p.Scheme]
	if !ok {
		return nil, nil, packErr("scheme", "unknown scheme %q", p.Scheme)
	}
	type candidate struct {
		prefix string
		f      Fragment
	}
	var cands []candidate
	var badPrefixes []string
	seenX := map[string]bool{}
	for _, f := range p.Fragments {
		x, _ := sch.check(f)
		seenX[x] = true
	}
	// Record order, so results do not depend on map order.
	for _, r := range p.Records {
		f, ok := fetched[r.Prefix]
		if !ok {
			continue
		}
		x, err := sch.check(f)
		if err != nil || seenX[x] {
			badPrefixes = append(badPrefixes, r.Prefix)
			continue
		}
		cands = append(cands, candidate{r.Prefix, f})
	}
	report := func(extra []string) *BadFragmentError {
		all := append(append([]string(nil), badPrefixes...), extra...)
		if len(all) == 0 {
			return nil
		}
		return &BadFragmentError{Prefixes: all}
	}

	need := p.Need()
	if len(cands) < need {
		e := fmt.Errorf("%w: have %d of the %d needed", ErrNotEnough, len(cands), need)
		if b := report(nil); b != nil {
			return nil, b, errors.Join(e, b)
		}
		return nil, nil, e
	}
	total := binomial(len(cands), need)
	// Up to maxCombinations subsets are tried all, in order. Beyond, random
	// subsets are drawn instead: in lexicographic order one bad fragment
	// among the first would spoil every subset the cap lets us reach,
	// while a random subset avoids a few bad ones with good odds.
	random := total > maxCombinations
	pick := make([]int, need)
	for i := range pick {
		pick[i] = i
	}
	try := make([]Fragment, 0, p.Threshold)
	for tries := 0; ; tries++ {
		if tries == maxCombinations {
			return nil, report(nil), fmt.Errorf("%w: tried %d of %d at random; a location may have sent a wrong fragment, or the pack was changed", ErrSearchLimit, tries, total)
		}
		if random {
			randomSubset(pick, len(cands))
		}
		try = append(try[:0], p.Fragments...)
		for _, i := range pick {
			try = append(try, cands[i].f)
		}
		if key, err := sch.combine(try); err == nil {
			if secret, err := sch.open(key, p.Secret); err == nil {
				// The key is known: a fragment fits iff it lies on the
				// same polynomial, i.e. it and threshold-1 good ones give
				// the key again.
				base := try[:p.Threshold-1]
				var wrong []string
				for i, c := range cands {
					if slices.Contains(pick, i) {
						continue
					}
					k, err := sch.combine(append(append([]Fragment(nil), base...), c.f))
					if err != nil || !bytes.Equal(k, key) {
						wrong = append(wrong, c.prefix)
					}
				}
				return secret, report(wrong), nil
			}
		}
		if !random && !nextCombination(pick, len(cands)) {
			break
		}
	}
	if len(cands) == need {
		return nil, report(nil), fmt.Errorf("%w: a location sent a wrong fragment or the pack was changed; a code from one more location may tell which", ErrNoMatch)
	}
	return nil, report(nil), fmt.Errorf("%w: no %d of the %d fragments fit; the pack may have been changed", ErrNoMatch, need, len(cands))
}

// randomSubset fills pick with a random len(pick)-subset of 0..n-1,
// sorted. The choice needs no secrecy, only spread.
func randomSubset(pick []int, n int) {
	perm := rand.Perm(n)[:len(pick)]
	slices.Sort(perm)
	copy(pick, perm)
}

// nextCombination steps pick to the next k-subset of 0..n-1 in
// lexicographic order; false when pick was the last.
func nextCombination(pick []int, n int) bool {
	k := len(pick)
	i := k - 1
	for i >= 0 && pick[i] == n-k+i {
		i--
	}
	if i < 0 {
		return false
	}
	pick[i]++
	for j := i + 1; j < k; j++ {
		pick[j] = pick[j-1] + 1
	}
	return true
}

// binomial is C(n, k), for the n <= MaxLocations this package meets.
func binomial(n, k int) uint64 {
	if k < 0 || k > n {
		return 0
	}
	r := uint64(1)
	for i := 1; i <= k; i++ {
		r = r * uint64(n-k+i) / uint64(i)
	}
	return r
}
