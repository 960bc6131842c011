package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hint"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// How a waiting period runs. The first verified code of an escrow with a
// waiting period starts it (the code is used up, as any code that
// succeeds), once the owner's notify identity has been told; the answer
// is the time of release. A code verified before that time gets the same
// answer; one verified after it releases the escrow. So an heir comes
// back after the wait and asks for a new code: a code lives minutes, the
// wait days. Shortly before release (reminderLead) the owner is told
// again, by the sweep; if that mail could not go out in time, the
// release waits until reminderLead after it did, so the owner always
// has that long after the reminder. The owner cancels with the owner
// token (processReleaseCancel); the escrow stays, and the next verified
// code starts a new wait and tells the owner again.

// reminderLead is how long before release the owner is told again: a
// day, or half the waiting period when that is shorter.
func reminderLead(delayDays int) time.Duration {
	return min(24*time.Hour, days(delayDays)/2)
}

// errCancelledMeanwhile is a claim cancelled between reading and writing.
var errCancelledMeanwhile = errors.New("the release was cancelled meanwhile")

// gateRelease decides whether a verified code may have escrow e's
// secret: nil for an escrow without a waiting period or whose wait is
// over, else a *releasePendingError or the reason the wait cannot start.
// It applies whether or not the extension is advertised.
func (s *Server) gateRelease(ctx context.Context, e Escrow, data wire.EscrowData, now time.Time) error {
	rs, err := s.releaseStore()
	if err != nil {
		return nil
	}
	rel, err := rs.Release(ctx, e.ID)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if !rel.bound(e) {
		return nil
	}
	c := rel.Claim
	if c == nil {
		return s.startClaim(ctx, rs, e, rel, data, now)
	}
	if now.Unix() < c.ReleaseAt {
		return &releasePendingError{time.Unix(c.ReleaseAt, 0)}
	}
	if c.RemindedAt == 0 {
		// The sweep did not get the reminder out: send it now, and give
		// the owner the time it promises.
		at, err := s.remind(ctx, rs, e.ID, rel, *c, now)
		if err != nil {
			return err
		}
		return &releasePendingError{at}
	}
	if c.ReleasedAt == 0 {
		err := rs.UpdateRelease(ctx, e.ID, func(r *Release) error {
			if r.Claim == nil || r.Claim.Since != c.Since {
				return errCancelledMeanwhile
			}
			r.Claim.ReleasedAt = now.Unix()
			return nil
		})
		if errors.Is(err, errCancelledMeanwhile) {
			return fmt.Errorf("%w: the release was cancelled", ErrNoCode)
		} else if err != nil {
			return err
		}
		// Best effort: the owner was told twice already.
		if err := s.notify(ctx, rel, *c, verify.NoticeReleased); err != nil {
			s.log.Warn("could not tell the owner of a release", "err", err)
		}
	}
	s.log.Info("escrow released after its waiting period", "days", rel.DelayDays)
	return nil
}

// startClaim starts the waiting period once the owner has been told.
func (s *Server) startClaim(ctx context.Context, rs ReleaseStore, e Escrow, rel Release, data wire.EscrowData, now time.Time) error {
	c := Claim{
		Since:       now.Unix(),
		ReleaseAt:   now.Add(days(rel.DelayDays)).Unix(),
		Notify:      data.Notify,
		Description: data.Description,
	}
	if kind, addr, ok := strings.Cut(data.Verify, ":"); ok {
		c.HeirHint = hint.Mask(kind, addr)
	}
	if err := s.notify(ctx, rel, c, verify.NoticeClaimStarted); err != nil {
		return err
	}
	var started Claim
	err := rs.UpdateRelease(ctx, e.ID, func(r *Release) error {
		if r.Claim == nil {
			r.Claim = &c
		}
		started = *r.Claim // a claim started meanwhile stands
		return nil
	})
	if err != nil {
		return err
	}
	s.log.Info("waiting period started", "days", rel.DelayDays, "hint", c.HeirHint)
	return &releasePendingError{time.Unix(started.ReleaseAt, 0)}
}

