package state

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// ServerPolicy is what a server publishes about itself.
type ServerPolicy struct {
	URL       string
	Country   string
	Kinds     []string
	MaxExpiry time.Duration
	// FreeFor is the longest stay the server keeps for free (0: none);
	// WorkFor the longest it keeps for a proof of work (hashcash).
	FreeFor, WorkFor time.Duration
	AboutURL         string
}

// clients are kept per server so the per-host rate limit is honoured
// across flows. Servers on loopback (the demo) are ours: no gap needed.
var (
	clientsMu sync.Mutex
	clients   = map[string]*recovery.Client{}
)

func client(server string) (*recovery.Client, error) {
	clientsMu.Lock()
	defer clientsMu.Unlock()
	// Through Tor when the user turned it on (tor.go); a change of
	// proxy makes new clients.
	p := currentProxy()
	key := p.String() + " " + server
	if c := clients[key]; c != nil {
		return c, nil
	}
	c, err := p.NewClient(server)
	if err != nil {
		return nil, err
	}
	if loopback(server) {
		// Ours (the demo, in this process): no gap, and when it does
		// not answer, waiting and retrying will not bring it back.
		c.Interval, c.Attempts, c.Backoff, c.Timeout = 0, 2, 100*time.Millisecond, 15*time.Second
	}
	clients[key] = c
	return c, nil
}

func loopback(server string) bool {
	u, err := url.Parse(server)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// keepers knows every kind of location a pack can name. A mailbox's
// password comes from the keychain when the user let the app keep it,
// else from the user (SetLoginAsker); heirs' escrows are on Passcrow
// servers, reached with the same clients.
func keepers() recovery.Keepers {
	return recovery.NewKeepers(
		&recovery.PasscrowKeeper{Client: client},
		&mailbox.Keeper{Login: mailboxLogin},
		paper.Keeper{},
		friend.Keeper{},
		media.Keeper{},
		&heir.Keeper{Client: client},
	)
}

// FetchPolicy asks a server for its policy.
func (s *State) FetchPolicy(ctx context.Context, server string) (ServerPolicy, error) {
	c, err := client(server)
	if err != nil {
		return ServerPolicy{}, err
	}
	p, err := c.Policy(ctx)
	if err != nil {
		return ServerPolicy{}, err
	}
	sp := ServerPolicy{
		URL:       server,
		Country:   p.CountryCode,
		Kinds:     p.Kinds,
		MaxExpiry: time.Duration(p.MaxExpirationSeconds) * time.Second,
		AboutURL:  p.AboutURL,
	}
	for _, ps := range p.PaymentSchemes {
		d := time.Duration(ps.ExpirationSeconds) * time.Second
		switch ps.Scheme {
		case "free":
			sp.FreeFor = max(sp.FreeFor, d)
		case "hashcash":
			sp.WorkFor = max(sp.WorkFor, d)
		}
	}
	return sp, nil
}

// defaultLifetime is how long fragments are kept unless a server keeps
// them for less: a year, renewed before it runs out.
const defaultLifetime = 365 * 24 * time.Hour

// Protect escrows the plan's fragments and saves the pack. With
// p.Replace set, the new pack replaces that item only after every escrow
// succeeded, and then the old escrows are forgotten.
func (s *State) Protect(ctx context.Context, p Plan, progress ProgressFunc) error {
	if err := p.Check(); err != nil {
		return err
	}
	if p.Replace == "" {
		has, err := s.HasItem(p.Name)
		if err != nil {
			return err
		}
		if has {
			return fmt.Errorf("something named %q is already protected", p.Name)
		}
	}
	var old *recovery.Pack
	if p.Replace != "" {
		var err error
		if old, err = s.loadPack(p.Replace); err != nil {
			return err
		}
	}
	as := p.Assignments()
	locs := make([]recovery.Location, len(as))
	index := map[string]int{}
	expires := s.now().Add(defaultLifetime)
	for i, a := range as {
		c, err := client(a.Server)
		if err != nil {
			return err
		}
		if pol, err := s.FetchPolicy(ctx, a.Server); err == nil && pol.MaxExpiry > 0 {
			if e := s.now().Add(pol.MaxExpiry - time.Hour); e.Before(expires) {
				expires = e
			}
		}
		l, err := recovery.NewPasscrowLocation(c, a.Identity)
		if err != nil {
			return err
		}
		locs[i] = l
		index[l.Describe()] = i
	}
	more, err := p.extraLocations()
	if err != nil {
		return err
	}
	for _, l := range more {
		index[l.Describe()] = len(locs)
		locs = append(locs, l)
	}
	report := func(pr recovery.Progress) {
		i, ok := index[pr.Location]
		if !ok || progress == nil {
			return
		}
		progress(i, progressOf(pr))
	}
	var pol recovery.Policy
	switch p.Policy {
	case PolicyAll:
		pol = recovery.All()
	case PolicyAnyOne:
		pol = recovery.AnyOne()
	default:
		pol = recovery.NofM(p.Threshold())
	}
	var pack *recovery.Pack
	groups, groupsNeeded := p.groups(locs)
	flat := locs
	if groups != nil {
		flat, pol = nil, recovery.Policy{} // a grouped policy: the groups hold the locations
	}
	if old != nil {
		pack, err = recovery.Renew(ctx, old, p.Secret, locs, recovery.RenewOptions{
			Policy: pol, Expires: expires, Keepers: keepers(), Progress: report, Now: s.now,
			Spread: spreadFor(assignmentServers(as)), // tor.go
		})
	} else {
		pack, err = recovery.Protect(ctx, recovery.ProtectRequest{
			Name: p.Name, Description: p.Name, Secret: p.Secret, Policy: pol, Locations: flat,
			Groups: groups, GroupsNeeded: groupsNeeded,
			Expires: expires, Keepers: keepers(), Progress: report, Now: s.now,
			Spread: spreadFor(assignmentServers(as)),
		})
	}
	if err != nil {
		return canceled(ctx, err)
	}
	if err := s.savePack(p.Name, pack); err != nil {
		// Nothing refers to the new escrows: take them back.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		return errors.Join(fmt.Errorf("saving the pack: %w", err), recovery.Forget(ctx, pack, keepers()))
	}
	// The item is protected from here on: what fails now is a warning,
	// and the old escrows are dealt with whatever happens to the plan.
	// Every place took its fragment just now: it is seen working.
	s.markWorking(p.Name)
	var warn error
	if err := s.afterPlaced(p, pack); err != nil {
		warn = fmt.Errorf("%w: %w", ErrPlanNotSaved, err)
	}
	if err := s.savePlan(p); err != nil {
		warn = fmt.Errorf("%w: %w", ErrPlanNotSaved, err)
	}
	if old != nil {
		warn = errors.Join(warn, s.retire(ctx, p, old))
	}
	return warn
}

// ErrOldNotDeleted means the new pack is in place but some old escrows
// could not be deleted; they expire by themselves.
var ErrOldNotDeleted = errors.New("the new fragments are in place, but some old ones could not be deleted")

// ErrPlanNotSaved means the new pack is in place but the plan beside it
// (the addresses, which the pack only hints at) could not be saved:
// renewing will ask for the addresses again.
var ErrPlanNotSaved = errors.New("it is protected, but its addresses could not be saved for renewal")

// Protected reports whether err, from Protect, came after the new pack
// was saved: the item is protected and err is only a warning.
func Protected(err error) bool {
	return err != nil && (errors.Is(err, ErrOldNotDeleted) || errors.Is(err, ErrPlanNotSaved))
}
