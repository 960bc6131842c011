package server

import (
	"context"
	"time"
)

// Release is the waiting period of one escrow (see release.go) and the
// state of the claim on it, if any.
type Release struct {
	// Expiration is that of the escrow this belongs to. An escrow made
	// later under the same id has another, and so no waiting period.
	Expiration int64  `json:"e"`
	DelayDays  int    `json:"d"`
	OwnerHash  []byte `json:"o"` // SHA-256 of the owner token
	Language   string `json:"l"` // of the notices to the owner
	Claim      *Claim `json:"c,omitempty"`
}

// Claim is a waiting period under way: a verified code started it.
// Unlike the escrow, whose data the server cannot open without its key,
// it holds the owner's identity in the clear, for the reminder; it is
// dropped when the claim is cancelled or the escrow goes.
type Claim struct {
	Since       int64  `json:"s"`           // when the code was verified
	ReleaseAt   int64  `json:"r"`           // when the escrow will be released
	RemindedAt  int64  `json:"m,omitempty"` // when the owner was told again
	ReleasedAt  int64  `json:"x,omitempty"` // when it was first released
	Notify      string `json:"n"`           // the owner's identity, "email:..."
	Description string `json:"t,omitempty"`
	HeirHint    string `json:"h,omitempty"` // masked identity of the claimant
}

// bound reports whether r belongs to escrow e, not to an earlier escrow
// of the same id.
func (r Release) bound(e Escrow) bool { return r.Expiration == e.Expiration }

// ReleaseStore is the optional part of a Store that keeps waiting
// periods; both our stores have it. Releases must be as durable as
// escrows: a restart must neither lose a waiting period nor restart one.
type ReleaseStore interface {
	// CreateDelayedEscrow stores e and its waiting period r in one step,
	// or returns ErrExists as CreateEscrow does.
	CreateDelayedEscrow(ctx context.Context, e Escrow, r Release, now time.Time) error
	// Release returns the waiting period of escrow id, or ErrNotFound.
	Release(ctx context.Context, id string) (Release, error)
	// UpdateRelease runs fn on the release of escrow id in one atomic
	// step and saves what it leaves in *r, unless fn returns an error,
	// which UpdateRelease returns. ErrNotFound if there is none. fn may
	// run more than once and must not have other side effects.
	UpdateRelease(ctx context.Context, id string, fn func(r *Release) error) error
	// DeleteRelease removes escrow id's release if it belongs to the
	// escrow of that expiration: one made meanwhile for a new escrow of
	// the same id stays.
	DeleteRelease(ctx context.Context, id string, expiration int64) error
	// ReleasesAfter lists, in id order, at most limit releases of
	// escrow ids after after ("" for the first ones). The sweep reads
	// them a page at a time, so its memory stays the same however many
	// waiting periods there are (and escrows with one cost nothing to
	// make).
	ReleasesAfter(ctx context.Context, after string, limit int) ([]IDRelease, error)
}

// IDRelease is a release with the id of its escrow.
type IDRelease struct {
	ID string
	Release
}
