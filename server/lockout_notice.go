package server

import (
	"context"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hint"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// tellOwner tells the escrow's notify identity, if it has one, that a
// code was sent to recover it (verify.NoticeRecoveryStarted) or that it
// was locked out (verify.NoticeLockedOut). The server can read that
// identity only now, while the request holds the escrow key.
//
// It is best effort: the owner's address counts against the send limit
// like any other (else N escrows naming one notify address would flood
// it), and neither a full address nor a failed notice stops a recovery,
// which would let anyone who can fill an address's limit stop the
// owner's own recoveries. An identity that is also the verify identity
// gets the code mail only. The owner of an escrow with a waiting period
// (an heir's) hears of a claim by the release's own notices
// (release_gate.go), not of each code.
func (s *Server) tellOwner(ctx context.Context, e Escrow, data wire.EscrowData, event, language string, at time.Time) {
	kind, addr, ok := strings.Cut(data.Notify, ":")
	if !ok || addr == "" {
		return
	}
	if event == verify.NoticeRecoveryStarted && s.delayed(ctx, e) {
		return
	}
	vkind, vaddr, _ := strings.Cut(data.Verify, ":")
	if normalKind(kind) == normalKind(vkind) && normalAddress(kind, addr) == normalAddress(vkind, vaddr) {
		return
	}
	masked := hint.Mask(kind, addr)
	n, ok := s.cfg.Verifiers[kind].(verify.Notifier)
	if !ok {
		s.log.Info("escrow owner not told: no notices by this kind", "event", event, "kind", kind)
		return
	}
	ctx = context.WithoutCancel(ctx) // the client may go; the owner must still hear
	give := func() {}
	if s.sends != nil {
		g, err := s.sends.take(ctx, kind, addr, s.cfg.Now())
		if err != nil {
			s.log.Warn("escrow owner not told", "event", event, "hint", masked, "err", err)
			return
		}
		give = g
	}
	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	err := n.Notify(sendCtx, verify.Notice{
		Kind:        kind,
		Address:     addr,
		Language:    language,
		Event:       event,
		Description: verify.CleanDescription(data.Description),
		Claimant:    hint.Mask(vkind, vaddr),
		ReleaseAt:   at,
		AboutURL:    s.cfg.AboutURL,
	})
	if err != nil {
		give()
		// The verifier's error may name the address; the log gets the hint.
		s.log.Warn("escrow owner not told", "event", event, "hint", masked, "err", hideAddress(err.Error(), addr, masked))
		return
	}
	s.log.Debug("escrow owner told", "event", event, "hint", masked)
}

// delayed reports whether escrow e has a waiting period.
func (s *Server) delayed(ctx context.Context, e Escrow) bool {
	rs, err := s.releaseStore()
	if err != nil {
		return false
	}
	rel, err := rs.Release(ctx, e.ID)
	return err == nil && rel.bound(e)
}
