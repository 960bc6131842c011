package screens

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/recovery/heir"
)

// findButtonDeep is the button with text in o's tree, widgets' insides
// included (a dialog's buttons), or nil.
func findButtonDeep(o fyne.CanvasObject, text string) *widget.Button {
	if b, ok := o.(*widget.Button); ok && b.Text == text {
		return b
	}
	var kids []fyne.CanvasObject
	switch v := o.(type) {
	case *fyne.Container:
		kids = v.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(v).Objects()
	}
	for _, k := range kids {
		if b := findButtonDeep(k, text); b != nil {
			return b
		}
	}
	return nil
}

func waitHeirs(t *testing.T, u *UI, w *HeirWatch) {
	t.Helper()
	var done chan struct{}
	look(u, func() { done = w.checked })
	if err := wait(done, TourStepTimeout, "the heirs' servers"); err != nil {
		t.Fatal(err)
	}
}

// TestHeirBanner: the owner's app asks the heir's server (our server,
// test clock) at most hourly; after the heir's code started the wait, it
// says when the heir asked and when the release comes, and "Stop it",
// confirmed, stops the release on the server.
func TestHeirBanner(t *testing.T) {
	clk := &heirClock{t: time.Date(2026, 12, 9, 10, 0, 0, 0, time.Local)}
	_, url, mail := heirServer(t, clk)
	p, sheet, _ := ownerPack(t, url, clk)
	u := newTestUIAt(t, clk.now)
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.State.Import(b, ""); err != nil {
		t.Fatal(err)
	}
	w := u.heirs()
	look(u, func() { u.Win.SetContent(u.HeirBanners()) })
	waitHeirs(t, u, w)
	look(u, func() {
		if w.Checks != 1 || len(w.Banners) != 0 {
			t.Fatalf("before the heir asked: %d checks, %d banners", w.Checks, len(w.Banners))
		}
	})

	// The heir asks, and the code starts the wait.
	c, err := heir.NewClaimant(sheet)
	if err != nil {
		t.Fatal(err)
	}
	c.Client.Interval, c.Client.Now = 0, clk.now
	ctx := context.Background()
	if _, err := c.Begin(ctx, "en"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Claim(ctx, mail.CodeFor(t, "heir@example.org")); !errorsIsPending(err) {
		t.Fatalf("the heir's claim: %v", err)
	}

	clk.advance(59 * time.Minute)
	look(u, func() { u.HeirBanners() })
	look(u, func() {
		if w.Checks != 1 {
			t.Fatalf("asked again within the hour: %d checks", w.Checks)
		}
	})
	clk.advance(time.Minute)
	look(u, func() { u.HeirBanners() })
	waitHeirs(t, u, w)
	var banner *HeirBanner
	look(u, func() {
		if w.Checks != 2 || len(w.Banners) != 1 {
			t.Fatalf("after an hour: %d checks, %d banners", w.Checks, len(w.Banners))
		}
		banner = w.Banners[0]
		want := "Your heir asked for “Family wallet” on 9 December 2026. It will be released on 16 December 2026."
		if banner.Text.Text != want || banner.Stop.Importance != widget.DangerImportance {
			t.Errorf("banner %q, want %q", banner.Text.Text, want)
		}
	})
	tap(u, banner.Stop)
	var stop *widget.Button
	look(u, func() {
		top := u.Win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no confirmation")
		}
		stop = findButtonDeep(top, "Stop it")
	})
	if stop == nil {
		t.Fatal("no Stop it in the confirmation")
	}
	tap(u, stop)
	waitHeirs(t, u, w)
	look(u, func() {
		if banner.Stop.Visible() || banner.Text.Text != "Stopped: your heir will not get “Family wallet” now." {
			t.Errorf("after stopping: %q", banner.Text.Text)
		}
	})
	st, err := c.Status(ctx)
	if err != nil || st.Pending() || !st.Present {
		t.Fatalf("on the server after stopping: %+v %v", st, err)
	}
}

func errorsIsPending(err error) bool {
	_, ok := errors.AsType[*heir.ReleasePendingError](err)
	return ok
}
