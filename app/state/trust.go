package state

import (
	"fmt"
	"net/url"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// ActionLink is the page a server asked the user to visit before it
// sends a code (a payment, a CAPTCHA), when it is safe to show and open
// on a click (recovery.CheckActionURL: https, or http to this very
// computer); else an error that says why not. A server is not trusted:
// its link could be a file: or javascript: link, or hide where it goes.
func ActionLink(raw string) (*url.URL, error) { return recovery.CheckActionURL(raw) }

// PackServers are the servers recovering an item contacts, and those of
// them the user never chose: not among the configured servers, the
// known public ones or the demo server (running, or at the address it
// had last, which the packs made with it name). A pack from someone else
// can name any server, and a recovery sends it the escrows' ids and keys
// and has it send codes to the user, so the screens ask before they start.
func (s *State) PackServers(name string) (all, unknown []string, err error) {
	p, err := s.loadPack(name)
	if err != nil {
		return nil, nil, err
	}
	return recovery.PackServers(p), recovery.UnknownServers(p, s.knownServers()), nil
}

// knownServers are the Passcrow servers the user chose: in the settings,
// the known public ones, the demo server, and those agreed to when a
// pack was restored (the store's chosen servers, as the CLI keeps them).
func (s *State) knownServers() []string {
	known := append(append([]string{}, s.Servers()...), KnownServers...)
	if d := s.Demo(); d != nil {
		known = append(known, d.URL)
	}
	if port := s.prefs.IntWithFallback(prefDemoPort, 0); port > 0 {
		known = append(known, fmt.Sprintf("http://127.0.0.1:%d", port))
	}
	if chosen, err := packstore.ChosenServers(s.packs()); err == nil {
		known = append(known, chosen...)
	}
	return known
}