// remind tells the owner again and returns the time of release, moved
// so that it is at least reminderLead after the reminder.
func (s *Server) remind(ctx context.Context, rs ReleaseStore, id string, rel Release, c Claim, now time.Time) (time.Time, error) {
	at := max(c.ReleaseAt, now.Add(reminderLead(rel.DelayDays)).Unix())
	c.ReleaseAt = at
	if err := s.notify(ctx, rel, c, verify.NoticeReleaseSoon); err != nil {
		return time.Time{}, err
	}
	err := rs.UpdateRelease(ctx, id, func(r *Release) error {
		if r.Claim != nil && r.Claim.Since == c.Since {
			r.Claim.RemindedAt = now.Unix()
			r.Claim.ReleaseAt = max(r.Claim.ReleaseAt, at)
		}
		return nil
	})
	return time.Unix(at, 0), err
}

// notify tells the owner (the escrow's notify identity) of an event.
func (s *Server) notify(ctx context.Context, rel Release, c Claim, event string) error {
	kind, addr, ok := strings.Cut(c.Notify, ":")
	if !ok || addr == "" {
		return ErrCannotNotify
	}
	n, ok := s.cfg.Verifiers[kind].(verify.Notifier)
	if !ok {
		return fmt.Errorf("%w: no notices by %q", ErrCannotNotify, kind)
	}
	// The notify identity is the escrow maker's choice: its notices
	// count against its send limit like codes (a refusal says when to
	// come back), else escrows naming a victim as owner would mail them
	// a claim each.
	give := func() {}
	if s.sends != nil {
		g, err := s.sends.take(ctx, kind, addr, s.cfg.Now())
		if err != nil {
			return err
		}
		give = g
	}
	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	err := n.Notify(sendCtx, verify.Notice{
		Kind:        kind,
		Address:     addr,
		Language:    rel.Language,
		Event:       event,
		Description: c.Description,
		Claimant:    c.HeirHint,
		ReleaseAt:   time.Unix(c.ReleaseAt, 0),
		AboutURL:    s.cfg.AboutURL,
	})
	if err != nil {
		give()
	}
	if errors.Is(err, verify.ErrInvalidMessage) {
		return fmt.Errorf("%w: %s", ErrCannotNotify, hideAddress(err.Error(), addr, hint.Mask(kind, addr)))
	} else if err != nil {
		// The verifier's error may name the address; the log gets the hint.
		return fmt.Errorf("%w: %s", ErrNoticeFailed, hideAddress(err.Error(), addr, hint.Mask(kind, addr)))
	}
	s.log.Debug("owner told", "event", event, "hint", hint.Mask(kind, addr))
	return nil
}

// sweepReleases drops waiting periods whose escrow is gone and sends the
// reminders that are due.
func (s *Server) sweepReleases(ctx context.Context, now time.Time) {
	rs, err := s.releaseStore()
	if err != nil {
		return
	}
	for after := ""; ; {
		page, err := rs.ReleasesAfter(ctx, after, releasePage)
		if err != nil {
			s.log.Error("reading waiting periods", "err", err)
			return
		}
		for _, r := range page {
			s.sweepRelease(ctx, rs, r.ID, r.Release, now)
		}
		if len(page) < releasePage {
			return
		}
		after = page[len(page)-1].ID
	}
}

// releasePage is how many waiting periods the sweep reads at once.
var releasePage = 1000

// sweepRelease drops one waiting period if its escrow is gone, or sends
// its reminder if that is due.
func (s *Server) sweepRelease(ctx context.Context, rs ReleaseStore, id string, rel Release, now time.Time) {
	e, err := s.store.Escrow(ctx, id, now)
	if errors.Is(err, ErrNotFound) || err == nil && !rel.bound(e) {
		if err := rs.DeleteRelease(ctx, id, rel.Expiration); err != nil {
			s.log.Error("dropping a waiting period", "err", err)
		}
		return
	} else if err != nil {
		s.log.Error("reading an escrow with a waiting period", "err", err)
		return
	}
	c := rel.Claim
	if c == nil || c.RemindedAt != 0 || c.ReleasedAt != 0 {
		return
	}
	if now.Unix() < c.ReleaseAt-int64(reminderLead(rel.DelayDays)/time.Second) {
		return
	}
	if _, err := s.remind(ctx, rs, id, rel, *c, now); err != nil {
		s.log.Warn("could not remind the owner of a release; trying again at the next sweep", "err", err)
	}
}
