package recovery_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestPasscrowCheckAgainstOurServer checks a placed escrow without a
// code, against our real server: there and until when, then gone after
// Delete; and that a server without our extensions (as a reference
// server is) is ErrCannotCheck with the record's expiry, having sent no
// code.
func TestPasscrowCheckAgainstOurServer(t *testing.T) {
	for _, noExt := range []bool{false, true} {
		rec := &servertest.Recorder{}
		srv, err := server.New(server.Config{
			Verifiers:     map[string]verify.Verifier{"email": rec},
			MaxExpiration: 3 * 24 * time.Hour,
			SweepInterval: -1,
			NoExtensions:  noExt,
			Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		defer func() { hs.Close(); srv.Close() }()
		c, err := recovery.NewClient(hs.URL)
		if err != nil {
			t.Fatal(err)
		}
		c.Interval = 0
		ctx := context.Background()
		loc, err := recovery.NewPasscrowLocation(c, "email:alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		until := time.Now().Add(48 * time.Hour)
		r, err := loc.Place(ctx, recovery.Fragment("0123456789abcdef0123456789abcdef0"), recovery.PlaceOptions{Expires: until, Prefix: "1"})
		if err != nil {
			t.Fatal(err)
		}
		k := &recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }}
		h, err := k.Check(ctx, r, recovery.Input{})
		if noExt {
			if !errors.Is(err, recovery.ErrCannotCheck) || h.Expires.Unix() != r.Expires {
				t.Errorf("without extensions: %+v, %v; want ErrCannotCheck and the record's expiry", h, err)
			}
			if n := rec.Count(); n != 0 {
				t.Errorf("the check sent %d codes", n)
			}
			continue
		}
		if err != nil || !h.Present || h.Expires.Unix() != r.Expires {
			t.Fatalf("placed escrow: %+v, %v; want present until %d", h, err, r.Expires)
		}
		if n := rec.Count(); n != 0 {
			t.Errorf("the check sent %d codes", n)
		}
		if err := k.Delete(ctx, r); err != nil {
			t.Fatal(err)
		}
		h, err = k.Check(ctx, r, recovery.Input{})
		if err != nil || h.Present {
			t.Errorf("deleted escrow: %+v, %v; want not present", h, err)
		}
	}
}
