package recovery_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// placedSpy is our real PasscrowLocation; it only notes the records it
// placed, so the test can ask the server about them afterwards.
type placedSpy struct {
	*recovery.PasscrowLocation
	placed []recovery.Record
}

func (s *placedSpy) Place(ctx context.Context, f recovery.Fragment, o recovery.PlaceOptions) (recovery.Record, error) {
	r, err := s.PasscrowLocation.Place(ctx, f, o)
	if err == nil {
		s.placed = append(s.placed, r)
	}
	return r, err
}

// smsOnlyServer is our server verifying only phone numbers: it refuses
// an e-mail identity.
func smsOnlyServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"sms": &servertest.Recorder{}},
		AboutURL:      "https://sms.passcrow.example.org/",
		SweepInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return hs
}

// TestProtectRollbackAgainstOurServers: the first of two real servers of
// ours takes its fragment, the second refuses (it verifies no e-mail);
// Protect then deletes the first escrow, and asking the first server
// for a code shows it is gone. Without keepers the same question finds
// the escrow, which shows the question can tell.
func TestProtectRollbackAgainstOurServers(t *testing.T) {
	hsA, recA := ourServer(t)
	hsB := smsOnlyServer(t)
	clients := map[string]*recovery.Client{}
	for _, url := range []string{hsA.URL, hsB.URL} {
		c, err := recovery.NewClient(url)
		if err != nil {
			t.Fatal(err)
		}
		c.Interval = 0 // our servers run without a rate limit here
		clients[c.Server()] = c
	}
	keeper := &recovery.PasscrowKeeper{Client: func(server string) (*recovery.Client, error) {
		if c := clients[server]; c != nil {
			return c, nil
		}
		t.Errorf("keeper asked for server %q", server)
		return nil, errors.New("unknown server")
	}}
	ctx := context.Background()

	protect := func(keepers recovery.Keepers) (*placedSpy, error) {
		a, err := recovery.NewPasscrowLocation(clients[hsA.URL], "email:alice@example.org")
		if err != nil {
			t.Fatal(err)
		}
		b, err := recovery.NewPasscrowLocation(clients[hsB.URL], "email:bob@example.com")
		if err != nil {
			t.Fatal(err)
		}
		spy := &placedSpy{PasscrowLocation: a}
		_, err = recovery.Protect(ctx, recovery.ProtectRequest{
			Name: "wallet", Description: "rollback test", Secret: []byte("seed words"),
			Policy: recovery.All(), Locations: []recovery.Location{spy, b},
			Expires: time.Now().Add(20 * time.Hour), Keepers: keepers,
		})
		if len(spy.placed) != 1 {
			t.Fatalf("the first server placed %d fragments, want 1 (Protect: %v)", len(spy.placed), err)
		}
		return spy, err
	}

	spy, err := protect(recovery.NewKeepers(keeper))
	t.Logf("Protect: %v", err)
	if !errors.Is(err, recovery.ErrUnsupportedKind) || !strings.Contains(err.Error(), "b*@e*ple.com via "+clients[hsB.URL].Host()) {
		t.Fatalf("Protect: %v; want the second server's refusal of the e-mail identity", err)
	}
	if _, err := keeper.Challenge(ctx, spy.placed[0], "en"); err == nil {
		t.Fatal("the first server still sends a code for the rolled-back escrow")
	}
	if n := recA.Count(); n != 0 {
		t.Fatalf("the first server sent %d messages, want none", n)
	}

	// Without keepers nothing can delete it: the escrow is there, and
	// the same question gets a code sent.
	spy, err = protect(recovery.Keepers{})
	if !errors.Is(err, recovery.ErrNoKeeper) || !strings.Contains(err.Error(), "could not be deleted") {
		t.Fatalf("Protect without keepers: %v, want it to name what stays behind", err)
	}
	if _, err := keeper.Challenge(ctx, spy.placed[0], "en"); err != nil {
		t.Fatalf("the escrow left behind does not answer: %v", err)
	}
	if recA.Last(t).Address != "alice@example.org" {
		t.Errorf("the code went to %q", recA.Last(t).Address)
	}
	if err := keeper.Delete(ctx, spy.placed[0]); err != nil {
		t.Fatal(err)
	}
}
