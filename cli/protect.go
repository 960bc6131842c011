package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

const protectSynopsis = "NAME --secret-file F (--location KIND=VALUE[,OPTION...] ... | --id email:ADDR ... --server URL ...) " +
	"[--threshold N | --policy POLICY | --preset mailpile] [--max-hashcash-bits N]"

// maxSecretBytes bounds what protect reads, so a wrong --secret-file (a
// disk image) fails fast instead of filling memory.
const maxSecretBytes = 16 << 20

// protectFlags are protect's command line.
type protectFlags struct {
	c           commonFlags
	secretFile  string
	ids         strList
	servers     strList
	locations   strList
	threshold   int
	policy      string
	preset      string
	days        int
	description string
	force       bool
	maxBits     int
	lang        string
}

func protectFlagSet(e *env, f *protectFlags) *flag.FlagSet {
	fs := newFlagSet(e, "protect", protectSynopsis, &f.c)
	fs.StringVar(&f.secretFile, "secret-file", "", "read the secret from `FILE` (- for standard input)")
	fs.Var(&f.locations, "location", "where a fragment goes: `KIND=VALUE[,OPTION...]` (repeat; see passcrow protect --help)")
	fs.Var(&f.ids, "id", "an identity that can release a fragment: email:ADDR (repeat for more; with --server)")
	fs.Var(&f.servers, "server", "Passcrow server `URL` for --id: once for all identities, or once per --id in the same order")
	fs.IntVar(&f.threshold, "threshold", 0, "how many locations must give their fragment to recover (default: a majority)")
	fs.StringVar(&f.policy, "policy", "", "a grouped `POLICY`: \"2 of servers and 1 of friends\" (locations join a group with group=NAME)")
	fs.StringVar(&f.preset, "preset", "", "a ready policy: mailpile (all but one of the imap locations and all but one of the friends)")
	fs.IntVar(&f.days, "days", 365, "keep the fragments this many days; renew before then")
	fs.StringVar(&f.description, "description", "", "shown in the verification e-mail and on sheets (default: NAME)")
	fs.BoolVar(&f.force, "force", false, "replace an existing item of the same name (its old fragments are deleted)")
	fs.IntVar(&f.maxBits, "max-hashcash-bits", recovery.DefaultMaxHashcashBits,
		"pay a server at most this much hashcash work per escrow, in bits (each bit doubles the work); a server asking more is refused")
	fs.StringVar(&f.lang, "lang", "en", "language of friends' letters, sheets and READMEs: en or is (a location's lang= overrides)")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(e.stdout, locationHelp())
	}
	return fs
}

// locationHelp lists the kinds of --location, each with what it
// protects against and what it costs at recovery.
func locationHelp() string {
	var b strings.Builder
	b.WriteString("\nLocations (--location KIND=VALUE,OPTION=VALUE,...; every kind takes group=NAME):\n")
	for _, k := range kindNames() {
		fmt.Fprintf(&b, "  %s\n      %s\n", locationKinds[k].syntax, locationKinds[k].about)
	}
	b.WriteString("\nPolicies: --threshold N (any N of all), or --policy over groups:\n" +
		"  \"2 of servers and 1 of friends\", \"all of boxes or 1 of servers\",\n" +
		"  \"any 2 of (2 of servers, 1 of friends, all but one of boxes)\"; --preset mailpile.\n" +
		"Passwords come from password-file=F or a prompt, never from the command line.\n")
	return b.String()
}

