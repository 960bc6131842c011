package packstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// The health check (passcrow check NAME, the app's overview) asks each
// location whether it still holds its fragment. What it last heard is
// kept beside the pack, under SeenPrefix+name, so the user is shown the
// date each location was last seen even when it cannot be asked now (a
// USB stick not attached, a mailbox whose password is not at hand).
// Entries are per record, named by its prefix and a hash of its data, so
// a pack replaced or renewed under the same name starts afresh for every
// location that changed. Nothing secret is kept: only times.

// SeenPrefix starts the store name of a pack's health entry.
const SeenPrefix = "seen."

// Seen is what the health check last learnt of one location.
type Seen struct {
	// Seen is when the location was last found holding its fragment.
	Seen time.Time
	// Checked is when the location last answered a check.
	Checked time.Time
	// Missing is true when that answer was that the fragment is gone.
	Missing bool
}

type seenJSON struct {
	Seen    int64 `json:"seen,omitempty"`
	Checked int64 `json:"checked,omitempty"`
	Missing bool  `json:"missing,omitempty"`
}

// recordID names a record for the health entry: its prefix and a hash of
// its kind and data, which change when its fragment is placed anew.
func recordID(r recovery.Record) string {
	h := sha256.New()
	h.Write([]byte(r.Kind + "\x00"))
	h.Write(r.Data)
	return r.Prefix + ":" + hex.EncodeToString(h.Sum(nil)[:8])
}

func readSeen(st platform.Store, name string) (map[string]seenJSON, error) {
	b, err := st.Get(SeenPrefix + name)
	if errors.Is(err, platform.ErrNotFound) {
		return map[string]seenJSON{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]seenJSON{}
	if err := json.Unmarshal(b, &m); err != nil {
		return map[string]seenJSON{}, nil // damaged: rewritten by the next check
	}
	return m, nil
}

// LastSeen returns what the health check last learnt of each location of
// p, stored under name, by record prefix; locations never checked are
// not in it.
func LastSeen(st platform.Store, name string, p *recovery.Pack) (map[string]Seen, error) {
	m, err := readSeen(st, name)
	if err != nil {
		return nil, fmt.Errorf("reading when the locations were last seen: %w", err)
	}
	out := map[string]Seen{}
	for _, r := range p.Records {
		s, ok := m[recordID(r)]
		if !ok {
			continue
		}
		out[r.Prefix] = Seen{Seen: unixTime(s.Seen), Checked: unixTime(s.Checked), Missing: s.Missing}
	}
	return out, nil
}

func unixTime(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}

// A CheckResult is one location's answer to a health check.
type CheckResult struct {
	Prefix  string
	Present bool
}

// RecordChecks keeps the answers of a health check of p made at now:
// present locations are seen now, absent ones missing; locations not in
// results keep what was known. Entries of records p no longer has go.
func RecordChecks(st platform.Store, name string, p *recovery.Pack, results []CheckResult, now time.Time) error {
	old, err := readSeen(st, name)
	if err != nil {
		return fmt.Errorf("reading when the locations were last seen: %w", err)
	}
	m := map[string]seenJSON{}
	byPrefix := map[string]string{}
	for _, r := range p.Records {
		id := recordID(r)
		byPrefix[r.Prefix] = id
		if s, ok := old[id]; ok {
			m[id] = s
		}
	}
	for _, c := range results {
		id, ok := byPrefix[c.Prefix]
		if !ok {
			continue
		}
		s := m[id]
		s.Checked, s.Missing = now.Unix(), !c.Present
		if c.Present {
			s.Seen = now.Unix()
		}
		m[id] = s
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return st.Put(SeenPrefix+name, b)
}

// DeleteSeen removes the health entry of name; none is no error.
func DeleteSeen(st platform.Store, name string) error {
	err := st.Delete(SeenPrefix + name)
	if errors.Is(err, platform.ErrNotFound) {
		return nil
	}
	return err
}
