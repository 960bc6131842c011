package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/qrscan"
	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
)

// The heir's commands: the owner prints the inheritance sheet
// (heir-sheet), sees whether an heir has asked (heir-status) and stops
// it (heir-stop); the heir, on a fresh install with only the sheet,
// claims (claim). docs/INHERITANCE.md says how the waiting period works.

func init() {
	commands["heir-sheet"] = command{runHeirSheet}
	commands["heir-status"] = command{runHeirStatus}
	commands["heir-stop"] = command{runHeirStop}
	commands["claim"] = command{runClaim}
}

// heirRecords are the pack's heir records; --heir picks one by address.
func heirRecords(p *recovery.Pack, only string) []recovery.Record {
	var out []recovery.Record
	for _, r := range p.Records {
		if r.Kind == heir.Kind && (only == "" || strings.Contains(strings.ToLower(string(r.Data)), strings.ToLower(only))) {
			out = append(out, r)
		}
	}
	return out
}

func runHeirSheet(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "heir-sheet", "NAME --out FILE.pdf [--heir ADDR] [--owner NAME] [--heir-name NAME] [--paper a4|letter] [--lang en|is] [--no-locations]", &c)
	out := fs.String("out", "", "write the sheet's PDF to `FILE` (mode 0600)")
	only := fs.String("heir", "", "the heir's `ADDRESS`, when the pack has several")
	owner := fs.String("owner", "", "your name as the heir knows you (strongly advised)")
	heirName := fs.String("heir-name", "", "the heir's name")
	paperSize := fs.String("paper", "a4", "paper size: a4 or letter")
	lang := fs.String("lang", "en", "language of the sheet: en or is")
	noLocs := fs.Bool("no-locations", false, "leave out where the other pieces are")
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("heir-sheet: give --out FILE.pdf")
	}
	paper := sheet.A4
	switch strings.ToLower(*paperSize) {
	case "a4":
	case "letter":
		paper = sheet.Letter
	default:
		return usagef("heir-sheet: --paper %q is not a4 or letter", *paperSize)
	}
	_, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	recs := heirRecords(p, *only)
	switch {
	case len(recs) == 0:
		return fmt.Errorf("heir-sheet: %q has no heir%s", name, map[bool]string{true: " with that address", false: ""}[*only != ""])
	case len(recs) > 1:
		return usagef("heir-sheet: %q has %d heirs: say which with --heir ADDRESS", name, len(recs))
	}
	var b bytes.Buffer
	if err := heir.WriteSheet(&b, p, recs[0], heir.SheetOptions{Owner: *owner, HeirName: *heirName, Lang: *lang, Paper: paper, NoLocations: *noLocs}); err != nil {
		return fmt.Errorf("heir-sheet: %w", err)
	}
	if err := atomicfile.WriteFile(*out, b.Bytes()); err != nil {
		return fmt.Errorf("heir-sheet: writing %q: %w", *out, err)
	}
	e.result(&c, map[string]any{"name": name, "out": *out, "hint": recs[0].Hint},
		fmt.Sprintf("The inheritance sheet for %s is in %s. Print it and give it to your heir; it works with any later renewal.\n",
			termtext.Clean(recs[0].Hint), *out))
	return nil
}

func runHeirStatus(e *env, args []string) error { return heirOwner(e, "heir-status", args, false) }
func runHeirStop(e *env, args []string) error   { return heirOwner(e, "heir-stop", args, true) }

// heirOwner shows each heir's escrow of a pack and, with stop, stops a
// pending release (the escrow stays).
func heirOwner(e *env, cmd string, args []string, stop bool) error {
	var c commonFlags
	fs := newFlagSet(e, cmd, "NAME [--heir ADDR]", &c)
	only := fs.String("heir", "", "only the heir with this `ADDRESS`")
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	_, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	recs := heirRecords(p, *only)
	if len(recs) == 0 {
		return fmt.Errorf("%s: %q has no heir", cmd, name)
	}
	ctx := context.Background()
	k := &heir.Keeper{Client: e.newClient}
	type row struct {
		Hint      string `json:"hint"`
		Pending   bool   `json:"pending"`
		Claimed   string `json:"claimed,omitempty"`
		ReleaseAt string `json:"release_at,omitempty"`
		Stopped   bool   `json:"stopped,omitempty"`
		Error     string `json:"error,omitempty"`
	}
	var rows []row
	var text strings.Builder
	var errs []error
	for _, r := range recs {
		hint := termtext.Clean(r.Hint)
		st, err := k.Status(ctx, r)
		if err != nil {
			rows = append(rows, row{Hint: r.Hint, Error: err.Error()})
			fmt.Fprintf(&text, "%s: could not ask the server: %v\n", hint, termtext.Clean(err.Error()))
			errs = append(errs, err)
			continue
		}
		rw := row{Hint: r.Hint, Pending: st.Pending()}
		if !st.Pending() {
			fmt.Fprintf(&text, "%s: nobody has asked.\n", hint)
			rows = append(rows, rw)
			continue
		}
		rw.Claimed, rw.ReleaseAt = st.Claimed.Format(time.RFC3339), st.ReleaseAt.Format(time.RFC3339)
		if stop {
			stopped, err := k.Cancel(ctx, r)
			if err != nil {
				rw.Error = err.Error()
				errs = append(errs, err)
				fmt.Fprintf(&text, "%s: could not stop it: %v\n", hint, termtext.Clean(err.Error()))
			} else {
				rw.Stopped = stopped
				fmt.Fprintf(&text, "%s: stopped. The heir asked on %s; nothing will be released. The heir's piece stays, so a later request starts a new wait.\n",
					hint, st.Claimed.Format(time.DateOnly))
			}
		} else {
			fmt.Fprintf(&text, "%s: the heir asked on %s. It will be released on %s unless you stop it: passcrow heir-stop %s\n",
				hint, st.Claimed.Format(time.DateOnly), st.ReleaseAt.Format(time.DateOnly), name)
		}
		rows = append(rows, rw)
	}
	e.result(&c, map[string]any{"name": name, "heirs": rows}, text.String())
	return errors.Join(errs...)
}

