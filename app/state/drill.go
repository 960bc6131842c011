package state

import (
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A recovery drill rehearses a recovery: the codes are sent and typed
// and the fragments come back as in a real one, but Verify only checks
// that they rebuild the key and never returns the secret, and nothing
// is changed. When the last drill passed is kept beside the pack under
// drillPrefix+name (a time and the pack's fingerprint, nothing secret),
// so the overview can say so; a renewed or replaced pack has another
// fingerprint, and its old drill no longer counts.

const drillPrefix = "drill."

type drillJSON struct {
	Passed int64  `json:"passed"`
	Pack   string `json:"pack"` // packstore.Fingerprint of the pack drilled
}

// Verify checks that the fragments in hand rebuild the key and open the
// secret, without returning it (recovery.Recovery.Verify). wrong names
// locations that sent back a fragment which does not fit, as Secret does.
func (r *Recovery) Verify() (wrong []Challenge, err error) {
	bad, err := r.rec.Verify()
	if bad != nil {
		for _, p := range bad.Prefixes {
			if i := slices.IndexFunc(r.records, func(rec recovery.Record) bool { return rec.Prefix == p }); i >= 0 {
				wrong = append(wrong, Challenge{Prefix: p, Hint: r.records[i].Hint})
			}
		}
	}
	if errors.Is(err, ErrNoMatch) {
		return wrong, ErrNoMatch
	}
	return wrong, err
}

// DrillPassed records that a drill of the item name passed now, for the
// pack stored under that name.
func (s *State) DrillPassed(name string) error {
	p, err := s.loadPack(name)
	if err != nil {
		return err
	}
	b, err := json.Marshal(drillJSON{Passed: s.now().Unix(), Pack: packstore.Fingerprint(p)})
	if err != nil {
		return err
	}
	return s.packs().Put(drillPrefix+name, b)
}

// LastDrill is when a drill of the item's present pack last passed;
// zero when none did (or only one of a pack since replaced).
func (s *State) LastDrill(name string) time.Time {
	b, err := s.packs().Get(drillPrefix + name)
	if err != nil {
		return time.Time{} // never drilled, or the store cannot say: not shown
	}
	var d drillJSON
	if json.Unmarshal(b, &d) != nil || d.Passed <= 0 {
		return time.Time{}
	}
	p, err := s.loadPack(name)
	if err != nil || packstore.Fingerprint(p) != d.Pack {
		return time.Time{}
	}
	return time.Unix(d.Passed, 0)
}
