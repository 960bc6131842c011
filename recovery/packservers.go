package recovery

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// PackServers lists the distinct Passcrow servers that recovering or
// forgetting p contacts (every passcrow record's server, and the
// Ephemeral record's), in pack order, each named as a Client names it
// (Client.Server: "passcrow.example.org", "http://127.0.0.1:8080").
// A pack from elsewhere can name any server, and the recovery sends
// the escrow ids and keys there, so callers show this list, or
// UnknownServers, before anything is sent.
//
// A server name no client would accept (plain http to the Internet, a
// URL with a password) is listed as written, trimmed: such a pack is
// worth a warning too. Records of KindPasscrow and of the kinds given to
// RegisterServerKind (an heir's, whose ids and owner token go to its
// server too) count, by their data's "server"; the others (a mailbox, a
// sheet) name no Passcrow server.
func PackServers(p *Pack) []string {
	if p == nil {
		return nil
	}
	var out []string
	add := func(r *Record) {
		if r == nil || !isServerKind(r.Kind) {
			return
		}
		var d struct {
			Server string `json:"server"`
		}
		if json.Unmarshal(r.Data, &d) != nil || strings.TrimSpace(d.Server) == "" {
			return
		}
		name := normalServer(d.Server)
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	for i := range p.Records {
		add(&p.Records[i])
	}
	add(p.Ephemeral)
	return out
}

// UnknownServers is PackServers(p) less the servers in known, compared
// in the form a Client names them, so "passcrow.example.org" and
// "https://passcrow.example.org/" are the same server.
func UnknownServers(p *Pack, known []string) []string {
	have := make(map[string]bool, len(known))
	for _, k := range known {
		have[normalServer(k)] = true
	}
	var out []string
	for _, s := range PackServers(p) {
		if !have[s] {
			out = append(out, s)
		}
	}
	return out
}

// normalServer is the name a Client gives server, or the trimmed input
// when no Client would accept it.
func normalServer(server string) string {
	if _, name, err := parseServerURL(server, true); err == nil {
		return name
	}
	return strings.TrimSpace(server)
}

var (
	serverKindsMu sync.Mutex
	serverKinds   = map[string]bool{KindPasscrow: true}
)

// RegisterServerKind says records of kind keep their fragment on a
// Passcrow server named by their data's "server", so PackServers lists
// it. Kinds register in an init function.
func RegisterServerKind(kind string) {
	serverKindsMu.Lock()
	defer serverKindsMu.Unlock()
	serverKinds[kind] = true
}

func isServerKind(kind string) bool {
	serverKindsMu.Lock()
	defer serverKindsMu.Unlock()
	return serverKinds[kind]
}
