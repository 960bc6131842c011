package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// errTooFewSent means fewer locations sent a code than recovery needs.
var errTooFewSent = errors.New("too few locations could send a code")

func runVerify(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "verify", "NAME [--language en]", &c)
	lang := fs.String("language", "en", "language of the messages with the codes (en, is)")
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	st, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	type sent struct {
		Prefix    string `json:"prefix"`
		Hint      string `json:"hint,omitempty"`
		ActionURL string `json:"action_url,omitempty"`
		Expires   string `json:"expires,omitempty"`
		Error     string `json:"error,omitempty"`
	}
	r := recovery.NewRecovery(p, keepers())
	// Locations whose codes an unfinished recover run already used need
	// no new code.
	r.Resume(loadPartial(st, name, p, time.Now()))
	results := r.RequestCodes(context.Background(), *lang)
	out := []sent{}
	var text strings.Builder
	ok := 0
	for _, r := range results {
		s := sent{Prefix: r.Record.Prefix}
		if r.Err != nil {
			s.Error = r.Err.Error()
			fmt.Fprintf(&text, "  %s  could not send a code: %v\n", s.Prefix, r.Err)
		} else {
			ok++
			s.Hint, s.ActionURL = r.Challenge.Hint, r.Challenge.ActionURL
			if !r.Challenge.Expires.IsZero() {
				s.Expires = r.Challenge.Expires.Local().Format(time.RFC3339)
			}
			fmt.Fprintf(&text, "  %s  code sent to %s", s.Prefix, s.Hint)
			if s.ActionURL != "" {
				fmt.Fprintf(&text, " (visit %s)", s.ActionURL)
			}
			text.WriteString("\n")
		}
		out = append(out, s)
	}
	fmt.Fprintf(&text, "Codes start with the letter shown. Type %d of them: passcrow recover %s --code C ...\n", p.Need(), name)
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
