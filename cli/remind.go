package cli

import (
	"slices"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/app/translations"
	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
)

// runRemind is what autostart runs at login: it looks at every pack and
// shows a system notification only when renewal is due, then exits. The
// app writes its own settings into the autostart entry: the renewal
// interval (--interval-days) and, when the user chose one, the language
// (--lang); without --lang the system's language is used, as the app
// does. What the user reads, the notification included, is translated.
func runRemind(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "remind", "[--interval-days N] [--lang en|is] [--quiet]", &c)
	days := fs.Int("interval-days", 365, "renew at least this often, even when nothing expires soon")
	code := fs.String("lang", "", "the language of the notification: "+strings.Join(translations.Languages, " or ")+" (default: the system's)")
	quiet := fs.Bool("quiet", false, "do not show a notification, only print")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		// Not ignored: "remind quiet" means something it does not do.
		return usagef("remind: takes no arguments, only flags (got %q)", pos[0])
	}
	if *days < 1 {
		return usagef("remind: --interval-days must be at least 1 (got %d)", *days)
	}
	if *code != "" && !slices.Contains(translations.Languages, *code) {
		return usagef("remind: --lang must be %s (got %q)", strings.Join(translations.Languages, " or "), *code)
	}
	tr := translations.In(*code)
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
	text := tr.L("Nothing is due for renewal.") + "\n"
	if len(due) > 0 {
		// Each name in quotes: a name such as "soon" must not read as
		// part of the sentence, as if the name were missing.
		var quoted []string
		for _, n := range due {
			quoted = append(quoted, tr.L("“{{.Name}}”", map[string]any{"Name": n}))
		}
		body := tr.L("Renewal is due for {{.Names}}. Open Passcrow and renew, so recovery keeps working.", map[string]any{"Names": strings.Join(quoted, ", ")})
		text = body + "\n"
		if !*quiet {
			if err := platform.Notify(tr.L("Passcrow: renewal due"), body); err != nil {
				e.notice("passcrow: %s", tr.L("could not show a notification: {{.Err}}", map[string]any{"Err": err.Error()}))
			}
		}
	}
	e.result(&c, map[string]any{"due": append([]string{}, due...)}, text)
	return nil
}
