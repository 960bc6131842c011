package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// errTooFewSent means fewer locations sent a code than recovery needs.
var errTooFewSent = errors.New("too few locations could send a code")

func runVerify(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "verify", "NAME [--language en] [--trust-servers]", &c)
	lang := fs.String("language", "en", "language of the messages with the codes (en, is)")
	trust := trustFlag(fs)
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	st, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	if err := e.checkServers("verify", st, p, *trust); err != nil {
		return err
	}
	r := recovery.NewRecovery(p, e.keepers(nil))
	// Locations whose codes an unfinished recover run already used need
	// no new code.
	r.Resume(packstore.LoadPartial(st, name, p, time.Now()))
	results := r.RequestCodesSpread(context.Background(), *lang, e.spread(recovery.PackServers(p)), e.progressPrinter())
	out := []sentCode{}
	var text strings.Builder
	reachable := map[string]bool{}
	for prefix := range r.Fetched() {
		reachable[prefix] = true
	}
	sent := 0
	for _, r := range results {
		if r.Err != nil {
			s := sentCode{Prefix: r.Record.Prefix, Error: termtext.Clean(r.Err.Error())}
			fmt.Fprintf(&text, "  %s  could not send a code: %s\n", s.Prefix, s.Error)
			out = append(out, s)
			continue
		}
		sent++
		reachable[r.Record.Prefix] = true
		s := sentFrom(r.Challenge)
		s.Prefix = r.Record.Prefix
		text.WriteString(s.text())
		out = append(out, s)
	}
	// Locations that send no code: the user gives what holds them.
	var others []map[string]string
	for _, rec := range p.Records {
		if ask, ok := r.Needs()[rec.Prefix]; ok && ask != 0 {
			reachable[rec.Prefix] = true
			how := howToGive(rec)
			fmt.Fprintf(&text, "  %s  %s: %s\n", rec.Prefix, termtext.Clean(rec.Hint), how)
			others = append(others, map[string]string{"prefix": rec.Prefix, "hint": termtext.Clean(rec.Hint), "give": how})
		}
	}
	switch {
	case len(p.Groups) > 0:
		fmt.Fprintf(&text, "Codes start with the letter shown. Recovery needs %s: passcrow recover %s --code - (or --code C ...)\n", policyText(p), termtext.Clean(name))
	case len(others) > 0:
		fmt.Fprintf(&text, "Codes start with the letter shown. Any %d of these %d recover it: passcrow recover %s --code - (or --code C ...)\n",
			p.Need(), len(p.Records), termtext.Clean(name))
	default:
		fmt.Fprintf(&text, "Codes start with the letter shown. Type %d of them: passcrow recover %s --code - (or --code C ...)\n", p.Need(), termtext.Clean(name))
	}
	res := map[string]any{"name": name, "need": p.Need(), "sent": out}
	if len(others) > 0 {
		res["give"] = others
	}
	if !enoughFrom(p, reachable) {
		err = fmt.Errorf("%w: %d sent, %d needed", errTooFewSent, sent, p.Need())
		if c.json {
			// One object on stdout: what was sent, and the failure.
			res["error"], res["exit"] = err.Error(), exitCode(err)
			err = reportedError{err}
		}
	}
	e.result(&c, res, text.String())
	return err
}
