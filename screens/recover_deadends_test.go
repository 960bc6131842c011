package screens

import (
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// TestWrongCodeStaysWithResendInPlace: a refused code stays in the
// entry beside the reason, and "Send a new code" is offered right there;
// it sends one for that location alone, and the line says when.
func TestWrongCodeStaysWithResendInPlace(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	rec := startRecoveryForTest(t, u, "Disk")
	codes := codesInOrder(t, u, rec)
	wrong := wrongCode(codes[0])
	prefix := codes[0][:1]

	submitForTest(t, u, rec, wrong)
	var typed, msg string
	var resendShown bool
	look(u, func() {
		typed, msg, resendShown = rec.Code.Text, rec.Problem.Text(), rec.ResendHere.Visible()
	})
	shot(t, u.Win, "recover-wrong-code")
	if typed != wrong {
		t.Errorf("after a wrong code the entry holds %q, want %q", typed, wrong)
	}
	if !strings.HasPrefix(msg, "That code was not accepted.") || !resendShown {
		t.Fatalf("after a wrong code: %q, Send a new code shown %v", msg, resendShown)
	}

	before, _ := u.State.Demo().Messages()
	tap(u, rec.ResendHere)
	var resent chan struct{}
	look(u, func() { resent = rec.resent })
	if err := wait(resent, TourStepTimeout, "a new code"); err != nil {
		t.Fatal(err)
	}
	after, _ := u.State.Demo().Messages()
	if len(after) != len(before)+1 || !strings.HasPrefix(after[0].Code, prefix) {
		t.Fatalf("Send a new code sent %d messages, want one for %s", len(after)-len(before), prefix)
	}
	var hint string
	look(u, func() {
		hint, msg, resendShown = rec.Lines[prefix].Hint.Text, rec.Problem.Text(), rec.ResendHere.Visible()
	})
	if !strings.Contains(hint, "a new code was sent") || !strings.Contains(hint, "It works until") || msg != "" || resendShown {
		t.Errorf("after resending: hint %q, error %q, button shown %v", hint, msg, resendShown)
	}
	submitForTest(t, u, rec, after[0].Code)
	var got string
	look(u, func() { got = rec.Lines[prefix].Status.Text })
	if got != "Received" {
		t.Errorf("the new code: %q (%q)", got, rec.Error.Text)
	}
}

// TestCodesSayWhenSentAndExpire: each line says when its code was sent
// and until when it works: the server's expiry, or the protocol's 30
// minutes (what the mail says).
func TestCodesSayWhenSentAndExpire(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	rec := startRecoveryForTest(t, u, "Disk")
	sent, _ := rec.rec.Sent()
	for _, c := range sent {
		if c.Sent.IsZero() || c.Expires.Sub(c.Sent) <= 0 || c.Expires.Sub(c.Sent) > recovery.DefaultCodeTimeout+time.Minute {
			t.Errorf("code %s: sent %v, expires %v", c.Prefix, c.Sent, c.Expires)
		}
		var hint string
		look(u, func() { hint = rec.Lines[c.Prefix].Hint.Text })
		want := "at " + clock(c.Sent) + ". It works until " + clock(c.Expires) + "."
		if !strings.Contains(hint, want) {
			t.Errorf("line %s says %q, want %q in it", c.Prefix, hint, want)
		}
	}
}

// TestRestartAsksBeforeVoidingCodes: cancelling a recovery and starting
// it again asks before sending new codes (they would void the ones in
// the user's mail); going on with those sends nothing and they work;
// asking for new ones sends them.
func TestRestartAsksBeforeVoidingCodes(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	rec := startRecoveryForTest(t, u, "Disk")
	codes := codesInOrder(t, u, rec)
	submitForTest(t, u, rec, codes[0])
	look(u, u.ShowOverview) // Cancel

	before, _ := u.State.Demo().Messages()
	var again *Recovery
	look(u, func() {
		u.ShowRecovery("Disk")
		again = u.Current().(*Recovery)
	})
	if again.UseSent == nil || again.SendNew == nil {
		t.Fatal("starting again did not ask before sending new codes")
	}
	after, _ := u.State.Demo().Messages()
	if len(after) != len(before) {
		t.Fatalf("asking sent %d codes", len(after)-len(before))
	}
	shot(t, u.Win, "recover-ask-before-sending")

	tap(u, again.UseSent)
	if err := wait(again.started, TourStepTimeout, "the codes page"); err != nil {
		t.Fatal(err)
	}
	after, _ = u.State.Demo().Messages()
	if len(after) != len(before) {
		t.Fatalf("going on with the codes sent sent %d more", len(after)-len(before))
	}
	var first string
	look(u, func() { first = again.Lines[codes[0][:1]].Status.Text })
	if first != "Received" {
		t.Errorf("the code typed before cancelling shows %q", first)
	}
	submitForTest(t, u, again, codes[1])
	if again.Secret == nil || again.Secret.Text != TourSecret {
		t.Fatalf("with the codes sent before: %q", again.Error.Text)
	}

	// Recovered: its codes are used, so a new recovery just sends.
	rec3 := startRecoveryForTest(t, u, "Disk")
	if rec3.UseSent != nil {
		t.Fatal("asked about codes that were used up")
	}
	look(u, u.ShowOverview)
	look(u, func() {
		u.ShowRecovery("Disk")
		again = u.Current().(*Recovery)
	})
	before, _ = u.State.Demo().Messages()
	tap(u, again.SendNew)
	if err := wait(again.started, TourStepTimeout, "new codes"); err != nil {
		t.Fatal(err)
	}
	after, _ = u.State.Demo().Messages()
	if len(after) != len(before)+2 {
		t.Errorf("Send new codes sent %d, want 2", len(after)-len(before))
	}
}

// TestUnknownDigitPrefixSaysCharacter: a code starting with a digit no
// location of the item has is told with that character, not "letter".
func TestUnknownDigitPrefixSaysCharacter(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	rec := startRecoveryForTest(t, u, "Disk")
	submitForTest(t, u, rec, "9123456")
	var msg, typed string
	look(u, func() { msg, typed = rec.Problem.Text(), rec.Code.Text })
	if !strings.Contains(msg, "starts with “9”") || strings.Contains(msg, "letter") || typed != "9123456" {
		t.Errorf("a code with an unknown digit: %q (entry %q)", msg, typed)
	}
}
