// Package diversity warns when two recovery locations sit with the same
// mail provider. Spreading fragments over mailboxes and friends' inboxes
// protects only if they are run by different people: two addresses at
// one provider can be lost, read or coerced together. As Mailpile's
// recovery proposal suggests, a provider is recognised with moderate
// confidence by the same domain, or by the same mail servers in the
// domains' DNS MX records (a company's own domain whose mail Google
// handles is with Google).
//
// A location is a Place with the names that say who runs it: for an
// e-mail identity or a friend, the address; for an IMAP account, its
// address when the username is one, and its server's name.
package diversity

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// A Resolver looks up MX records; *net.Resolver is one.
type Resolver interface {
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
}

var _ Resolver = (*net.Resolver)(nil)

// A Place is a location as the user knows it and the names of who runs it.
type Place struct {
	// Label names the place in warnings ("bob@example.org", "mailbox
	// a*@e*ple.org at imap.example.org").
	Label string
	// Names are mail addresses and host names.
	Names []string
}

// Addresses makes a place of each address, labelled by itself.
func Addresses(addrs ...string) []Place {
	var ps []Place
	for _, a := range addrs {
		ps = append(ps, Place{Label: a, Names: []string{a}})
	}
	return ps
}

// Reason says how two places were found to share a provider.
type Reason int

const (
	// SameDomain: their names are in one registered domain.
	SameDomain Reason = iota + 1
	// SameMailServers: their domains' mail is handled by servers in one
	// registered domain (their MX records).
	SameMailServers
)

// A Warning says that two places seem to be with one provider.
type Warning struct {
	A, B     string // the places' labels
	Provider string // the shared domain: "example.org", "google.com"
	Reason   Reason
}

func (w Warning) String() string {
	if w.Reason == SameDomain {
		return fmt.Sprintf("%s and %s are both at %s: one provider could lose or read both", w.A, w.B, w.Provider)
	}
	return fmt.Sprintf("%s and %s both get their mail through %s's servers: one provider could lose or read both", w.A, w.B, w.Provider)
}

// Check compares every two places and returns a warning for each pair
// that seems to share a provider, in the order of places. MX lookups
// that fail are returned joined in err, next to the warnings found
// without them; a domain with no MX records is no error.
func Check(ctx context.Context, r Resolver, places []Place) ([]Warning, error) {
	type seen struct {
		domains map[string]bool // registered domains of the names
		servers map[string]bool // registered domains of the MX hosts
	}
	mx := map[string][]string{} // lookup cache: domain -> MX hosts' registered domains
	var errs []error
	lookup := func(domain string) []string {
		if got, ok := mx[domain]; ok {
			return got
		}
		var out []string
		recs, err := r.LookupMX(ctx, domain+".")
		var dnsErr *net.DNSError
		if err != nil && !(errors.As(err, &dnsErr) && dnsErr.IsNotFound) {
			errs = append(errs, fmt.Errorf("diversity: the mail servers of %s: %w", domain, err))
		}
		for _, rec := range recs {
			if h := normalize(rec.Host); h != "" { // "." is RFC 7505's "no mail"
				out = append(out, registered(h))
			}
		}
		mx[domain] = out
		return out
	}
	all := make([]seen, len(places))
	for i, p := range places {
		all[i] = seen{domains: map[string]bool{}, servers: map[string]bool{}}
		for _, n := range p.Names {
			d := domainOf(n)
			ip := net.ParseIP(d) != nil
			if !ip && !strings.Contains(d, ".") {
				continue // "alice", "localhost": says nothing of who runs it
			}
			all[i].domains[registered(d)] = true
			if ip {
				continue
			}
			if !strings.Contains(n, "@") {
				// A server: "imap.example.org" has no MX records of its
				// own; the domain it belongs to has (an address's
				// domain is looked up as it is).
				d = registered(d)
			}
			for _, s := range lookup(d) {
				all[i].servers[s] = true
			}
		}
	}
	var ws []Warning
	for i := range places {
		for j := i + 1; j < len(places); j++ {
			if d := shared(all[i].domains, all[j].domains); d != "" {
				ws = append(ws, Warning{A: places[i].Label, B: places[j].Label, Provider: d, Reason: SameDomain})
			} else if s := shared(all[i].servers, all[j].servers); s != "" {
				ws = append(ws, Warning{A: places[i].Label, B: places[j].Label, Provider: s, Reason: SameMailServers})
			}
		}
	}
	return ws, errors.Join(errs...)
}

// shared is the first (in order) key in both sets, or "".
func shared(a, b map[string]bool) string {
	var keys []string
	for k := range a {
		if b[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// domainOf is the domain of an address, or a host name itself,
// normalised; "" when there is none.
func domainOf(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexByte(name, '@'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]") // [127.0.0.1]
	return normalize(name)
}

// normalize lowercases a name, drops a final dot and spells it in ASCII
// (xn--), so "Ísland.IS." and "xn--sland-ysa.is" compare equal.
func normalize(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	if h == "" || net.ParseIP(h) != nil {
		return h
	}
	if a, err := idna.Lookup.ToASCII(h); err == nil {
		return a
	}
	return h
}

// registered is the domain a name was registered under ("mail.example.co.uk"
// -> "example.co.uk"), or the name itself for IP addresses, single
// labels and public suffixes.
func registered(h string) string {
	if net.ParseIP(h) != nil {
		return h
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
		return d
	}
	return h
}
