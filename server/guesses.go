package server

import (
	"sync"
	"time"
)

// Wrong codes are also counted per escrow across codes. maxFailures
// voids one code after five wrong guesses, but a new code can be had
// every ResendInterval: with the escrow key (in a pack, or on an heir's
// printed sheet) that was five guesses a minute at a million codes, an
// even chance of a right guess in about 100 days, and more than two
// right guesses a year. An escrow that had maxWrongPerDay wrong codes
// takes none, right or wrong, until guessWindow after the first of them:
// at most 3,650 guesses a year, a chance of 1 in 270.
const (
	maxWrongPerDay = 10
	guessWindow    = 24 * time.Hour
)

// ErrTooManyGuesses refuses a code for an escrow with too many wrong
// codes lately.
var ErrTooManyGuesses error = &extError{"too many wrong codes for this escrow today", "Too many wrong codes for this escrow; please try again tomorrow"}

// guessLedger counts wrong codes per escrow (bare id) in memory, as the
// codes themselves are kept: a restart forgets it, which an attacker
// cannot cause. Only holders of an escrow's key make entries (the key
// is checked first).
type guessLedger struct {
	mu sync.Mutex
	m  map[string]guessCount
}

type guessCount struct {
	since time.Time // the first wrong code of the window
	wrong int
}

func newGuessLedger() *guessLedger { return &guessLedger{m: make(map[string]guessCount)} }

// blocked says whether escrow id takes no codes at now.
func (l *guessLedger) blocked(id string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[id]
	return ok && now.Sub(c.since) < guessWindow && c.wrong >= maxWrongPerDay
}

// wrongCode counts a wrong code for escrow id at now.
func (l *guessLedger) wrongCode(id string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[id]
	if !ok || now.Sub(c.since) >= guessWindow {
		c = guessCount{since: now}
	}
	c.wrong++
	l.m[id] = c
}

// prune forgets windows that are over.
func (l *guessLedger) prune(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, c := range l.m {
		if now.Sub(c.since) >= guessWindow {
			delete(l.m, id)
		}
	}
}
