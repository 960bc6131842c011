package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultResendInterval is the least time between two codes sent for one
// escrow. A user asks once per recovery, and again only after a void
// code, so a minute's wait costs them little; without it anyone who
// stores a free escrow naming a victim's address could mail them in a loop.
const DefaultResendInterval = time.Minute

// MaxCodesPerDay bounds the codes one escrow gets in a day. The interval
// alone still let anyone holding an escrow key (a pack, an heir's printed
// sheet) have a code mailed every minute: 525,600 mails a year to one
// address. A user needs a few codes a day at most.
const MaxCodesPerDay = 10

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

// setRetryAfter tells the client when to come back, for a refusal that
// knows: the resend wait, a lockout, a full address.
func setRetryAfter(w http.ResponseWriter, err error, now time.Time) {
	if we, ok := errors.AsType[*waitError](err); ok {
		w.Header().Set("Retry-After", we.retryAfter())
	} else if le, ok := errors.AsType[*lockoutError](err); ok {
		w.Header().Set("Retry-After", le.retryAfter(now))
	} else if se, ok := errors.AsType[*sendLimitError](err); ok {
		w.Header().Set("Retry-After", se.retryAfter(now))
	}
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
	day      map[string]dayCount // codes in the day since start
}

// dayCount is how many codes an escrow got since start, within a day.
type dayCount struct {
	start time.Time
	n     int
}

func newResendGate(interval time.Duration) *resendGate {
	return &resendGate{interval: interval, last: make(map[string]time.Time), day: make(map[string]dayCount)}
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
	dc := g.day[id]
	if now.Sub(dc.start) >= 24*time.Hour {
		dc = dayCount{start: now}
	}
	if dc.n >= MaxCodesPerDay {
		return nil, &waitError{dc.start.Add(24 * time.Hour).Sub(now)}
	}
	g.last[id] = now
	g.day[id] = dayCount{start: dc.start, n: dc.n + 1}
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.last[id].Equal(now) {
			if had {
				g.last[id] = prev
			} else {
				delete(g.last, id)
			}
			if d, ok := g.day[id]; ok && d.n > 0 {
				g.day[id] = dayCount{start: d.start, n: d.n - 1}
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
	for id, d := range g.day {
		if now.Sub(d.start) >= 24*time.Hour {
			delete(g.day, id)
		}
	}
}
