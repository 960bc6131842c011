package screens

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// A TourDriver is how Tour works the UI: the headless tests pass fyne's
// test.Tap and test.Type, the app's script hook calls the handlers on the
// UI goroutine and captures the real window.
type TourDriver struct {
	Tap  func(*widget.Button)
	Type func(*widget.Entry, string)
	// Do runs f on the UI goroutine and waits for it.
	Do func(f func())
	// Shot records the screen as it is now, under name; Mailbox the demo
	// mailbox window.
	Shot, MailboxShot func(name string)
}

// TourSecret is the secret the tour protects and recovers.
const TourSecret = "correct horse battery staple"

// TourStepTimeout bounds every wait of the tour.
var TourStepTimeout = 2 * time.Minute

// Tour walks a newcomer's path from the first-run screen: the demo
// server, protecting a secret with 2 of 3 codes, the overview, recovering
// it with two codes from the demo mailbox typed in reverse order, and the
// settings. It checks what each screen shows and returns the first
// difference. The tests and scripts/screenshots.sh both run it.
func Tour(u *UI, d TourDriver) error {
	welcome, err := WaitScreen[*Welcome](u, TourStepTimeout)
	if err != nil {
		return err
	}
	d.Shot("01-welcome")
	d.Tap(welcome.TryDemo)

	setup, err := WaitScreen[*Setup](u, TourStepTimeout)
	if err != nil {
		return err
	}
	d.Type(setup.Name, "Password manager")
	d.Type(setup.Secret, TourSecret)
	d.Type(setup.Again, TourSecret)
	d.Shot("02-setup-secret")
	d.Tap(setup.Next)

	d.Type(setup.Identity, "not an address")
	d.Tap(setup.AddIdentity)
	var idErr string
	d.Do(func() { idErr = setup.IdentityError.Text })
	if idErr == "" {
		return fmt.Errorf("a bad address was not refused")
	}
	d.Shot("03-setup-identity-refused")
	d.Type(setup.Identity, "")
	for _, id := range []string{"alice@example.org", "alice.work@example.com", "+354 555 1234"} {
		d.Type(setup.Identity, id)
		d.Tap(setup.AddIdentity)
	}
	d.Shot("04-setup-identities")
	d.Tap(setup.Next)

	var explain string
	d.Do(func() { explain = setup.Explain.Text })
	if !strings.Contains(explain, "2 of 3") && !strings.Contains(explain, "2 af 3") {
		return fmt.Errorf("policy step explains %q, want the default 2 of 3", explain)
	}
	d.Shot("05-setup-policy")
	d.Tap(setup.Next)

	demo := u.State.Demo()
	if demo == nil {
		return fmt.Errorf("the demo server did not start")
	}
	var fetched chan struct{}
	d.Do(func() { fetched = setup.fetched[demo.URL] })
	if err := wait(fetched, TourStepTimeout, "the demo server's policy"); err != nil {
		return err
	}
	var info string
	d.Do(func() { info = setup.ServerInfo[demo.URL].Text })
	if !strings.Contains(info, "email") {
		return fmt.Errorf("the demo server's policy shows %q, want its kinds", info)
	}
	d.Shot("06-setup-servers")
	d.Tap(setup.Next)
	d.Shot("07-setup-review")
	d.Tap(setup.Next)
	d.Shot("08-setup-progress")
	if err := setupFinished(d, setup, "protecting"); err != nil {
		return err
	}
	d.Shot("09-setup-done")
	d.Do(u.ShowOverview)

	over, err := WaitScreen[*Overview](u, TourStepTimeout)
	if err != nil {
		return err
	}
	var names []string
	d.Do(func() {
		for _, it := range over.Items {
			names = append(names, it.Name)
		}
	})
	if !slices.Contains(names, "Password manager") {
		return fmt.Errorf("overview lists %q, want the new item", names)
	}
	d.Shot("10-overview")

	d.Do(func() { u.ShowRecovery("Password manager") })
	rec, err := WaitScreen[*Recovery](u, TourStepTimeout)
	if err != nil {
		return err
	}
	var started chan struct{}
	d.Do(func() { started = rec.started })
	if err := wait(started, TourStepTimeout, "the codes to be sent"); err != nil {
		return err
	}
	var hints, received string
	d.Do(func() {
		for _, h := range rec.Hints {
			hints += h.Text + "\n"
		}
		received = rec.Received.Text
		if rec.Error.Text != "" {
			hints += rec.Error.Text
		}
	})
	if len(rec.Hints) != 3 || !strings.HasPrefix(received, "0 ") {
		return fmt.Errorf("recovery shows hints %q and %q", hints, received)
	}
	d.Do(func() {
		if u.mailbox != nil {
			u.mailbox.Refresh()
		}
	})
	d.Shot("11-recovery-codes-sent")
	if d.MailboxShot != nil {
		d.MailboxShot("12-demo-mailbox")
	}

	codes, err := tourCodes(u.State.Demo(), 3)
	if err != nil {
		return err
	}
	for i, code := range []string{codes[0], codes[2]} { // newest first: any order works
		d.Type(rec.Code, code)
		if i == 0 {
			d.Shot("13-recovery-code-typed")
		}
		d.Tap(rec.UseCode)
		var pending chan struct{}
		d.Do(func() { pending = rec.pending })
		if err := wait(pending, TourStepTimeout, "the code to be checked"); err != nil {
			return err
		}
		if i == 0 {
			d.Do(func() { received = rec.Received.Text })
			if !strings.HasPrefix(received, "1 ") {
				return fmt.Errorf("after one code the recovery shows %q", received)
			}
			d.Shot("14-recovery-1-of-2")
		}
	}
	var shown string
	d.Do(func() {
		if rec.Secret != nil {
			shown = rec.Secret.Text
		}
	})
	if shown != TourSecret {
		var e string
		d.Do(func() { e = rec.Error.Text })
		return fmt.Errorf("recovered %q (%s), want the secret", shown, e)
	}
	d.Shot("15-recovery-secret")

	d.Do(u.ShowSettings)
	if _, err := WaitScreen[*Settings](u, TourStepTimeout); err != nil {
		return err
	}
	d.Shot("16-settings")
	d.Do(u.ShowOverview)
	return nil
}

// tourCodes reads the newest n codes from the demo mailbox.
func tourCodes(demo *state.Demo, n int) ([]string, error) {
	if demo == nil {
		return nil, fmt.Errorf("no demo server")
	}
	msgs, err := demo.Messages()
	if err != nil {
		return nil, err
	}
	if len(msgs) < n {
		return nil, fmt.Errorf("the demo mailbox has %d messages, want %d", len(msgs), n)
	}
	var codes []string
	for _, m := range msgs[:n] {
		if m.Code == "" {
			return nil, fmt.Errorf("no code in the message %q", m.Subject)
		}
		codes = append(codes, m.Code)
	}
	return codes, nil
}

// setupFinished waits until the wizard's work (protecting, renewing) is
// over and says why when it did not end on the done step.
func setupFinished(d TourDriver, setup *Setup, what string) error {
	var done chan struct{}
	d.Do(func() { done = setup.done })
	if err := wait(done, TourStepTimeout, what); err != nil {
		return err
	}
	var step int
	var setupErr string
	d.Do(func() { step, setupErr = setup.Step, setup.Error.Text })
	if step != stepDone {
		return fmt.Errorf("%s failed: %s", what, setupErr)
	}
	return nil
}
