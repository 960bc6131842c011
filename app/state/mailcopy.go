package state

import (
	"context"
	"net"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery/diversity"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// SavePackCopy keeps a copy of an item's pack in a mailbox of the user's,
// so a lost computer is not a lost pack (the copy is useless without the
// fragments). mailbox.ErrPackBesideFragments, wrapped, means that mailbox
// holds (or gets the codes for) enough fragments to recover with the pack alone: another
// mailbox must keep it.
func (s *State) SavePackCopy(ctx context.Context, name string, a mailbox.Account, password string) error {
	data, err := s.Export(name)
	if err != nil {
		return err
	}
	if err := mailbox.SavePack(ctx, a, password, name, data); err != nil {
		return canceled(ctx, err)
	}
	return packstore.AddChosenServers(s.packs(), "imap:"+strings.ToLower(a.Host))
}

// ErrPackBesideFragments is mailbox.ErrPackBesideFragments, for screens.
var ErrPackBesideFragments = mailbox.ErrPackBesideFragments

// Resolver looks up mail servers for the provider warning; tests set it
// to a DNS server on loopback. nil is net.DefaultResolver.
var Resolver diversity.Resolver

// diversityTimeout bounds the provider warning's lookups: it is advice,
// and must never hold the wizard up.
const diversityTimeout = 5 * time.Second

// ProviderWarnings says which of the plan's locations seem to sit with
// one mail provider: e-mail identities, friends, heirs, and mailboxes
// (their username when it is an address, and their server). Lookups
// that fail are left out: the warnings found without them are returned.
func ProviderWarnings(ctx context.Context, p Plan) []diversity.Warning {
	var places []diversity.Place
	for _, id := range p.Identities {
		if kind, addr, _ := strings.Cut(id, ":"); kind == KindEmail {
			places = append(places, diversity.Place{Label: addr, Names: []string{addr}})
		}
	}
	for _, e := range p.Extras {
		switch e.Kind {
		case ExtraFriend:
			places = append(places, diversity.Place{Label: e.To, Names: []string{e.To}})
		case ExtraHeir:
			places = append(places, diversity.Place{Label: e.Heir, Names: []string{e.Heir}})
		case ExtraMailbox:
			names := []string{e.Mailbox.Host}
			if strings.Contains(e.Mailbox.Username, "@") {
				names = append(names, e.Mailbox.Username)
			}
			places = append(places, diversity.Place{Label: e.Describe(), Names: names})
		}
	}
	if len(places) < 2 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, diversityTimeout)
	defer cancel()
	r := Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ws, _ := diversity.Check(ctx, r, places) // advice: what was found without failed lookups stands
	return ws
}
