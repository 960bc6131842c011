package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/internal/packstore"

	"github.com/passcrow/passcrow-desktop/recovery"
)

func runForget(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "forget", "NAME [--force]", &c)
	force := fs.Bool("force", false, "delete the pack even when some escrows could not be deleted")
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	p, err := packstore.Load(st, name)
	switch {
	case errors.Is(err, packstore.ErrNoSuchItem):
		return err
	case err != nil && !*force:
		return fmt.Errorf("forget: %w (with --force the unreadable pack is deleted; its escrows then expire on their own)", err)
	case err != nil:
		e.notice("passcrow: the pack cannot be read, so its escrows cannot be deleted; they expire on their own")
	}
	// The escrows go first: the pack is what lets us find them, so it is
	// kept until they are gone (or the user says to give up on them).
	if p != nil {
		if err := recovery.Forget(context.Background(), p, keepers()); err != nil {
			if !*force {
				return fmt.Errorf("forget: the pack is kept so you can try again (or use --force): %w", err)
			}
			e.notice("passcrow: some escrows could not be deleted and will expire on their own: %v", err)
		}
	}
	if err := packstore.DeletePartial(st, name); err != nil {
		e.notice("passcrow: could not remove kept codes: %v", err)
	}
	if err := packstore.Delete(st, name); err != nil {
		return fmt.Errorf("forget: the escrows are deleted, but the pack is not: %w", err)
	}
	e.result(&c, map[string]any{"name": name, "forgotten": true}, fmt.Sprintf("Forgot %q and deleted its escrows.\n", name))
	return nil
}
