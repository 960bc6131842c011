package recovery

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// Grouped policies put thresholds over groups of locations, in two
// levels as SLIP-39 does: "2 of my 3 servers AND 1 of my 2 friends". The
// Recovery Key is split among the groups (as a flat policy splits it
// among locations), and each group's share is split again among the
// group's locations. A group's share is checked on its own (PackGroup
// Check), so a wrong fragment is named within its group, and a group
// that is complete counts even while another is not.

// A Group is a set of locations with a policy of its own, for Protect.
type Group struct {
	Name      string // "servers", "friends": shown while recovering
	Policy    Policy // how many of the group's locations are needed
	Locations []Location
}

// A PackGroup is how a pack remembers one group: its records are the
// next Size records of Pack.Records, in group order.
type PackGroup struct {
	Name   string
	Policy Policy
	Size   int // how many records belong to the group
	// Threshold is how many fragments, the group's own in the pack
	// included, rebuild the group's share of the key.
	Threshold int
	// Fragments are the group's fragments kept in the pack: always
	// fewer than Threshold.
	Fragments []Fragment
	// Check tells the group's share of the key from a wrong one, without
	// saying anything about it (a truncated SHA-256 of a 264-bit value).
	Check string
}

// Need is how many of the group's locations must release their fragment.
func (g PackGroup) Need() int { return g.Threshold - len(g.Fragments) }

// groupShareSize is the size of a group's share of the key: a vault
// shamir share of the key, so the key's size and an x coordinate.
const groupShareSize = KeySize + 1

// groupCheckSize is how much of the SHA-256 Check keeps: enough that a
// wrong share passes by chance once in 2^128.
const groupCheckSize = 16

func groupCheck(share []byte) string {
	h := sha256.New()
	h.Write([]byte("passcrow group share\x00"))
	h.Write(share)
	return base64.StdEncoding.EncodeToString(h.Sum(nil)[:groupCheckSize])
}

// groupsPolicyString says a policy over groups: "any 2 groups".
func groupsPolicyString(p Policy) string {
	return strings.ReplaceAll(p.String(), "location", "group")
}

// parseGroupsPolicy reads what groupsPolicyString writes.
func parseGroupsPolicy(s string) (Policy, error) {
	if !strings.Contains(s, "group") {
		return Policy{}, fmt.Errorf("recovery: policy %q is not %q, %q or %q", s, "all groups", "any one group", "any N groups")
	}
	p, err := ParsePolicy(strings.ReplaceAll(s, "group", "location"))
	if err != nil {
		return Policy{}, fmt.Errorf("recovery: policy %q is not %q, %q or %q", s, "all groups", "any one group", "any N groups")
	}
	return p, nil
}

// AllButOne needs every location of m but one (all of them when m is 1):
// Mailpile's rule for mailboxes and correspondents, which tolerates one
// lost account or one friend who cannot be reached.
func AllButOne(m int) Policy {
	if m <= 1 {
		return All()
	}
	return NofM(m - 1)
}

// MailpileGroups is the policy Mailpile's recovery proposal describes:
// all but one of the user's IMAP accounts and all but one of the chosen
// correspondents, both needed. A group with no locations is left out;
// with one group left, Protect gets a single group, which it accepts.
func MailpileGroups(mailboxes, correspondents []Location) (groups []Group, needed Policy) {
	if len(mailboxes) > 0 {
		groups = append(groups, Group{Name: "mailboxes", Policy: AllButOne(len(mailboxes)), Locations: mailboxes})
	}
	if len(correspondents) > 0 {
		groups = append(groups, Group{Name: "correspondents", Policy: AllButOne(len(correspondents)), Locations: correspondents})
	}
	return groups, All()
}
