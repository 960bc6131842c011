package recovery_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// ourServer starts our Passcrow server in memory on 127.0.0.1. A 3-day
// maximum makes hashcash-11 the longest tier, so paying is quick.
func ourServer(t *testing.T) (*httptest.Server, *servertest.Recorder) {
	t.Helper()
	rec := &servertest.Recorder{}
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": rec},
		CountryCode:   "IS",
		AboutURL:      "https://passcrow.example.org/",
		MaxExpiration: 3 * 24 * time.Hour,
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
	return hs, rec
}

func TestPasscrowLocationAgainstOurServer(t *testing.T) {
	hs, rec := ourServer(t)
	c, err := recovery.NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0 // our server runs without a rate limit here
	ctx := context.Background()

	loc, err := recovery.NewPasscrowLocation(c, "email:alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if want := "e-mail a*@e*ple.org via " + c.Host(); loc.Describe() != want {
		t.Errorf("Describe() = %q, want %q", loc.Describe(), want)
	}
	frag := make(recovery.Fragment, 33)
	rand.Read(frag)
	asked := time.Now().Add(2 * 24 * time.Hour)
	var mu sync.Mutex
	var stages []string
	var paid float64
	rec1, err := loc.Place(ctx, frag, recovery.PlaceOptions{
		Description: "My wallet",
		Expires:     asked,
		Prefix:      "1",
		Progress: func(p recovery.Progress) {
			mu.Lock()
			defer mu.Unlock()
			stages = append(stages, p.Stage)
			if p.Stage == "paying" {
				paid = p.Fraction
			}
		},
	})
	if err != nil {
		t.Fatalf("place: %v", err)
	}
	if rec1.Kind != recovery.KindPasscrow || rec1.Prefix != "1" || rec1.Expires != asked.Unix() {
		t.Errorf("record %+v; want kind passcrow, prefix 1, expires %d", rec1, asked.Unix())
	}
	var d recovery.PasscrowRecordData
	if err := json.Unmarshal(rec1.Data, &d); err != nil || d.Server != c.Server() || d.EscrowDataID == "" || d.Kind != "email" || d.Encoding != "" {
		t.Errorf("record data %s (%v)", rec1.Data, err)
	}
	mu.Lock()
	if len(stages) == 0 || stages[len(stages)-1] != "done" || paid < 0 || paid >= 1 {
		t.Errorf("progress stages %q, last paying fraction %v", stages, paid)
	}
	mu.Unlock()

	keeper := &recovery.PasscrowKeeper{Client: func(server string) (*recovery.Client, error) {
		if server != c.Server() {
			t.Errorf("keeper asked for server %q", server)
		}
		return c, nil
	}}
	ch, err := keeper.Challenge(ctx, rec1, "en")
	if err != nil {
		t.Fatalf("challenge: %v", err)
	}
	msg := rec.Last(t)
	if ch.Prefix != "1" || ch.Hint != "a*@e*ple.org" || ch.Expires.Before(time.Now()) {
		t.Errorf("challenge %+v", ch)
	}
	if msg.Address != "alice@example.org" || msg.Description != "My wallet" || !strings.HasPrefix(msg.Code, "1") {
		t.Errorf("message %+v", msg)
	}

	wrong := "1" + strings.Repeat("0", len(msg.Code)-1)
	if wrong == msg.Code {
		wrong = "1" + strings.Repeat("1", len(msg.Code)-1)
	}
	if _, err := keeper.Fetch(ctx, rec1, wrong); !errors.Is(err, recovery.ErrIncorrectCode) {
		t.Fatalf("fetch with a wrong code: %v, want ErrIncorrectCode", err)
	}
	got, err := keeper.Fetch(ctx, rec1, msg.Code)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if !bytes.Equal(got, frag) {
		t.Fatal("fetched fragment differs from the placed one")
	}

	// Deleting with a wrong key is refused (our server checks ownership);
	// the client does not fall back to a key-less request then.
	var se *recovery.ServerError
	if err := c.Delete(ctx, d.EscrowDataID, make([]byte, 32)); !errors.As(err, &se) {
		t.Errorf("delete with a wrong key: %v, want a ServerError", err)
	}
	if err := keeper.Delete(ctx, rec1); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := keeper.Challenge(ctx, rec1, "en"); err == nil {
		t.Error("challenge after delete succeeded")
	}
	if err := keeper.Delete(ctx, rec1); err != nil {
		t.Errorf("deleting again: %v, want success", err)
	}
}

// A reference "x-y" share is escrowed as the text it is, for free when a
// day is enough.
func TestPasscrowReferenceShareAgainstOurServer(t *testing.T) {
	hs, rec := ourServer(t)
	c, err := recovery.NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	ctx := context.Background()
	loc, err := recovery.NewPasscrowLocation(c, "email:bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	share := recovery.Fragment("2-b0f3e93a71fdf1dc0ef419a8c65a28e7cc081bb7a80da8c287df6263607909f2")
	r, err := loc.Place(ctx, share, recovery.PlaceOptions{Description: "ref", Expires: time.Now().Add(20 * time.Hour), Prefix: "2"})
	if err != nil {
		t.Fatal(err)
	}
	var d recovery.PasscrowRecordData
	json.Unmarshal(r.Data, &d)
	if d.Encoding != recovery.FragmentEncodingText {
		t.Errorf("encoding %q, want text", d.Encoding)
	}
	keeper := &recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }}
	if _, err := keeper.Challenge(ctx, r, ""); err != nil {
		t.Fatal(err)
	}
	got, err := keeper.Fetch(ctx, r, rec.Last(t).Code)
	if err != nil || !bytes.Equal(got, share) {
		t.Fatalf("fetch: %q, %v", got, err)
	}
	if err := keeper.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
}

// Asking for longer than the server keeps anything fails before any work.
func TestEscrowLongerThanOurServerKeeps(t *testing.T) {
	hs, _ := ourServer(t)
	c, _ := recovery.NewClient(hs.URL)
	c.Interval = 0
	_, err := c.Escrow(context.Background(), recovery.EscrowInput{
		Identity: "email:alice@example.org",
		Secret:   "x",
		Expires:  time.Now().Add(10 * 24 * time.Hour),
	})
	if !errors.Is(err, recovery.ErrNoPaymentScheme) || !strings.Contains(err.Error(), "3 days") {
		t.Fatalf("got %v, want ErrNoPaymentScheme naming 3 days", err)
	}
}

// Our server sends one code per escrow a minute; a second request is
// ErrTooSoon (not retried: it is no rate limit of the client's making).
func TestSecondCodeTooSoonAgainstOurServer(t *testing.T) {
	hs, _ := ourServer(t)
	c, _ := recovery.NewClient(hs.URL)
	c.Interval = 0
	ctx := context.Background()
	res, err := c.Escrow(ctx, recovery.EscrowInput{
		Identity: "email:alice@example.org",
		Secret:   "x",
		Expires:  time.Now().Add(24 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Verify(ctx, res.ID, res.Key, "1", "en"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Verify(ctx, res.ID, res.Key, "1", "en"); !errors.Is(err, recovery.ErrTooSoon) {
		t.Fatalf("second code at once: %v, want ErrTooSoon", err)
	}
}
