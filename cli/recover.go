package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

const recoverSynopsis = "NAME [--code C ... | --code -] [--sheet-text -] [--file F ...] [--imap-password-file [ACCOUNT=]F] [--out F] [--trust-servers]"

// maxSheetText bounds what --sheet-text - reads: sheets are short.
const maxSheetText = 1 << 20

func runRecover(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "recover", recoverSynopsis, &c)
	var codes, files strList
	fs.Var(&codes, "code", "a verification code, in any order (repeat); - reads them from standard input, one per line. "+
		"Codes given here can be seen by other programs while this runs: prefer - or, at a terminal, no --code (you are asked)")
	sheetText := fs.String("sheet-text", "", "- reads the text typed from printed sheets from standard input (several sheets may follow each other)")
	fs.Var(&files, "file", "a `FILE` that holds a fragment: a photo or scan of a sheet (PNG, JPEG), a friend's letter (.eml) "+
		"or its attachment, a fragment file from a USB stick (repeat)")
	logins := mailboxFlags(fs)
	out := fs.String("out", "", "write the secret to `FILE` (0600) instead of standard output")
	trust := trustFlag(fs)
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if *sheetText != "" && *sheetText != "-" {
		return usagef("recover: --sheet-text takes - (the text on standard input); a sheet's text is never an argument")
	}
	if *sheetText == "-" && slices.Contains(codes, "-") {
		return usagef("recover: --sheet-text - and --code - both read standard input; give the codes at the prompt or with --code C")
	}
	if len(codes) == 0 && *sheetText == "" && len(files) == 0 && len(logins.files) == 0 && !e.terminal {
		return usagef("recover: give the codes you received with --code, or --code - to read them from standard input " +
			"(or what holds the other fragments: --sheet-text -, --file, --imap-password-file)")
	}
	if err := logins.ready(); err != nil {
		return err
	}
	st, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	if len(recovery.PackServers(p)) > 0 && (len(codes) > 0 || e.terminal) {
		// Codes go to the pack's servers: it names them, and refuses ones
		// never chosen, before anything is typed or sent.
		if err := e.checkServers("recover", st, p, *trust); err != nil {
			return err
		}
	}
	r := recovery.NewRecovery(p, e.keepers(logins))
	now := time.Now()
	earlier := packstore.LoadPartial(st, name, p, now)
	if len(earlier) > 0 {
		r.Resume(earlier)
		have, need := r.Progress()
		e.notice("  continuing: %d of %d codes were accepted earlier", have, need)
	}
	g := &gathering{e: e, ctx: context.Background(), p: p, r: r}
	if *sheetText == "-" {
		if e.terminal {
			fmt.Fprintln(e.stderr, "Type the sheet's text (several sheets may follow each other), then Ctrl-D.")
		}
		b, err := io.ReadAll(io.LimitReader(e.input(), maxSheetText))
		if err != nil {
			return fmt.Errorf("recover: --sheet-text -: %w", err)
		}
		g.text("the sheet text on standard input", string(b))
	}
	for _, f := range files {
		if g.open() {
			break
		}
		g.file(f)
	}
	if e.willLogIn(p, logins) && !g.open() {
		if err := e.checkMailHosts("recover", st, p, *trust); err != nil {
			return err
		}
		g.mailboxes(logins)
	}
	if !g.open() {
		if len(codes) == 0 && e.terminal {
			codes, err = e.prompt(g)
		} else {
			codes, err = e.expandCodes("recover", codes)
		}
		if err != nil {
			return err
		}
	}
	if g.open() {
		if len(codes) > 0 {
			e.notice("  the codes given were not needed, and were not sent: they still work")
		}
		return e.recovered(&c, st, name, *out, g)
	}
	if err := enoughCodes(g, codes); err != nil {
		if len(r.Fetched()) > len(earlier) {
			e.keepPartial(st, name, p, r.Fetched(), now)
		}
		return err
	}
	if *out != "" {
		// Codes work once: find out now, not after spending them, that
		// the secret could not be written.
		if err := checkWritable(*out); err != nil {
			return fmt.Errorf("recover: --out %q: %w", *out, err)
		}
	}
	lastErr := e.submitCodes(g, codes)
	// From here on the codes are spent: what they fetched is kept until
	// the secret is safely written, though never enough to open it.
	if !g.open() {
		e.keepPartial(st, name, p, r.Fetched(), now)
		return g.incomplete(lastErr)
	}
	return e.recovered(&c, st, name, *out, g)
}

