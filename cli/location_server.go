package cli

import (
	"fmt"
	"strings"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/diversity"
)

func init() {
	locationKinds["server"] = locationKind{
		about:  "a Passcrow server releases it for a code mailed to you: survives a lost computer; recovery needs the code",
		syntax: "server=URL,id=email:ADDR",
		plan:   planServer,
	}
}

func planServer(e *env, s *locSpec, pc *planContext) (*planned, error) {
	id, ok, err := s.opt("id")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, usagef("--location %q: give the identity that gets the code: id=email:ADDR", s.raw)
	}
	where := fmt.Sprintf("--location server=%s", s.value)
	return passcrowPlanned(s.value, id, where, where+",id="+id, pc)
}

// passcrowPlanned is the location of identity id on server, shared by
// --location server=... and the older --id/--server flags; what names
// them in errors.
func passcrowPlanned(server, id, serverWhat, idWhat string, pc *planContext) (*planned, error) {
	c, ok := pc.clients[server]
	if !ok {
		var err error
		if c, err = pc.newClient(server); err != nil {
			return nil, fmt.Errorf("%s: %w", serverWhat, err)
		}
		c.MaxHashcashBits = pc.maxBits
		pc.clients[server] = c
	}
	id = strings.TrimSpace(id)
	l, err := recovery.NewPasscrowLocation(c, id)
	if err != nil {
		return nil, usagef("%s: %v", idWhat, err)
	}
	p := &planned{loc: l, label: id + " via " + c.Server(), servers: []string{c.Server()}}
	if kind, addr, err := recovery.ParseIdentity(id); err == nil && kind == "email" {
		p.label = fmt.Sprintf("codes mailed to %s by %s", addr, c.Host())
		p.places = []diversity.Place{{Label: "e-mail " + addr, Names: []string{addr}}}
	}
	return p, nil
}
