package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"

	"github.com/passcrow/passcrow-desktop/platform"
)

// runRemind is what autostart runs at login: it looks at every pack and
// shows a system notification only when renewal is due, then exits.
func runRemind(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "remind", "[--interval-days N] [--quiet]", &c)
	days := fs.Int("interval-days", 365, "renew at least this often, even when nothing expires soon")
	quiet := fs.Bool("quiet", false, "do not show a notification, only print")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		// Not ignored: "remind quiet" means something it does not do.
		return usagef("remind: takes no arguments, only flags (got %q)", pos[0])
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	names, err := packstore.Names(st)
	if err != nil {
		return err
	}
	var due []string
	for _, n := range names {
		p, err := packstore.Load(st, n)
		if err != nil {
			e.notice("passcrow: %v", err)
			continue
		}
		if p.DueForRenewal(time.Now(), time.Duration(*days)*24*time.Hour) {
			due = append(due, n)
		}
	}
	text := "Nothing is due for renewal.\n"
	if len(due) > 0 {
		body := fmt.Sprintf("Renew the recovery of %s so it keeps working. Open Passcrow to renew.", strings.Join(due, ", "))
		text = body + "\n"
		if !*quiet {
			if err := platform.Notify("Passcrow: renewal due", body); err != nil {
				e.notice("passcrow: could not show a notification: %v", err)
			}
		}
	}
	e.result(&c, map[string]any{"due": append([]string{}, due...)}, text)
	return nil
}