// recovered writes the opened secret and tidies up.
func (e *env) recovered(c *commonFlags, st platform.Store, name, out string, g *gathering) error {
	if g.bad != nil {
		e.notice("passcrow: warning: %v", g.bad)
	}
	if out != "" {
		if err := checkWritable(out); err != nil {
			return fmt.Errorf("recover: --out %q: %w", out, err)
		}
	}
	if e.beforeWrite != nil {
		e.beforeWrite(out)
	}
	if err := e.writeSecret(c, name, out, g.secret); err != nil {
		e.keepPartial(st, name, g.p, g.r.Fetched(), time.Now())
		return err
	}
	if err := packstore.DeletePartial(st, name); err != nil {
		e.notice("passcrow: could not remove the kept codes: %v", err)
	}
	return nil
}

// incompleteError is a recovery that cannot finish yet: what is still
// needed, per group, and what went wrong with what was given.
type incompleteError struct {
	err    error
	groups []groupProgress
	needs  []map[string]string
	probs  []problem
}

func (i *incompleteError) Error() string { return i.err.Error() }
func (i *incompleteError) Unwrap() error { return i.err }
func (i *incompleteError) jsonFields() map[string]any {
	m := map[string]any{"needs": i.needs}
	if len(i.groups) > 0 {
		m["groups"] = i.groups
	}
	if len(i.probs) > 0 {
		m["problems"] = i.probs
	}
	return m
}

// incomplete says what is still needed; cause is the last failure.
func (g *gathering) incomplete(cause error) error {
	fetched := g.r.Fetched()
	needs := g.r.Needs()
	progress := progressText(g.p, fetched)
	g.e.notice("  not enough yet (%s); still to come:\n%s", progress, strings.TrimRight(needsLines(g.p, needs), "\n"))
	if len(g.p.Groups) == 0 {
		progress += " accepted"
	}
	ie := &incompleteError{groups: groupsJSON(g.p, fetched), probs: g.problems, needs: []map[string]string{}}
	for _, rec := range g.p.Records {
		if ask, ok := needs[rec.Prefix]; ok {
			how := "code"
			if ask != 0 {
				how = howToGive(rec)
			}
			ie.needs = append(ie.needs, map[string]string{"prefix": rec.Prefix, "hint": termtext.Clean(rec.Hint), "give": how})
		}
	}
	switch {
	case g.openErr != nil:
		ie.err = fmt.Errorf("recover: %w", g.openErr)
	case cause != nil:
		ie.err = fmt.Errorf("recover: %s: %w", progress, cause)
	default:
		ie.err = fmt.Errorf("recover: %w: %s", recovery.ErrNeedMoreCodes, progress)
	}
	return ie
}

// keepPartial keeps fragments for the next run, at most one fewer than
// the pack needs (packstore.SavePartial), and says what the user must do:
// run recover again with other codes, and for a location whose fragment
// could not be kept, ask for its code again.
func (e *env) keepPartial(st platform.Store, name string, p *recovery.Pack, fetched map[string]recovery.Fragment, now time.Time) {
	kept, err := packstore.SavePartial(st, name, p, fetched, now)
	if err != nil {
		e.notice("passcrow: could not keep the accepted codes for the next run: %v", err)
		kept = nil
	}
	var dropped []string
	for _, r := range p.Records {
		if _, ok := fetched[r.Prefix]; ok && !slices.Contains(kept, r.Prefix) {
			dropped = append(dropped, r.Prefix)
		}
	}
	if len(kept) > 0 {
		e.notice("  the codes starting with %s are kept for a day: run recover again with the others", strings.Join(kept, ", "))
	}
	if len(dropped) > 0 {
		// Keeping them all would leave the secret open to anyone who
		// reads the store, without a single code.
		e.notice("  the codes starting with %s were used but cannot be kept (kept codes must never open the secret alone): "+
			"ask for them again with passcrow verify %s", strings.Join(dropped, ", "), name)
	}
}

