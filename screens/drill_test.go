package screens

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// TestRecoveryDrill: "Test my recovery" on an item protected on our
// demo server over loopback sends the codes, takes them typed (the
// first by Enter), checks that the fragments open the key, and says it
// works without ever showing the secret; the pack is unchanged, every
// server still holds its fragment, and the date of the pass is kept
// for the overview.
func TestRecoveryDrill(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	packBefore, err := u.State.Export("Disk")
	if err != nil {
		t.Fatal(err)
	}
	if l := drillLine(u.State, "Disk"); l != "" {
		t.Fatalf("never drilled, the line says %q", l)
	}

	var d *Drill
	var test *widget.Button
	look(u, func() {
		u.ShowOverview()
		test = findButtonDeep(u.Current().(*Overview).Cards["Disk"], "Test my recovery")
	})
	if test == nil {
		t.Fatal("no Test my recovery on the item's card")
	}
	tap(u, test)
	look(u, func() { d, _ = u.Current().(*Drill) })
	if d == nil {
		t.Fatalf("Test my recovery shows %T", u.Current())
	}
	shotForReview(t, u, "drill-intro")
	tap(u, d.Start)
	rec, err := WaitScreen[*Recovery](u, TourStepTimeout)
	if err != nil {
		t.Fatal(err)
	}
	var started chan struct{}
	look(u, func() { started = rec.started })
	if err := wait(started, TourStepTimeout, "the codes to be sent"); err != nil {
		t.Fatal(err)
	}
	codes := codesInOrder(t, u, rec)

	// Enter in the code entry submits it.
	typeIn(u, rec.Code, codes[0])
	look(u, func() { rec.Code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	var pending chan struct{}
	look(u, func() { pending = rec.pending })
	if err := wait(pending, TourStepTimeout, "the code to be checked"); err != nil {
		t.Fatal(err)
	}
	var got string
	look(u, func() { got = rec.Received.Text })
	if got != "1 of 2 received" {
		t.Fatalf("after Enter: %q (error %q)", got, rec.Error.Text)
	}
	shotForReview(t, u, "drill-codes")
	submitForTest(t, u, rec, codes[1])

	var shown []string
	look(u, func() {
		if cur, ok := u.Current().(*Drill); ok {
			d = cur
		}
		shown = texts(u.Win.Content())
	})
	if d.Result == nil || !strings.HasPrefix(d.Result.Text, "It works.") {
		t.Fatalf("after both codes the screen shows %q", shown)
	}
	for _, s := range shown {
		if strings.Contains(s, TourSecret) {
			t.Fatalf("the drill shows the secret: %q", s)
		}
	}
	shotForReview(t, u, "drill-passed")

	packAfter, err := u.State.Export("Disk")
	if err != nil || !bytes.Equal(packBefore, packAfter) {
		t.Fatalf("the drill changed the pack (%v)", err)
	}
	if u.State.LastDrill("Disk").IsZero() || !strings.HasPrefix(drillLine(u.State, "Disk"), "Recovery last tested on ") {
		t.Fatalf("the pass was not kept: %q", drillLine(u.State, "Disk"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), TourStepTimeout)
	defer cancel()
	health, err := u.State.CheckHealth(ctx, "Disk", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range health {
		if h.State != state.HealthPresent {
			t.Fatalf("after the drill %s: %+v", h.Hint, h)
		}
	}
	tap(u, d.Done)
	var ov *Overview
	look(u, func() {
		ov, _ = u.Current().(*Overview)
		if ov != nil {
			shown = texts(ov.Cards["Disk"])
		}
	})
	if ov == nil || !slicesContainsPrefix(shown, "Recovery last tested on ") {
		t.Fatalf("after Done the %T screen shows %q", u.Current(), shown)
	}
	shotForReview(t, u, "drill-overview")
}

// TestDrillForgottenAfterRenewal: a renewed pack has new fragments, so
// a drill of the old one no longer counts.
func TestDrillForgottenAfterRenewal(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	if err := u.State.DrillPassed("Disk"); err != nil {
		t.Fatal(err)
	}
	if u.State.LastDrill("Disk").IsZero() {
		t.Fatal("a pass just recorded is not kept")
	}
	renewTypedForTest(t, u, "Disk", TourSecret)
	if l := drillLine(u.State, "Disk"); l != "" {
		t.Fatalf("after a renewal the line still says %q", l)
	}
}
