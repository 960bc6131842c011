package recovery

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
)

// A Recovery gets a pack's secret back: it asks the locations for codes,
// trades the codes the user types for fragments, and combines them. It is
// safe for use by several goroutines. Nothing is lost by a wrong code or a
// dead location: try again, or use another location.
type Recovery struct {
	pack    *Pack
	keepers Keepers

	mu      sync.Mutex
	fetched map[string]Fragment // by code prefix
}

// NewRecovery starts recovering p with the keepers of its record kinds.
func NewRecovery(p *Pack, keepers Keepers) *Recovery {
	return &Recovery{pack: p, keepers: keepers, fetched: map[string]Fragment{}}
}

// A ChallengeResult is what one location said when asked for a code.
type ChallengeResult struct {
	Record    Record
	Challenge Challenge // valid when Err is nil
	Err       error
}

// ErrNeedMoreCodes means Secret was called before enough codes were in.
var ErrNeedMoreCodes = errors.New("recovery: more codes are needed")

// RequestCodes asks every location whose fragment is not in yet to send
// the user a code, in the user's language. One location failing does not
// stop the others; each result says how its location fared.
func (r *Recovery) RequestCodes(ctx context.Context, language string) []ChallengeResult {
	return r.RequestCodesSpread(ctx, language, nil, nil)
}

// RequestCodesSpread is RequestCodes asking the locations in s's random
// order with its waits between them, each wait told to progress first,
// so that the servers cannot link the requests by their timing. The
// results are in the pack's order all the same. With a nil s it is
// RequestCodes. A wait cut short by ctx leaves the rest with ctx's error.
func (r *Recovery) RequestCodesSpread(ctx context.Context, language string, s *Spread, progress func(Progress)) []ChallengeResult {
	recs := r.pack.Records
	results := make([]*ChallengeResult, len(recs))
	sp := s.start()
	for _, i := range sp.order(len(recs)) {
		rec := recs[i]
		r.mu.Lock()
		_, have := r.fetched[rec.Prefix]
		r.mu.Unlock()
		if have {
			continue
		}
		res := &ChallengeResult{Record: rec}
		k, err := r.codeKeeper(rec)
		if errors.Is(err, ErrNoCode) {
			continue // the user provides this one: see Needs and Gather
		}
		if err == nil {
			err = sp.beforeContact(ctx, describe(rec), progress)
		}
		if err == nil {
			res.Challenge, err = k.Challenge(ctx, rec, language)
		}
		if err != nil {
			res.Err = fmt.Errorf("recovery: asking %s for a code: %w", describe(rec), err)
		}
		results[i] = res
	}
	var out []ChallengeResult
	for _, res := range results {
		if res != nil {
			out = append(out, *res)
		}
	}
	return out
}

// SubmitCode finds the location a typed code belongs to by its first
// letter and fetches that location's fragment. It returns the record the
// code went to; on error nothing is lost and the code can be typed again.
func (r *Recovery) SubmitCode(ctx context.Context, code string) (Record, error) {
	i, c, err := RouteCode(r.pack.Records, code)
	if err != nil {
		return Record{}, err
	}
	rec := r.pack.Records[i]
	k, err := r.codeKeeper(rec)
	if err != nil {
		return rec, err
	}
	f, err := k.Fetch(ctx, rec, c)
	if err != nil {
		return rec, fmt.Errorf("recovery: %s: %w", describe(rec), err)
	}
	r.keep(rec, f)
	return rec, nil
}

// ErrNoCode means a record's location sends no code: its fragment comes
// back through what the user provides (Gather).
var ErrNoCode = errors.New("recovery: this location sends no code")

func (r *Recovery) codeKeeper(rec Record) (CodeKeeper, error) {
	k, err := r.keepers.keeper(rec.Kind)
	if err != nil {
		return nil, err
	}
	ck, ok := k.(CodeKeeper)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoCode, describe(rec))
	}
	return ck, nil
}

// Progress says how many locations have given their fragment and how
// many are needed.
func (r *Recovery) Progress() (have, need int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if groups, n := GroupsProgress(r.pack, r.fetched); groups != nil {
		// need counts what is at hand and the fewest that could finish.
		return len(r.fetched), len(r.fetched) + stillNeeded(groups, n)
	}
	return len(r.fetched), r.pack.Need()
}

// Groups says how far each group of a grouped pack is, and how many
// groups are needed; nil for a flat pack.
func (r *Recovery) Groups() ([]GroupProgress, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return GroupsProgress(r.pack, r.fetched)
}

// Secret combines the fragments fetched so far and opens the secret. bad,
// when not nil, names locations that sent a wrong fragment; it can come
// with the secret, when enough good fragments were at hand anyway.
func (r *Recovery) Secret() (secret []byte, bad *BadFragmentError, err error) {
	r.mu.Lock()
	fetched := maps.Clone(r.fetched)
	r.mu.Unlock()
	if groups, n := GroupsProgress(r.pack, fetched); groups != nil {
		if more := stillNeeded(groups, n); more > 0 {
			return nil, nil, fmt.Errorf("%w: %d more, %s", ErrNeedMoreCodes, more, describeGroups(groups, n))
		}
	} else if have, need := len(fetched), r.pack.Need(); have < need {
		return nil, nil, fmt.Errorf("%w: %d of %d", ErrNeedMoreCodes, have, need)
	}
	return Combine(r.pack, fetched)
}
