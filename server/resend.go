package server

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// DefaultResendInterval is the least time between two codes sent for one
// escrow. A user asks once per recovery, and again only after a void
// code, so a minute's wait costs them little; without it anyone who
// stores a free escrow naming a victim's address could mail them in a loop.
const DefaultResendInterval = time.Minute

// waitError is ErrTooSoon with the time left, which the client is told.
type waitError struct{ wait time.Duration }

func (e *waitError) Error() string {
	return fmt.Sprintf("a code was sent for this escrow too recently; next in %v", e.wait)
}
func (e *waitError) Is(target error) bool { return target == ErrTooSoon }

// retryAfter is the Retry-After header value: whole seconds, at least 1.
func (e *waitError) retryAfter() string {
	return strconv.FormatInt(max(1, int64((e.wait+time.Second-1)/time.Second)), 10)
}

// resendGate remembers when each escrow (by bare id) last had a code
// sent. It lives in memory like the codes themselves: a restart forgets
// it, which costs at most one extra message per escrow. Voiding or using
// a code leaves the entry alone, so guessing wrong five times is no way
// around the wait.
type resendGate struct {
	interval time.Duration // <= 0: no limit
	mu       sync.Mutex
	last     map[string]time.Time
}

func newResendGate(interval time.Duration) *resendGate {
	return &resendGate{interval: interval, last: make(map[string]time.Time)}
}

// reserve claims a send for escrow id at now, or returns a *waitError if
// the last one was under the interval ago. The claim is taken before the
// message goes out, so concurrent requests cannot both send; undo gives
// it back when the send failed, so a user may retry a failed delivery
// at once.
func (g *resendGate) reserve(id string, now time.Time) (undo func(), err error) {
	if g.interval <= 0 {
		return func() {}, nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	prev, had := g.last[id]
	if had {
		if wait := prev.Add(g.interval).Sub(now); wait > 0 {
			return nil, &waitError{wait}
		}
	}
	g.last[id] = now
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.last[id].Equal(now) {
			if had {
				g.last[id] = prev
			} else {
				delete(g.last, id)
			}
		}
	}, nil
}

// prune forgets escrows whose interval is over: they are as new.
func (g *resendGate) prune(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for id, t := range g.last {
		if now.Sub(t) >= g.interval {
			delete(g.last, id)
		}
	}
}
