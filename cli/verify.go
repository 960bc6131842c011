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
	r := recovery.NewRecovery(p, keepers())
	// Locations whose codes an unfinished recover run already used need
	// no new code.
	r.Resume(packstore.LoadPartial(st, name, p, time.Now()))
	results := r.RequestCodes(context.Background(), *lang)
	out := []sentCode{}
	var text strings.Builder
	ok := 0
	for _, r := range results {
		if r.Err != nil {
			s := sentCode{Prefix: r.Record.Prefix, Error: termtext.Clean(r.Err.Error())}
			fmt.Fprintf(&text, "  %s  could not send a code: %s\n", s.Prefix, s.Error)
			out = append(out, s)
			continue
		}
		ok++
		s := sentFrom(r.Challenge)
		s.Prefix = r.Record.Prefix
		text.WriteString(s.text())
		out = append(out, s)
	}
	fmt.Fprintf(&text, "Codes start with the letter shown. Type %d of them: passcrow recover %s --code - (or --code C ...)\n", p.Need(), termtext.Clean(name))
	res := map[string]any{"name": name, "need": p.Need(), "sent": out}
	if ok < p.Need() {
		err = fmt.Errorf("%w: %d sent, %d needed", errTooFewSent, ok, p.Need())
		if c.json {
			// One object on stdout: what was sent, and the failure.
			res["error"], res["exit"] = err.Error(), exitCode(err)
			err = reportedError{err}
		}
	}
	e.result(&c, res, text.String())
	return err
}
