package recovery

import (
	"context"
	"encoding/json"
	"time"
)

// A Fragment is one Shamir share of a Recovery Key, in the format of
// github.com/hashicorp/vault/shamir (the share bytes followed by its x
// coordinate), or for packs imported from the reference client, the
// reference's "x-y" hex text.
type Fragment []byte

// A Location is a place a fragment can be kept: a Passcrow server, an IMAP
// mailbox, a friend's inbox, a hard copy. New kinds are new files that
// implement Location and register a Keeper for their Kind.
type Location interface {
	// Kind names the kind in packs ("passcrow"); it selects the Keeper.
	Kind() string
	// Describe says in plain words where the fragment will go, for
	// progress and review screens. It never contains a secret.
	Describe() string
	// Place stores f and returns what the pack must remember to find it
	// again. Place must not leave anything behind when it fails.
	Place(ctx context.Context, f Fragment, o PlaceOptions) (Record, error)
}

// An Identifier is a Location that can name exactly where it puts a
// fragment. Describe is masked for display ("a*@e*ple.org"), so two
// different addresses can look the same; Protect uses Identity, when a
// Location has it, to refuse the same place chosen twice.
type Identifier interface {
	Identity() string
}

// PlaceOptions are what every placement shares.
type PlaceOptions struct {
	// Description is shown to the user when a code is sent ("My wallet").
	Description string
	// Expires is when the fragment may be forgotten.
	Expires time.Time
	// Prefix is the code prefix letter assigned to this fragment (see codes.go).
	Prefix string
	// Progress, when set, receives what the placement is doing (such as
	// hashcash tries); it may be called from other goroutines.
	Progress func(Progress)
}

// Progress is one report from long work.
type Progress struct {
	Location string  // Describe() of the location
	Stage    string  // "paying", "sending", "done", ...
	Fraction float64 // 0..1, or -1 when unknown
	// Wait, when not zero, is a Spread's wait about to begin before the
	// next contact; Stage says it in words (WaitingStage).
	Wait time.Duration
}

// A Record is what a pack remembers about one placed fragment. Data is
// the kind's own JSON; only its Keeper reads it.
type Record struct {
	Kind    string          `json:"kind"`
	Prefix  string          `json:"prefix"`
	Hint    string          `json:"hint,omitempty"` // "a*@e*ple.org at passcrow.example.org"
	Expires int64           `json:"expires,omitempty"`
	Data    json.RawMessage `json:"data"`
}

// A Keeper knows how to use Records of one kind after they were placed.
// Every kind can delete what it placed; how the fragment comes back
// differs, so that is one of two further interfaces: a CodeKeeper (the
// location sends the user a code, as a Passcrow server does) or a
// Gatherer (the user provides something: a login, a typed sheet, a
// file; see gather.go).
type Keeper interface {
	Kind() string
	// Delete removes the fragment; deleting one that is gone is not an error.
	Delete(ctx context.Context, r Record) error
}

// A CodeKeeper is a Keeper whose location releases the fragment for a
// code it sends the user.
type CodeKeeper interface {
	Keeper
	// Challenge starts verification: the location sends the user a code.
	Challenge(ctx context.Context, r Record, language string) (Challenge, error)
	// Fetch trades a code (already normalised) for the fragment.
	Fetch(ctx context.Context, r Record, code string) (Fragment, error)
}

// Renewer is an optional Keeper extension for kinds whose fragments expire
// and can be extended in place. Kinds without it are renewed by placing
// fresh fragments.
type Renewer interface {
	Renew(ctx context.Context, r Record, until time.Time) (Record, error)
}

// A Challenge tells the user where a code went.
type Challenge struct {
	Prefix string // the letter the code starts with
	Hint   string // where it was sent: "a*@e*ple.org"
	// ActionURL is a page to visit, when the location asks for one.
	// Keepers of servers pass on only links that pass CheckActionURL;
	// callers still open it only on the user's click.
	ActionURL string
	// ActionURLRefused says why a link the location sent was dropped,
	// for the user to see; "" when there was none or it passed.
	ActionURLRefused string
	Expires          time.Time // when the code stops working
}
