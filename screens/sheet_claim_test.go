package screens

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// testClock is a clock the test moves on; the server and the app share it.
type heirClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *heirClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *heirClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// heirServer is our server on 127.0.0.1 with the test's clock; its codes
// and notices go to a recorder.
func heirServer(t *testing.T, clk *heirClock) (*server.Server, string, *servertest.Recorder) {
	t.Helper()
	rec := &servertest.Recorder{}
	srv, err := server.New(server.Config{
		Verifiers:      map[string]verify.Verifier{"email": rec},
		Now:            clk.now,
		SweepInterval:  -1,
		ResendInterval: -1,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return srv, hs.URL, rec
}

// ownerPack is the owner's pack, made on another computer: 2 of the
// heir's escrow (7 days' wait) and a USB stick; it returns the sheet's
// key and the stick's folder.
func ownerPack(t *testing.T, url string, clk *heirClock) (*recovery.Pack, string, string) {
	t.Helper()
	c, err := recovery.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval, c.Now = 0, clk.now
	loc, err := heir.NewLocation(c, heir.Options{Heir: "email:heir@example.org", Notify: "email:owner@example.org", DelayDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "Family wallet", Secret: []byte(TourSecret), Policy: recovery.NofM(2),
		Locations: []recovery.Location{loc, &media.Location{Dir: stick, Label: "the USB stick in the drawer"}},
		Expires:   clk.now().Add(60 * 24 * time.Hour),
		Keepers: recovery.NewKeepers(media.Keeper{},
			&heir.Keeper{Client: func(string) (*recovery.Client, error) { return c, nil }}),
		Now: clk.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, loc.Sheet().String(), stick
}

func claimStep(t *testing.T, u *UI, s *SheetClaim, f func()) {
	t.Helper()
	look(u, f)
	var done chan struct{}
	look(u, func() { done = s.done })
	if err := wait(done, TourStepTimeout, "the sheet's step"); err != nil {
		t.Fatal(err)
	}
}

// TestHeirRecoversFromSheet: an heir on a fresh install opens "I have a
// recovery sheet", mistypes the key (told where), types it right, gets a
// code, and the code starts the wait: the date is said in words and the
// owner is told. The claim is kept in the store, not Preferences; after
// the wait the app takes the heir straight to a new code, and the code
// gives the owner's pack, whose recovery goes on with the stick.
func TestHeirRecoversFromSheet(t *testing.T) {
	clk := &heirClock{t: time.Date(2026, 12, 9, 10, 0, 0, 0, time.Local)}
	srv, url, mail := heirServer(t, clk)
	_, sheet, stick := ownerPack(t, url, clk)

	u := newTestUIAt(t, clk.now)
	look(u, u.Start)
	tap(u, u.Current().(*Welcome).Sheet)
	s := u.Current().(*SheetClaim)

	// A typo in the key's third group.
	i := strings.LastIndexByte(sheet, ':') + len(":PC1-ABCD-EF") // group 3, character 3
	bad := []byte(sheet)
	if bad[i] == 'Q' {
		bad[i] = 'P'
	} else {
		bad[i] = 'Q'
	}
	look(u, func() { s.Key.SetText(string(bad)) })
	tap(u, s.Next)
	look(u, func() {
		if !strings.Contains(s.Error.Text, "group 3, character 3") || u.Current() != s {
			t.Fatalf("a typo in the key: %q", s.Error.Text)
		}
	})
	claimStep(t, u, s, func() {
		s.Key.SetText(sheet)
		test.Tap(s.Next)
	})
	look(u, func() {
		if !strings.Contains(s.Info.Text, "h*@e*ple.org") {
			t.Fatalf("after the key: %q %q", s.Info.Text, s.Error.Text)
		}
	})
	claimStep(t, u, s, func() {
		s.Code.SetText(mail.CodeFor(t, "heir@example.org"))
		test.Tap(s.UseCode)
	})
	look(u, func() {
		want := "You can finish on 16 December 2026. The owner has been told and can stop this."
		if !strings.HasPrefix(s.Info.Text, want) {
			t.Fatalf("after the first code: %q, want %q; error %q", s.Info.Text, want, s.Error.Text)
		}
	})
	if n := mail.Notices(); len(n) == 0 || n[0].Address != "owner@example.org" {
		t.Fatalf("the owner was not told: %+v", n)
	}
	if kept, err := u.State.KeptClaim(); err != nil || kept == nil {
		t.Fatalf("claim not kept: %v", err)
	}

	// The owner is reminded a day before the release; eight days on,
	// the app goes straight to a new code.
	clk.advance(6 * 24 * time.Hour)
	srv.Sweep(context.Background())
	clk.advance(2 * 24 * time.Hour)
	look(u, u.ShowSheetClaim)
	s = u.Current().(*SheetClaim)
	var done chan struct{}
	look(u, func() { done = s.done })
	if err := wait(done, TourStepTimeout, "a new code"); err != nil {
		t.Fatal(err)
	}
	look(u, func() {
		if !strings.Contains(s.Info.Text, "h*@e*ple.org") {
			t.Fatalf("after the wait: %q %q", s.Info.Text, s.Error.Text)
		}
	})
	claimStep(t, u, s, func() {
		s.Code.SetText(mail.CodeFor(t, "heir@example.org"))
		test.Tap(s.UseCode)
	})
	// Claim's answer shows the recovery before the step is done.
	var rec *Recovery
	look(u, func() {
		var ok bool
		if rec, ok = u.Current().(*Recovery); !ok {
			t.Fatalf("after the wait's code: %q %q", s.Info.Text, s.Error.Text)
		}
	})
	var started chan struct{}
	look(u, func() { started = rec.started })
	if err := wait(started, TourStepTimeout, "the recovery"); err != nil {
		t.Fatal(err)
	}
	if kept, _ := u.State.KeptClaim(); kept != nil {
		t.Error("the claim is still kept after it succeeded")
	}
	var line *GatherLine
	look(u, func() {
		if !strings.HasPrefix(rec.Received.Text, "1 of 2") || len(rec.Gathers) != 1 {
			t.Fatalf("the owner's pack: %q, %d lines", rec.Received.Text, len(rec.Gathers))
		}
		for _, l := range rec.Gathers {
			line = l
		}
	})
	useFileForTest(t, u, rec, line, "fragment", fragmentFile(t, stick))
	look(u, func() {
		if rec.Secret == nil || rec.Secret.Text != TourSecret {
			t.Fatalf("no secret: %q %q", line.Status.Text, rec.Error.Text)
		}
	})
}

// TestHeirSheetFromPhoto: the sheet's key read from a picture of its QR
// code (made with the QR library the sheets are printed with) starts the
// claim as the typed key does; a picture without one is told.
func TestHeirSheetFromPhoto(t *testing.T) {
	clk := &heirClock{t: time.Date(2026, 12, 9, 10, 0, 0, 0, time.Local)}
	_, url, _ := heirServer(t, clk)
	_, sheet, _ := ownerPack(t, url, clk)
	png, err := qrcode.Encode(strings.ToUpper(sheet), qrcode.Medium, 600)
	if err != nil {
		t.Fatal(err)
	}
	blank, err := qrcode.Encode("x", qrcode.Low, 100)
	if err != nil {
		t.Fatal(err)
	}
	blank = blank[:len(blank)/2] // not a picture any more

	u := newTestUIAt(t, clk.now)
	look(u, u.ShowSheetClaim)
	s := u.Current().(*SheetClaim)
	claimStep(t, u, s, func() { s.usePhoto(io.NopCloser(bytes.NewReader(blank))) })
	look(u, func() {
		if !strings.HasPrefix(s.Error.Text, "Could not read a QR code in that picture") {
			t.Fatalf("a broken picture: %q", s.Error.Text)
		}
	})
	claimStep(t, u, s, func() { s.usePhoto(io.NopCloser(bytes.NewReader(png))) })
	// The photo's step started asking for a code: wait for that too.
	var done chan struct{}
	look(u, func() { done = s.done })
	if err := wait(done, TourStepTimeout, "the code"); err != nil {
		t.Fatal(err)
	}
	look(u, func() {
		if !strings.Contains(s.Info.Text, "h*@e*ple.org") {
			t.Fatalf("after the photo: %q %q", s.Info.Text, s.Error.Text)
		}
	})
}
