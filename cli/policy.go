package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// Policies on the command line. A flat policy is --threshold N: any N of
// all the locations. A grouped policy (two levels, as SLIP-39 has them)
// puts each location in a group (group=NAME in its --location) and says
// with --policy how many of each group, and of the groups, are needed:
//
//	--policy "2 of servers and 1 of friends"        every group
//	--policy "all of mailboxes or 1 of servers"     any one group
//	--policy "any 2 of (2 of servers, 1 of friends, all but one of boxes)"
//
// A count is a number, "all", "all but one", or "any" (one). Words are
// in any case; groups are named with letters, digits, - and _. "and" and
// "or" do not mix: two levels are all the library has. --preset mailpile
// is Mailpile's rule: all but one of the IMAP mailboxes and all but one
// of the friends, both.

// groupRule is one "COUNT of GROUP".
type groupRule struct {
	name      string
	n         int // 0 with all or allButOne
	all       bool
	allButOne bool
}

func (g groupRule) policy(m int) recovery.Policy {
	switch {
	case g.all:
		return recovery.All()
	case g.allButOne:
		return recovery.AllButOne(m)
	}
	return recovery.NofM(g.n)
}

// groupsPolicy is a parsed --policy: the groups in order, and how many
// of them are needed (0: all).
type groupsPolicy struct {
	rules  []groupRule
	needed int
}

var groupName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

const policyExample = `write it like "2 of servers and 1 of friends" or "any 2 of (2 of servers, 1 of friends, all of boxes)"`

func parsePolicy(s string) (groupsPolicy, error) {
	t := strings.NewReplacer("(", " ( ", ")", " ) ", ",", " , ").Replace(strings.ToLower(s))
	toks := strings.Fields(t)
	bad := func(why string) (groupsPolicy, error) {
		return groupsPolicy{}, usagef("--policy %q: %s; %s", s, why, policyExample)
	}
	if len(toks) == 0 {
		return bad("it is empty")
	}
	i := 0
	next := func() string {
		if i >= len(toks) {
			return ""
		}
		i++
		return toks[i-1]
	}
	term := func() (groupRule, error) {
		var g groupRule
		switch w := next(); w {
		case "all":
			if i+1 < len(toks) && toks[i] == "but" && toks[i+1] == "one" {
				i += 2
				g.allButOne = true
			} else {
				g.all = true
			}
		case "any", "one":
			g.n = 1
		default:
			n, err := strconv.Atoi(w)
			if err != nil || n < 1 {
				return g, fmt.Errorf("%q is not a count (a number, all, all but one, any)", w)
			}
			g.n = n
		}
		if w := next(); w != "of" {
			return g, fmt.Errorf("%q where \"of\" belongs", w)
		}
		g.name = next()
		if !groupName.MatchString(g.name) {
			return g, fmt.Errorf("%q is not a group name (letters, digits, - and _)", g.name)
		}
		return g, nil
	}
	var p groupsPolicy
	if len(toks) > 3 && toks[0] == "any" && toks[2] == "of" && toks[3] == "(" {
		k, err := strconv.Atoi(toks[1])
		if err != nil || k < 1 {
			return bad(fmt.Sprintf("%q is not a number of groups", toks[1]))
		}
		p.needed = k
		i = 4
		for {
			g, err := term()
			if err != nil {
				return bad(err.Error())
			}
			p.rules = append(p.rules, g)
			w := next()
			if w == ")" {
				break
			}
			if w != "," {
				return bad(fmt.Sprintf("%q where \",\" or \")\" belongs", w))
			}
		}
		if i != len(toks) {
			return bad("words after the closing parenthesis")
		}
	} else {
		join := ""
		for {
			g, err := term()
			if err != nil {
				return bad(err.Error())
			}
			p.rules = append(p.rules, g)
			w := next()
			if w == "" {
				break
			}
			if w != "and" && w != "or" {
				return bad(fmt.Sprintf("%q where \"and\" or \"or\" belongs", w))
			}
			if join != "" && w != join {
				return bad(`"and" and "or" cannot be mixed (use "any N of (...)")`)
			}
			join = w
		}
		if join == "or" {
			p.needed = 1
		}
	}
	seen := map[string]bool{}
	for _, g := range p.rules {
		if seen[g.name] {
			return bad(fmt.Sprintf("the group %q is named twice", g.name))
		}
		seen[g.name] = true
	}
	if p.needed > len(p.rules) {
		return bad(fmt.Sprintf("%d groups needed but only %d named", p.needed, len(p.rules)))
	}
	return p, nil
}

