package heir_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// TestRenewalFindsThePlantedGeneration: whoever reads the sheet can
// derive the ids of its later generations and make an escrow under the
// next one first. The owner's renewal then cannot place the heir's
// fragment there, and says that the sheet has been used, not just that
// an id is taken; the heir still finds the owner's escrow, as one
// without a waiting period is not the sheet's.
func TestRenewalFindsThePlantedGeneration(t *testing.T) {
	ctx := context.Background()
	e := ourServer(t, newClock(), false)
	secret := []byte("renewed secret")
	old, loc, _ := protect(t, e, secret, 3)
	sheetText := loc.Sheet().String()

	next := heir.DeriveGenForTest(t, sheetText, 1)
	if _, err := e.client(t).Escrow(ctx, recovery.EscrowInput{
		Identity: "email:thief@example.net", Secret: "a pack of the thief's", PreferID: next.ID, Key: next.Key,
		Expires: e.clock.Now().Add(20 * time.Hour),
	}); err != nil {
		t.Fatal(err)
	}

	renewed, err := heir.RenewLocation(e.client(t), old.Records[1])
	if err != nil {
		t.Fatal(err)
	}
	_, err = recovery.Renew(ctx, old, secret, []recovery.Location{
		&media.Location{Dir: t.TempDir()}, renewed, &media.Location{Dir: t.TempDir()},
	}, recovery.RenewOptions{Expires: e.clock.Now().Add(60 * 24 * time.Hour), Keepers: e.keepers(t), Now: e.clock.Now})
	if !errors.Is(err, heir.ErrSheetUsed) {
		t.Fatalf("renewal over a planted generation: %v, want ErrSheetUsed", err)
	}
	st, err := e.claimant(t, sheetText).Status(ctx)
	if err != nil || !st.Present || !st.Expires.Equal(time.Unix(old.Records[1].Expires, 0)) {
		t.Fatalf("the heir's status: %+v, %v; want the owner's escrow", st, err)
	}
}
