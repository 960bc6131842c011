package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/termtext"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// packInfo is what list and protect print about a pack; it holds no key,
// fragment or secret. A pack may come from anyone (import), so what it
// says for display (hints, kinds) is cleaned for the terminal here, for
// text and JSON alike; the name stays as stored, since scripts pass it
// back, and is cleaned in the text only.
type packInfo struct {
	Name      string         `json:"name"`
	Policy    string         `json:"policy"`
	Need      int            `json:"need"`
	Locations []locationInfo `json:"locations"`
	Created   string         `json:"created"`
	Renewed   string         `json:"renewed,omitempty"`
	Expires   string         `json:"expires,omitempty"`
	Due       bool           `json:"renewal_due"`
}

type locationInfo struct {
	Prefix  string `json:"prefix"`
	Kind    string `json:"kind"`
	Hint    string `json:"hint"`
	Expires string `json:"expires,omitempty"`
}

// renewalInterval is how often renewal is due even when nothing expires.
const renewalInterval = 365 * 24 * time.Hour

func packSummary(p *recovery.Pack) packInfo {
	info := packInfo{
		Name:    p.Name,
		Policy:  p.Policy.String(),
		Need:    p.Need(),
		Created: dateOf(p.Created),
		Renewed: dateOf(p.Renewed),
		Expires: dateOf(p.NextExpiry()),
		Due:     p.DueForRenewal(time.Now(), renewalInterval),
	}
	for _, r := range p.Records {
		li := locationInfo{Prefix: r.Prefix, Kind: termtext.Clean(r.Kind), Hint: termtext.Clean(r.Hint)}
		if r.Expires > 0 {
			li.Expires = dateOf(time.Unix(r.Expires, 0))
		}
		info.Locations = append(info.Locations, li)
	}
	return info
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(time.DateOnly)
}

func (i packInfo) text() string {
	var b strings.Builder
	due := ""
	if i.Due {
		due = "  RENEWAL DUE"
	}
	fmt.Fprintf(&b, "%s: %s, %d of %d codes needed, expires %s%s\n", termtext.Clean(i.Name), i.Policy, i.Need, len(i.Locations), i.Expires, due)
	for _, l := range i.Locations {
		fmt.Fprintf(&b, "  %s  %s\n", l.Prefix, l.Hint)
	}
	return b.String()
}
