package server

import (
	"sync"
	"time"
)

// codeTable holds verification codes (by bare escrow id) and spent payment
// tokens in memory, behind one mutex. Every Store keeps them here, even one
// whose escrows are on disk: see Store for why they need no durability.
// Its zero value is not ready; use newCodeTable.
type codeTable struct {
	mu    sync.Mutex
	codes map[string]Code
	spent map[string]int64 // token -> unix time it may be forgotten
}

func newCodeTable() *codeTable {
	return &codeTable{codes: make(map[string]Code), spent: make(map[string]int64)}
}

// put stores c for escrow id, replacing an earlier code.
func (t *codeTable) put(id string, c Code) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.codes[id] = c
}

// update is Store.UpdateCode: fn runs once, under the lock.
func (t *codeTable) update(id string, now time.Time, fn func(*Code) bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.codes[id]
	if !ok || !alive(c.Expiration, now) {
		return ErrNotFound
	}
	if fn(&c) {
		t.codes[id] = c
	} else {
		delete(t.codes, id)
	}
	return nil
}

// drop forgets the code of escrow id, if any.
func (t *codeTable) drop(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.codes, id)
}

// spend is Store.SpendToken.
func (t *codeTable) spend(token string, until int64, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if exp, ok := t.spent[token]; ok && alive(exp, now) {
		return ErrExists
	}
	t.spent[token] = until
	return nil
}

// sweep removes expired codes and tokens and reports how many went.
func (t *codeTable) sweep(now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for id, c := range t.codes {
		if !alive(c.Expiration, now) {
			delete(t.codes, id)
			n++
		}
	}
	for tok, exp := range t.spent {
		if !alive(exp, now) {
			delete(t.spent, tok)
			n++
		}
	}
	return n
}
