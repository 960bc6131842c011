package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

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
	if err := s.checkLocked(ctx, e, now); err != nil {
		return wire.RecoveryResponse{}, err
	}
	ticket, err := s.takeGuess(ctx, e, now)
	if err != nil {
		return wire.RecoveryResponse{}, err
	}
	guess := []byte(strings.ToUpper(strings.TrimSpace(req.Verification)))
	var verdict error
	var language string
	err = s.store.UpdateCode(ctx, e.ID, now, func(c *Code) bool {
		language = c.Language
		if subtle.ConstantTimeCompare([]byte(strings.ToUpper(c.Code)), guess) == 1 {
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
	if err != nil || verdict == nil {
		s.giveBack(ctx, e, ticket, now) // no code to guess, or a right one
	}
	if errors.Is(err, ErrNotFound) {
		return wire.RecoveryResponse{}, ErrNoCode
	} else if err != nil {
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
	s.log.Debug("escrow recovered", "kind", e.Kind)
	return wire.RecoveryResponse{EscrowSecret: data.Secret}, nil
}
