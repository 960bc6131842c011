package server

import "sync"

// A store only one process uses at a time (bbolt locks its file; a
// MemoryStore is the process's own) needs no durable reservation per
// guess: one lock per escrow in this process orders all its guesses, so
// a right code costs a read of the budget and no write, and a wrong one
// is counted (durably) before it is answered. A store that several
// instances share takes each guess from the budget in the store first
// (takeGuess), since only the store sees every instance's guesses.
type localStore interface {
	Store
	onlyThisProcess()
}

func (*MemoryStore) onlyThisProcess() {}
func (*BoltStore) onlyThisProcess()   {}

// escrowLocks is a mutex per escrow id, made on first use and dropped
// when no one holds or waits for it.
type escrowLocks struct {
	mu sync.Mutex
	m  map[string]*escrowLock
}

type escrowLock struct {
	sync.Mutex
	users int // holding or waiting; guarded by escrowLocks.mu
}

// lock locks escrow id and returns its unlock.
func (l *escrowLocks) lock(id string) (unlock func()) {
	l.mu.Lock()
	if l.m == nil {
		l.m = make(map[string]*escrowLock)
	}
	e := l.m[id]
	if e == nil {
		e = &escrowLock{}
		l.m[id] = e
	}
	e.users++
	l.mu.Unlock()
	e.Lock()
	return func() {
		e.Unlock()
		l.mu.Lock()
		if e.users--; e.users == 0 {
			delete(l.m, id)
		}
		l.mu.Unlock()
	}
}