// buildPolicy fills req's policy and locations from the planned
// locations and the policy flags.
func buildPolicy(req *recovery.ProtectRequest, plans []*planned, threshold int, policy, preset string) error {
	hasGroup := false
	for _, p := range plans {
		if p.group != "" {
			hasGroup = true
		}
	}
	switch {
	case preset != "":
		if policy != "" || threshold != 0 || hasGroup {
			return usagef("protect: --preset sets the policy; leave out --policy, --threshold and group=")
		}
		if preset != "mailpile" {
			return usagef("protect: --preset %q: the only preset is mailpile", preset)
		}
		var boxes, friends []recovery.Location
		for _, p := range plans {
			switch p.loc.(type) {
			case *mailbox.Location:
				boxes = append(boxes, p.loc)
			case *friend.Location:
				friends = append(friends, p.loc)
			default:
				return usagef("protect: --preset mailpile takes only imap and friend locations, not %s", p.labelNow())
			}
		}
		req.Groups, req.GroupsNeeded = recovery.MailpileGroups(boxes, friends)
		return nil
	case policy != "":
		if threshold != 0 {
			return usagef("protect: give --threshold (any N of every location) or --policy (per group), not both")
		}
		gp, err := parsePolicy(policy)
		if err != nil {
			return err
		}
		return groupedRequest(req, plans, gp)
	case hasGroup:
		return usagef("protect: locations are put in groups (group=): say how many of each are needed with --policy, e.g. %q", "2 of servers and 1 of friends")
	}
	pol, err := policyFor(threshold, len(plans))
	if err != nil {
		return usagef("protect: %v", err)
	}
	req.Policy = pol
	for _, p := range plans {
		req.Locations = append(req.Locations, p.loc)
	}
	return nil
}

func groupedRequest(req *recovery.ProtectRequest, plans []*planned, gp groupsPolicy) error {
	byName := map[string]int{}
	for i, g := range gp.rules {
		byName[g.name] = i
		req.Groups = append(req.Groups, recovery.Group{Name: g.name})
	}
	for _, p := range plans {
		if p.group == "" {
			return usagef("protect: %s is in no group: add group=NAME to its --location (--policy names %s)", p.labelNow(), groupList(gp))
		}
		i, ok := byName[strings.ToLower(p.group)]
		if !ok {
			return usagef("protect: %s is in the group %q, which --policy does not name (it names %s)", p.labelNow(), p.group, groupList(gp))
		}
		req.Groups[i].Locations = append(req.Groups[i].Locations, p.loc)
	}
	for i, g := range gp.rules {
		m := len(req.Groups[i].Locations)
		if m == 0 {
			return usagef("protect: --policy names the group %q, but no --location is in it (group=%s)", g.name, g.name)
		}
		if g.n > m {
			return usagef("protect: --policy needs %d of %q, which has %d locations", g.n, g.name, m)
		}
		req.Groups[i].Policy = g.policy(m)
	}
	switch gp.needed {
	case 0:
		req.GroupsNeeded = recovery.All()
	default:
		req.GroupsNeeded = recovery.NofM(gp.needed)
	}
	return nil
}

func groupList(gp groupsPolicy) string {
	var names []string
	for _, g := range gp.rules {
		names = append(names, strconv.Quote(g.name))
	}
	return strings.Join(names, ", ")
}

// policyText says a pack's policy as --policy would take it ("2 of
// servers and 1 of friends"), or a flat policy in the library's words.
func policyText(p *recovery.Pack) string {
	if len(p.Groups) == 0 {
		return p.Policy.String()
	}
	terms := make([]string, len(p.Groups))
	for i, g := range p.Groups {
		terms[i] = fmt.Sprintf("%d of %s", g.Need(), g.Name)
	}
	top, _ := p.Policy.Need(len(p.Groups))
	switch {
	case top == len(p.Groups):
		return strings.Join(terms, " and ")
	case top == 1:
		return strings.Join(terms, " or ")
	}
	return fmt.Sprintf("any %d of (%s)", top, strings.Join(terms, ", "))
}
