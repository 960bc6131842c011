package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"strconv"
	"time"
)

// The guess budget of an escrow. A code is void after maxFailures wrong
// guesses, but a new one can be had every ResendInterval, so whoever
// holds an escrow's key (a stolen pack, an heir's printed sheet) could
// guess on and on. So wrong codes are also counted per escrow, in the
// store (durable: a restart must not refill the budget), across codes:
//   - firstBudget wrong codes lock the escrow out for firstLockout: it
//     takes no code, right or wrong, and sends none;
//   - each later lockout lasts twice the one before (24 h, 48 h, 96 h…),
//     and comes after half as many wrong codes (10, 5, 2, then 1);
//   - the count does not drain with time: pacing guesses below a daily
//     limit gains nothing.
//
// That allows 23 wrong codes in a year, so a chance of 1 in 43,000 per
// escrow of guessing one fragment's code in a year, and under 1 in
// 14,000 for "any one of 3 servers" (docs/SERVER-SECURITY.md).
const (
	firstBudget  = 10
	firstLockout = 24 * time.Hour
	// maxDoublings caps the shift: 24 h << 14 is 45 years, longer than
	// any escrow lives.
	maxDoublings = 14
)

// budget is how many wrong codes an escrow takes after lockouts lockouts.
func budget(lockouts int) int { return max(1, firstBudget>>min(lockouts, 8)) }

// lockoutFor is how long the lockout after lockouts earlier ones lasts.
func lockoutFor(lockouts int) time.Duration { return firstLockout << min(lockouts, maxDoublings) }

// ErrTooManyGuesses refuses an escrow that is locked out.
var ErrTooManyGuesses = errors.New("too many wrong codes for this escrow")

// lockoutError is ErrTooManyGuesses with the time the lockout ends,
// which the client is told.
type lockoutError struct{ until time.Time }

func (e *lockoutError) Error() string {
	return fmt.Sprintf("%v; locked out until %s", ErrTooManyGuesses, e.until.UTC().Format(time.RFC3339))
}
func (e *lockoutError) Is(target error) bool { return target == ErrTooManyGuesses }
func (e *lockoutError) wireString() string {
	return wire.ErrLockedOutP + e.until.UTC().Format(wire.RetryTimeFormat)
}

// retryAfter is the Retry-After header value: whole seconds, at least 1.
func (e *lockoutError) retryAfter(now time.Time) string {
	return strconv.FormatInt(max(1, int64(e.until.Sub(now)/time.Second)+1), 10)
}

// fresh returns g as it applies to escrow e: a record left by an earlier
// escrow of the same id does not.
func fresh(g Guesses, e Escrow) Guesses {
	if g.Expiration != e.Expiration {
		return Guesses{Expiration: e.Expiration}
	}
	return g
}

// checkLocked refuses escrow e while it is locked out. It only reads,
// so a locked escrow costs no write however often it is asked.
func (s *Server) checkLocked(ctx context.Context, e Escrow, now time.Time) error {
	g, err := s.store.Guesses(ctx, e.ID, now)
	if err != nil {
		return err
	}
	if g = fresh(g, e); now.Unix() < g.LockedUntil {
		return &lockoutError{time.Unix(g.LockedUntil, 0)}
	}
	return nil
}

// guessTicket is one guess taken from an escrow's budget before its code
// is compared: taking it and counting it are one atomic step in the
// store, so concurrent guesses, on one instance or many, cannot overrun
// the budget. A right guess gives it back.
type guessTicket struct {
	before, after Guesses
}

// locked reports whether this guess used up the budget.
func (t guessTicket) locked() bool { return t.after.Lockouts > t.before.Lockouts }

func (t guessTicket) until() time.Time { return time.Unix(t.after.LockedUntil, 0) }

// takeGuess takes a guess from escrow e's budget, or refuses with a
// *lockoutError.
func (s *Server) takeGuess(ctx context.Context, e Escrow, now time.Time) (guessTicket, error) {
	var t guessTicket
	err := s.store.UpdateGuesses(ctx, e.ID, now, func(g *Guesses) error {
		*g = fresh(*g, e)
		if now.Unix() < g.LockedUntil {
			return &lockoutError{time.Unix(g.LockedUntil, 0)}
		}
		t.before = *g
		g.Wrong++
		if g.Wrong >= budget(g.Lockouts) {
			g.LockedUntil = now.Add(lockoutFor(g.Lockouts)).Unix()
			g.Lockouts++
			g.Wrong = 0
		}
		t.after = *g
		return nil
	})
	return t, err
}

// lazyGuesses is a Store that can save a give-back without waiting for
// the disk. Lost in a crash, a given-back guess stays counted: one wrong
// guess more than there was, never one fewer, so the budget only gets
// stricter. Nor can a later write that was saved outlive it: PostgreSQL
// flushes its log in order. PgStore has it, which saves a recovery one
// of its two synchronous commits (taking the guess is the other, and
// must wait: a guess not yet counted could be tried again after a crash).
type lazyGuesses interface {
	UpdateGuessesLazily(ctx context.Context, id string, now time.Time, fn func(*Guesses) error) error
}

// errNothingToGiveBack: the record moved on since the ticket was taken.
var errNothingToGiveBack = errors.New("the guess record changed meanwhile")

// giveBack returns a guess that was right, or never compared (no code
// was pending). It runs even if the client has gone: a guess that was
// not wrong must not count. If the record moved on meanwhile, it undoes
// only this guess's count, never another's lockout.
func (s *Server) giveBack(ctx context.Context, e Escrow, t guessTicket, now time.Time) {
	update := s.store.UpdateGuesses
	if l, ok := s.store.(lazyGuesses); ok {
		update = l.UpdateGuessesLazily
	}
	err := update(context.WithoutCancel(ctx), e.ID, now, func(g *Guesses) error {
		switch {
		case *g == t.after:
			*g = t.before
		case !t.locked() && g.Expiration == t.after.Expiration && g.Lockouts == t.after.Lockouts && g.Wrong > 0:
			g.Wrong--
		default:
			return errNothingToGiveBack
		}
		return nil
	})
	if err != nil && !errors.Is(err, errNothingToGiveBack) {
		s.log.Error("giving back a guess", "err", err)
	}
}
