package screens

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// startRecoveryForTest opens the recovery wizard at name and waits until
// the codes were asked for.
func startRecoveryForTest(t *testing.T, u *UI, name string) *Recovery {
	t.Helper()
	var rec *Recovery
	var started chan struct{}
	look(u, func() {
		u.ShowRecovery(name)
		rec = u.Current().(*Recovery)
		started = rec.started
	})
	if err := wait(started, TourStepTimeout, "the codes to be sent"); err != nil {
		t.Fatal(err)
	}
	return rec
}

// submitForTest types a code, taps Use code and waits for the answer.
func submitForTest(t *testing.T, u *UI, rec *Recovery, code string) {
	t.Helper()
	typeIn(u, rec.Code, code)
	tap(u, rec.UseCode)
	var pending chan struct{}
	look(u, func() { pending = rec.pending })
	if err := wait(pending, TourStepTimeout, "the code to be checked"); err != nil {
		t.Fatal(err)
	}
}

// codesInOrder reads the codes the recovery asked for from the demo
// mailbox, in the pack's order of locations.
func codesInOrder(t *testing.T, u *UI, rec *Recovery) []string {
	t.Helper()
	n := len(rec.rec.Challenges)
	codes, err := tourCodes(u.State.Demo(), n)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ch := range rec.rec.Challenges {
		for _, c := range codes {
			if strings.HasPrefix(c, ch.Prefix) {
				out = append(out, c)
				break
			}
		}
	}
	if len(out) != n {
		t.Fatalf("codes %v for the prefixes of %+v", codes, rec.rec.Challenges)
	}
	return out
}

// wrongCode is code with its digits changed.
func wrongCode(code string) string {
	if strings.HasSuffix(code, "000000") {
		return code[:1] + "111111"
	}
	return code[:1] + "000000"
}

// TestRecoveryCodeLines: an accepted code marks its line received; a
// wrong one is explained next to the entry; after the server voided a
// code for too many wrong tries the line offers "Send a new code", which
// asks that location alone, and the new code works.
func TestRecoveryCodeLines(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk") // 2 of 2
	rec := startRecoveryForTest(t, u, "Disk")
	codes := codesInOrder(t, u, rec)
	a, b := codes[0], codes[1]
	pa, pb := a[:1], b[:1]

	submitForTest(t, u, rec, wrongCode(a))
	if !strings.HasPrefix(rec.Error.Text, "That code was not accepted.") || rec.Lines[pa].Status.Text == "Received" {
		t.Fatalf("after a wrong code: %q, line A %q", rec.Error.Text, rec.Lines[pa].Status.Text)
	}
	submitForTest(t, u, rec, "hello")
	if !strings.Contains(rec.Error.Text, "seven characters") {
		t.Fatalf("after a non-code: %q", rec.Error.Text)
	}
	submitForTest(t, u, rec, a)
	if rec.Lines[pa].Status.Text != "Received" || rec.Error.Text != "" || !strings.HasPrefix(rec.Received.Text, "1 of 2") {
		t.Fatalf("after A's code: line %q, error %q, %q", rec.Lines[pa].Status.Text, rec.Error.Text, rec.Received.Text)
	}
	if rec.Lines[pb].Status.Text != "" {
		t.Fatalf("line B says %q before its code", rec.Lines[pb].Status.Text)
	}
	submitForTest(t, u, rec, a)
	if !strings.Contains(rec.Error.Text, "already received") {
		t.Fatalf("A's code again: %q", rec.Error.Text)
	}

	// The server voids a code after five wrong tries; the sixth is told
	// there is no code.
	for range 6 {
		submitForTest(t, u, rec, wrongCode(b))
	}
	l := rec.Lines[pb]
	if !strings.Contains(rec.Error.Text, "no longer works") || !l.Resend.Visible() || l.Status.Text != "Needs a new code" {
		t.Fatalf("after six wrong tries: %q, line %q, resend shown %v", rec.Error.Text, l.Status.Text, l.Resend.Visible())
	}
	before, _ := u.State.Demo().Messages()
	tap(u, l.Resend)
	var resent chan struct{}
	look(u, func() { resent = rec.resent })
	if err := wait(resent, TourStepTimeout, "a new code"); err != nil {
		t.Fatal(err)
	}
	after, _ := u.State.Demo().Messages()
	if len(after) != len(before)+1 || !strings.HasPrefix(after[0].Code, pb) {
		t.Fatalf("Send a new code sent %d messages (newest %q), want one for %s", len(after)-len(before), after[0].Code, pb)
	}
	if l.Resend.Visible() || !strings.Contains(l.Hint.Text, "a new code was sent") {
		t.Fatalf("after resending: hint %q, resend shown %v", l.Hint.Text, l.Resend.Visible())
	}
	submitForTest(t, u, rec, after[0].Code)
	if rec.Secret == nil || rec.Secret.Text != TourSecret {
		t.Fatalf("with the new code: %q", rec.Error.Text)
	}
}

// TestRecoveryNamesWrongFragment: a location that sends back a fragment
// of another secret (its record points at another item's escrow) is named
// by its hint: first as "do not fit together" with just enough codes,
// then by its hint once a third code finds the subset that opens the secret.
func TestRecoveryNamesWrongFragment(t *testing.T) {
	u := newTestUI(t)
	ids := []string{"email:anna@example.org", "email:bjorn@example.org", "email:cecilia@example.org"}
	protectPlanForTest(t, u, state.Plan{Name: "Disk", Identities: ids, Policy: state.PolicyNofM, N: 2})
	protectPlanForTest(t, u, state.Plan{Name: "Other", Identities: ids, Policy: state.PolicyNofM, N: 2})

	// Disk's pack, with location B pointing at Other's B escrow.
	var disk, other map[string]any
	for name, into := range map[string]*map[string]any{"Disk": &disk, "Other": &other} {
		b, err := u.State.Export(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatal(err)
		}
	}
	disk["records"].([]any)[1].(map[string]any)["data"] = other["records"].([]any)[1].(map[string]any)["data"]
	hintB := disk["records"].([]any)[1].(map[string]any)["hint"].(string)
	disk["name"] = "Tampered"
	b, _ := json.Marshal(disk)
	name, err := u.State.Import(b, "")
	if err != nil {
		t.Fatal(err)
	}

	rec := startRecoveryForTest(t, u, name)
	codes := codesInOrder(t, u, rec)
	submitForTest(t, u, rec, codes[0])
	submitForTest(t, u, rec, codes[1])
	if rec.Secret != nil || !strings.Contains(rec.Error.Text, "do not fit together") {
		t.Fatalf("with A and the wrong B: secret shown %v, error %q", rec.Secret != nil, rec.Error.Text)
	}
	submitForTest(t, u, rec, codes[2])
	if rec.Secret == nil || rec.Secret.Text != TourSecret {
		t.Fatalf("with A, B and C: %q", rec.Error.Text)
	}
	if !rec.Warning.Visible() || !strings.Contains(rec.Warning.Text, hintB+" sent back a wrong fragment") {
		t.Fatalf("the secret's page warns %q (shown %v), want %q named", rec.Warning.Text, rec.Warning.Visible(), hintB)
	}
	if l := rec.Lines[codes[1][:1]]; l.Status.Text != "Wrong fragment" {
		t.Fatalf("the wrong location's line says %q", l.Status.Text)
	}
}
