package state

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Identity kinds a server may verify.
const (
	KindEmail = "email"
	KindSMS   = "sms"
)

// ErrBadIdentity is returned for an address that is neither an e-mail
// address nor a phone number.
var ErrBadIdentity = errors.New("not an e-mail address or phone number")

// ParseIdentity turns what the user typed into "kind:address". Phone
// numbers must be international (+ and the country code), since servers
// abroad cannot guess the country.
func ParseIdentity(typed string) (string, error) {
	s := strings.TrimSpace(typed)
	if strings.HasPrefix(s, "+") {
		digits := strings.Map(func(r rune) rune {
			switch {
			case r >= '0' && r <= '9':
				return r
			case r == ' ' || r == '-' || r == '(' || r == ')':
				return -1
			}
			return 'x'
		}, s[1:])
		if strings.ContainsRune(digits, 'x') || len(digits) < 7 || len(digits) > 15 {
			return "", fmt.Errorf("%w: %q", ErrBadIdentity, typed)
		}
		return KindSMS + ":+" + digits, nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", fmt.Errorf("%w: %q", ErrBadIdentity, typed)
	}
	return KindEmail + ":" + s, nil
}

// PolicyKind is how many fragments recovery needs.
type PolicyKind int

const (
	PolicyAll    PolicyKind = iota // every identity must answer
	PolicyAnyOne                   // any single identity is enough
	PolicyNofM                     // Threshold of them
)

// A Plan is what the setup wizard collected. Secret is held only in memory.
type Plan struct {
	Name       string
	Secret     []byte
	Identities []string // "kind:address", from ParseIdentity
	Policy     PolicyKind
	N          int      // with PolicyNofM
	Servers    []string // server URLs, in the user's order
	Expires    time.Time
	// Replace names an item this one replaces (change policy); the old
	// escrows are forgotten only after every new one succeeded.
	Replace string
	// KeepOld, with Replace, keeps the old pack as the item's previous
	// one instead of forgetting its escrows: the secret was typed, and
	// nothing shows it is the one the old pack holds (previous.go).
	KeepOld bool
	// Extras are the locations of other kinds (locations.go), after the
	// identities; the policy counts them with the identities.
	Extras []Extra
	// Mailpile, when the plan has mailboxes and friends and nothing
	// else, is Mailpile's preset instead of Policy: all but one of the
	// mailboxes and all but one of the friends.
	Mailpile bool
	// Others, from PlanFor, counts the replaced item's places that are
	// not e-mail identities on servers: the saved plan cannot place them
	// again (their passwords and folders are not kept), so a renewal with
	// no Extras would drop them and delete the old ones.
	Others int
}

// Total is how many locations the plan has, of every kind.
func (p Plan) Total() int { return len(p.Identities) + len(p.Extras) }

// CanMailpile reports whether Mailpile's preset fits the plan: it has
// mailboxes and friends, and no other kind of location.
func (p Plan) CanMailpile() bool {
	var boxes, friends int
	for _, e := range p.Extras {
		switch e.Kind {
		case ExtraMailbox:
			boxes++
		case ExtraFriend:
			friends++
		default:
			return false
		}
	}
	return boxes > 0 && friends > 0 && len(p.Identities) == 0
}

// UsesMailpile reports whether Protect will use Mailpile's preset.
func (p Plan) UsesMailpile() bool { return p.Mailpile && p.CanMailpile() }

// MailpileNeeds is what Mailpile's preset needs: of the mailboxes and of
// the friends.
func (p Plan) MailpileNeeds() (boxes, ofBoxes, friends, ofFriends int) {
	for _, e := range p.Extras {
		switch e.Kind {
		case ExtraMailbox:
			ofBoxes++
		case ExtraFriend:
			ofFriends++
		}
	}
	boxes, _ = recovery.AllButOne(ofBoxes).Need(ofBoxes)
	friends, _ = recovery.AllButOne(ofFriends).Need(ofFriends)
	return boxes, ofBoxes, friends, ofFriends
}

// Threshold is how many of the fragments recovery needs.
func (p Plan) Threshold() int {
	if p.UsesMailpile() {
		b, _, f, _ := p.MailpileNeeds()
		return b + f
	}
	m := p.Total()
	switch p.Policy {
	case PolicyAnyOne:
		return 1
	case PolicyNofM:
		return min(max(p.N, 1), m)
	}
	return m
}

// An Assignment sends one fragment to one identity via one server.
type Assignment struct {
	Identity, Server string
}

// Assignments spreads the identities over the servers in turn, so no
// server holds more fragments than it must.
func (p Plan) Assignments() []Assignment {
	if len(p.Servers) == 0 {
		return nil
	}
	as := make([]Assignment, len(p.Identities))
	for i, id := range p.Identities {
		as[i] = Assignment{Identity: id, Server: p.Servers[i%len(p.Servers)]}
	}
	return as
}

// Concentrated returns a server that alone would hold enough fragments
// to meet the threshold (so whoever runs it could recover the secret
// without any other server), or "" when there is none.
func (p Plan) Concentrated() string {
	count := map[string]int{}
	for _, a := range p.Assignments() {
		count[a.Server]++
		if count[a.Server] >= p.Threshold() {
			return a.Server
		}
	}
	return ""
}

// Check reports the first thing that keeps the plan from being protected.
func (p Plan) Check() error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return errors.New("the item needs a name")
	case len(p.Secret) == 0:
		return errors.New("there is no secret to protect")
	case p.Total() == 0:
		return errors.New("add at least one e-mail address or phone number, or another place")
	case len(p.Servers) == 0 && p.NeedsServers():
		return errors.New("choose at least one server")
	}
	if p.Replace != "" && p.Others > 0 && len(p.Extras) == 0 {
		return ErrWouldDropPlaces
	}
	for _, e := range p.Extras {
		if err := e.Check(); err != nil {
			return fmt.Errorf("%s: %w", e.Describe(), err)
		}
	}
	return nil
}

// ErrWouldDropPlaces refuses to renew an item with places of other kinds
// (a sheet, a mailbox, a friend...) from a plan that has none of them.
var ErrWouldDropPlaces = errors.New("this item also keeps pieces in places other than servers, which renewing here would drop: change its policy and add those places again")

// NeedsServers reports whether the plan has locations on Passcrow
// servers: e-mail identities, or an heir that names no server.
func (p Plan) NeedsServers() bool {
	if len(p.Identities) > 0 {
		return true
	}
	for _, e := range p.Extras {
		if e.Kind == ExtraHeir && e.Server == "" {
			return true
		}
	}
	return false
}
