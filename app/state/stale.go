package state

import (
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A pack keeps its name and the date it was first made (Created) through
// every renewal; Renewed is set by each. So two packs with the same name
// and Created are copies of one protected secret, and the one renewed
// later is the one whose fragments exist: a renewal deletes the old ones
// (or keeps them, after a typed secret, only until they expire).
//
// A pack brought in from a file is not known to work: it may be a copy
// saved before a renewal, or from someone else. Until a recovery opened
// it, or a check found enough of its places holding their fragments, the
// overview says it was not checked, rather than that it is protected.

// uncheckedPrefix marks an imported item not yet seen working.
const uncheckedPrefix = "unchecked."

// OlderPackError means an imported pack is an older copy of an item kept
// here: renewed since, so its fragments are gone. Nothing was added.
type OlderPackError struct {
	Item    string    // the item kept here
	File    time.Time // when the file's copy was made or last renewed
	Renewed time.Time // when the kept one was last renewed
}

func (e *OlderPackError) Error() string {
	return fmt.Sprintf("this pack is an older copy of %q (from %s), which was renewed on %s: its fragments were replaced",
		e.Item, e.File.UTC().Format(time.DateOnly), e.Renewed.UTC().Format(time.DateOnly))
}

// generation is when p was made or last renewed.
func generation(p *recovery.Pack) time.Time {
	if !p.Renewed.IsZero() {
		return p.Renewed
	}
	return p.Created
}

// sameSecret reports whether a and b are copies of one protected secret.
func sameSecret(a, b *recovery.Pack) bool {
	return a.Name != "" && a.Name == b.Name && !a.Created.IsZero() && a.Created.Equal(b.Created)
}

// checkNotStale refuses an imported pack that is an older copy of a kept
// item. The same pack again is let in (a second name for one item, which
// the store has always allowed): it works as well as the first.
func (s *State) checkNotStale(p *recovery.Pack) error {
	names, err := s.names()
	if err != nil {
		return err
	}
	for _, n := range names {
		kept, err := s.loadPack(n)
		if err != nil || !sameSecret(p, kept) {
			continue
		}
		if g, k := generation(p), generation(kept); g.Before(k) {
			return &OlderPackError{Item: n, File: g, Renewed: k}
		}
	}
	return nil
}

// markUnchecked records that an imported item was not yet seen working.
func (s *State) markUnchecked(name string) error {
	return s.packs().Put(uncheckedPrefix+name, []byte("1"))
}

// markWorking records that name's pack was seen working.
func (s *State) markWorking(name string) { _ = s.packs().Delete(uncheckedPrefix + name) }

// checked fills in what checks found of an item: how many places were
// found without their fragment, and, for an imported item, whether it
// was seen working since (a recovery opened it, or enough places were
// found holding their fragments).
func (s *State) checked(it *Item, p *recovery.Pack) {
	seen, err := packstore.LastSeen(s.packs(), it.Name, p)
	present := 0
	if err == nil {
		for _, sn := range seen {
			switch {
			case sn.Missing:
				it.Missing++
			case !sn.Checked.IsZero():
				present++
			}
		}
	}
	_, err = s.packs().Get(uncheckedPrefix + it.Name)
	if err != nil {
		return // none (or unreadable: not worth a warning)
	}
	if it.Missing == 0 && present >= p.Need() {
		s.markWorking(it.Name)
		return
	}
	it.Unchecked = true
}

// CannotRecover reports whether checks found so many places without
// their fragment that the item cannot be recovered any more.
func (it Item) CannotRecover() bool {
	return it.Missing > 0 && len(it.Places)-it.Missing < it.Threshold
}