func runProtect(e *env, args []string) error {
	if ephemeralRequested(args) {
		return runProtectEphemeral(e, args) // protect_ephemeral.go
	}
	var f protectFlags
	fs := protectFlagSet(e, &f)
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	c := &f.c
	if err := packstore.ValidateName(name); err != nil {
		return usagef("protect: %v", err)
	}
	if f.secretFile == "" || (len(f.ids) == 0 && len(f.locations) == 0) {
		return usagef("protect: --secret-file and at least one --location (or --id with --server) are needed")
	}
	if len(f.ids) > 0 && len(f.servers) == 0 {
		return usagef("protect: --id needs --server")
	}
	if len(f.servers) > 0 && len(f.ids) == 0 {
		return usagef("protect: --server goes with --id (or use --location server=URL,id=email:ADDR)")
	}
	if len(f.servers) > 1 && len(f.servers) != len(f.ids) {
		return usagef("protect: give --server once, or once per --id (%d identities, %d servers)", len(f.ids), len(f.servers))
	}
	if f.maxBits < 1 {
		return usagef("protect: --max-hashcash-bits must be at least 1 (got %d)", f.maxBits)
	}
	if f.lang != "en" && f.lang != "is" {
		return usagef("protect: --lang %q: want en or is", f.lang)
	}
	if f.description == "" {
		f.description = name
	}
	pc := &planContext{maxBits: f.maxBits, lang: f.lang, clients: map[string]*recovery.Client{}, newClient: e.newClient,
		accounts: map[string]string{}, logins: &mailLogins{noPrompt: true}}
	plans, err := e.planLocations(&f, pc)
	if err != nil {
		return err
	}
	req := recovery.ProtectRequest{
		Name:        name,
		Description: f.description,
		Expires:     time.Now().Add(time.Duration(f.days) * 24 * time.Hour),
		Progress:    e.progressPrinter(),
	}
	if err := buildPolicy(&req, plans, f.threshold, f.policy, f.preset); err != nil {
		return err
	}
	req.Spread = e.spread(plannedServers(plans)) // proxy.go
	if err := pc.logins.ready(); err != nil {
		return err
	}
	// The library deletes what it placed when a later placement fails,
	// with these keepers or the locations themselves; a mailbox is
	// deleted from with the password given here, never a prompt.
	ks := e.keepers(pc.logins)
	req.Keepers = ks
	secret, err := readSecret(e, f.secretFile)
	if err != nil {
		return err
	}
	req.Secret = secret
	st, err := e.openStore(c)
	if err != nil {
		return err
	}
	old, err := packstore.Load(st, name)
	switch {
	case err == nil && !f.force:
		return fmt.Errorf("protect: %q is already protected (use --force to replace it, or passcrow forget %s)", name, name)
	case err != nil && !errors.Is(err, packstore.ErrNoSuchItem):
		return err
	}
	warnings := e.diversityWarnings(plans)
	for _, w := range warnings {
		e.notice("passcrow: warning: %s", w)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	placed := 0
	progress := req.Progress
	req.Progress = func(p recovery.Progress) {
		if p.Stage == "placed" && p.Location != recovery.PackLocation {
			placed++
		}
		progress(p)
	}
	p, err := recovery.Protect(ctx, req)
	if err != nil {
		return protectFailed(err, placed, plans)
	}
	if err := packstore.Save(st, name, p); err != nil {
		// The fragments are out but no pack remembers them: delete them
		// so nothing is left the user cannot see or delete later.
		if ferr := recovery.Forget(context.WithoutCancel(ctx), p, ks); ferr != nil {
			e.notice("passcrow: could not delete the new fragments either: %v", ferr)
		}
		return fmt.Errorf("protect: saving the Recovery Pack: %w", err)
	}
	if err := packstore.DeletePartial(st, name); err != nil {
		e.notice("passcrow: could not remove codes kept for the old pack: %v", err)
	}
	// The user chose these servers: recovering this pack (or another
	// naming them) will not ask for --trust-servers.
	chosen := mailHosts(p)
	for _, pl := range plans {
		chosen = append(chosen, pl.servers...)
	}
	if err := packstore.AddChosenServers(st, chosen...); err != nil {
		e.notice("passcrow: could not remember the servers you chose: %v", err)
	}
	if old != nil {
		if err := recovery.Forget(ctx, old, e.keepers(nil)); err != nil {
			e.notice("passcrow: the new pack is saved; some old fragments could not be deleted: %v", err)
		}
	}
	info := packSummary(p)
	info.Name = name
	info.Warnings = warnings
	e.result(c, info, protectedText(name, p, info))
	return nil
}

// planLocations reads --id/--server and every --location, in that order,
// and lets each location see all the others (finish).
func (e *env) planLocations(f *protectFlags, pc *planContext) ([]*planned, error) {
	var plans []*planned
	for i, id := range f.ids {
		srv := f.servers[0]
		if len(f.servers) > 1 {
			srv = f.servers[i]
		}
		p, err := passcrowPlanned(srv, id, fmt.Sprintf("--server %q", srv), fmt.Sprintf("--id %q", id), pc)
		if err != nil {
			return nil, protectErr(err)
		}
		p.kind = "server"
		plans = append(plans, p)
	}
	for _, raw := range f.locations {
		p, err := planLocation(e, raw, pc)
		if err != nil {
			return nil, protectErr(err)
		}
		plans = append(plans, p)
	}
	for _, p := range plans {
		if p.finish != nil {
			p.finish(plans)
		}
	}
	return plans, nil
}

// protectErr names the command in an error, keeping a usage error one.
func protectErr(err error) error {
	var ue usageError
	if errors.As(err, &ue) {
		return usagef("protect: %s", ue.msg)
	}
	return fmt.Errorf("protect: %w", err)
}

// protectFailed says what a failed Protect left behind: the library has
// deleted whatever it placed, unless it says otherwise; letters already
// sent to friends cannot be called back, but their key was never kept.
func protectFailed(err error, placed int, plans []*planned) error {
	var tooCostly *recovery.PaymentTooCostlyError
	if errors.As(err, &tooCostly) {
		return fmt.Errorf("protect: nothing was stored: %w; to pay it, run again with --max-hashcash-bits %d, or choose fewer --days or another server",
			err, tooCostly.Bits)
	}
	if placed == 0 {
		return fmt.Errorf("protect: nothing was stored: %w", err)
	}
	what := fmt.Sprintf("the %d fragments placed before it were deleted again", placed)
	if placed == 1 {
		what = "the fragment placed before it was deleted again"
	}
	if strings.Contains(err.Error(), "could not be deleted") {
		what = "some fragments placed before it could not be deleted (see above); they expire on their own"
	}
	for _, p := range plans[:min(placed, len(plans))] {
		if _, ok := p.loc.(*friend.Location); ok {
			what += "; a letter already sent to a friend cannot be called back, but the key that opens it was never kept, so it opens nothing"
			break
		}
	}
	return fmt.Errorf("protect: %w; nothing is protected: %s", err, what)
}

// protectedText is what protect prints for people.
func protectedText(name string, p *recovery.Pack, info packInfo) string {
	var b strings.Builder
	least := ""
	if len(p.Groups) > 0 {
		least = fmt.Sprintf(" (%d of the %d locations at the least)", p.Need(), len(p.Records))
	}
	fmt.Fprintf(&b, "Protected %q: %s recover it%s. Fragments last until %s.\n",
		name, needText(p), least, p.NextExpiry().Format(time.DateOnly))
	for _, l := range info.Locations {
		fmt.Fprintf(&b, "  %s  %s\n", l.Prefix, l.Hint)
		switch l.Kind {
		case paper.Kind:
			if l.File != "" {
				fmt.Fprintf(&b, "     print %s, keep the sheet somewhere safe, then delete the file\n", l.File)
			}
		case friend.Kind:
			b.WriteString("     a letter is on its way: ask your friend to keep it\n")
		}
	}
	return b.String()
}

// needText says who can recover: "any 2 of 3 locations", "2 of servers
// and 1 of friends".
func needText(p *recovery.Pack) string {
	if len(p.Groups) > 0 {
		return policyText(p)
	}
	return fmt.Sprintf("any %d of %d locations", p.Need(), len(p.Records))
}

// policyFor turns --threshold into a policy; 0 means a majority, which
// survives losing a minority of locations while no minority can recover.
func policyFor(threshold, locations int) (recovery.Policy, error) {
	switch {
	case threshold == 0:
		threshold = locations/2 + 1
	case threshold < 0 || threshold > locations:
		return recovery.Policy{}, fmt.Errorf("--threshold %d: must be between 1 and the number of locations (%d)", threshold, locations)
	}
	switch threshold {
	case locations:
		return recovery.All(), nil
	case 1:
		return recovery.AnyOne(), nil
	}
	return recovery.NofM(threshold), nil
}

func readSecret(e *env, path string) ([]byte, error) {
	var r io.Reader = e.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("protect: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSecretBytes+1))
	if err != nil {
		return nil, fmt.Errorf("protect: reading the secret: %w", err)
	}
	if len(b) > maxSecretBytes {
		return nil, fmt.Errorf("protect: the secret is larger than %d MiB; protect a key that encrypts it instead", maxSecretBytes>>20)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("protect: the secret file %q is empty", path)
	}
	return b, nil
}
