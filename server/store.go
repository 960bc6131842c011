package server

import (
	"context"
	"errors"
	"time"
)

// What a Store reports for an absent key, or for a key it must not
// overwrite.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// Escrow is one stored fragment: the client's sealed EscrowData, which only
// the holder of its key can open.
type Escrow struct {
	ID         string // bare id: 32 random hex digits, or the client's prefer-id
	Kind       string // identity kind from the escrow parameters
	Data       string // the sealed escrow-data element, as received
	Expiration int64  // unix seconds; gone after this
	// NewID: the server drew ID just now (128 random bits), so no escrow
	// can have it and a store need not look. Not stored.
	NewID bool
}

// Code is a pending verification code for one escrow.
type Code struct {
	Code       string // prefix + 6 digits, as sent
	Expiration int64  // unix seconds
	Failures   int    // wrong guesses so far
	Language   string // of the request that had it sent, for a lockout notice
}

// Guesses is the wrong-code budget of one escrow (guesses.go). Unlike
// codes it must be durable: a restart must not give a guesser a fresh
// budget. The server fills in every field; a store only keeps it.
type Guesses struct {
	// Expiration is that of the escrow it was made for: the record reads
	// as absent after it, and the server ignores a record whose
	// Expiration differs from its escrow's (an escrow made later under
	// the same id).
	Expiration  int64 `json:"e"`
	Wrong       int   `json:"w"` // wrong codes (and guesses in flight) since the last lockout
	Lockouts    int   `json:"n"` // lockouts so far
	LockedUntil int64 `json:"u"` // unix seconds; the escrow takes no code before
}

// Sends records the messages sent to one recipient (sendlimit.go,
// sendwindow.go): when each went, for as long as it counts. Like
// Guesses the server fills it in and a store only keeps it; it is
// shared by every instance on one store. The fixed-window counts are
// what releases before 2026-12 kept; they are still written, so such a
// release counts right beside this one during a rolling upgrade.
type Sends struct {
	Expiration int64   `json:"e"`           // unix seconds; reads as absent after it
	Times      []int64 `json:"t,omitempty"` // unix seconds of each message, oldest first
	HourStart  int64   `json:"hs"`
	Hour       int     `json:"h"` // sent since HourStart
	DayStart   int64   `json:"ds"`
	Day        int     `json:"d"` // sent since DayStart
}

// Store keeps escrows, verification codes, spent payment tokens, guess
// records of escrows, send counts of recipients and the server secret.
// Keys are bare escrow ids. Implementations must be safe for concurrent use;
// expired entries must read as absent even before Sweep removes them.
// A missing key on delete is not an error.
//
// Escrows, guess records and the server secret must be durable: a stored
// escrow is a promise for months, and a guess budget a restart forgot
// would be no budget.
// Codes and spent tokens are short-lived and need not outlive the process,
// so both our stores keep them in memory (codeTable), even BoltStore, whose
// escrows are fsynced to disk. Then asking for a code and recovering only
// read the file, and no fsync stands in their way. What a crash costs:
//   - A pending code is lost, so its user asks for a new one. An attacker
//     gains nothing: the wrong guesses counted against the lost code go
//     with it, but every wrong guess is also counted in the escrow's
//     durable guess record (Guesses), which a restart keeps.
//   - A hashcash token spent in the last hashcashWindow seconds could be
//     spent once more. Its hash binds the escrow data, so the replay can
//     only store a second copy of the very same data, for the same
//     length of time: nothing worth crashing a server for.
type Store interface {
	// CreateEscrow stores e, or returns ErrExists if e.ID is taken by an
	// unexpired escrow: an escrow is never overwritten.
	CreateEscrow(ctx context.Context, e Escrow, now time.Time) error
	// Escrow returns the escrow with bare id, or ErrNotFound.
	Escrow(ctx context.Context, id string, now time.Time) (Escrow, error)
	// DeleteEscrow removes the escrow and any code pending for it.
	DeleteEscrow(ctx context.Context, id string) error

	// PutCode stores c for escrow id, replacing an earlier code. Codes
	// and spent tokens need not survive Close.
	PutCode(ctx context.Context, id string, c Code) error
	// UpdateCode runs fn on the unexpired code of escrow id in one atomic
	// step and saves what fn leaves in *c, or deletes the code when fn
	// returns keep == false. It returns ErrNotFound if there is no code.
	// fn may run more than once and must not have other side effects.
	UpdateCode(ctx context.Context, id string, now time.Time, fn func(c *Code) (keep bool)) error

	// Guesses returns the guess record of escrow id, or the zero
	// Guesses if there is none or it expired at or before now.
	Guesses(ctx context.Context, id string, now time.Time) (Guesses, error)
	// UpdateGuesses runs fn on the guess record of escrow id (the zero
	// Guesses if none, or expired) in one atomic step and durably saves
	// what fn leaves in *g, unless fn returns an error, which
	// UpdateGuesses returns. fn may run more than once and must not
	// have other side effects.
	UpdateGuesses(ctx context.Context, id string, now time.Time, fn func(g *Guesses) error) error
	// UpdateSends is UpdateGuesses for the send counts of one recipient,
	// named by key (a keyed hash, never the address itself). It need
	// not be durable, but must be shared by all who share the store.
	UpdateSends(ctx context.Context, key string, now time.Time, fn func(s *Sends) error) error
	// ServerSecret returns the store's secret, first storing fresh as
	// the secret if there is none yet (in one atomic step, so every
	// instance on one store gets the same). It keys the hashes of
	// recipients (sendlimit.go); it must survive restarts.
	ServerSecret(ctx context.Context, fresh []byte) ([]byte, error)

	// SpendToken records a payment token as spent until the given unix
	// time, or returns ErrExists if it already is.
	SpendToken(ctx context.Context, token string, until int64, now time.Time) error

	// Sweep removes everything that expired at or before now (escrows,
	// codes, tokens, guess records, send counts) and reports how many
	// entries went.
	Sweep(ctx context.Context, now time.Time) (int, error)

	Close() error
}

// alive reports whether something expiring at exp still exists at now.
func alive(exp int64, now time.Time) bool { return exp > now.Unix() }
