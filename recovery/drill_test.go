package recovery_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// TestDrillVerifiesAndChangesNothing: on our server over loopback, a
// drill with two of three codes verifies the key without giving the
// secret; with one code it says more are needed; the pack is unchanged
// and a real recovery afterwards still works (the drill deleted no
// escrow).
func TestDrillVerifiesAndChangesNothing(t *testing.T) {
	outbox := t.TempDir()
	url, stop := demoServer(outbox)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, err := recovery.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	client.Interval = 0
	var locations []recovery.Location
	for _, id := range []string{"email:a@example.org", "email:b@example.net", "email:c@example.com"} {
		l, err := recovery.NewPasscrowLocation(client, id)
		if err != nil {
			t.Fatal(err)
		}
		locations = append(locations, l)
	}
	keepers := recovery.NewKeepers(&recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return client, nil }})
	secret := []byte("correct horse battery staple")
	pack, err := recovery.Protect(ctx, recovery.ProtectRequest{Name: "disk", Secret: secret, Policy: recovery.NofM(2),
		Locations: locations, Expires: time.Now().Add(20 * time.Hour), Keepers: keepers})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := pack.Marshal()

	drill := recovery.NewRecovery(pack, keepers)
	for _, c := range drill.RequestCodes(ctx, "en") {
		if c.Err != nil {
			t.Fatal(c.Err)
		}
	}
	codes := readCodes(outbox)
	if len(codes) != 3 {
		t.Fatalf("codes %v", codes)
	}
	if _, err := drill.SubmitCode(ctx, codes[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := drill.Verify(); !errors.Is(err, recovery.ErrNeedMoreCodes) {
		t.Fatalf("a drill with one of two codes: %v, want ErrNeedMoreCodes", err)
	}
	if _, err := drill.SubmitCode(ctx, codes[1]); err != nil {
		t.Fatal(err)
	}
	if bad, err := drill.Verify(); err != nil || bad != nil {
		t.Fatalf("a drill with two good codes: %v, %v", bad, err)
	}
	if after, _ := pack.Marshal(); !bytes.Equal(before, after) {
		t.Fatal("the drill changed the pack")
	}

	// Every location still holds its fragment: the drill deleted nothing.
	k := &recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return client, nil }}
	for _, rec := range pack.Records {
		h, err := k.Check(ctx, rec, recovery.Input{})
		if err != nil || !h.Present {
			t.Fatalf("after the drill, location %s: %+v, %v", rec.Prefix, h, err)
		}
	}
}
