package server

import (
	"context"
	"slices"
	"strings"
	"time"
)

var _ ReleaseStore = (*MemoryStore)(nil)

func (m *MemoryStore) CreateDelayedEscrow(_ context.Context, e Escrow, r Release, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.escrows[e.ID]; ok && alive(old.Expiration, now) {
		return ErrExists
	}
	m.codes.drop(e.ID)
	m.escrows[e.ID] = e
	if m.releases == nil {
		m.releases = make(map[string]Release)
	}
	m.releases[e.ID] = cloneRelease(r)
	return nil
}

func (m *MemoryStore) Release(_ context.Context, id string) (Release, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.releases[id]
	if !ok {
		return Release{}, ErrNotFound
	}
	return cloneRelease(r), nil
}

func (m *MemoryStore) UpdateRelease(_ context.Context, id string, fn func(*Release) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.releases[id]
	if !ok {
		return ErrNotFound
	}
	r = cloneRelease(r)
	if err := fn(&r); err != nil {
		return err
	}
	m.releases[id] = r
	return nil
}

func (m *MemoryStore) DeleteRelease(_ context.Context, id string, expiration int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.releases[id]; ok && r.Expiration == expiration {
		delete(m.releases, id)
	}
	return nil
}

func (m *MemoryStore) ReleasesAfter(_ context.Context, after string, limit int) ([]IDRelease, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []IDRelease
	for id, r := range m.releases {
		if id > after {
			out = append(out, IDRelease{ID: id, Release: cloneRelease(r)})
		}
	}
	slices.SortFunc(out, func(a, b IDRelease) int { return strings.Compare(a.ID, b.ID) })
	return out[:min(len(out), limit)], nil
}

// cloneRelease copies what a Release points to, so no caller shares it
// with the store.
func cloneRelease(r Release) Release {
	r.OwnerHash = append([]byte(nil), r.OwnerHash...)
	if r.Claim != nil {
		c := *r.Claim
		r.Claim = &c
	}
	return r
}