// runClaim is the heir's side, on a fresh install with only the sheet:
// without --code the server sends the heir a code; with it, the waiting
// period starts (or, when it is over, the pack and the heir's piece come
// back, are kept under NAME and the secret is recovered if the heir's
// piece is enough, else recover NAME goes on with the others).
func runClaim(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "claim", "[SHEET-KEY|-] [--photo FILE] [--code C|-] [--name NAME] [--out FILE] [--language en|is] [--force]", &c)
	photo := fs.String("photo", "", "read the sheet's key from a photo or scan of its QR code (PNG or JPEG)")
	code := fs.String("code", "", "the code mailed to you; - reads it from standard input")
	name := fs.String("name", "", "keep the pack under `NAME` (default: the pack's own name)")
	out := fs.String("out", "", "write the secret to `FILE` (mode 0600) instead of standard output")
	lang := fs.String("language", "en", "language of the message with the code (en, is)")
	force := fs.Bool("force", false, "replace an item of the same name")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var key string
	switch {
	case *photo != "" && len(pos) == 0:
		if key, err = qrscan.DecodeFile(*photo); err != nil {
			return fmt.Errorf("claim: reading the sheet's QR code in %s: %w", *photo, err)
		}
	case *photo == "" && len(pos) == 1 && pos[0] == "-":
		if key, err = e.readHiddenLine("The key printed on the sheet: "); err != nil {
			return usagef("claim: reading the sheet's key: %v", err)
		}
	case *photo == "" && len(pos) == 1:
		key = pos[0]
		e.notice("passcrow: the sheet's key is now in your shell's history; next time give - and type it")
	default:
		return usagef("claim: give the sheet's key (or - to type it), or --photo FILE")
	}
	cl, err := heir.NewClaimant(key)
	if err != nil {
		return usagef("claim: %v", err)
	}
	if cl.Client, err = e.newClient(cl.Server()); err != nil {
		return err
	}
	ctx := context.Background()
	if *code == "" {
		ch, err := cl.Begin(ctx, *lang)
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		e.result(&c, map[string]any{"sent_to": ch.Hint, "expires": ch.Expires.Format(time.RFC3339)},
			fmt.Sprintf("A code starting with %s was sent to %s. Run claim again with --code.\n", ch.Prefix, termtext.Clean(ch.Hint)))
		return nil
	}
	if *code == "-" {
		if *code, err = e.readLine(); err != nil {
			return usagef("claim: reading the code: %v", err)
		}
	}
	got, err := cl.Claim(ctx, recovery.NormaliseCode(*code))
	var pending *heir.ReleasePendingError
	if errors.As(err, &pending) {
		return fmt.Errorf("claim: you can finish on %s; the owner has been told and can stop this. Then ask for a new code (claim without --code) and claim again: %w",
			pending.Until.Local().Format("2 January 2006"), err)
	}
	if err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	if *name == "" {
		*name = strings.TrimSpace(termtext.Clean(got.Pack.Name))
	}
	if err := packstore.ValidateName(*name); err != nil {
		return usagef("claim: --name: %v", err)
	}
	if _, err := packstore.Load(st, *name); err == nil && !*force {
		return fmt.Errorf("claim: %q exists already (use --name or --force)", *name)
	}
	if err := packstore.Save(st, *name, got.Pack); err != nil {
		return fmt.Errorf("claim: keeping the pack: %w", err)
	}
	_ = packstore.AddChosenServers(st, cl.Server())
	e.warnUnknownServers(st, got.Pack)
	r, err := got.Recovery(ctx, e.keepers(nil))
	if err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	secret, _, err := r.Secret()
	if errors.Is(err, recovery.ErrNeedMoreCodes) {
		e.keepPartial(st, *name, got.Pack, r.Fetched(), time.Now())
		return fmt.Errorf("claim: your piece is in, and the pack is kept as %q; more pieces are needed (the sheet says where): "+
			"passcrow verify %s, then passcrow recover %s: %w", *name, *name, *name, err)
	}
	if err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	return e.writeSecret(&c, *name, *out, secret)
}
