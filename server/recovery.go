package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// maxFailures wrong guesses void a code. A new code can be had every
// ResendInterval, so wrong codes are also counted per escrow across
// codes and restarts (guesses.go).
const maxFailures = 5

func (s *Server) serveRecovery(w http.ResponseWriter, r *http.Request) {
	var req wire.RecoveryRequest
	if !s.decodeBody(w, r, &req, func(err error) any {
		return wire.RecoveryResponse{Version: wire.Version, Error: wireError(err)}
	}) {
		return
	}
	resp, err := s.processRecovery(r.Context(), &req)
	if err != nil {
		setRetryAfter(w, err, s.cfg.Now())
		s.logRefusal(r, wire.MethodRecovery, err)
		resp = wire.RecoveryResponse{Error: wireError(err)}
	}
	resp.Version = wire.Version
	s.writeJSON(w, http.StatusOK, resp)
}

// processRecovery trades a valid code and the escrow key for the escrowed
// secret. The key is checked first, so only its holder can use up a code's
// guesses; the code is then void after maxFailures wrong guesses or one
// success. Every guess is first taken from the escrow's guess budget
// (guesses.go), which locks the escrow out when it runs dry.
func (s *Server) processRecovery(ctx context.Context, req *wire.RecoveryRequest) (wire.RecoveryResponse, error) {
	if req.Version != wire.Version {
		return wire.RecoveryResponse{}, fmt.Errorf("%w: %q", ErrVersion, req.Version)
	}
	now := s.cfg.Now()
	e, data, err := s.openEscrow(ctx, req.EscrowDataID, req.EscrowDataKey, now)
	if err != nil {
		return wire.RecoveryResponse{}, err
	}
	verdict, ticket, language, err := s.judge(ctx, e, req.Verification, now)
	if err != nil {
		return wire.RecoveryResponse{}, err
	}
	if verdict != nil {
		if ticket.locked() {
			s.metrics.lockedOut()
			s.log.Info("escrow locked out after wrong codes", "until", ticket.until().UTC(), "lockouts", ticket.after.Lockouts)
			s.tellOwner(ctx, e, data, verify.NoticeLockedOut, language, ticket.until())
		}
		return wire.RecoveryResponse{}, verdict
	}
	// An escrow with a waiting period (an heir's) answers its first
	// verified code by starting the wait, and is released only after.
	if err := s.gateRelease(ctx, e, data, now); err != nil {
		return wire.RecoveryResponse{}, err
	}
	if s.log.Enabled(ctx, slog.LevelDebug) { // its arguments cost allocations even unlogged
		s.log.Debug("escrow recovered", "kind", e.Kind)
	}
	return wire.RecoveryResponse{EscrowSecret: data.Secret}, nil
}

// judge compares guess with escrow e's code within its guess budget:
// verdict is nil for the right code, else why not; err is a refusal
// before any comparison (a lockout, no code). A wrong code is counted in
// the budget before judge returns, and ticket says whether it locked the
// escrow out; language is that of the code's request.
func (s *Server) judge(ctx context.Context, e Escrow, guess string, now time.Time) (verdict error, ticket guessTicket, language string, err error) {
	_, local := s.store.(localStore)
	if local {
		unlock := s.guessLocks.lock(e.ID)
		defer unlock()
	}
	if err := s.checkLocked(ctx, e, now); err != nil {
		return nil, ticket, "", err
	}
	if !local {
		if ticket, err = s.takeGuess(ctx, e, now); err != nil {
			return nil, ticket, "", err
		}
	}
	g := []byte(strings.ToUpper(strings.TrimSpace(guess)))
	err = s.store.UpdateCode(ctx, e.ID, now, func(c *Code) bool {
		language = c.Language
		if subtle.ConstantTimeCompare([]byte(strings.ToUpper(c.Code)), g) == 1 {
			verdict = nil
			return false
		}
		c.Failures++
		verdict = ErrIncorrectCode
		if c.Failures >= maxFailures {
			verdict = fmt.Errorf("%w; code void after %d wrong guesses", ErrIncorrectCode, c.Failures)
			return false
		}
		return true
	})
	switch {
	case err != nil || verdict == nil:
		if !local {
			s.giveBack(ctx, e, ticket, now) // no code to guess, or a right one
		}
		if errors.Is(err, ErrNotFound) {
			err = ErrNoCode
		}
		return nil, ticket, language, err
	case local:
		// Counted before the answer, under the escrow's lock, even if
		// the client has gone: net/http cancels ctx when a client
		// half-closes, yet still sends it the answer.
		if ticket, err = s.takeGuess(context.WithoutCancel(ctx), e, now); err != nil {
			// Not counted (a full disk, say), yet the guesser learns
			// from the error that it was wrong: the code is void, so
			// each such guess costs a new code, which its owner gets.
			s.store.UpdateCode(ctx, e.ID, now, func(*Code) bool { return false })
			return nil, ticket, language, err
		}
	}
	return verdict, ticket, language, nil
}
