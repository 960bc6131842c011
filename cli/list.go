package cli

import (
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
)

func runList(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "list", "", &c)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("list: takes no arguments")
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	names, err := packstore.Names(st)
	if err != nil {
		return err
	}
	items := []packInfo{}
	var text strings.Builder
	for _, n := range names {
		p, err := packstore.Load(st, n)
		if err != nil {
			e.notice("passcrow: %v", err)
			continue
		}
		info := packSummary(p)
		info.Name = n
		items = append(items, info)
		text.WriteString(info.text())
	}
	if len(items) == 0 {
		text.WriteString("Nothing is protected yet (see passcrow protect --help).\n")
	}
	e.result(&c, map[string]any{"items": items}, text.String())
	return nil
}
