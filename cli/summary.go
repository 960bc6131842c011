package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
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
	Groups    []groupInfo    `json:"groups,omitempty"`
	Locations []locationInfo `json:"locations"`
	Created   string         `json:"created"`
	Renewed   string         `json:"renewed,omitempty"`
	Expires   string         `json:"expires,omitempty"`
	Due       bool           `json:"renewal_due"`
	// Warnings are protect's: locations that seem to share a provider.
	Warnings []string `json:"warnings,omitempty"`
}

// groupInfo is one group of a grouped policy.
type groupInfo struct {
	Name    string   `json:"name"`
	Need    int      `json:"need"`
	Size    int      `json:"size"`
	Records []string `json:"prefixes"`
}

type locationInfo struct {
	Prefix  string `json:"prefix"`
	Kind    string `json:"kind"`
	Hint    string `json:"hint"`
	Group   string `json:"group,omitempty"`
	Expires string `json:"expires,omitempty"`
	// File is where a sheet's PDF or a fragment file was written.
	File string `json:"file,omitempty"`
}

// renewalInterval is how often renewal is due even when nothing expires.
const renewalInterval = 365 * 24 * time.Hour

func packSummary(p *recovery.Pack) packInfo {
	info := packInfo{
		Name:    p.Name,
		Policy:  termtext.Clean(policyText(p)),
		Need:    p.Need(),
		Created: dateOf(p.Created),
		Renewed: dateOf(p.Renewed),
		Expires: dateOf(p.NextExpiry()),
		Due:     p.DueForRenewal(time.Now(), renewalInterval),
	}
	groupOf := make([]string, len(p.Records))
	start := 0
	for _, g := range p.Groups {
		gi := groupInfo{Name: termtext.Clean(g.Name), Need: g.Need(), Size: g.Size, Records: []string{}}
		for i := start; i < start+g.Size && i < len(p.Records); i++ {
			groupOf[i] = gi.Name
			gi.Records = append(gi.Records, p.Records[i].Prefix)
		}
		start += g.Size
		info.Groups = append(info.Groups, gi)
	}
	for i, r := range p.Records {
		li := locationInfo{Prefix: r.Prefix, Kind: termtext.Clean(r.Kind), Hint: termtext.Clean(r.Hint), Group: groupOf[i], File: termtext.Clean(recordFile(r))}
		if r.Expires > 0 {
			li.Expires = dateOf(time.Unix(r.Expires, 0))
		}
		info.Locations = append(info.Locations, li)
	}
	return info
}

// recordFile is where a paper or media record says its file was written
// (their data's "file" and "path", docs/PACK-FORMAT.md), or "".
func recordFile(r recovery.Record) string {
	var d struct {
		File string `json:"file"`
		Path string `json:"path"`
	}
	if json.Unmarshal(r.Data, &d) != nil {
		return ""
	}
	switch r.Kind {
	case paper.Kind:
		return d.File
	case media.Kind:
		return d.Path
	}
	return ""
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
	needed := fmt.Sprintf("%d of %d codes needed", i.Need, len(i.Locations))
	for _, l := range i.Locations {
		if l.Kind != recovery.KindPasscrow {
			needed = fmt.Sprintf("%d of %d locations needed", i.Need, len(i.Locations))
			break
		}
	}
	if len(i.Groups) > 0 {
		needed = fmt.Sprintf("at least %d of %d locations", i.Need, len(i.Locations))
	}
	fmt.Fprintf(&b, "%s: %s, %s, expires %s%s\n", termtext.Clean(i.Name), i.Policy, needed, i.Expires, due)
	for _, l := range i.Locations {
		group := ""
		if l.Group != "" {
			group = " [" + l.Group + "]"
		}
		fmt.Fprintf(&b, "  %s  %s%s\n", l.Prefix, l.Hint, group)
	}
	return b.String()
}