// submitCodes trades each typed code for its location's fragment, until
// the secret opens, and returns the last error; the other codes may
// still be enough. Codes not needed are not sent, so they still work.
func (e *env) submitCodes(g *gathering, codes []string) error {
	ctx := context.Background()
	var lastErr error
	p, r := g.p, g.r
	for i, code := range codes {
		if g.open() {
			if left := len(codes) - i; left > 0 {
				e.notice("  %d codes were not needed, and were not sent: they still work", left)
			}
			break
		}
		if i, _, err := recovery.RouteCode(p.Records, code); err == nil {
			if _, done := r.Fetched()[p.Records[i].Prefix]; done {
				// Retyped after an earlier run (or twice): sending it
				// again would only fail, as the server spent it.
				e.notice("  %s  accepted earlier", p.Records[i].Prefix)
				continue
			}
		}
		rec, err := r.SubmitCode(ctx, code)
		if err != nil {
			// The error names the code's prefix; the code itself stays
			// off the terminal and out of a bundling app's logs.
			e.notice("passcrow: %v", err)
			lastErr = err
			continue
		}
		e.notice("  %s  accepted (%s)", rec.Prefix, progressText(p, r.Fetched()))
	}
	return lastErr
}

// writeSecret puts the recovered secret where the user asked.
func (e *env) writeSecret(c *commonFlags, name, out string, secret []byte) error {
	if out != "" {
		if err := atomicfile.WriteFile(out, secret); err != nil {
			return fmt.Errorf("recover: writing %q: %w", out, err)
		}
		e.result(c, map[string]any{"name": name, "out": out, "bytes": len(secret)},
			fmt.Sprintf("Recovered %q into %s. Consider setting a new password now.\n", name, out))
		return nil
	}
	if c.json {
		res := map[string]any{"name": name, "secret_base64": base64.StdEncoding.EncodeToString(secret)}
		if utf8.Valid(secret) {
			res["secret"] = string(secret)
		}
		writeJSON(e.stdout, res)
		return nil
	}
	if _, err := e.stdout.Write(secret); err != nil {
		return fmt.Errorf("recover: writing the secret: %w", err)
	}
	return nil
}

// enoughCodes refuses before any server is asked when the typed codes,
// with the fragments in already, cannot be enough (for a grouped policy:
// in enough groups): each code works once, so a run that cannot finish
// should not spend them (those it does spend are kept, see partial.go).
func enoughCodes(g *gathering, codes []string) error {
	p := g.p
	fetched := g.r.Fetched()
	with := map[string]bool{}
	for k := range fetched {
		with[k] = true
	}
	newPrefixes := 0
	for _, c := range codes {
		i, _, err := recovery.RouteCode(p.Records, c)
		if err != nil {
			return fmt.Errorf("recover: %w", err)
		}
		if pr := p.Records[i].Prefix; !with[pr] {
			with[pr] = true
			newPrefixes++
		}
	}
	if enoughFrom(p, with) {
		return nil
	}
	if len(codes) == 0 {
		return g.incomplete(nil)
	}
	if len(p.Groups) == 0 {
		return fmt.Errorf("recover: %w: %d codes for different locations are needed, %d given (%d accepted earlier)",
			recovery.ErrNeedMoreCodes, p.Need(), newPrefixes, len(fetched))
	}
	as := map[string]recovery.Fragment{}
	for k := range with {
		as[k] = nil
	}
	ie := g.incomplete(nil).(*incompleteError)
	ie.groups = groupsJSON(p, as)
	ie.err = fmt.Errorf("recover: %w before any code is sent: with these codes, %s", recovery.ErrNeedMoreCodes, progressText(p, as))
	return ie
}

// checkWritable tells whether a file can be created at path, by creating
// and removing an empty temporary file beside it (as the atomic write
// will), so a wrong directory or permission shows before codes are spent.
func checkWritable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a directory")
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".passcrow-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
