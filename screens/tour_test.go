package screens

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// newTestUI is the app as a user meets it, headless: fyne's test driver,
// the real file store in a PASSCROW_HOME-style temp dir, and the demo
// server (our server, in process on 127.0.0.1, codes to its outbox).
func newTestUI(t *testing.T) *UI {
	t.Helper()
	return newTestUIAt(t, nil)
}

// newTestUIAt is newTestUI with the state's clock set to now (nil: the
// real one). The login reminder goes to a temp XDG_CONFIG_HOME.
func newTestUIAt(t *testing.T, now func() time.Time) *UI {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	home := t.TempDir()
	st, err := state.Open(a.Preferences(), state.Options{Home: home, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := test.NewTempWindow(t, nil)
	u := New(a, w, st, filepath.Join(home, "demo"))
	u.MailboxPoll = 0    // the tour refreshes the mailbox itself
	u.KnownServers = nil // stay off the network
	u.Serial = &sync.Mutex{}
	return u
}

// tap, typeIn and look work the UI under u.Serial, as fyne.Do would on
// a real UI goroutine: fyne's test driver runs the background
// goroutines' updates at once, on their own goroutines.
func tap(u *UI, b *widget.Button) {
	u.Serial.Lock()
	defer u.Serial.Unlock()
	test.Tap(b)
}

// typeIn types s into a text field (a widget.Entry or a dialogEntry).
func typeIn(u *UI, e interface {
	fyne.Focusable
	SetText(string)
}, s string) {
	u.Serial.Lock()
	defer u.Serial.Unlock()
	e.SetText("")
	test.Type(e, s)
}

func look(u *UI, f func()) {
	u.Serial.Lock()
	defer u.Serial.Unlock()
	f()
}

func testDriver(t *testing.T, u *UI) TourDriver {
	return TourDriver{
		Tap:  func(b *widget.Button) { tap(u, b) },
		Type: func(e *widget.Entry, s string) { typeIn(u, e, s) },
		Do:   func(f func()) { look(u, f) },
		Shot: func(name string) {
			t.Log("step", name)
			look(u, func() { checkReadable(t, name, u.Win.Content()) })
		},
	}
}

// checkReadable fails on a label drawn in the disabled colour, which
// fyne uses for LowImportance: on a light theme it is too faint to read
// (seen in the screenshots), and nothing on our screens is disabled text.
func checkReadable(t *testing.T, step string, o fyne.CanvasObject) {
	t.Helper()
	switch w := o.(type) {
	case *widget.Label:
		if w.Importance == widget.LowImportance {
			t.Errorf("%s: %q is drawn in the disabled colour", step, w.Text)
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			checkReadable(t, step, c)
		}
		return
	}
	if w, ok := o.(fyne.Widget); ok {
		r := test.WidgetRenderer(w)
		for _, c := range r.Objects() {
			checkReadable(t, step, c)
		}
	}
}

// TestTourSetupAndRecovery taps and types through the whole setup and
// recovery flows against the in-process demo server. Tour itself checks
// each screen (the refused address, 2 of 3 by default, the server's
// policy, progress, the item in the overview, "1 of 2 received", the
// recovered secret); here we check what is left on screen afterwards.
func TestTourSetupAndRecovery(t *testing.T) {
	u := newTestUI(t)
	u.Start()
	if err := Tour(u, testDriver(t, u)); err != nil {
		t.Fatal(err)
	}
	over, ok := u.Current().(*Overview)
	if !ok {
		t.Fatalf("after the tour the %T screen shows, want the overview", u.Current())
	}
	if len(over.Items) != 1 || over.Items[0].Threshold != 2 || len(over.Items[0].Places) != 3 {
		t.Fatalf("overview items = %+v, want one needing 2 of 3", over.Items)
	}
	card := over.Cards["Password manager"]
	if card == nil || card.Subtitle != "Protected" {
		t.Fatalf("card = %+v, want a Protected card", card)
	}
	if !u.State.Renewable("Password manager") {
		t.Error("the plan was not kept for renewal")
	}
	// The mailbox window shows the three codes the recovery asked for.
	if u.mailbox == nil || len(u.mailbox.Messages) != 3 || u.mailbox.Messages[0].Code == "" {
		t.Errorf("demo mailbox = %+v, want 3 messages with codes", u.mailbox)
	}
}

// TestRenewSwitchesPacksAndForgetsOld renews an item with the secret typed
// twice, then checks that the old codes no longer work (old escrows gone)
// and that recovery still works with the new pack; then forgets it.
func TestRenewSwitchesPacksAndForgetsOld(t *testing.T) {
	u := newTestUI(t)
	u.Start()
	if err := Tour(u, testDriver(t, u)); err != nil {
		t.Fatal(err)
	}
	before, _ := u.State.Items()

	look(u, func() { u.ShowRenew("Password manager", nil) })
	r := u.Current().(*Renew)
	typeIn(u, r.Secret, TourSecret)
	typeIn(u, r.Again, "wrong")
	tap(u, r.Start)
	if r.Error.Text == "" {
		t.Fatal("mismatched secrets were accepted")
	}
	typeIn(u, r.Again, TourSecret)
	tap(u, r.Start)
	waitForRenewal(t, u)
	after, _ := u.State.Items()
	if len(after) != 1 || after[0].Renewed.Before(before[0].Renewed) || after[0].Places[0].Hint != before[0].Places[0].Hint {
		t.Fatalf("items after renewal = %+v", after)
	}

	// Recover again with the new fragments.
	rec := startRecoveryForTest(t, u, "Password manager")
	codes, err := tourCodes(u.State.Demo(), 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes[1:] {
		submitForTest(t, u, rec, c)
	}
	if rec.Secret == nil || rec.Secret.Text != TourSecret {
		t.Fatalf("recovery after renewal: %q", rec.Error.Text)
	}

	// Forget, as after confirming the dialog.
	var forgotten <-chan struct{}
	look(u, func() {
		u.ShowOverview()
		forgotten = u.Current().(*Overview).forget("Password manager")
	})
	if err := wait(forgotten, TourStepTimeout, "forget"); err != nil {
		t.Fatal(err)
	}
	if items, _ := u.State.Items(); len(items) != 0 {
		t.Fatalf("after forget: %+v", items)
	}
}

func TestSetupWarnsWhenOneServerHoldsEnough(t *testing.T) {
	u := newTestUI(t)
	u.ShowSetup(state.Plan{})
	s := u.Current().(*Setup)
	test.Type(s.Name, "Disk")
	test.Type(s.Secret, "hunter2")
	test.Type(s.Again, "hunter2")
	test.Tap(s.Next)
	for _, id := range []string{"a@example.org", "b@example.org"} {
		test.Type(s.Identity, id)
		test.Tap(s.AddIdentity)
	}
	test.Tap(s.Next)
	s.Policy.SetSelected(s.Policy.Options[0]) // all: 2 of 2
	if !strings.Contains(s.Explain.Text, "2 of 2") {
		t.Fatalf("explanation %q", s.Explain.Text)
	}
	s.Plan.Servers = []string{"https://one.example", "https://two.example"}
	s.Plan.Policy = state.PolicyAnyOne
	s.updateWarningFor(s.Plan.Servers)
	if !s.Warning.Visible() || !strings.Contains(s.Warning.Text, "one.example") {
		t.Fatalf("any one of two: warning %q visible=%v", s.Warning.Text, s.Warning.Visible())
	}
	s.Plan.Policy = state.PolicyAll
	s.updateWarningFor(s.Plan.Servers)
	if s.Warning.Visible() {
		t.Fatalf("all of two on two servers warns %q", s.Warning.Text)
	}
}

func TestEnterSubmits(t *testing.T) {
	u := newTestUI(t)
	u.ShowSetup(state.Plan{})
	s := u.Current().(*Setup)
	test.Type(s.Name, "Disk")
	s.Name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Step != stepSecret || s.ui.Win.Canvas().Focused() != s.Secret || s.Error.Text != "" {
		t.Fatalf("Enter in the name did not move to the secret (step %d, error %q)", s.Step, s.Error.Text)
	}
	test.Type(s.Secret, "hunter2")
	s.Secret.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Step != stepSecret || s.ui.Win.Canvas().Focused() != s.Again {
		t.Fatalf("Enter in the secret did not move to typing it again (step %d)", s.Step)
	}
	test.Type(s.Again, "hunter2")
	s.Again.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Step != stepIdentities {
		t.Fatalf("Enter in the secret left the wizard at step %d", s.Step)
	}
	test.Type(s.Identity, "a@example.org")
	s.Identity.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(s.Plan.Identities) != 1 {
		t.Fatalf("Enter in the identity added %v", s.Plan.Identities)
	}
}

// TestTourRestartAfterDemo runs the tour, closes the app's state as
// quitting does, then starts a second UI on the same home and
// preferences: TourRestart checks that the demo server comes back, that
// a wrong code stays typed beside its reason, that a second recovery
// asks before sending new codes, that the pack saved before a renewal is
// refused as older, and that forgetting with the server gone offers to
// remove the item anyway.
func TestTourRestartAfterDemo(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	home := t.TempDir()
	start := func() *UI {
		st, err := state.Open(a.Preferences(), state.Options{Home: home})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		u := New(a, test.NewTempWindow(t, nil), st, filepath.Join(home, "demo"))
		u.MailboxPoll, u.KnownServers, u.Serial = 0, nil, &sync.Mutex{}
		u.Start()
		return u
	}
	first := start()
	if err := Tour(first, testDriver(t, first)); err != nil {
		t.Fatal(err)
	}
	if err := first.State.Close(); err != nil {
		t.Fatal(err)
	}
	again := start()
	if err := TourRestart(again, testDriver(t, again)); err != nil {
		t.Fatal(err)
	}
}

// TestTourOffline walks the welcome's ways back in and setup to its
// servers step with the one known server out of reach (a loopback port
// nothing listens on): TourOffline checks that no raw network error is
// shown.
func TestTourOffline(t *testing.T) {
	u := newTestUI(t)
	u.KnownServers = []string{"http://127.0.0.1:1"}
	u.Start()
	if err := TourOffline(u, testDriver(t, u)); err != nil {
		t.Fatal(err)
	}
}
