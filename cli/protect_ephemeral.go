package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"

	"github.com/passcrow/passcrow-desktop/recovery"
)

const protectEphemeralSynopsis = "NAME --ephemeral --secret-file F --id email:PACK-HOLDER --id email:ADDR [--id ...] " +
	"[--threshold N] --server URL [--server URL ...] [--days N] [--max-hashcash-bits N]"

// ephemeralRequested tells protect's ephemeral mode from the others by
// its flag, before protect parses its own flags (which do not include
// it): the two modes take different flags.
func ephemeralRequested(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "ephemeral" {
			return true
		}
	}
	return false
}

// runProtectEphemeral is "protect --ephemeral": the reference client's
// ephemeral mode (recovery.ProtectEphemeral). The first --id keeps the
// pack, escrowed on its server under keys derived from a new user key;
// the other identities keep a share each. The pack is stored here too,
// so verify, recover and forget work as for any pack; the recovery name
// "SERVER:USERKEY" is printed once, for the user to write down, and
// brings the pack back on any computer (passcrow recover-ephemeral, or
// the reference client). It is stored nowhere.
func runProtectEphemeral(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "protect", protectEphemeralSynopsis, &c)
	ephemeral := fs.Bool("ephemeral", false, "escrow the pack too, on the first --id's server, under a recovery name to write down (the reference client's ephemeral mode)")
	secretFile := fs.String("secret-file", "", "read the secret from `FILE` (- for standard input)")
	var ids, servers strList
	fs.Var(&ids, "id", "an identity: the first keeps the escrowed pack, each other one a share (email:ADDR; repeat)")
	fs.Var(&servers, "server", "Passcrow server `URL`: once for all identities, or once per --id in the same order")
	threshold := fs.Int("threshold", 0, "how many of the share identities (all but the first) must be verified to recover (default: a majority)")
	days := fs.Int("days", 365, "keep the escrows this many days")
	description := fs.String("description", "", "shown in the verification e-mail (default: NAME)")
	maxBits := fs.Int("max-hashcash-bits", recovery.DefaultMaxHashcashBits,
		"pay a server at most this much hashcash work per escrow, in bits (each bit doubles the work); a server asking more is refused")
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if !*ephemeral {
		// "--ephemeral=false", or the word given as another flag's value.
		return usagef("protect: --ephemeral was not set; leave it out for an ordinary protect")
	}
	if err := packstore.ValidateName(name); err != nil {
		return usagef("protect: %v", err)
	}
	if *secretFile == "" || len(servers) == 0 {
		return usagef("protect --ephemeral: --secret-file, --id and --server are needed")
	}
	if len(ids) < 2 {
		return usagef("protect --ephemeral: give at least two --id: the first keeps the escrowed pack, the others a share each")
	}
	if len(servers) != 1 && len(servers) != len(ids) {
		return usagef("protect --ephemeral: give --server once, or once per --id (%d identities, %d servers)", len(ids), len(servers))
	}
	if *maxBits < 1 {
		return usagef("protect --ephemeral: --max-hashcash-bits must be at least 1 (got %d)", *maxBits)
	}
	if *days < 1 {
		return usagef("protect --ephemeral: --days must be at least 1 (got %d)", *days)
	}
	holders := len(ids) - 1
	policy, err := ephemeralPolicy(*threshold, holders)
	if err != nil {
		return usagef("protect --ephemeral: %v", err)
	}
	locs, chosen, err := ephemeralLocations(ids, servers, *maxBits, e.newClient)
	if err != nil {
		return err
	}
	secret, err := readSecret(e, *secretFile)
	if err != nil {
		return err
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	switch _, err := packstore.Load(st, name); {
	case err == nil:
		return fmt.Errorf("protect: %q is already protected (passcrow forget %s first)", name, name)
	case !errors.Is(err, packstore.ErrNoSuchItem):
		return err
	}
	if *description == "" {
		*description = name
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e.notice("  deriving 3 keys for the recovery name: about %d seconds, %d GiB of memory", 3*secondsPerDerivation, recovery.EphemeralKDFMemory>>30)
	progress, derivation := e.progressPrinter(), e.derivationPrinter()
	res, err := recovery.ProtectEphemeral(ctx, recovery.EphemeralRequest{
		Name:        name,
		Description: *description,
		Secret:      secret,
		PackHolder:  locs[0],
		Holders:     locs[1:],
		Policy:      policy,
		Keep:        time.Duration(*days) * 24 * time.Hour,
		Progress: func(p recovery.Progress) {
			if p.Stage == "deriving key" {
				derivation(p)
				return
			}
			progress(p)
		},
	})
	if err != nil {
		var tooCostly *recovery.PaymentTooCostlyError
		if errors.As(err, &tooCostly) {
			return fmt.Errorf("protect: nothing was stored: %w; to pay it, run again with --max-hashcash-bits %d, or choose fewer --days or another server",
				err, tooCostly.Bits)
		}
		return fmt.Errorf("protect: %w", err)
	}
	p := res.Pack
	if err := packstore.Save(st, name, p); err != nil {
		// The escrows exist but no pack remembers them, and the name
		// was not shown yet: delete them all.
		ks := recovery.NewKeepers(&recovery.PasscrowKeeper{Client: e.newClient})
		if ferr := recovery.Forget(context.WithoutCancel(ctx), p, ks); ferr != nil {
			e.notice("passcrow: could not delete the new escrows either: %v", ferr)
		}
		return fmt.Errorf("protect: saving the Recovery Pack: %w", err)
	}
	if err := packstore.AddChosenServers(st, chosen...); err != nil {
		e.notice("passcrow: could not remember the servers you chose: %v", err)
	}
	if !res.ReferenceClientCanRecover {
		e.notice("passcrow: note: a server was given as a URL, which the reference Python client cannot reach; passcrow recover-ephemeral can")
	}
	expires := p.NextExpiry().Format(time.DateOnly)
	holder := locs[0].Describe()
	e.result(&c, map[string]any{
		"name":          name,
		"recovery_name": res.RecoveryName,
		"pack_holder":   holder,
		"need":          p.Need(),
		"records":       len(p.Records),
		"expires":       expires,
	}, fmt.Sprintf(`Protected %q.

Recovery name: write it down now, on paper. It is not shown again and
not kept anywhere.

    %s

On any computer, the recovery name and a code sent to %s
bring the Recovery Pack back (passcrow recover-ephemeral); codes from %s
then recover the secret. Keep the name as safe as the secret itself.
The pack is kept on this computer too. Escrow lasts until %s.
`, name, res.RecoveryName, holder, othersNeeded(p.Need(), len(p.Records)), expires))
	return nil
}

// othersNeeded says how many of the share identities recovery needs.
func othersNeeded(need, of int) string {
	switch {
	case need == of && of == 2:
		return "both other identities"
	case need == of:
		return fmt.Sprintf("all %d other identities", of)
	case need == 1:
		return fmt.Sprintf("any one of the %d other identities", of)
	}
	return fmt.Sprintf("any %d of the %d other identities", need, of)
}

// ephemeralPolicy turns --threshold over the share identities into a
// policy as policyFor does (0 means a majority), with an error that says
// the first --id keeps the pack and holds no share.
func ephemeralPolicy(threshold, holders int) (recovery.Policy, error) {
	if threshold < 0 || threshold > holders {
		return recovery.Policy{}, fmt.Errorf("--threshold %d: must be between 1 and the number of share identities, all --id but the first (%d)", threshold, holders)
	}
	return policyFor(threshold, holders)
}

// ephemeralLocations makes a Passcrow location per --id, sharing a
// client per server, and returns the servers as packs name them.
func ephemeralLocations(ids, servers []string, maxBits int, newClient func(string) (*recovery.Client, error)) ([]*recovery.PasscrowLocation, []string, error) {
	clients := map[string]*recovery.Client{}
	var out []*recovery.PasscrowLocation
	var names []string
	for i, id := range ids {
		srv := servers[0]
		if len(servers) > 1 {
			srv = servers[i]
		}
		c, ok := clients[srv]
		if !ok {
			var err error
			if c, err = newClient(srv); err != nil {
				return nil, nil, usagef("protect: --server %q: %v", srv, err)
			}
			c.MaxHashcashBits = maxBits
			clients[srv] = c
			names = append(names, c.Server())
		}
		l, err := recovery.NewPasscrowLocation(c, strings.TrimSpace(id))
		if err != nil {
			return nil, nil, usagef("protect: --id %q: %v", id, err)
		}
		out = append(out, l)
	}
	return out, names, nil
}
