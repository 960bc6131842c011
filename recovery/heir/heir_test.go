package heir_test

// An heir's fragment against our real server over HTTP on 127.0.0.1,
// with the server's clock moved instead of waiting days. Codes and
// notices are recorded instead of mailed (servertest.Recorder); the
// server, its store, the client and the HTTP between are real, and the
// other fragments are real files on disk (recovery/media).

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

const (
	heirAddr  = "heir@example.org"
	ownerAddr = "owner@example.org"
)

// clock is the time of server and clients, moved by the test.
type clock struct{ unix atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(c.unix.Load(), 0) }
func (c *clock) advance(d time.Duration) { c.unix.Add(int64(d / time.Second)) }

type env struct {
	srv   *server.Server
	url   string
	rec   *servertest.Recorder
	clock *clock
}

// ourServer starts our server on 127.0.0.1; noExt switches the
// extensions off, so it answers as a reference server does.
func ourServer(t *testing.T, clk *clock, noExt bool) *env {
	t.Helper()
	rec := &servertest.Recorder{}
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": rec},
		AboutURL:      "https://passcrow.example.org/",
		Now:           clk.Now,
		SweepInterval: -1, // the test sweeps when the clock says so
		NoExtensions:  noExt,
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
	return &env{srv: srv, url: hs.URL, rec: rec, clock: clk}
}

func newClock() *clock {
	c := &clock{}
	c.unix.Store(time.Now().Unix())
	return c
}

// client talks to the server with the test's clock and no pause between
// requests (our server here has no rate limit).
func (e *env) client(t testing.TB) *recovery.Client {
	t.Helper()
	c, err := recovery.NewClient(e.url)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	c.Now = e.clock.Now
	return c
}

func (e *env) keepers(t testing.TB) recovery.Keepers {
	c := e.client(t)
	return recovery.NewKeepers(media.Keeper{},
		&heir.Keeper{Client: func(string) (*recovery.Client, error) { return c, nil }})
}

func (e *env) notices() []string {
	var out []string
	for _, n := range e.rec.Notices() {
		out = append(out, n.Event+" "+n.Address)
	}
	return out
}

// claimant is the heir on a fresh install: nothing but the sheet's text.
func (e *env) claimant(t testing.TB, sheetText string) *heir.Claimant {
	t.Helper()
	c, err := heir.NewClaimant(sheetText)
	if err != nil {
		t.Fatal(err)
	}
	c.Client = e.client(t)
	return c
}

// askAndClaim is one visit of the heir: a code, then the code typed.
func (e *env) askAndClaim(t testing.TB, c *heir.Claimant) (*heir.Claimed, error) {
	t.Helper()
	e.clock.advance(2 * time.Minute) // our server sends one code a minute
	ch, err := c.Begin(context.Background(), "en")
	if err != nil {
		return nil, err
	}
	if ch.Prefix != heir.CodePrefix || ch.Hint != "h*@e*ple.org" {
		t.Fatalf("challenge %+v", ch)
	}
	return c.Claim(context.Background(), strings.ToLower(e.rec.CodeFor(t, heirAddr)))
}

func pendingUntil(t testing.TB, err error) time.Time {
	t.Helper()
	var pe *heir.ReleasePendingError
	if !errors.As(err, &pe) || !errors.Is(err, heir.ErrReleasePending) {
		t.Fatalf("want a pending release, got %v", err)
	}
	return pe.Until
}

