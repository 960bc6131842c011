package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/platform"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// runRecoverEphemeral is round 1 of recovering a secret the reference
// client protected in ephemeral mode, from the recovery name it showed
// ("passcrow.example.org:b2EW-tknt-Ykme-dZgj"): without --code the server
// sends a code; with it, the escrowed pack is fetched and stored, and
// verify and recover do round 2 as for any pack. The user key is never
// printed: with the e-mail account it opens the pack. "SERVER:-" reads
// it from standard input (without echo at a terminal), so it stays out
// of the process's arguments.
func runRecoverEphemeral(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "recover-ephemeral", "SERVER:USERKEY|SERVER:- [--code C|--code -] [--name NAME] [--language en] [--force] [--trust-servers]", &c)
	code := fs.String("code", "", "the code the server sent (starts with 1); - reads it from standard input "+
		"(after the user key, when that is read too); without it, the server is asked to send one")
	name := fs.String("name", "", "store the pack under `NAME` (default: the pack's own name)")
	lang := fs.String("language", "en", "language of the message with the code (en, is)")
	force := fs.Bool("force", false, "replace an item of the same name")
	trust := trustFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("recover-ephemeral: give exactly one recovery name SERVER:USERKEY (got %d arguments)", len(pos))
	}
	recoveryName := pos[0]
	if server, ok := strings.CutSuffix(recoveryName, ":-"); ok {
		key, err := e.readHiddenLine("User key (XXXX-XXXX-XXXX-XXXX): ")
		if err != nil {
			return usagef("recover-ephemeral: reading the user key from standard input: %v", err)
		}
		recoveryName = server + ":" + key
	}
	r, err := e.ephemeralRecovery(recoveryName) // proxy.go
	if err != nil {
		return usagef("recover-ephemeral: %v", err)
	}
	if *name != "" {
		if err := packstore.ValidateName(*name); err != nil {
			return usagef("recover-ephemeral: --name: %v", err)
		}
	}
	if *code == "-" {
		if e.terminal {
			fmt.Fprint(e.stderr, "code: ")
		}
		if *code, err = e.readLine(); err != nil {
			return usagef("recover-ephemeral: --code -: %v", err)
		}
	}
	// A code that cannot be a round-1 code is refused before anything
	// is sent or derived (Finish would refuse it too, but later).
	if *code != "" {
		if _, _, err := recovery.RouteCode([]recovery.Record{{Prefix: recovery.EphemeralPrefix}}, *code); err != nil {
			return err
		}
	}
	r.Progress = e.derivationPrinter()
	ctx := context.Background()
	// The escrow key derived from the user key, and the code, go to
	// the server in the recovery name: one the user chose, or trusts.
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	e.notice("  this recovery name contacts: %s", termtext.Clean(r.Server()))
	var unknown []string
	if !knownServer(r.Server(), e.knownServers(st)) {
		unknown = []string{r.Server()}
	}
	if err := e.trustServers("recover-ephemeral", "this recovery name", st, []string{r.Server()}, unknown, *trust); err != nil {
		return err
	}

	if *code == "" {
		e.notice("  deriving 2 keys from the recovery name: about %d seconds, %d GiB of memory", 2*secondsPerDerivation, recovery.EphemeralKDFMemory>>30)
		ch, err := r.RequestCode(ctx, *lang)
		if err != nil {
			return err
		}
		s := sentFrom(ch)
		res := map[string]any{"server": r.Server(), "prefix": s.Prefix, "hint": s.Hint}
		if s.ActionURL != "" {
			res["action_url"] = s.ActionURL
		}
		if s.ActionURLRefused != "" {
			res["action_url_refused"] = s.ActionURLRefused
		}
		if s.Expires != "" {
			res["expires"] = s.Expires
		}
		text := s.text() + "Then: passcrow recover-ephemeral SERVER:- --code -  (the user key, then the code, on standard input)\n"
		e.result(&c, res, text)
		return nil
	}

	// Everything that could fail after the code is spent is checked
	// first: the store opens, and a given name is free.
	if *name != "" && !*force {
		if _, err := packstore.Load(st, *name); err == nil {
			return fmt.Errorf("recover-ephemeral: %q exists already (use another --name or --force)", *name)
		}
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
			e.notice("  the pack is called %q; stored as %q", termtext.Clean(p.Name), store)
		}
	}
	if err := packstore.Save(st, store, p); err != nil {
		return fmt.Errorf("recover-ephemeral: %w", err)
	}
	e.warnUnknownServers(st, p)
	info := packSummary(p)
	info.Name = store
	e.result(&c, info, fmt.Sprintf("Recovered the pack of %q from %s.\n%sNext: passcrow verify %s, then passcrow recover %s --code -\n",
		termtext.Clean(store), termtext.Clean(r.Server()), info.text(), termtext.Clean(store), termtext.Clean(store)))
	return nil
}

// knownServer reports whether server is among known, comparing names as
// a Client gives them.
func knownServer(server string, known []string) bool {
	want := serverName(server)
	for _, k := range known {
		if serverName(k) == want {
			return true
		}
	}
	return false
}

func serverName(s string) string {
	if c, err := recovery.NewClient(s); err == nil {
		return c.Server()
	}
	return strings.TrimSpace(s)
}

// secondsPerDerivation is a rough time for one scrypt derivation of
// ephemeral mode on a desktop (2 to 5 s were measured on a busy 2-core
// machine), for telling the user what to expect.
const secondsPerDerivation = 3

// freeName is the pack's own name when it can be stored and is free, else
// the first free "NAME-2", "NAME-3", ...: the code is spent by now, so the
// pack must be kept somewhere, and nothing stored is replaced.
func freeName(st platform.Store, own string) string {
	// The name is the pack's: whoever made it chose it.
	base := strings.TrimSpace(termtext.Clean(own))
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
