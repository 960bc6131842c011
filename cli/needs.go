package cli

import (
	"fmt"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// What a recovery still needs, said per location and per group.

// enoughFrom tells whether fragments from the locations in have (by
// prefix) could open p: for a flat policy enough of them, for a grouped
// one enough in enough groups.
func enoughFrom(p *recovery.Pack, have map[string]bool) bool {
	as := map[string]recovery.Fragment{}
	n := 0
	for _, r := range p.Records {
		if have[r.Prefix] {
			as[r.Prefix] = nil
			n++
		}
	}
	groups, needed := recovery.GroupsProgress(p, as)
	if groups == nil {
		return n >= p.Need()
	}
	done := 0
	for _, g := range groups {
		if g.Done() {
			done++
		}
	}
	return done >= needed
}

// progressText says how far a recovery with fetched is: "2 of 3", or for
// groups "servers 1 of 2, friends 1 of 1 (done); 2 of 2 groups needed".
func progressText(p *recovery.Pack, fetched map[string]recovery.Fragment) string {
	groups, needed := recovery.GroupsProgress(p, fetched)
	if groups == nil {
		have := 0
		for _, r := range p.Records {
			if _, ok := fetched[r.Prefix]; ok {
				have++
			}
		}
		return fmt.Sprintf("%d of %d", min(have, p.Need()), p.Need())
	}
	parts := make([]string, len(groups))
	done := 0
	for i, g := range groups {
		parts[i] = fmt.Sprintf("%s %d of %d", termtext.Clean(g.Name), min(g.Have, g.Need), g.Need)
		if g.Done() {
			parts[i] += " (done)"
			done++
		}
	}
	return fmt.Sprintf("%s; %d of %d groups needed are done", strings.Join(parts, ", "), min(done, needed), needed)
}

// groupProgress is one group's progress, for JSON.
type groupProgress struct {
	Name string `json:"name"`
	Have int    `json:"have"`
	Need int    `json:"need"`
	Done bool   `json:"done"`
}

func groupsJSON(p *recovery.Pack, fetched map[string]recovery.Fragment) []groupProgress {
	groups, _ := recovery.GroupsProgress(p, fetched)
	var out []groupProgress
	for _, g := range groups {
		out = append(out, groupProgress{Name: termtext.Clean(g.Name), Have: min(g.Have, g.Need), Need: g.Need, Done: g.Done()})
	}
	return out
}

// howToGive says what the user gives recover for a location that sends
// no code.
func howToGive(r recovery.Record) string {
	switch r.Kind {
	case mailbox.Kind:
		return "its password: recover asks at a terminal, or give --imap-password-file"
	case paper.Kind:
		return "type the sheet's text (recover --sheet-text -, or at the prompt) or give a photo of it (--file PHOTO)"
	case friend.Kind:
		return "ask your friend to send the letter back, then give it: recover --file LETTER.eml (or the attachment)"
	case media.Kind:
		return "give the fragment file on the stick: recover --file PATH"
	}
	return "give what holds it: recover --file PATH"
}

// needsLines lists, one line each, the locations whose fragments are
// not in yet and what each needs.
func needsLines(p *recovery.Pack, needs map[string]recovery.Ask) string {
	var b strings.Builder
	for _, r := range p.Records {
		ask, ok := needs[r.Prefix]
		if !ok {
			continue
		}
		how := "a code it sends you (passcrow verify sends them)"
		if ask != 0 {
			how = howToGive(r)
		}
		fmt.Fprintf(&b, "  %s  %s: %s\n", r.Prefix, termtext.Clean(r.Hint), how)
	}
	return b.String()
}
