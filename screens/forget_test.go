package screens

import (
	"context"
	"image"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// forgetForTest taps the item's Forget, then Forget in the question, and
// waits until the deletion ended.
func forgetForTest(t *testing.T, u *UI, name string) {
	t.Helper()
	var o *Overview
	look(u, func() {
		u.ShowOverview()
		o = u.Current().(*Overview)
	})
	tap(u, o.Forget[name])
	if o.LastConfirm == nil {
		t.Fatal("Forget asked nothing")
	}
	tap(u, o.LastConfirm.Do)
	if err := wait(o.forgetting, TourStepTimeout, "forget"); err != nil {
		t.Fatal(err)
	}
}

// TestForgetWithServerGone: an item on a second server of ours that has
// gone away (closed) is kept when Forget cannot delete its fragment
// there; the dialog names the place and until when the fragment is
// kept, offers Try again, and removes it from this computer anyway.
func TestForgetWithServerGone(t *testing.T) {
	u := newTestUI(t)
	srv, err := server.New(server.Config{Verifiers: map[string]verify.Verifier{"email": &verify.Outbox{Dir: t.TempDir()}}, ResendInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer srv.Close()
	protectPlanForTest(t, u, state.Plan{Name: "Wallet", Policy: state.PolicyAll,
		Identities: []string{"email:a@example.org", "email:b@example.org"}})
	u.State.SetServers([]string{hs.URL})
	protectOnForTest(t, u, "Gone", hs.URL)
	hs.Close()

	forgetForTest(t, u, "Gone")
	var o *Overview
	look(u, func() { o = u.Current().(*Overview) })
	if o.LastLeftover == nil {
		t.Fatal("no word on the fragments left behind")
	}
	host := strings.TrimPrefix(hs.URL, "http://")
	if !showsPart(u, host) || !showsPart(u, host+" did not answer:") || !showsPart(u, ": kept until") {
		t.Fatal("the dialog does not name the server and until when its fragment is kept")
	}
	if items, _ := u.State.Items(); len(items) != 2 {
		t.Fatalf("the item went although its fragments are still out: %+v", items)
	}
	shotA1(t, u, "forget-server-gone")
	tap(u, o.LastLeftover.Do)
	items, _ := u.State.Items()
	if len(items) != 1 || items[0].Name != "Wallet" {
		t.Fatalf("after Remove from this computer anyway: %+v", items)
	}
}

// protectOnForTest protects name with TourSecret at two addresses, both
// fragments on server.
func protectOnForTest(t *testing.T, u *UI, name, server string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), TourStepTimeout)
	defer cancel()
	p := state.Plan{Name: name, Policy: state.PolicyAll, Secret: []byte(TourSecret), Servers: []string{server},
		Identities: []string{"email:a@example.org", "email:b@example.org"}}
	if err := u.State.Protect(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
}

// showsPart reports whether a label on the window, dialogs included,
// holds part.
func showsPart(u *UI, part string) bool {
	found := false
	look(u, func() {
		objs := test.LaidOutObjects(u.Win.Content())
		for _, o := range u.Win.Canvas().Overlays().List() {
			objs = append(objs, test.LaidOutObjects(o)...)
		}
		for _, o := range objs {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, part) {
				found = true
			}
		}
	})
	return found
}

// shotA1 saves the window, dialogs included, at 1024×768 as a PNG under
// $PASSCROW_REVIEW_SHOTS for a person to look at; without it, nothing.
func shotA1(t *testing.T, u *UI, name string) {
	t.Helper()
	dir := os.Getenv("PASSCROW_REVIEW_SHOTS")
	if dir == "" {
		return
	}
	var img image.Image
	look(u, func() {
		u.Win.Resize(fyne.NewSize(1024, 768))
		img = u.Win.Canvas().Capture()
	})
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
