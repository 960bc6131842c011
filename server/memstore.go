package server

import (
	"context"
	"sync"
	"time"
)

// MemoryStore is a Store that lives in memory only: for tests and for a
// server that may forget everything on restart.
type MemoryStore struct {
	mu      sync.RWMutex // guards escrows; lookups share it
	escrows map[string]Escrow
	codes   *codeTable
	// releases are the waiting periods of escrows (release_mem.go),
	// guarded by mu like escrows; made on first use.
	releases map[string]Release
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{escrows: make(map[string]Escrow), codes: newCodeTable()}
}

func (m *MemoryStore) CreateEscrow(_ context.Context, e Escrow, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.escrows[e.ID]; ok && alive(old.Expiration, now) {
		return ErrExists
	}
	m.codes.drop(e.ID) // a code left from an expired escrow of the same id
	m.escrows[e.ID] = e
	return nil
}

func (m *MemoryStore) Escrow(_ context.Context, id string, now time.Time) (Escrow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, ok := m.escrows[id]
	if !ok || !alive(e.Expiration, now) {
		return Escrow{}, ErrNotFound
	}
	return e, nil
}

func (m *MemoryStore) DeleteEscrow(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.escrows, id)
	m.codes.drop(id)
	return nil
}

func (m *MemoryStore) PutCode(_ context.Context, id string, c Code) error {
	m.codes.put(id, c)
	return nil
}

func (m *MemoryStore) UpdateCode(_ context.Context, id string, now time.Time, fn func(*Code) bool) error {
	return m.codes.update(id, now, fn)
}

func (m *MemoryStore) SpendToken(_ context.Context, token string, until int64, now time.Time) error {
	return m.codes.spend(token, until, now)
}

func (m *MemoryStore) Sweep(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	n := 0
	for id, e := range m.escrows {
		if !alive(e.Expiration, now) {
			delete(m.escrows, id)
			n++
		}
	}
	m.mu.Unlock()
	return n + m.codes.sweep(now), nil
}

// Close does nothing: there is nothing to flush.
func (m *MemoryStore) Close() error { return nil }
