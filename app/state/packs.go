package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// planPrefix names, beside each pack (kept by packstore, which the CLI
// shares), the plan it was made with: the identities are not in the pack,
// only their hints, and renewal needs them.
const planPrefix = "plan."

// ErrNoSuchItem is returned for a name with no pack.
var ErrNoSuchItem = packstore.ErrNoSuchItem

func (s *State) loadPack(name string) (*recovery.Pack, error) { return packstore.Load(s.packs(), name) }

func (s *State) savePack(name string, p *recovery.Pack) error {
	return packstore.Save(s.packs(), name, p)
}

func (s *State) names() ([]string, error) { return packstore.Names(s.packs()) }

// HasItem reports whether an item of that name exists. Only a missing
// entry is absent: a damaged pack is present (the user forgets it or picks
// another name), and any other error of the store (a keychain that did
// not answer) is returned, so nothing is written over what may be there.
func (s *State) HasItem(name string) (bool, error) {
	_, err := s.packs().Get(packstore.Prefix + name)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, platform.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("looking for %q in the store: %w", name, err)
}

// Items lists the protected items, by name. A damaged pack is listed
// with its error in Description rather than hiding the others.
func (s *State) Items() ([]Item, error) {
	names, err := s.names()
	if err != nil {
		return nil, err
	}
	var items []Item
	demo := s.demoURL()
	for _, n := range names {
		p, err := s.loadPack(n)
		if err != nil {
			items = append(items, Item{Name: n, Description: err.Error()})
			continue
		}
		it := itemOf(n, p)
		it.PreviousUntil, it.HasPrevious = s.previousUntil(n)
		it.Demo = usesDemo(p, demo)
		s.checked(&it, p) // stale.go
		items = append(items, it)
	}
	return items, nil
}

func itemOf(name string, p *recovery.Pack) Item {
	it := Item{
		Name:        name,
		Description: p.Description,
		Threshold:   p.Need(),
		Created:     p.Created,
		Renewed:     p.Renewed,
		Expires:     p.NextExpiry(),
	}
	if it.Renewed.IsZero() {
		it.Renewed, it.NotRenewed = p.Created, true
	}
	for _, r := range p.Records {
		pl := Place{Prefix: r.Prefix, Hint: r.Hint}
		if r.Expires > 0 {
			pl.Expires = time.Unix(r.Expires, 0)
		}
		it.Places = append(it.Places, pl)
	}
	return it
}

// savedPlan is what the store keeps beside a pack: no secret.
type savedPlan struct {
	Identities []string   `json:"identities"`
	Servers    []string   `json:"servers"`
	Policy     PolicyKind `json:"policy"`
	N          int        `json:"n,omitempty"`
}

func (s *State) savePlan(p Plan) error {
	b, err := json.Marshal(savedPlan{Identities: p.Identities, Servers: p.Servers, Policy: p.Policy, N: p.N})
	if err != nil {
		return err
	}
	return s.packs().Put(planPrefix+p.Name, b)
}

// PlanFor rebuilds the plan an item was made with, without its secret,
// for renewing it or changing its policy. For an item made elsewhere
// (imported, or by the CLI) the identities are unknown: the plan has
// none, and the setup wizard asks for them.
func (s *State) PlanFor(name string) (Plan, error) {
	p, err := s.loadPack(name)
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Name: name, Policy: PolicyNofM, N: p.Need()}
	for _, r := range p.Records {
		if r.Kind != recovery.KindPasscrow {
			plan.Others++ // locations.go: Check refuses to drop them
		}
	}
	if p.Need() == len(p.Records) && len(p.Records) > 1 {
		plan.Policy = PolicyAll
	}
	if b, err := s.packs().Get(planPrefix + name); err == nil {
		var sp savedPlan
		if err := json.Unmarshal(b, &sp); err == nil {
			plan.Identities, plan.Servers, plan.Policy, plan.N = sp.Identities, sp.Servers, sp.Policy, sp.N
		}
	}
	return plan, nil
}

// Renewable reports whether PlanFor knows everything to renew name
// without asking (the identities are known).
func (s *State) Renewable(name string) bool {
	p, err := s.PlanFor(name)
	return err == nil && len(p.Identities) > 0 && len(p.Servers) > 0
}

// Import reads a pack file, ours or a reference .passcrow, and stores it
// under name (or, with no name given, the pack's own name), made unique:
// it never writes over a stored item. It returns the name used. An older
// copy of a kept item is refused (*OlderPackError); the item is marked
// as not yet seen working (stale.go).
func (s *State) Import(data []byte, name string) (string, error) {
	p, err := recovery.ParsePack(data)
	if err != nil {
		var rerr error
		p, rerr = recovery.ImportReferencePack(data)
		if rerr != nil {
			return "", fmt.Errorf("not a recovery pack: %w", errors.Join(err, rerr))
		}
	}
	if err := s.checkNotStale(p); err != nil {
		return "", err
	}
	if name == "" {
		name = p.Name
	}
	if name == "" {
		name = "Imported"
	}
	base := name
	for i := 2; ; i++ {
		has, err := s.HasItem(name)
		if err != nil {
			return "", err
		}
		if !has {
			break
		}
		name = fmt.Sprintf("%s (%d)", base, i)
	}
	if err := s.markUnchecked(name); err != nil {
		return "", err
	}
	if err := s.savePack(name, p); err != nil {
		s.markWorking(name)
		return "", err
	}
	return name, nil
}

// Export returns the stored pack file of an item, for a hard copy.
func (s *State) Export(name string) ([]byte, error) {
	if _, err := s.loadPack(name); err != nil {
		return nil, err
	}
	return s.packs().Get(packstore.Prefix + name)
}

// Due lists the items due for renewal at the state's now.
func (s *State) Due() ([]Item, error) {
	items, err := s.Items()
	if err != nil {
		return nil, err
	}
	var due []Item
	for _, it := range items {
		if it.Status(s.now(), s.Interval()) != StatusOK {
			due = append(due, it)
		}
	}
	return due, nil
}
