package screens

import (
	"errors"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// TestStalePackAfterRenewal: the done page of a renewal says copies
// saved earlier are out of date and offers to save the new pack; the
// old copy brought back in is refused in words and adds no item. On
// another profile the old
// copy is "Not checked yet", never "Protected", and a check finds its
// fragments gone.
func TestStalePackAfterRenewal(t *testing.T) {
	clock := &testClock{t: time.Now()}
	u := newTestUIAt(t, clock.now)
	protectForTest(t, u, "Disk")
	old, err := u.State.Export("Disk")
	if err != nil {
		t.Fatal(err)
	}
	// Later the same day (the server's clock is the real one: a fragment
	// asked for a year from a later day would be refused).
	clock.set(clock.now().Add(30 * time.Minute))
	// Renewed with the secret just recovered: the old fragments go.
	look(u, func() { u.ShowRenew("Disk", []byte(TourSecret)) })
	waitForRenewal(t, u)
	if !showsPart(u, "Copies of this pack saved before now") {
		t.Fatal("the renewal does not say that saved copies are out of date")
	}
	save := findButtonDeep(u.Win.Content(), "Save the pack to a file…")
	if save == nil {
		t.Fatal("the renewal does not offer to save the new pack")
	}
	shotA1(t, u, "renew-done-stale-note")
	tap(u, save)
	var f *SaveFile
	look(u, func() { f = u.saving })
	if f == nil || f.Name.Text != "Disk.passcrow-pack" {
		t.Fatalf("Save the new pack opened %+v", f)
	}
	look(u, func() { f.dlg.Hide() })

	_, err = u.State.Import(old, "")
	var older *state.OlderPackError
	if !errors.As(err, &older) || older.Item != "Disk" {
		t.Fatalf("importing the copy saved before the renewal: %v", err)
	}
	look(u, func() { u.showImportError(err) })
	if !showsPart(u, "This pack file is an older copy of “Disk”, saved before it was renewed on "+date(clock.now())) {
		t.Fatal("the old copy is not explained")
	}
	shotA1(t, u, "import-older-copy")
	if items, _ := u.State.Items(); len(items) != 1 {
		t.Fatalf("the old copy added an item: %+v", items)
	}
	// Another profile, which never had Disk: the old copy comes in, but
	// it is not called protected, and a check finds it cannot work.
	other := newTestUIAt(t, clock.now)
	other.State.SetServers([]string{u.State.Demo().URL})
	name, err := other.State.Import(old, "")
	if err != nil {
		t.Fatal(err)
	}
	var o *Overview
	look(other, func() { other.ShowOverview(); o = other.Current().(*Overview) })
	if got := o.Cards[name].Subtitle; got != "Not checked yet" {
		t.Fatalf("an imported pack never seen working is %q", got)
	}
	var h *Health
	look(other, func() { h = other.ShowHealth(name, true) })
	var done chan struct{}
	look(other, func() { done = h.done })
	if err := wait(done, TourStepTimeout, "the check"); err != nil {
		t.Fatal(err)
	}
	look(other, func() { other.ShowOverview(); o = other.Current().(*Overview) })
	if got := o.Cards[name].Subtitle; got != "Cannot be recovered: its fragments are gone" {
		t.Fatalf("after a check found its fragments gone the card says %q", got)
	}
	shotA1(t, other, "import-stale-checked")
}

// TestImportedPackProtectedOnceRecovered: an imported pack that is
// current becomes "Protected" once a recovery opened it.
func TestImportedPackProtectedOnceRecovered(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	data, _ := u.State.Export("Disk")
	other := newTestUI(t)
	other.State.SetServers([]string{u.State.Demo().URL})
	name, err := other.State.Import(data, "")
	if err != nil {
		t.Fatal(err)
	}
	rec := startRecoveryForTest(t, other, name)
	codes, err := tourCodes(u.State.Demo(), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		submitForTest(t, other, rec, c)
	}
	if rec.Secret == nil || rec.Secret.Text != TourSecret {
		t.Fatalf("recovering the imported pack: %q", rec.Error.Text)
	}
	var o *Overview
	look(other, func() { other.ShowOverview(); o = other.Current().(*Overview) })
	if got := o.Cards[name].Subtitle; got != "Protected" {
		t.Fatalf("after a recovery the imported item is %q", got)
	}
}
