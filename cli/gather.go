package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// A gathering is one recover run's fragments from what the user gives
// rather than codes: a sheet's text, files (a photo of a sheet, a
// friend's letter, a fragment file), mailbox logins. Gathering spends
// nothing, so it comes before any code is sent, and stops as soon as the
// secret opens.
type gathering struct {
	e        *env
	ctx      context.Context
	p        *recovery.Pack
	r        *recovery.Recovery
	secret   []byte
	bad      *recovery.BadFragmentError
	openErr  error // why the fragments at hand did not open, when enough
	problems []problem
}

// A problem is what went wrong with one thing the user gave, for the
// JSON: where the typos are, when a sheet's text has some.
type problem struct {
	Input string `json:"input"`
	Error string `json:"error"`
	Typos []typo `json:"typos,omitempty"`
}

// A typo is where papercode found a wrong, missing or extra character:
// its group of four as printed (the "PC1" is group 1) and its place in
// that group, both from 1.
type typo struct {
	Group     int `json:"group"`
	Character int `json:"character"`
}

// open tries the fragments at hand once they could be enough, and tells
// whether the secret is open. A wrong fragment among them is not the end:
// more fragments may outvote it.
func (g *gathering) open() bool {
	if g.secret != nil {
		return true
	}
	have := map[string]bool{}
	for k := range g.r.Fetched() {
		have[k] = true
	}
	if !enoughFrom(g.p, have) {
		return false
	}
	secret, bad, err := g.r.Secret()
	if err != nil {
		g.openErr = err
		return false
	}
	g.secret, g.bad = secret, bad
	return true
}

// accepted says that rec's fragment is in, and how far the recovery is.
func (g *gathering) accepted(rec recovery.Record, how string) {
	g.e.notice("  %s  %s: %s (%s)", rec.Prefix, termtext.Clean(rec.Hint), how, progressText(g.p, g.r.Fetched()))
}

// fail notes a problem with an input and tells the user at once.
func (g *gathering) fail(input string, err error) {
	pr := problem{Input: input, Error: termtext.CleanLines(err.Error()), Typos: typosIn(err)}
	if len(pr.Typos) > 0 {
		// Every location that takes text reports the same typo; it is
		// the text that is wrong, whichever sheet it came from.
		pr.Error = termtext.Clean(typoError(err).Error()) + ": compare it with the sheet (nothing was corrected)"
	}
	g.problems = append(g.problems, pr)
	g.e.notice("passcrow: %s: %s", input, pr.Error)
}

// typoError is the papercode error in err that says where typos are.
func typoError(err error) error {
	var te *papercode.TypoError
	var ce *papercode.CharacterError
	var le *papercode.LengthError
	switch {
	case errors.As(err, &te):
		return te
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &le):
		return le
	}
	return nil
}

func typosIn(err error) []typo {
	var pos []int
	var te *papercode.TypoError
	var ce *papercode.CharacterError
	var le *papercode.LengthError
	switch {
	case errors.As(err, &te):
		pos = te.Positions
	case errors.As(err, &ce):
		pos = ce.Positions
	case errors.As(err, &le):
		pos = []int{le.Position}
	}
	var out []typo
	for _, p := range pos {
		gr, nth := papercode.GroupOf(p)
		out = append(out, typo{Group: gr, Character: nth})
	}
	return out
}

// input gives in to every location still needed that takes it, as often
// as one takes it (a text may hold several sheets), and says how many
// did. what names the input in messages.
func (g *gathering) input(what string, in recovery.Input) int {
	n := 0
	for !g.open() {
		rec, err := g.r.GatherAny(g.ctx, in)
		if err != nil {
			if n == 0 {
				if holdsNothing(err) {
					err = errors.New("it holds no fragment this recovery still needs (another pack's, one given already, or none)")
				}
				g.fail(what, err)
			}
			return n
		}
		n++
		g.accepted(rec, "accepted from "+what)
	}
	return n
}

// holdsNothing tells whether GatherAny found nothing that looks like a
// fragment for any location: every location said "not mine" or "no
// fragment in it" (GatherAny joins what each found when one found more
// than "not mine").
func holdsNothing(err error) bool {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return errors.Is(err, recovery.ErrNotThisPack)
	}
	for _, e := range j.Unwrap() {
		if !errors.Is(e, recovery.ErrNotThisPack) && !errors.Is(e, recovery.ErrNoSealedText) {
			return false
		}
	}
	return true
}

// maxGatherFile bounds a file read for gathering: a phone photo of a
// sheet is a few megabytes; a letter or fragment file far less.
const maxGatherFile = 32 << 20

// file gathers from a file the user names.
func (g *gathering) file(path string) int {
	b, err := readBounded(path, maxGatherFile)
	if err != nil {
		g.fail(path, err)
		return 0
	}
	return g.input(path, recovery.Input{File: b, FileName: filepath.Base(path)})
}

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d MiB: not a photo, letter or fragment file", limit>>20)
	}
	return b, nil
}

// text gathers from typed text: a sheet's, or a pasted fragment.
func (g *gathering) text(what, text string) int {
	if !strings.Contains(strings.ToUpper(text), papercode.Prefix) {
		g.fail(what, fmt.Errorf("no sheet text in it (it starts with %s)", papercode.Prefix))
		return 0
	}
	return g.input(what, recovery.Input{Text: text})
}

// mailboxes logs in to each mailbox whose fragment is still needed, with
// the password from a file or typed at the terminal; one without a
// password is passed over.
func (g *gathering) mailboxes(m *mailLogins) {
	for _, rec := range g.p.Records {
		if g.open() {
			return
		}
		if rec.Kind != mailbox.Kind {
			continue
		}
		if _, done := g.r.Fetched()[rec.Prefix]; done {
			continue
		}
		a, err := mailbox.RecordAccount(rec)
		if err != nil {
			g.fail(termtext.Clean(rec.Hint), err)
			continue
		}
		pw, err := m.password(g.e, a)
		if errors.Is(err, errNoMailboxPassword) {
			continue
		}
		if err != nil {
			g.fail(termtext.Clean(rec.Hint), err)
			continue
		}
		if _, err := g.r.Gather(g.ctx, rec.Prefix, recovery.Input{Login: &recovery.Login{Password: pw}}); err != nil {
			g.fail("the mailbox "+a.Username+" at "+a.Host, err)
			continue
		}
		g.accepted(rec, "read from the mailbox")
	}
}
