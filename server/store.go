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
}

// Code is a pending verification code for one escrow.
type Code struct {
	Code       string // prefix + 6 digits, as sent
	Expiration int64  // unix seconds
	Failures   int    // wrong guesses so far
}

// Store keeps escrows, verification codes and spent payment tokens. Keys
// are bare escrow ids. Implementations must be safe for concurrent use;
// expired entries must read as absent even before Sweep removes them.
// A missing key on delete is not an error.
//
// Only escrows must be durable: a stored escrow is a promise for months.
// Codes and spent tokens are short-lived and need not outlive the process,
// so both our stores keep them in memory (codeTable), even BoltStore, whose
// escrows are fsynced to disk. Then asking for a code and recovering only
// read the file, and no fsync stands in their way. What a crash costs:
//   - A pending code is lost, so its user asks for a new one. An attacker
//     gains nothing: the wrong guesses counted against the lost code go
//     with it, but asking for a new code resets that count anyway, and
//     the new code goes to the escrow's identity, not to the attacker.
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

	// SpendToken records a payment token as spent until the given unix
	// time, or returns ErrExists if it already is.
	SpendToken(ctx context.Context, token string, until int64, now time.Time) error

	// Sweep removes everything that expired at or before now and reports
	// how many entries went.
	Sweep(ctx context.Context, now time.Time) (int, error)

	Close() error
}

// alive reports whether something expiring at exp still exists at now.
func alive(exp int64, now time.Time) bool { return exp > now.Unix() }
