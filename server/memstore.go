package server

import (
	"bytes"
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

	limits  sync.Mutex // guards guesses, sends and secret
	guesses map[string]Guesses
	sends   map[string]Sends
	secret  []byte
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		escrows: make(map[string]Escrow), codes: newCodeTable(),
		guesses: make(map[string]Guesses), sends: make(map[string]Sends),
	}
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
	m.limits.Lock()
	for id, g := range m.guesses {
		if !alive(g.Expiration, now) {
			delete(m.guesses, id)
			n++
		}
	}
	for k, c := range m.sends {
		if !alive(c.Expiration, now) {
			delete(m.sends, k)
			n++
		}
	}
	m.limits.Unlock()
	return n + m.codes.sweep(now), nil
}

func (m *MemoryStore) Guesses(_ context.Context, id string, now time.Time) (Guesses, error) {
	m.limits.Lock()
	defer m.limits.Unlock()
	if g := m.guesses[id]; alive(g.Expiration, now) {
		return g, nil
	}
	return Guesses{}, nil
}

func (m *MemoryStore) UpdateGuesses(_ context.Context, id string, now time.Time, fn func(*Guesses) error) error {
	m.limits.Lock()
	defer m.limits.Unlock()
	g := m.guesses[id]
	if !alive(g.Expiration, now) {
		g = Guesses{}
	}
	if err := fn(&g); err != nil {
		return err
	}
	m.guesses[id] = g
	return nil
}

func (m *MemoryStore) UpdateSends(_ context.Context, key string, now time.Time, fn func(*Sends) error) error {
	m.limits.Lock()
	defer m.limits.Unlock()
	c := m.sends[key]
	if !alive(c.Expiration, now) {
		c = Sends{}
	}
	if err := fn(&c); err != nil {
		return err
	}
	m.sends[key] = c
	return nil
}

// ServerSecret keeps the first secret it is given for the life of the
// store, which for a MemoryStore is the process's.
func (m *MemoryStore) ServerSecret(_ context.Context, fresh []byte) ([]byte, error) {
	m.limits.Lock()
	defer m.limits.Unlock()
	if m.secret == nil {
		m.secret = bytes.Clone(fresh)
	}
	return bytes.Clone(m.secret), nil
}

// Close does nothing: there is nothing to flush.
func (m *MemoryStore) Close() error { return nil }
