package recovery

import (
	"context"
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"time"
)

// Spread keeps servers that compare their logs from linking one user's
// requests by their timing: the requests of one protect (or one round of
// asking for codes) go to the locations in random order, with a random
// wait between one server and the next. Without it they leave within
// a second of each other, in the order the user listed them.
//
// It also asks every location for the same coarse expiry, the start of
// a UTC day (of an hour, for a stay under two days), rather than one
// exact second that every escrow of the protect would share and no
// other user's would.
//
// A nil *Spread means no waits and the listed order (the library's
// default: a call that sleeps for a minute surprises an embedding
// program; the CLI and the app turn spreading on and show the waits).
type Spread struct {
	// Min and Max bound each wait, drawn uniformly between them.
	Min, Max time.Duration
	// Rand draws the order and the waits; nil seeds a generator from
	// crypto/rand for each run, so servers cannot predict either.
	// Tests give a seeded one. Not safe for concurrent runs.
	Rand *rand.Rand
	// Sleep waits d or until ctx ends; nil uses a timer. Tests record
	// the waits here instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
}

// The bounds of DefaultSpread: long enough to get lost among other
// users' requests to a busy server, short enough to wait for.
const (
	DefaultSpreadMin = 2 * time.Second
	DefaultSpreadMax = 20 * time.Second
)

// DefaultSpread waits between DefaultSpreadMin and DefaultSpreadMax.
func DefaultSpread() *Spread {
	return &Spread{Min: DefaultSpreadMin, Max: DefaultSpreadMax}
}

// A LocalLocation places its fragment without contacting anyone (a
// printed sheet, a file on a USB stick): Spread does not wait before it.
// Locations without the method are taken to contact someone.
type LocalLocation interface {
	Location
	ContactsNoOne()
}

// spreader is one run of a Spread; a nil one keeps order and never waits.
type spreader struct {
	s        *Spread
	rng      *rand.Rand
	contacts int // contacts made so far
}

func (s *Spread) start() *spreader {
	if s == nil {
		return nil
	}
	rng := s.Rand
	if rng == nil {
		var seed [32]byte
		_, _ = crand.Read(seed[:]) // never fails (Go 1.24 and later)
		rng = rand.New(rand.NewChaCha8(seed))
	}
	return &spreader{s: s, rng: rng}
}

// order is the order to visit n items in.
func (sp *spreader) order(n int) []int {
	if sp == nil {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	return sp.rng.Perm(n)
}

// delay draws one wait.
func (sp *spreader) delay() time.Duration {
	lo, hi := max(sp.s.Min, 0), max(sp.s.Max, 0)
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(sp.rng.Int64N(int64(hi-lo)+1))
}

// beforeContact waits, unless this is the run's first contact, and says
// so through progress first (as the location where's).
func (sp *spreader) beforeContact(ctx context.Context, where string, progress func(Progress)) error {
	if sp == nil {
		return nil
	}
	sp.contacts++
	if sp.contacts == 1 {
		return nil
	}
	d := sp.delay()
	if d <= 0 {
		return nil
	}
	if progress != nil {
		progress(Progress{Location: where, Stage: WaitingStage(d), Fraction: -1, Wait: d})
	}
	sleep := sp.s.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	return sleep(ctx, d)
}

// expiry is what to ask the locations for instead of t: the start of
// its UTC day, or hour, when that is still a unit ahead of now.
func (sp *spreader) expiry(t, now time.Time) time.Time {
	if sp == nil {
		return t
	}
	for _, unit := range []time.Duration{24 * time.Hour, time.Hour} {
		if c := t.UTC().Truncate(unit); c.After(now.Add(unit)) {
			return c
		}
	}
	return t
}

// WaitingStage is the Progress stage of a Spread's wait of d, in words.
func WaitingStage(d time.Duration) string {
	return fmt.Sprintf("waiting %d s so servers cannot link your requests", max(1, int64(d.Round(time.Second)/time.Second)))
}

// contactsSomeone reports whether placing at l reaches another party.
func contactsSomeone(l Location) bool {
	_, local := l.(LocalLocation)
	return !local
}
