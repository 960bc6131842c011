package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

const recoverSynopsis = "NAME [--code C ... | --code -] [--out F] [--trust-servers]"

func runRecover(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "recover", recoverSynopsis, &c)
	var codes strList
	fs.Var(&codes, "code", "a verification code, in any order (repeat); - reads them from standard input, one per line. "+
		"Codes given here can be seen by other programs while this runs: prefer - or, at a terminal, no --code (you are asked)")
	out := fs.String("out", "", "write the secret to `FILE` (0600) instead of standard output")
	trust := trustFlag(fs)
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if len(codes) == 0 && !e.terminal {
		return usagef("recover: give the codes you received with --code, or --code - to read them from standard input")
	}
	st, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	if err := e.checkServers("recover", st, p, *trust); err != nil {
		return err
	}
	r := recovery.NewRecovery(p, keepers())
	now := time.Now()
	if earlier := packstore.LoadPartial(st, name, p, now); len(earlier) > 0 {
		r.Resume(earlier)
		have, need := r.Progress()
		e.notice("  continuing: %d of %d codes were accepted earlier", have, need)
	}
	if len(codes) == 0 {
		codes, err = e.promptCodes(p, r.Fetched())
	} else {
		codes, err = e.expandCodes("recover", codes)
	}
	if err != nil {
		return err
	}
	if err := enoughCodes(p, r, codes); err != nil {
		return err
	}
	if *out != "" {
		// Codes work once: find out now, not after spending them, that
		// the secret could not be written.
		if err := checkWritable(*out); err != nil {
			return fmt.Errorf("recover: --out %q: %w", *out, err)
		}
	}
	lastErr := e.submitCodes(r, p, codes)
	// From here on the codes are spent: what they fetched is kept until
	// the secret is safely written, though never enough to open it.
	if have, need := r.Progress(); have < need {
		e.keepPartial(st, name, p, r.Fetched(), now)
		if lastErr != nil {
			return fmt.Errorf("recover: %d of %d codes accepted: %w", have, need, lastErr)
		}
		return fmt.Errorf("recover: %w: %d of %d codes accepted", recovery.ErrNeedMoreCodes, have, need)
	}
	secret, bad, err := r.Secret()
	if err != nil {
		e.keepPartial(st, name, p, r.Fetched(), now)
		return fmt.Errorf("recover: %w", err)
	}
	if bad != nil {
		e.notice("passcrow: warning: %v", bad)
	}
	if e.beforeWrite != nil {
		e.beforeWrite(*out)
	}
	if err := e.writeSecret(&c, name, *out, secret); err != nil {
		e.keepPartial(st, name, p, r.Fetched(), now)
		return err
	}
	if err := packstore.DeletePartial(st, name); err != nil {
		e.notice("passcrow: could not remove the kept codes: %v", err)
	}
	return nil
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

// submitCodes trades each typed code for its location's fragment and
// returns the last error; the other codes may still be enough.
func (e *env) submitCodes(r *recovery.Recovery, p *recovery.Pack, codes []string) error {
	ctx := context.Background()
	var lastErr error
	for _, code := range codes {
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
		have, need := r.Progress()
		e.notice("  %s  accepted (%d of %d)", rec.Prefix, min(have, need), need)
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

// enoughCodes refuses before any server is asked when the typed codes
// cannot be enough: each code works once, so a run that cannot finish
// should not spend them (those it does spend are kept, see partial.go).
func enoughCodes(p *recovery.Pack, r *recovery.Recovery, codes []string) error {
	have, need := r.Progress()
	fetched := r.Fetched()
	prefixes := map[int]bool{}
	for _, c := range codes {
		i, _, err := recovery.RouteCode(p.Records, c)
		if err != nil {
			return fmt.Errorf("recover: %w", err)
		}
		if _, done := fetched[p.Records[i].Prefix]; !done {
			prefixes[i] = true
		}
	}
	if have+len(prefixes) < need {
		return fmt.Errorf("recover: %w: %d codes for different locations are needed, %d given (%d accepted earlier)",
			recovery.ErrNeedMoreCodes, need, len(prefixes), have)
	}
	return nil
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
