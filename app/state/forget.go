package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Forgetting deletes an item's fragments where they are kept, then its
// pack. When a place cannot be reached (a server gone, the demo server
// not running) the pack is kept, since it is what finds the fragments,
// and the screens say what is left where and until when, and offer to
// remove the item from this computer anyway (RemoveLocal): a fragment
// left behind expires by itself, and without the pack it opens nothing.

// A Leftover is a fragment Forget could not delete.
type Leftover struct {
	Prefix   string    // its letter, as the overview shows it
	Hint     string    // where it is, as the overview shows it
	Server   string    // its Passcrow server, "" for another kind of place
	Expires  time.Time // when it goes by itself; zero: not known
	Previous bool      // of the previous pack kept after a typed renewal
	Err      error
}

// ForgetError is a Forget that left fragments behind; the item is kept.
type ForgetError struct {
	Name string
	Left []Leftover
}

func (e *ForgetError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "could not delete %d fragment(s) of %q", len(e.Left), e.Name)
	for _, l := range e.Left {
		fmt.Fprintf(&b, "; %s: %v", l.Hint, l.Err)
	}
	return b.String()
}

func (e *ForgetError) Unwrap() []error {
	var out []error
	for _, l := range e.Left {
		out = append(out, l.Err)
	}
	return out
}

// Forget deletes an item's fragments, those of a previous pack kept for
// it first, then its pack. Fragments already gone count as deleted, so
// trying again after a failure finishes the job. When some cannot be
// deleted it returns a *ForgetError and keeps the item.
//
// An item whose pack is also kept under another name (the same file
// imported twice) is only removed from this computer: its fragments are
// the other item's too, and deleting them would break it.
func (s *State) Forget(ctx context.Context, name string) error {
	p, err := s.loadPack(name)
	if err != nil {
		return err
	}
	if s.samePackElsewhere(name, p) {
		return s.RemoveLocal(name)
	}
	var left []Leftover
	if prev, err := s.loadPrevious(name); err == nil {
		prevLeft := forgetEach(ctx, prev, true)
		if len(prevLeft) == 0 {
			_ = s.packs().Delete(previousPrefix + name)
		}
		left = append(left, prevLeft...)
	}
	left = append(left, forgetEach(ctx, p, false)...)
	if ctx.Err() != nil {
		return ErrCanceled
	}
	if len(left) > 0 {
		return &ForgetError{Name: name, Left: left}
	}
	return s.RemoveLocal(name)
}

// forgetEach deletes p's fragments one place at a time, so it can say
// which were left.
func forgetEach(ctx context.Context, p *recovery.Pack, previous bool) []Leftover {
	recs := p.Records
	if p.Ephemeral != nil {
		recs = append(recs[:len(recs):len(recs)], *p.Ephemeral)
	}
	var left []Leftover
	for _, r := range recs {
		one := &recovery.Pack{Records: []recovery.Record{r}}
		err := recovery.Forget(ctx, one, keepers())
		if err == nil || alreadyGone(err) {
			continue
		}
		l := Leftover{Prefix: r.Prefix, Hint: r.Hint, Previous: previous, Err: err}
		if servers := recovery.PackServers(one); len(servers) > 0 {
			l.Server = servers[0]
		}
		if r.Expires > 0 {
			l.Expires = time.Unix(r.Expires, 0)
		}
		left = append(left, l)
	}
	return left
}

// alreadyGone reports whether a server answered a deletion with "No such
// escrow" (server/errors.go, the reference's words): the fragment is
// deleted already, or expired, which is what forgetting wants.
func alreadyGone(err error) bool {
	var se *recovery.ServerError
	return errors.As(err, &se) && se.Status == 200 && se.Message == "No such escrow"
}

// RemoveLocal removes an item from this computer without contacting any
// place: its pack, the previous pack, its plan and what the health check
// and an unfinished recovery kept. Fragments still at their places stay
// until they expire; without the pack they open nothing.
func (s *State) RemoveLocal(name string) error {
	st := s.packs()
	if err := packstore.Delete(st, name); err != nil {
		return err
	}
	_ = st.Delete(previousPrefix + name)
	_ = st.Delete(planPrefix + name)
	_ = st.Delete(uncheckedPrefix + name)
	_ = packstore.DeleteSeen(st, name)
	_ = packstore.DeletePartial(st, name)
	return nil
}

// samePackElsewhere reports whether another item keeps the very pack of
// name (the same secret, made or renewed at the same time).
func (s *State) samePackElsewhere(name string, p *recovery.Pack) bool {
	names, err := s.names()
	if err != nil {
		return false
	}
	for _, n := range names {
		if n == name {
			continue
		}
		if kept, err := s.loadPack(n); err == nil && sameSecret(p, kept) && generation(p).Equal(generation(kept)) {
			return true
		}
	}
	return false
}
