package recovery

import (
	"encoding/base64"
	"fmt"

	"github.com/hashicorp/vault/shamir"
)

// validateGroups checks a grouped pack beyond what every pack must hold.
func (p *Pack) validateGroups() error {
	if p.Scheme != SchemeGF256 {
		return packErr("groups", "grouped policies need scheme %q", SchemeGF256)
	}
	if p.Ephemeral != nil {
		return packErr("ephemeral", "a grouped pack has no ephemeral record")
	}
	topNeed, err := p.Policy.Need(len(p.Groups))
	if err != nil {
		return packErr("policy", "%v", err)
	}
	if topNeed != p.Threshold-len(p.Fragments) {
		return packErr("policy", "%q needs %d of %d groups, but threshold %d with %d fragments in the pack needs %d",
			groupsPolicyString(p.Policy), topNeed, len(p.Groups), p.Threshold, len(p.Fragments), p.Threshold-len(p.Fragments))
	}
	total := 0
	for i, g := range p.Groups {
		field := fmt.Sprintf("groups[%d]", i)
		if g.Name == "" {
			return packErr(field+".name", "missing")
		}
		if g.Size < 1 {
			return packErr(field+".size", "a group needs at least one location")
		}
		total += g.Size
		if g.Threshold < 2 || g.Threshold > maxFragments {
			return packErr(field+".threshold", "%d is not between 2 and %d", g.Threshold, maxFragments)
		}
		if len(g.Fragments) >= g.Threshold {
			return packErr(field+".fragments", "%d fragments in the pack would open the group alone (threshold %d)", len(g.Fragments), g.Threshold)
		}
		if g.Size+len(g.Fragments) > maxFragments {
			return packErr(field+".size", "%d fragments in all, at most %d", g.Size+len(g.Fragments), maxFragments)
		}
		xs := map[byte]bool{}
		for j, f := range g.Fragments {
			if err := checkGroupFragment(f); err != nil {
				return packErr(fmt.Sprintf("%s.fragments[%d]", field, j), "%v", err)
			}
			if x := f[len(f)-1]; xs[x] {
				return packErr(fmt.Sprintf("%s.fragments[%d]", field, j), "same x coordinate as another fragment")
			} else {
				xs[x] = true
			}
		}
		need, err := g.Policy.Need(g.Size)
		if err != nil {
			return packErr(field+".policy", "%v", err)
		}
		if need != g.Need() {
			return packErr(field+".policy", "%q needs %d of %d locations, but threshold %d with %d fragments in the pack needs %d",
				g.Policy, need, g.Size, g.Threshold, len(g.Fragments), g.Need())
		}
		if c, err := base64.StdEncoding.Strict().DecodeString(g.Check); err != nil || len(c) != groupCheckSize {
			return packErr(field+".check", "not a group check (base64 of %d bytes)", groupCheckSize)
		}
	}
	if total != len(p.Records) {
		return packErr("groups", "the groups hold %d locations but the pack has %d records", total, len(p.Records))
	}
	return nil
}

// checkGroupFragment tells a well-formed fragment of a group's share.
func checkGroupFragment(f Fragment) error {
	if len(f) != groupShareSize+shamir.ShareOverhead {
		return fmt.Errorf("fragment has %d bytes, want %d", len(f), groupShareSize+shamir.ShareOverhead)
	}
	if f[len(f)-1] == 0 {
		return fmt.Errorf("fragment has x coordinate 0")
	}
	return nil
}
