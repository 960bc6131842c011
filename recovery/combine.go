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
	if len(p.Groups) > 0 {
		return combineGrouped(p, fetched)
	}
	sch, ok := schemes[p.Scheme]
	if !ok {
		return nil, nil, packErr("scheme", "unknown scheme %q", p.Scheme)
	}
	var badPrefixes []string
	seenX := map[string]bool{}
	for _, f := range p.Fragments {
		x, _ := sch.check(f)
		seenX[x] = true
	}
	var cands []candidate
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
	need := p.Need()
	if len(cands) < need {
		e := fmt.Errorf("%w: have %d of the %d needed", ErrNotEnough, len(cands), need)
		if b := badFragments(badPrefixes, nil); b != nil {
			return nil, b, errors.Join(e, b)
		}
		return nil, nil, e
	}
	s := search{base: p.Fragments, cands: cands, need: need, combine: sch.combine,
		accept: func(key []byte) bool {
			pt, err := sch.open(key, p.Secret)
			if err != nil {
				return false
			}
			secret = pt
			return true
		}}
	if _, wrong, err := s.run(); err != nil {
		return nil, badFragments(badPrefixes, nil), err
	} else {
		return secret, badFragments(badPrefixes, wrong), nil
	}
}

// badFragments names every location whose fragment did not fit, or nil.
func badFragments(prefixes, more []string) *BadFragmentError {
	all := append(append([]string(nil), prefixes...), more...)
	if len(all) == 0 {
		return nil
	}
	return &BadFragmentError{Prefixes: all}
}

// A candidate is a fetched fragment and the prefix of its location.
type candidate struct {
	prefix string
	f      Fragment
}

// A search looks for need candidates that, with the base fragments (the
// pack's own), combine to a value accept takes: the key that opens the
// secret, or a group's share that matches its check.
type search struct {
	base    []Fragment
	cands   []candidate
	need    int
	combine func([]Fragment) ([]byte, error)
	accept  func([]byte) bool
}

// run returns the accepted value and the candidates that do not lie on
// its polynomial.
func (s search) run() (value []byte, wrong []string, err error) {
	total := binomial(len(s.cands), s.need)
	// Up to maxCombinations subsets are tried all, in order. Beyond, random
	// subsets are drawn instead: in lexicographic order one bad fragment
	// among the first would spoil every subset the cap lets us reach,
	// while a random subset avoids a few bad ones with good odds.
	random := total > maxCombinations
	pick := make([]int, s.need)
	for i := range pick {
		pick[i] = i
	}
	threshold := len(s.base) + s.need
	try := make([]Fragment, 0, threshold)
	for tries := 0; ; tries++ {
		if tries == maxCombinations {
			return nil, nil, fmt.Errorf("%w: tried %d of %d at random; a location may have sent a wrong fragment, or the pack was changed", ErrSearchLimit, tries, total)
		}
		if random {
			randomSubset(pick, len(s.cands))
		}
		try = append(try[:0], s.base...)
		for _, i := range pick {
			try = append(try, s.cands[i].f)
		}
		if v, err := s.combine(try); err == nil && s.accept(v) {
			// The value is known: a fragment fits iff it lies on the
			// same polynomial, i.e. it and threshold-1 good ones give
			// the value again.
			base := try[:threshold-1]
			for i, c := range s.cands {
				if slices.Contains(pick, i) {
					continue
				}
				k, err := s.combine(append(append([]Fragment(nil), base...), c.f))
				if err != nil || !bytes.Equal(k, v) {
					wrong = append(wrong, c.prefix)
				}
			}
			return v, wrong, nil
		}
		if !random && !nextCombination(pick, len(s.cands)) {
			break
		}
	}
	if len(s.cands) == s.need {
		return nil, nil, fmt.Errorf("%w: a location sent a wrong fragment or the pack was changed; a code from one more location may tell which", ErrNoMatch)
	}
	return nil, nil, fmt.Errorf("%w: no %d of the %d fragments fit; the pack may have been changed", ErrNoMatch, s.need, len(s.cands))
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
