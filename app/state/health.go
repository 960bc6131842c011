package state

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// The health check asks each location of an item whether it still holds
// its fragment, without taking it out or sending a code (recovery.Checker),
// and keeps the date each was last seen where the CLI keeps it
// (packstore's seen entries), so both show the same dates.

// HealthState is what a check found at one location.
type HealthState int

const (
	HealthPresent   HealthState = iota // it holds the fragment
	HealthMissing                      // it answered: the fragment is gone
	HealthUnchecked                    // it cannot be asked (paper, a friend, a 1.0 server, a stick not plugged in, no password)
	HealthError                        // it could not be asked now (unreachable, refused)
)

// Why a location was not checked, for the screens to say in words.
const (
	WhyNone       = ""
	WhyPaper      = "paper"      // a printed sheet cannot be checked from here
	WhyFriend     = "friend"     // nor a friend's inbox
	WhyOldServer  = "old-server" // a server without our extension: its expiry is shown
	WhyNotPlugged = "unplugged"  // the USB stick is not plugged in
	WhyNoPassword = "password"   // the mailbox's password was not given
	WhyUnknown    = "unknown"    // a kind this build does not know
)

// LocationHealth is one location's answer, with what was known before.
type LocationHealth struct {
	Prefix, Kind, Hint string
	State              HealthState
	Why                string // with HealthUnchecked
	Detail             string // the location's own words (English), or the error
	Err                error  // with HealthError: what went wrong, for the screen to word
	Expires            time.Time
	LastSeen           time.Time // zero: never seen by a check
}

// A MailboxLogin is a mailbox of an item whose password a check needs.
type MailboxLogin struct {
	Prefix  string
	Account mailbox.Account
	// Kept is the password kept in the keychain, "" when there is none.
	Kept string
}

// MailboxesOf lists the mailboxes of an item, with their kept passwords,
// so the screen can ask for the others before a check.
func (s *State) MailboxesOf(name string) ([]MailboxLogin, error) {
	p, err := s.loadPack(name)
	if err != nil {
		return nil, err
	}
	var out []MailboxLogin
	for _, r := range p.Records {
		if r.Kind != mailbox.Kind {
			continue
		}
		a, err := mailbox.RecordAccount(r)
		if err != nil {
			continue
		}
		out = append(out, MailboxLogin{Prefix: r.Prefix, Account: a, Kept: s.MailboxPassword(a)})
	}
	return out, nil
}

// LastSeen is what earlier checks of an item found, without asking.
func (s *State) LastSeen(name string) ([]LocationHealth, error) {
	p, err := s.loadPack(name)
	if err != nil {
		return nil, err
	}
	seen, err := packstore.LastSeen(s.packs(), name, p)
	if err != nil {
		return nil, err
	}
	var out []LocationHealth
	for _, r := range p.Records {
		h := LocationHealth{Prefix: r.Prefix, Kind: r.Kind, Hint: r.Hint, State: HealthUnchecked}
		if r.Expires > 0 {
			h.Expires = time.Unix(r.Expires, 0)
		}
		if sn, ok := seen[r.Prefix]; ok {
			h.LastSeen = sn.Seen
			if sn.Missing {
				h.State = HealthMissing
			} else if !sn.Checked.IsZero() {
				h.State = HealthPresent
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// CheckHealth asks every location of an item; passwords are those of
// its mailboxes by record prefix (those not given are not checked). The
// answers are kept with the dates of this check.
func (s *State) CheckHealth(ctx context.Context, name string, passwords map[string]string) ([]LocationHealth, error) {
	p, err := s.loadPack(name)
	if err != nil {
		return nil, err
	}
	seen, err := packstore.LastSeen(s.packs(), name, p)
	if err != nil {
		seen = nil // shown as never seen; this check writes it again
	}
	ks := recovery.NewKeepers(
		&recovery.PasscrowKeeper{Client: client},
		&heir.Keeper{Client: client},
		media.Keeper{},
		&mailbox.Keeper{Login: func(_ context.Context, r recovery.Record) (*recovery.Login, error) {
			pw := passwords[r.Prefix]
			if pw == "" {
				return nil, errNoPassword
			}
			a, err := mailbox.RecordAccount(r)
			if err != nil {
				return nil, err
			}
			return &recovery.Login{Username: a.Username, Password: pw}, nil
		}},
	)
	now := s.now()
	var out []LocationHealth
	var results []packstore.CheckResult
	for _, r := range p.Records {
		h := checkOne(ctx, ks, r)
		if sn, ok := seen[r.Prefix]; ok {
			h.LastSeen = sn.Seen
		}
		switch h.State {
		case HealthPresent:
			h.LastSeen = now
			results = append(results, packstore.CheckResult{Prefix: r.Prefix, Present: true})
		case HealthMissing:
			results = append(results, packstore.CheckResult{Prefix: r.Prefix, Present: false})
		}
		out = append(out, h)
	}
	if ctx.Err() != nil {
		return out, ErrCanceled
	}
	if err := packstore.RecordChecks(s.packs(), name, p, results, now); err != nil {
		return out, err
	}
	return out, nil
}

var errNoPassword = errors.New("no password given for this mailbox")

func checkOne(ctx context.Context, ks recovery.Keepers, r recovery.Record) LocationHealth {
	h := LocationHealth{Prefix: r.Prefix, Kind: r.Kind, Hint: r.Hint, State: HealthUnchecked}
	if r.Expires > 0 {
		h.Expires = time.Unix(r.Expires, 0)
	}
	ck, ok := ks[r.Kind].(recovery.Checker)
	if !ok {
		switch r.Kind {
		case string(ExtraPaper):
			h.Why = WhyPaper
		case string(ExtraFriend):
			h.Why = WhyFriend
		default:
			h.Why = WhyUnknown
		}
		return h
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	res, err := ck.Check(ctx, r, recovery.Input{})
	switch {
	case errors.Is(err, recovery.ErrCannotCheck):
		h.Why, h.Detail = WhyOldServer, err.Error()
		if !res.Expires.IsZero() {
			h.Expires = res.Expires
		}
	case r.Kind == media.Kind && errors.Is(err, fs.ErrNotExist):
		h.Why, h.Detail = WhyNotPlugged, err.Error()
	case errors.Is(err, errNoPassword):
		h.Why = WhyNoPassword
	case err != nil:
		h.State, h.Detail, h.Err = HealthError, err.Error(), err
	case res.Present:
		h.State, h.Detail = HealthPresent, res.Detail
		if !res.Expires.IsZero() {
			h.Expires = res.Expires
		}
	default:
		h.State, h.Detail = HealthMissing, res.Detail
	}
	return h
}

// checkTimeout bounds each location's check, so one dead server does not
// hold the others up for long.
const checkTimeout = time.Minute
