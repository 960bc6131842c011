package cli

import (
	"fmt"
	"strconv"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
)

func init() {
	locationKinds["heir"] = locationKind{
		about: "an heir's address on a Passcrow server of ours that waits DAYS after the heir's code, telling you, so you can stop it: " +
			"lets your heir recover with a printed sheet (passcrow heir-sheet); costs nothing at your own recovery",
		syntax: "heir=email:ADDR,server=URL,notify=email:YOUR-ADDR,days=N[,lang=en|is]",
		plan:   planHeir,
	}
	keeperMakers = append(keeperMakers, func(e *env, _ *mailLogins) recovery.Keeper {
		return &heir.Keeper{Client: e.newClient}
	})
}

func planHeir(e *env, s *locSpec, pc *planContext) (*planned, error) {
	server, ok, err := s.opt("server")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, usagef("--location %q: give the Passcrow server that keeps the heir's piece: server=URL", s.raw)
	}
	notify, ok, err := s.opt("notify")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, usagef("--location %q: give your own address, told when the heir asks: notify=email:ADDR", s.raw)
	}
	daysText, err := s.optOr("days", "14")
	if err != nil {
		return nil, err
	}
	days, err := strconv.Atoi(daysText)
	if err != nil || days < 1 {
		return nil, usagef("--location %q: days=%q is not a number of days", s.raw, daysText)
	}
	lang, err := s.choice("lang", pc.lang, "en", "is")
	if err != nil {
		return nil, err
	}
	c, ok := pc.clients[server]
	if !ok {
		if c, err = pc.newClient(server); err != nil {
			return nil, fmt.Errorf("--location %s: %w", s.raw, err)
		}
		c.MaxHashcashBits = pc.maxBits
		pc.clients[server] = c
	}
	l, err := heir.NewLocation(c, heir.Options{Heir: s.value, Notify: notify, DelayDays: days, Language: lang})
	if err != nil {
		return nil, usagef("--location %q: %v", s.raw, err)
	}
	return &planned{loc: l, label: fmt.Sprintf("the heir %s, after %d days, via %s", s.value, days, c.Host()), servers: []string{c.Server()}}, nil
}
