package state

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
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
}

// Threshold is how many of the fragments recovery needs.
func (p Plan) Threshold() int {
	m := len(p.Identities)
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
	case len(p.Identities) == 0:
		return errors.New("add at least one e-mail address or phone number")
	case len(p.Servers) == 0:
		return errors.New("choose at least one server")
	}
	return nil
}
