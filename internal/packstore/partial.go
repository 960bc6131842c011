package packstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A recovery can take more than one run (codes arrive at different
// times), and a code works once, so the fragments an unfinished run
// fetched are kept beside the pack, under PartialPrefix+name, for at most
// PartialTTL from the first one kept.
//
// Kept state must never open the secret on its own: whoever reads the
// store (a backup, a stolen disk, malware reading the keychain) would
// otherwise have the secret without a single code. So at most Need()-1
// fetched fragments are kept: with the pack's own fragments that is one
// short of the threshold. They are not sealed: any key would have to sit
// in the same store beside them, which adds nothing; the count is what
// protects. They belong to one pack: its fingerprint is kept with them,
// so a pack replaced under the same name never gets another's fragments.
const (
	PartialPrefix = "partial."
	PartialTTL    = 24 * time.Hour
)

type partialRecovery struct {
	Pack      string                       `json:"pack"` // Fingerprint
	Expires   int64                        `json:"expires"`
	Fragments map[string]recovery.Fragment `json:"fragments"` // base64 by encoding/json
}

// Fingerprint names one pack: its sealed secret is unique to it (a fresh
// key and nonce every time a secret is protected).
func Fingerprint(p *recovery.Pack) string {
	sum := sha256.Sum256([]byte(p.Secret))
	return hex.EncodeToString(sum[:])
}

// LoadPartial returns the fragments an earlier run kept for the pack p
// stored under name, if any. Kept state that has expired, cannot be read
// or belongs to another pack is removed.
func LoadPartial(st platform.Store, name string, p *recovery.Pack, now time.Time) map[string]recovery.Fragment {
	pr, err := readPartial(st, name)
	if err != nil {
		return nil
	}
	if pr == nil || now.Unix() > pr.Expires || pr.Pack != Fingerprint(p) {
		_ = st.Delete(PartialPrefix + name)
		return nil
	}
	return pr.Fragments
}

// readPartial returns the state kept under name; nil when there is none
// or it cannot be parsed (both mean nothing usable is kept), an error
// when the store did not answer (then the state may be fine).
func readPartial(st platform.Store, name string) (*partialRecovery, error) {
	b, err := st.Get(PartialPrefix + name)
	if errors.Is(err, platform.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var pr partialRecovery
	if json.Unmarshal(b, &pr) != nil {
		return nil, nil
	}
	return &pr, nil
}

// SavePartial keeps, for the next run, fragments fetched for the pack p
// stored under name, at most p.Need()-1 of them (in record order; the
// others are dropped). It returns the prefixes kept. The expiry is that
// of state already kept for the same pack, else now+PartialTTL: a run
// that adds a fragment does not make the older ones last longer.
// Nothing to keep deletes what was kept.
func SavePartial(st platform.Store, name string, p *recovery.Pack, fetched map[string]recovery.Fragment, now time.Time) ([]string, error) {
	keep := map[string]recovery.Fragment{}
	var prefixes []string
	for _, r := range p.Records {
		if len(keep) >= p.Need()-1 {
			break
		}
		if f, ok := fetched[r.Prefix]; ok {
			keep[r.Prefix] = f
			prefixes = append(prefixes, r.Prefix)
		}
	}
	if len(keep) == 0 {
		return nil, DeletePartial(st, name)
	}
	expires := now.Add(PartialTTL).Unix()
	if old, _ := readPartial(st, name); old != nil && old.Pack == Fingerprint(p) && old.Expires >= now.Unix() {
		expires = min(expires, old.Expires)
	}
	b, err := json.Marshal(partialRecovery{Pack: Fingerprint(p), Expires: expires, Fragments: keep})
	if err != nil {
		return nil, err
	}
	if err := st.Put(PartialPrefix+name, b); err != nil {
		return nil, err
	}
	return prefixes, nil
}

// DeletePartial removes what was kept for name; nothing kept is no error.
func DeletePartial(st platform.Store, name string) error {
	err := st.Delete(PartialPrefix + name)
	if errors.Is(err, platform.ErrNotFound) {
		return nil
	}
	return err
}

// SweepPartial tidies the kept state of every name: it removes what has
// expired by now, cannot be read, or belongs to a pack that is gone or
// was replaced, and cuts state that could open its pack alone (written
// by an older version) down to Need()-1 fragments. Left alone, the
// fragments of a recovery the user gave up on would stay until that
// name is next recovered, which may be never. Programs call it whenever
// they open a store (the CLI on every command, the app and `passcrow
// remind` at start). It returns how many entries it removed or cut; it
// goes on past a failure and reports the failures joined.
func SweepPartial(st platform.Store, now time.Time) (int, error) {
	all, err := st.List()
	if err != nil {
		return 0, fmt.Errorf("looking for kept recovery state: %w", err)
	}
	changed := 0
	var errs []error
	for _, n := range all {
		name, ok := strings.CutPrefix(n, PartialPrefix)
		if !ok {
			continue
		}
		did, err := sweepOne(st, name, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("kept recovery state %q: %w", name, err))
		}
		if did {
			changed++
		}
	}
	return changed, errors.Join(errs...)
}

func sweepOne(st platform.Store, name string, now time.Time) (bool, error) {
	pr, err := readPartial(st, name)
	if err != nil {
		return false, err // the store did not answer: the state may be fine
	}
	if pr == nil || now.Unix() > pr.Expires || len(pr.Fragments) == 0 {
		return true, DeletePartial(st, name)
	}
	p, err := Load(st, name)
	switch {
	case errors.Is(err, ErrNoSuchItem):
		return true, DeletePartial(st, name)
	case err != nil:
		// A damaged pack cannot say how many fragments are too many;
		// without it the fragments open nothing, and they expire.
		return false, nil
	case pr.Pack != Fingerprint(p):
		return true, DeletePartial(st, name)
	case len(pr.Fragments) >= p.Need():
		_, err := SavePartial(st, name, p, pr.Fragments, now)
		return true, err
	}
	return false, nil
}
