package recovery

import (
	"context"
	"time"
)

// RenewWarning is how long before a fragment expires a pack is due for
// renewal: time enough to notice and act.
const RenewWarning = 60 * 24 * time.Hour

// RenewOptions are Renew's choices; zero values keep the old pack's.
type RenewOptions struct {
	Policy   Policy // zero: the old pack's policy
	Expires  time.Time
	Keepers  Keepers
	Progress func(Progress)
	Now      func() time.Time
	Spread   *Spread // see ProtectRequest.Spread
}

// Renew protects secret afresh, with a new key and new fragments at
// locations, and returns the new pack only when every placement
// succeeded. Then store the new pack, and only then Forget the old one.
// The secret is not checked against old: it is whatever the caller
// recovered or still holds.
func Renew(ctx context.Context, old *Pack, secret []byte, locations []Location, o RenewOptions) (*Pack, error) {
	pol := o.Policy
	if pol == (Policy{}) {
		pol = old.Policy
	}
	p, err := Protect(ctx, ProtectRequest{
		Name:        old.Name,
		Description: old.Description,
		Secret:      secret,
		Policy:      pol,
		Locations:   locations,
		Expires:     o.Expires,
		Keepers:     o.Keepers,
		Progress:    o.Progress,
		Now:         o.Now,
		Spread:      o.Spread,
	})
	if err != nil {
		return nil, err
	}
	p.Renewed = p.Created
	if !old.Created.IsZero() {
		p.Created = old.Created
	}
	return p, nil
}

// NextExpiry is when the first of the pack's fragments expires, or the
// zero time when none says.
func (p *Pack) NextExpiry() time.Time {
	var first int64
	for _, r := range p.Records {
		if r.Expires > 0 && (first == 0 || r.Expires < first) {
			first = r.Expires
		}
	}
	if first == 0 {
		return time.Time{}
	}
	return time.Unix(first, 0)
}

// DueForRenewal says whether the pack should be renewed at now: a
// fragment expires within RenewWarning, or the pack was made or last
// renewed more than interval ago (interval <= 0: never for that reason).
func (p *Pack) DueForRenewal(now time.Time, interval time.Duration) bool {
	if exp := p.NextExpiry(); !exp.IsZero() && exp.Sub(now) < RenewWarning {
		return true
	}
	last := p.Renewed
	if last.IsZero() {
		last = p.Created
	}
	return interval > 0 && !last.IsZero() && now.Sub(last) >= interval
}
