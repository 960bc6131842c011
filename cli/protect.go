package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"

	"github.com/passcrow/passcrow-desktop/recovery"
)

const protectSynopsis = "NAME --secret-file F --id email:ADDR [--id ...] [--threshold N] --server URL [--server URL ...] [--max-hashcash-bits N]"

// maxSecretBytes bounds what protect reads, so a wrong --secret-file (a
// disk image) fails fast instead of filling memory.
const maxSecretBytes = 16 << 20

func runProtect(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "protect", protectSynopsis, &c)
	secretFile := fs.String("secret-file", "", "read the secret from `FILE` (- for standard input)")
	var ids, servers strList
	fs.Var(&ids, "id", "an identity that can release a fragment: email:ADDR (repeat for more)")
	fs.Var(&servers, "server", "Passcrow server `URL`: once for all identities, or once per --id in the same order")
	threshold := fs.Int("threshold", 0, "how many identities must be verified to recover (default: a majority)")
	days := fs.Int("days", 365, "keep the fragments this many days; renew before then")
	description := fs.String("description", "", "shown in the verification e-mail (default: NAME)")
	force := fs.Bool("force", false, "replace an existing item of the same name (its old escrows are deleted)")
	maxBits := fs.Int("max-hashcash-bits", recovery.DefaultMaxHashcashBits,
		"pay a server at most this much hashcash work per escrow, in bits (each bit doubles the work); a server asking more is refused")
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if err := packstore.ValidateName(name); err != nil {
		return usagef("protect: %v", err)
	}
	if *secretFile == "" || len(ids) == 0 || len(servers) == 0 {
		return usagef("protect: --secret-file, --id and --server are needed")
	}
	if len(servers) != 1 && len(servers) != len(ids) {
		return usagef("protect: give --server once, or once per --id (%d identities, %d servers)", len(ids), len(servers))
	}
	if *maxBits < 1 {
		return usagef("protect: --max-hashcash-bits must be at least 1 (got %d)", *maxBits)
	}
	policy, err := policyFor(*threshold, len(ids))
	if err != nil {
		return usagef("protect: %v", err)
	}
	secret, err := readSecret(e, *secretFile)
	if err != nil {
		return err
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	old, err := packstore.Load(st, name)
	switch {
	case err == nil && !*force:
		return fmt.Errorf("protect: %q is already protected (use --force to replace it, or passcrow forget %s)", name, name)
	case err != nil && !errors.Is(err, packstore.ErrNoSuchItem):
		return err
	}
	locations, chosen, err := passcrowLocations(ids, servers, *maxBits)
	if err != nil {
		return err
	}
	if *description == "" {
		*description = name
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p, err := recovery.Protect(ctx, recovery.ProtectRequest{
		Name:        name,
		Description: *description,
		Secret:      secret,
		Policy:      policy,
		Locations:   locations,
		Expires:     time.Now().Add(time.Duration(*days) * 24 * time.Hour),
		Keepers:     keepers(),
		Progress:    e.progressPrinter(),
	})
	if err != nil {
		var tooCostly *recovery.PaymentTooCostlyError
		if errors.As(err, &tooCostly) {
			return fmt.Errorf("protect: nothing was stored: %w; to pay it, run again with --max-hashcash-bits %d, or choose fewer --days or another server",
				err, tooCostly.Bits)
		}
		return fmt.Errorf("protect: %w", err)
	}
	if err := packstore.Save(st, name, p); err != nil {
		// The escrows exist but no pack remembers them: delete them so
		// nothing is left the user cannot see or delete later.
		if ferr := recovery.Forget(context.WithoutCancel(ctx), p, keepers()); ferr != nil {
			e.notice("passcrow: could not delete the new escrows either: %v", ferr)
		}
		return fmt.Errorf("protect: saving the Recovery Pack: %w", err)
	}
	if err := packstore.DeletePartial(st, name); err != nil {
		e.notice("passcrow: could not remove codes kept for the old pack: %v", err)
	}
	// The user chose these servers: recovering this pack (or another
	// naming them) will not ask for --trust-servers.
	if err := packstore.AddChosenServers(st, chosen...); err != nil {
		e.notice("passcrow: could not remember the servers you chose: %v", err)
	}
	if old != nil {
		if err := recovery.Forget(ctx, old, keepers()); err != nil {
			e.notice("passcrow: the new pack is saved; some old escrows could not be deleted: %v", err)
		}
	}
	e.result(&c, packSummary(p), fmt.Sprintf("Protected %q: any %d of %d identities recover it. Escrow lasts until %s.\n",
		name, p.Need(), len(p.Records), p.NextExpiry().Format(time.DateOnly)))
	return nil
}

// policyFor turns --threshold into a policy; 0 means a majority, which
// survives losing a minority of identities while no minority can recover.
func policyFor(threshold, ids int) (recovery.Policy, error) {
	switch {
	case threshold == 0:
		threshold = ids/2 + 1
	case threshold < 0 || threshold > ids:
		return recovery.Policy{}, fmt.Errorf("--threshold %d: must be between 1 and the number of identities (%d)", threshold, ids)
	}
	switch threshold {
	case ids:
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

// passcrowLocations makes a location per identity, and returns the
// servers as packs name them.
func passcrowLocations(ids, servers []string, maxBits int) ([]recovery.Location, []string, error) {
	clients := map[string]*recovery.Client{}
	var out []recovery.Location
	var names []string
	for i, id := range ids {
		srv := servers[0]
		if len(servers) > 1 {
			srv = servers[i]
		}
		c, ok := clients[srv]
		if !ok {
			var err error
			if c, err = recovery.NewClient(srv); err != nil {
				return nil, nil, fmt.Errorf("protect: --server %q: %w", srv, err)
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

// keepers knows every kind of location this program can use.
func keepers() recovery.Keepers {
	return recovery.NewKeepers(&recovery.PasscrowKeeper{})
}
