//go:build unix

package screens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// startSetupForTest opens the wizard with the demo server (our server,
// in process), types a name and secret and goes to the addresses step.
func startSetupForTest(t *testing.T, u *UI, name string) *Setup {
	t.Helper()
	tryDemoForTest(t, u)
	setup, err := WaitScreen[*Setup](u, TourStepTimeout)
	if err != nil {
		t.Fatal(err)
	}
	typeIn(u, setup.Name, name)
	typeIn(u, setup.Secret, TourSecret)
	typeIn(u, setup.Again, TourSecret)
	tap(u, setup.Next)
	return setup
}

// addKindForTest opens a kind's form, lets fill set its fields, and
// taps Add; it returns the form's error text.
func addKindForTest(t *testing.T, u *UI, s *Setup, k state.ExtraKind, fill func(f *KindForm)) string {
	t.Helper()
	tap(u, s.AddKind[k])
	var f *KindForm
	look(u, func() { f = s.Form })
	if f == nil || f.Kind != k {
		t.Fatalf("the %s form did not open", k)
	}
	fill(f)
	tap(u, f.Add)
	var msg string
	look(u, func() { msg = f.Error.Text })
	return msg
}

// finishSetupForTest goes from the policy step through review and
// progress, and returns the step it ended on.
func finishSetupForTest(t *testing.T, u *UI, s *Setup) {
	t.Helper()
	tap(u, s.Next) // policy → servers, or review
	var step int
	look(u, func() { step = s.Step })
	if step == stepServers {
		demo := u.State.Demo()
		var fetched chan struct{}
		look(u, func() { fetched = s.fetched[demo.URL] })
		if err := wait(fetched, TourStepTimeout, "the demo server's policy"); err != nil {
			t.Fatal(err)
		}
		tap(u, s.Next)
	}
	var div chan struct{}
	look(u, func() { step, div = s.Step, s.diversityDone })
	if step != stepReview {
		t.Fatalf("step %d, want the review", step)
	}
	if err := wait(div, TourStepTimeout, "the provider warning"); err != nil {
		t.Fatal(err)
	}
}

func protectKindsForTest(t *testing.T, u *UI, s *Setup) {
	t.Helper()
	tap(u, s.Next)
	var done chan struct{}
	look(u, func() { done = s.done })
	if err := wait(done, TourStepTimeout, "protecting"); err != nil {
		t.Fatal(err)
	}
	var step int
	var msg string
	look(u, func() { step, msg = s.Step, s.Error.Text })
	if step != stepDone {
		t.Fatalf("protecting failed: %s", msg)
	}
}

// TestSetupEveryKind adds an address, a printed sheet, a USB stick
// folder and an heir in the wizard (a relative folder refused in the
// form), sees 3 of 4 by default, the provider warning for two addresses
// at one domain, placing on our demo server, the sheet and inheritance
// sheet offered; then the overview's Check now shows each place's state
// and last-seen date, and an unplugged stick.
func TestSetupEveryKind(t *testing.T) {
	u := newTestUI(t)
	s := startSetupForTest(t, u, "Wallet")
	typeIn(u, s.Identity, "me@example.org")
	tap(u, s.AddIdentity)
	sheets, stick := t.TempDir(), t.TempDir()
	if msg := addKindForTest(t, u, s, state.ExtraPaper, func(f *KindForm) { typeIn(u, f.Dir, sheets) }); msg != "" {
		t.Fatalf("the sheet was refused: %s", msg)
	}
	if msg := addKindForTest(t, u, s, state.ExtraMedia, func(f *KindForm) { typeIn(u, f.Dir, "relative/folder") }); msg == "" {
		t.Fatal("a relative folder was accepted")
	}
	if msg := addKindForTest(t, u, s, state.ExtraMedia, func(f *KindForm) { typeIn(u, f.Dir, stick) }); msg != "" {
		t.Fatalf("the stick was refused: %s", msg)
	}
	if msg := addKindForTest(t, u, s, state.ExtraHeir, func(f *KindForm) {
		typeIn(u, f.Heir, "heir@example.org")
		typeIn(u, f.Notify, "me@example.org")
	}); msg != "" {
		t.Fatalf("the heir was refused: %s", msg)
	}
	look(u, func() {
		if n := len(s.Plan.Extras); n != 3 {
			t.Fatalf("%d other places, want 3", n)
		}
	})
	tap(u, s.Next) // → policy
	look(u, func() {
		if !strings.Contains(s.Explain.Text, "3 of these 4 places") {
			t.Errorf("policy explains %q, want 3 of 4 places", s.Explain.Text)
		}
		if s.Mailpile.Visible() {
			t.Error("Mailpile's preset offered without mailboxes and friends")
		}
	})
	finishSetupForTest(t, u, s)
	look(u, func() {
		if !strings.Contains(s.Diversity.Text, "example.org") {
			t.Errorf("provider warning %q, want me@ and heir@example.org named", s.Diversity.Text)
		}
		if s.PackCopy.Visible() {
			t.Error("pack copy offered without a mailbox")
		}
		if !strings.Contains(s.Review.Text, "taken back") {
			t.Errorf("review %q does not say a failure takes placed pieces back", s.Review.Text)
		}
	})
	protectKindsForTest(t, u, s)
	look(u, func() {
		if len(s.OpenSheets) != 1 || s.HeirSheet == nil {
			t.Errorf("done step offers %d sheets and heir sheet %v; want 1 and one", len(s.OpenSheets), s.HeirSheet != nil)
		}
	})

	look(u, u.ShowOverview)
	over := u.Current().(*Overview)
	tap(u, over.CheckNow["Wallet"])
	h := u.Current().(*Health)
	var done chan struct{}
	look(u, func() { done = h.done })
	if err := wait(done, TourStepTimeout, "the check"); err != nil {
		t.Fatal(err)
	}
	rows := healthRows(u, h)
	for kind, want := range map[string]string{"passcrow": "present", "media": "present", "heir": "present", "paper": "printed sheet cannot be checked"} {
		if !strings.Contains(rows[kind], want) || (want == "present" && !strings.Contains(rows[kind], "last seen")) {
			t.Errorf("%s row %q, want %q and a last-seen date", kind, rows[kind], want)
		}
	}

	if err := os.Rename(stick, filepath.Join(t.TempDir(), "away")); err != nil {
		t.Fatal(err)
	}
	tap(u, h.Check)
	look(u, func() { done = h.done })
	if err := wait(done, TourStepTimeout, "the check"); err != nil {
		t.Fatal(err)
	}
	rows = healthRows(u, h)
	if !strings.Contains(rows["media"], "plug in the USB stick") || !strings.Contains(rows["media"], "last seen") {
		t.Errorf("unplugged stick row %q, want plug in, with its last-seen date", rows["media"])
	}
}

// healthRows are the Health screen's rows by kind.
func healthRows(u *UI, h *Health) map[string]string {
	rows := map[string]string{}
	look(u, func() {
		for i, r := range h.Results {
			rows[r.Kind] = h.Rows[i].Text
		}
	})
	return rows
}
