package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// runRecoverEphemeral is round 1 of recovering a secret the reference
// client protected in ephemeral mode, from the recovery name it showed
// ("passcrow.example.org:b2EW-tknt-Ykme-dZgj"): without --code the server
// sends a code; with it, the escrowed pack is fetched and stored, and
// verify and recover do round 2 as for any pack. The user key is never
// printed: with the e-mail account it opens the pack.
func runRecoverEphemeral(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "recover-ephemeral", "SERVER:USERKEY [--code C] [--name NAME] [--language en] [--force]", &c)
	code := fs.String("code", "", "the code the server sent (starts with 1); without it, the server is asked to send one")
	name := fs.String("name", "", "store the pack under `NAME` (default: the pack's own name)")
	lang := fs.String("language", "en", "language of the message with the code (en, is)")
	force := fs.Bool("force", false, "replace an item of the same name")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("recover-ephemeral: give exactly one recovery name SERVER:USERKEY (got %d arguments)", len(pos))
	}
	r, err := recovery.NewEphemeralRecovery(pos[0])
	if err != nil {
		return usagef("recover-ephemeral: %v", err)
	}
	if *name != "" {
		if err := packstore.ValidateName(*name); err != nil {
			return usagef("recover-ephemeral: --name: %v", err)
		}
	}
	r.Progress = e.derivationPrinter()
	ctx := context.Background()

	if *code == "" {
		e.notice("  deriving 2 keys from the recovery name: about %d seconds, %d GiB of memory", 2*secondsPerDerivation, recovery.EphemeralKDFMemory>>30)
		ch, err := r.RequestCode(ctx, *lang)
		if err != nil {
			return err
		}
		res := map[string]any{"server": r.Server(), "prefix": ch.Prefix, "hint": ch.Hint}
		text := fmt.Sprintf("  %s  code sent to %s", ch.Prefix, ch.Hint)
		if ch.ActionURL != "" {
			res["action_url"] = ch.ActionURL
			text += fmt.Sprintf(" (visit %s)", ch.ActionURL)
		}
		if !ch.Expires.IsZero() {
			res["expires"] = ch.Expires.Local().Format(time.RFC3339)
		}
		text += "\nThen: passcrow recover-ephemeral SERVER:USERKEY --code C\n"
		e.result(&c, res, text)
		return nil
	}

	// Everything that could fail after the code is spent is checked
	// first: the store opens, and a given name is free.
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	if *name != "" && !*force {
		if _, err := packstore.Load(st, *name); err == nil {
			return fmt.Errorf("recover-ephemeral: %q exists already (use another --name or --force)", *name)
		}
	}
	// A code that cannot be a round-1 code is refused before seconds of
	// key derivation (Finish would refuse it too, but after the notice).
	if _, _, err := recovery.RouteCode([]recovery.Record{{Prefix: recovery.EphemeralPrefix}}, *code); err != nil {
		return err
	}
	e.notice("  deriving 3 keys from the recovery name: about %d seconds, %d GiB of memory", 3*secondsPerDerivation, recovery.EphemeralKDFMemory>>30)
	p, err := r.Finish(ctx, *code)
	if err != nil {
		return err
	}
	store := *name
	if store == "" {
		store = freeName(st, p.Name)
		if store != p.Name {
			e.notice("  the pack is called %q; stored as %q", p.Name, store)
		}
	}
	if err := packstore.Save(st, store, p); err != nil {
		return fmt.Errorf("recover-ephemeral: %w", err)
	}
	info := packSummary(p)
	info.Name = store
	e.result(&c, info, fmt.Sprintf("Recovered the pack of %q from %s.\n%sNext: passcrow verify %s, then passcrow recover %s --code C\n",
		store, r.Server(), info.text(), store, store))
	return nil
}

// secondsPerDerivation is a rough time for one scrypt derivation of
// ephemeral mode on a desktop (2 to 5 s were measured on a busy 2-core
// machine), for telling the user what to expect.
const secondsPerDerivation = 3

// freeName is the pack's own name when it can be stored and is free, else
// the first free "NAME-2", "NAME-3", ...: the code is spent by now, so the
// pack must be kept somewhere, and nothing stored is replaced.
func freeName(st platform.Store, own string) string {
	base := strings.TrimSpace(own)
	if base == "" || packstore.ValidateName(base) != nil {
		base = "ephemeral"
	}
	taken := func(n string) bool {
		_, err := st.Get(packstore.Prefix + n)
		return !errors.Is(err, platform.ErrNotFound)
	}
	if !taken(base) {
		return base
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s-%d", base, i)
		if !taken(n) {
			return n
		}
	}
}

// derivationPrinter reports each derived key on stderr with the time it
// took, so minutes of silence on a slow machine do not look like a hang.
func (e *env) derivationPrinter() func(recovery.Progress) {
	var mu sync.Mutex
	last := time.Now()
	return func(p recovery.Progress) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		fmt.Fprintf(e.stderr, "  %s: %.0f%% (%.1f s)\n", p.Stage, 100*p.Fraction, now.Sub(last).Seconds())
		last = now
	}
}
