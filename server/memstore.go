package server

import (
	"context"
	"sync"
	"time"
)

// MemoryStore is a Store that lives in memory only: for tests and for a
// server that may forget everything on restart.
type MemoryStore struct {
	mu      sync.Mutex
	escrows map[string]Escrow
	codes   map[string]Code
	spent   map[string]int64
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		escrows: make(map[string]Escrow),
		codes:   make(map[string]Code),
		spent:   make(map[string]int64),
	}
}

func (m *MemoryStore) CreateEscrow(_ context.Context, e Escrow, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.escrows[e.ID]; ok && alive(old.Expiration, now) {
		return ErrExists
	}
	delete(m.codes, e.ID) // a code left from an expired escrow of the same id
	m.escrows[e.ID] = e
	return nil
}

func (m *MemoryStore) Escrow(_ context.Context, id string, now time.Time) (Escrow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
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
	delete(m.codes, id)
	return nil
}

func (m *MemoryStore) PutCode(_ context.Context, id string, c Code) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.codes[id] = c
	return nil
}

func (m *MemoryStore) UpdateCode(_ context.Context, id string, now time.Time, fn func(*Code) bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.codes[id]
	if !ok || !alive(c.Expiration, now) {
		return ErrNotFound
	}
	if fn(&c) {
		m.codes[id] = c
	} else {
		delete(m.codes, id)
	}
	return nil
}

func (m *MemoryStore) SpendToken(_ context.Context, token string, until int64, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if exp, ok := m.spent[token]; ok && alive(exp, now) {
		return ErrExists
	}
	m.spent[token] = until
	return nil
}

func (m *MemoryStore) Sweep(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, e := range m.escrows {
		if !alive(e.Expiration, now) {
			delete(m.escrows, id)
			n++
		}
	}
	for id, c := range m.codes {
		if !alive(c.Expiration, now) {
			delete(m.codes, id)
			n++
		}
	}
	for t, exp := range m.spent {
		if !alive(exp, now) {
			delete(m.spent, t)
			n++
		}
	}
	return n, nil
}

// Close does nothing: there is nothing to flush.
func (m *MemoryStore) Close() error { return nil }
