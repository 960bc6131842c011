package state

import "time"

// An Item is one protected secret, as the overview shows it.
type Item struct {
	Name        string
	Description string
	Places      []Place
	Threshold   int
	Created     time.Time
	Renewed     time.Time // last renewal, or Created
	NotRenewed  bool      // never renewed: Renewed is Created
	Expires     time.Time // the earliest escrow expiry
	// HasPrevious says a previous pack is kept after a renewal with a
	// typed secret, its escrows until PreviousUntil (zero: unknown).
	HasPrevious   bool
	PreviousUntil time.Time
	// Demo says it was made with the local demo server, which must run
	// for it to work.
	Demo bool
	// Unchecked says it was brought in from a file and not yet seen
	// working; Missing is how many places a check found without their
	// fragment (stale.go).
	Unchecked bool
	Missing   int
}

// A Place is where one fragment of an item is kept.
type Place struct {
	Prefix  string // the letter its code starts with
	Hint    string // "a*@e*ple.org at passcrow.example.org"
	Expires time.Time
}

// Status says whether an item needs the user's attention.
type Status int

const (
	StatusOK      Status = iota
	StatusDue            // the renewal interval passed or an escrow expires soon
	StatusExpired        // an escrow has expired: renew at once
)

// Status of the item at now, renewing every interval.
func (it Item) Status(now time.Time, interval time.Duration) Status {
	switch {
	case !it.Expires.IsZero() && !now.Before(it.Expires):
		return StatusExpired
	case it.ExpiresSoon(now):
		return StatusDue
	case !it.Renewed.IsZero() && now.Sub(it.Renewed) >= interval:
		return StatusDue
	}
	return StatusOK
}

// ExpiresSoon reports whether an escrow of the item expires within
// ExpiryWarning of now, or has expired: renewal is due for that reason
// rather than the yearly interval.
func (it Item) ExpiresSoon(now time.Time) bool {
	return !it.Expires.IsZero() && it.Expires.Sub(now) < ExpiryWarning
}

// Interval is the renewal interval from the settings.
func (s *State) Interval() time.Duration {
	return time.Duration(s.ReminderDays()) * 24 * time.Hour
}

// Now is the state's clock.
func (s *State) Now() time.Time { return s.now() }
