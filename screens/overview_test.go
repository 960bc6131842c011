package screens

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/cli"
)

// TestOverviewSaysDaysLeftAndForgetIsDangerous: the card says how many
// days are left and what renewing means, says "Not yet renewed" rather
// than repeating the date it was made, and its Forget is red; the
// question defaults to Cancel: Escape and Enter keep the item.
func TestOverviewSaysDaysLeftAndForgetIsDangerous(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	u := newTestUIAt(t, clock.now)
	protectForTest(t, u, "Disk")
	items, _ := u.State.Items()
	days := int(items[0].Expires.Sub(clock.now()).Hours()/24 + 0.999)
	var o *Overview
	var shown []string
	look(u, func() {
		u.ShowOverview()
		o = u.Current().(*Overview)
		shown = texts(u.Win.Content())
	})
	card := strings.Join(texts(o.Cards["Disk"]), "\n")
	for _, want := range []string{
		strconv.Itoa(days) + " days left: its first fragment expires on " + date(items[0].Expires) + ".",
		"Protected on " + date(clock.now()) + ". Not yet renewed.",
	} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	if strings.Contains(card, "Last renewed") {
		t.Errorf("the card says when it was last renewed, though it never was:\n%s", card)
	}
	if !containsText(shown, "Renewing makes fresh fragments") {
		t.Error("the overview does not say what renewing means")
	}
	if o.Forget["Disk"].Importance != widget.DangerImportance {
		t.Error("Forget does not look dangerous")
	}
	shotA1(t, u, "overview")

	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter} {
		tap(u, o.Forget["Disk"])
		c := o.LastConfirm
		if c == nil || c.Do.Importance != widget.DangerImportance || c.Cancel.Importance == widget.HighImportance {
			t.Fatalf("the question: %+v", c)
		}
		if key == fyne.KeyEscape {
			shotA1(t, u, "forget-question")
		}
		look(u, func() { u.Win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: key}) })
		if items, _ := u.State.Items(); len(items) != 1 {
			t.Fatalf("%s forgot the item", key)
		}
		if showsPart(u, "You will not be able to recover this secret") {
			t.Fatalf("%s left the question open", key)
		}
	}

	clock.set(clock.now().Add(30 * time.Minute))
	look(u, func() { u.ShowRenew("Disk", []byte(TourSecret)) })
	waitForRenewal(t, u)
	look(u, func() { u.ShowOverview(); o = u.Current().(*Overview) })
	card = strings.Join(texts(o.Cards["Disk"]), "\n")
	if want := "Last renewed on " + date(clock.now()); !strings.Contains(card, want) {
		t.Errorf("after a renewal the card lacks %q:\n%s", want, card)
	}
}

// cliProtect protects name with the command line in home, on server.
func cliProtect(t *testing.T, home, server, name string) {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte(TourSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := cli.Main([]string{"protect", name, "--home", home, "--secret-file", secret,
		"--id", "email:a@example.org", "--id", "email:b@example.org", "--threshold", "2", "--server", server},
		strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("passcrow protect: exit %d: %s", code, errb.String())
	}
}

// TestCommandLinePacksShow: items protected with the command line in the
// same home show in the app: at its first start (not the welcome
// screen), and when the window comes back to the front.
func TestCommandLinePacksShow(t *testing.T) {
	u := newTestUI(t)
	dir, _ := u.demoDir()
	d, err := u.State.StartDemo(dir)
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Dir(u.DemoDir)
	cliProtect(t, home, d.URL, "Wallet")
	look(u, u.Start)
	o, ok := u.Current().(*Overview)
	if !ok || o.Cards["Wallet"] == nil {
		t.Fatalf("at the first start with an item from the command line: %T", u.Current())
	}
	cliProtect(t, home, d.URL, "Mail")
	lc, ok := u.App.Lifecycle().(interface{ OnEnteredForeground() func() })
	if !ok || lc.OnEnteredForeground() == nil {
		t.Fatal("nothing happens when the window comes to the front")
	}
	lc.OnEnteredForeground()() // as the driver does; the hook takes the UI lock itself
	look(u, func() { o = u.Current().(*Overview) })
	if o.Cards["Mail"] == nil {
		t.Fatal("an item protected meanwhile with the command line is not shown when the window comes to the front")
	}
	// Quitting unhooks it (UI.Quit and scripts call this): a lifecycle
	// event queued while Fyne shuts its loop down can hang the quit.
	look(u, u.StopLifecycleHooks)
	if lc.OnEnteredForeground() != nil {
		t.Fatal("the foreground hook is still set")
	}
}
