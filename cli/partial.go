package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A recovery can take more than one `passcrow recover` run (codes arrive
// at different times). Codes work once, so the fragments fetched by an
// unfinished run are kept in the store, beside the pack, until the secret
// is written out or a day has passed. They belong to one pack: the pack's
// fingerprint is kept with them, so a pack replaced under the same name
// (protect --force, import --force) never gets another pack's fragments.
const (
	partialPrefix = "partial."
	partialTTL    = 24 * time.Hour
)

type partialRecovery struct {
	Pack      string                       `json:"pack"` // packFingerprint
	Expires   int64                        `json:"expires"`
	Fragments map[string]recovery.Fragment `json:"fragments"` // base64 by encoding/json
}

// packFingerprint names one pack: its sealed secret is unique to it (a
// fresh key and nonce every time a secret is protected).
func packFingerprint(p *recovery.Pack) string {
	sum := sha256.Sum256([]byte(p.Secret))
	return hex.EncodeToString(sum[:])
}

// loadPartial returns the fragments an earlier run kept for p, if any.
// Kept state that has expired or belongs to another pack is removed.
func loadPartial(st platform.Store, name string, p *recovery.Pack, now time.Time) map[string]recovery.Fragment {
	b, err := st.Get(partialPrefix + name)
	if err != nil {
		return nil
	}
	var pr partialRecovery
	if json.Unmarshal(b, &pr) != nil || now.Unix() > pr.Expires || pr.Pack != packFingerprint(p) {
		_ = st.Delete(partialPrefix + name)
		return nil
	}
	return pr.Fragments
}

func savePartial(st platform.Store, name string, p *recovery.Pack, fetched map[string]recovery.Fragment, now time.Time) error {
	if len(fetched) == 0 {
		return nil
	}
	b, err := json.Marshal(partialRecovery{Pack: packFingerprint(p), Expires: now.Add(partialTTL).Unix(), Fragments: fetched})
	if err != nil {
		return err
	}
	return st.Put(partialPrefix+name, b)
}

func deletePartial(st platform.Store, name string) error {
	err := st.Delete(partialPrefix + name)
	if errors.Is(err, platform.ErrNotFound) {
		return nil
	}
	return err
}