// protect makes the owner's pack: 2 of the heir's escrow and two files
// (a USB stick at home, one at the bank).
func protect(t *testing.T, e *env, secret []byte, delay int) (*recovery.Pack, *heir.Location, [2]string) {
	t.Helper()
	loc, err := heir.NewLocation(e.client(t), heir.Options{
		Heir: "email:" + heirAddr, Notify: "email:" + ownerAddr, DelayDays: delay,
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs := [2]string{t.TempDir(), t.TempDir()}
	p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "wallet", Description: "Family wallet", Secret: secret,
		Policy: recovery.NofM(2),
		Locations: []recovery.Location{
			&media.Location{Dir: dirs[0], Label: "the USB stick at home"},
			loc,
			&media.Location{Dir: dirs[1], Label: "the USB stick at the bank"},
		},
		Expires: e.clock.Now().Add(60 * 24 * time.Hour),
		Keepers: e.keepers(t),
		Now:     e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, loc, dirs
}

func fragmentFile(t testing.TB, dir string) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "passcrow-fragment-*"))
	if err != nil || len(files) != 1 {
		t.Fatalf("fragment files in %s: %v %v", dir, files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHeirInheritsAfterWait is the whole story: the owner places an heir
// fragment and prints the sheet; the heir, with nothing but the sheet's
// text, asks for a code, and the verified code starts the wait and tells
// the owner at once; a day before release the owner is reminded; the
// owner stops it; the heir starts again, and after the wait gets the
// pack and fragment and, with one of the files the sheet names, the
// secret.
func TestHeirInheritsAfterWait(t *testing.T) {
	ctx := context.Background()
	e := ourServer(t, newClock(), false)
	secret := []byte("correct horse battery staple")
	p, loc, dirs := protect(t, e, secret, 7)

	rec := p.Records[1]
	if rec.Kind != heir.Kind || !strings.Contains(rec.Hint, "after 7 days") {
		t.Fatalf("heir record %+v", rec)
	}
	var pdf bytes.Buffer
	if err := heir.WriteSheet(&pdf, p, rec, heir.SheetOptions{Owner: "Þórður", Lang: "en", Paper: sheet.A4, Date: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatal("the sheet is not a PDF")
	}
	s, err := heir.SheetKey(rec)
	if err != nil || s.String() != loc.Sheet().String() {
		t.Fatalf("sheet key %v %v", s, err)
	}
	sheetText := s.String()
	// Codes and notices so far: none (placing mails nobody).
	if e.rec.Count() != 0 || len(e.rec.Notices()) != 0 {
		t.Fatal("placing sent mail")
	}

	// The heir, on a fresh install with the sheet, typed in lower case.
	c := e.claimant(t, strings.ToLower(sheetText))
	_, err = e.askAndClaim(t, c)
	claimedAt := e.clock.Now()
	if until := pendingUntil(t, err); !until.Equal(claimedAt.Add(7 * 24 * time.Hour)) {
		t.Fatalf("pending until %v, want %v", until, claimedAt.Add(7*24*time.Hour))
	}
	if got := e.notices(); !slices.Equal(got, []string{"claim-started " + ownerAddr}) {
		t.Fatalf("notices %q", got)
	}
	// During the wait the app sends no code: there is nothing to claim.
	e.clock.advance(24 * time.Hour)
	sent := e.rec.Count()
	if _, err := c.Begin(ctx, "en"); !errors.Is(err, heir.ErrReleasePending) || e.rec.Count() != sent {
		t.Fatalf("Begin during the wait: %v, %d codes sent", err, e.rec.Count()-sent)
	}

	// The owner sees it pending, and is reminded a day before release.
	k := e.keepers(t)[heir.Kind].(*heir.Keeper)
	st, err := k.Status(ctx, rec)
	if err != nil || !st.Pending() || !st.ReleaseAt.Equal(claimedAt.Add(7*24*time.Hour)) {
		t.Fatalf("owner's status %+v %v", st, err)
	}
	e.clock.advance(5 * 24 * time.Hour) // the reminder is due
	e.srv.Sweep(ctx)
	if got := e.notices(); len(got) != 2 || got[1] != "release-soon "+ownerAddr {
		t.Fatalf("notices after the sweep %q", got)
	}

	// The heir holds the escrow key (it follows from the sheet) but can
	// neither cancel, nor delete, nor make a quicker escrow in its place.
	heirTriesToCheat(t, e, c, sheetText)

	// The owner stops it. The heir is refused; the escrow stays.
	if stopped, err := k.Cancel(ctx, rec); err != nil || !stopped {
		t.Fatalf("cancel: %v %v", stopped, err)
	}
	e.clock.advance(2 * 24 * time.Hour) // past the first time of release
	st, err = c.Status(ctx)
	if err != nil || st.Pending() || !st.Present {
		t.Fatalf("heir's status after the cancel: %+v %v", st, err)
	}
	_, err = e.askAndClaim(t, c)
	secondClaim := e.clock.Now()
	if until := pendingUntil(t, err); !until.Equal(secondClaim.Add(7 * 24 * time.Hour)) {
		t.Fatalf("after the cancel: pending until %v", until)
	}
	if got := e.notices(); len(got) != 3 || got[2] != "claim-started "+ownerAddr {
		t.Fatalf("notices after the second claim %q", got)
	}

	// After the wait (the sweep reminded the owner) the heir gets the
	// pack and the heir's fragment, and with one of the two files the
	// secret.
	e.clock.advance(6 * 24 * time.Hour) // the reminder is due
	e.srv.Sweep(ctx)
	e.clock.advance(24 * time.Hour)
	got, err := e.askAndClaim(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if ev := e.notices(); len(ev) != 5 || ev[3] != "release-soon "+ownerAddr || ev[4] != "released "+ownerAddr {
		t.Fatalf("notices %q", ev)
	}
	if got.Prefix != rec.Prefix || got.Pack.Name != "wallet" || len(got.Pack.Records) != 3 {
		t.Fatalf("claimed %+v", got)
	}
	if raw, _ := got.Pack.Marshal(); bytes.Contains(raw, []byte("owner-token")) || bytes.Contains(raw, []byte("heir-key")) {
		t.Fatalf("the heir's copy holds an owner token or the heir key:\n%s", raw)
	}
	r, err := got.Recovery(ctx, recovery.NewKeepers(media.Keeper{}))
	if err != nil {
		t.Fatal(err)
	}
	if have, need := r.Progress(); have != 1 || need != 2 {
		t.Fatalf("progress %d of %d", have, need)
	}
	if _, err := r.GatherAny(ctx, recovery.Input{File: fragmentFile(t, dirs[1]), FileName: "bank.txt"}); err != nil {
		t.Fatal(err)
	}
	out, _, err := r.Secret()
	if err != nil || string(out) != string(secret) {
		t.Fatalf("secret %q, %v", out, err)
	}

	// The heir's copy stops nothing and deletes nothing.
	if _, err := (&heir.Keeper{}).Cancel(ctx, got.Pack.Records[1]); !errors.Is(err, heir.ErrNotOwner) {
		t.Fatalf("cancel from the heir's copy: %v", err)
	}

	// The owner's own recovery never asks the heir's escrow for a code
	// (it would mail the heir); the heir's piece is not the owner's.
	own := recovery.NewRecovery(p, e.keepers(t))
	sent = e.rec.Count()
	if res := own.RequestCodes(ctx, "en"); len(res) != 0 || e.rec.Count() != sent {
		t.Fatalf("the owner's recovery asked for codes: %+v", res)
	}
	if _, err := own.Gather(ctx, rec.Prefix, recovery.Input{}); !errors.Is(err, heir.ErrHeirsOnly) {
		t.Fatalf("the owner gathering the heir's piece: %v", err)
	}

	// Forget removes the heir's escrow with the owner token: the sheet
	// finds nothing any more.
	if err := recovery.Forget(ctx, p, e.keepers(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(ctx); !errors.Is(err, heir.ErrNothingKept) {
		t.Fatalf("after Forget: %v", err)
	}
}

// heirTriesToCheat: everything the heir can do with the sheet's key,
// which is everything but the owner token, is refused.
func heirTriesToCheat(t *testing.T, e *env, c *heir.Claimant, sheetText string) {
	t.Helper()
	ctx := context.Background()
	ref := heir.DeriveForTest(t, sheetText)
	client := e.client(t)
	before, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A 1.0 deletion, with the escrow key or without.
	if err := client.Delete(ctx, ref.ID, ref.Key); err == nil || !strings.Contains(err.Error(), wire.ErrReleaseOwned) {
		t.Fatalf("1.0 deletion by the heir: %v", err)
	}
	// Cancel or delete, with the escrow key for an owner token.
	for _, m := range []string{wire.MethodReleaseCancel, wire.MethodReleaseDelete} {
		var resp wire.OwnerResponse
		err := client.Extension(ctx, m, wire.OwnerRequest{Version: wire.ExtVersion, EscrowDataID: ref.ID, OwnerToken: wire.EncodeKey(ref.Key)}, &resp)
		if err == nil || !strings.Contains(err.Error(), wire.ErrOwnerToken) {
			t.Fatalf("%s with the escrow key: %v", m, err)
		}
	}
	// A new escrow under the same id, with a one-day wait.
	_, err = client.Escrow(ctx, recovery.EscrowInput{
		Identity: "email:" + heirAddr, Secret: "anything", Expires: e.clock.Now().Add(24 * time.Hour),
		PreferID: ref.ID, Key: ref.Key,
		Via: &recovery.EscrowVia{Method: wire.MethodDelayedEscrow, Wrap: func(b []byte) ([]byte, error) {
			return wire.Marshal(wire.DelayedEscrowRequest{Version: wire.ExtVersion, EscrowRequest: b, DelayDays: 1, OwnerToken: wire.EncodeKey(make([]byte, 32))})
		}},
	})
	if err == nil || !strings.Contains(err.Error(), "Escrow ID already in use") {
		t.Fatalf("a second escrow under the heir's id: %v", err)
	}
	after, err := c.Status(ctx)
	if err != nil || after != before {
		t.Fatalf("the heir changed the escrow: %+v, was %+v (%v)", after, before, err)
	}
}

// TestHeirNeedsOurServer: a server that does not advertise waiting
// periods (ours with the extensions off, answering as a reference
// server does) gets no heir fragment, and what was placed before it is
// taken back.
func TestHeirNeedsOurServer(t *testing.T) {
	e := ourServer(t, newClock(), true)
	loc, err := heir.NewLocation(e.client(t), heir.Options{Heir: "email:" + heirAddr, Notify: "email:" + ownerAddr, DelayDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err = recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "wallet", Secret: []byte("s"), Policy: recovery.All(),
		Locations: []recovery.Location{&media.Location{Dir: dir}, loc},
		Expires:   e.clock.Now().Add(60 * 24 * time.Hour),
		Keepers:   e.keepers(t),
		Now:       e.clock.Now,
	})
	if !errors.Is(err, heir.ErrNoReleaseDelay) {
		t.Fatalf("Protect on a server without the extension: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "passcrow-fragment-*")); len(files) != 0 {
		t.Fatalf("the file placed first was left behind: %v", files)
	}
	// And the heir's side says so too.
	c := e.claimant(t, heir.NewSheetForTest(t, e.url).String())
	if _, err := c.Begin(context.Background(), "en"); err == nil || !strings.Contains(err.Error(), "does not keep heirs' escrows") {
		t.Fatalf("Begin on a server without the extension: %v", err)
	}
}

// TestHeirCopyTooLargeRollsBack: a secret too large for the heir's
// escrow fails in the second step, once the pack is finished; the file
// placed in the first step is taken back and nothing reached the server.
func TestHeirCopyTooLargeRollsBack(t *testing.T) {
	e := ourServer(t, newClock(), false)
	loc, err := heir.NewLocation(e.client(t), heir.Options{Heir: "email:" + heirAddr, Notify: "email:" + ownerAddr, DelayDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 3<<10) // 48 KiB
	_, err = recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "wallet", Secret: big, Policy: recovery.All(),
		Locations: []recovery.Location{&media.Location{Dir: dir}, loc},
		Expires:   e.clock.Now().Add(60 * 24 * time.Hour),
		Keepers:   e.keepers(t),
		Now:       e.clock.Now,
	})
	if err == nil || !strings.Contains(err.Error(), "too large for the heir's escrow") {
		t.Fatalf("Protect with a large secret: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "passcrow-fragment-*")); len(files) != 0 {
		t.Fatalf("the file was left behind: %v", files)
	}
	if st, err := e.claimant(t, loc.Sheet().String()).Status(context.Background()); !errors.Is(err, heir.ErrNothingKept) {
		t.Fatalf("the server holds something: %+v %v", st, err)
	}
}

// TestHeirPlaceRefusals: a waiting period outside what the server keeps,
// or longer than the fragments last, is refused before any work.
func TestHeirPlaceRefusals(t *testing.T) {
	e := ourServer(t, newClock(), false)
	for _, tc := range []struct {
		days    int
		expires time.Duration
		want    string
	}{
		{91, 200 * 24 * time.Hour, "keeps waiting periods of 1 to 90 days, not 91"},
		{30, 20 * 24 * time.Hour, "before the heir could wait 30 days"},
	} {
		loc, err := heir.NewLocation(e.client(t), heir.Options{Heir: "email:" + heirAddr, Notify: "email:" + ownerAddr, DelayDays: tc.days})
		if err != nil {
			t.Fatal(err)
		}
		_, err = loc.Place(context.Background(), recovery.Fragment{1, 2, 3}, recovery.PlaceOptions{Prefix: "1", Expires: e.clock.Now().Add(tc.expires)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d days: %v", tc.days, err)
		}
	}
	for _, o := range []heir.Options{
		{Heir: "email:" + heirAddr, Notify: "email:" + heirAddr, DelayDays: 7},
		{Heir: "email:" + heirAddr, DelayDays: 7},
		{Heir: "email:" + heirAddr, Notify: "email:" + ownerAddr},
	} {
		if _, err := heir.NewLocation(e.client(t), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
