package cli

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A recovery can take more than one `passcrow recover` run (codes arrive
// at different times). Codes work once, so the fragments fetched by an
// unfinished run are kept in the store, beside the pack, until the secret
// is recovered or a day has passed. They are fewer than the pack needs, so
// with the pack they still do not open the secret.
const (
	partialPrefix = "partial."
	partialTTL    = 24 * time.Hour
)

type partialRecovery struct {
	Expires   int64                        `json:"expires"`
	Fragments map[string]recovery.Fragment `json:"fragments"` // base64 by encoding/json
}

func loadPartial(st platform.Store, name string, now time.Time) map[string]recovery.Fragment {
	b, err := st.Get(partialPrefix + name)
	if err != nil {
		return nil
	}
	var p partialRecovery
	if json.Unmarshal(b, &p) != nil || now.Unix() > p.Expires {
		_ = st.Delete(partialPrefix + name)
		return nil
	}
	return p.Fragments
}

func savePartial(st platform.Store, name string, fetched map[string]recovery.Fragment, now time.Time) error {
	if len(fetched) == 0 {
		return nil
	}
	b, err := json.Marshal(partialRecovery{Expires: now.Add(partialTTL).Unix(), Fragments: fetched})
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
