package screens

import (
	"strings"
	"testing"
)

// renewTypedForTest renews name on the Renew screen with the secret
// typed twice and waits until it is done.
func renewTypedForTest(t *testing.T, u *UI, name, secret string) *Setup {
	t.Helper()
	look(u, func() { u.ShowRenew(name, nil) })
	r := u.Current().(*Renew)
	typeIn(u, r.Secret, secret)
	typeIn(u, r.Again, secret)
	tap(u, r.Start)
	return waitForRenewal(t, u)
}

// TestTypedRenewalKeepsPreviousEscrows: a typed secret cannot be checked
// against the old pack, so after a typed renewal the overview says the
// previous escrows are kept, until when, and offers to forget them; a
// renewal with the secret just recovered keeps nothing.
func TestTypedRenewalKeepsPreviousEscrows(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	before, _ := u.State.Items()
	renewTypedForTest(t, u, "Disk", TourSecret)

	var ov *Overview
	var shown []string
	look(u, func() {
		u.ShowOverview()
		ov = u.Current().(*Overview)
		shown = texts(ov.Cards["Disk"])
	})
	want := "The previous fragments are kept until " + date(before[0].Places[0].Expires)
	if !containsText(shown, want) || ov.Previous["Disk"] == nil {
		t.Fatalf("the card after a typed renewal shows %q, want %q and a Forget previous escrows button", shown, want)
	}

	var forgotten <-chan struct{}
	look(u, func() { forgotten = ov.forgetPrevious("Disk") })
	if err := wait(forgotten, TourStepTimeout, "forgetting the previous escrows"); err != nil {
		t.Fatal(err)
	}
	look(u, func() {
		ov = u.Current().(*Overview)
		shown = texts(ov.Cards["Disk"])
	})
	if containsText(shown, "Previous escrows") || ov.Previous["Disk"] != nil {
		t.Fatalf("after forgetting them the card shows %q", shown)
	}

	// With the secret just recovered, the old escrows go at once.
	look(u, func() { u.ShowRenew("Disk", []byte(TourSecret)) })
	var s *Setup
	var done chan struct{}
	look(u, func() { s = u.Current().(*Setup); done = s.done })
	if err := wait(done, TourStepTimeout, "renewal"); err != nil {
		t.Fatal(err)
	}
	if items, _ := u.State.Items(); len(items) != 1 || items[0].HasPrevious {
		t.Fatalf("after a renewal with the recovered secret: %+v (%s)", items, s.Error.Text)
	}
}

// TestTypedRenewalWarns: the Renew screen says a mistyped secret cannot
// be recovered afterwards.
func TestTypedRenewalWarns(t *testing.T) {
	u := newTestUI(t)
	var shown []string
	look(u, func() {
		u.ShowRenew("Disk", nil)
		shown = texts(u.Win.Content())
	})
	if !containsText(shown, "If this is not exactly your secret, it cannot be recovered afterwards") {
		t.Fatalf("the renew screen shows %q", strings.Join(shown, " | "))
	}
}

// waitForRenewal waits for the wizard a renewal runs to place the fresh
// fragments, and fails the test unless it got to the end.
func waitForRenewal(t *testing.T, u *UI) *Setup {
	t.Helper()
	var s *Setup
	var done chan struct{}
	look(u, func() {
		s, _ = u.Current().(*Setup)
		if s != nil {
			done = s.done
		}
	})
	if s == nil {
		t.Fatalf("renew shows %T", u.Current())
	}
	if err := wait(done, TourStepTimeout, "renewal"); err != nil {
		t.Fatal(err)
	}
	if s.Step != stepDone {
		t.Fatalf("renewal ended at step %d: %s", s.Step, s.Error.Text)
	}
	return s
}
