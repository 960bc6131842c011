package screens

import (
	"errors"
	"fmt"
	"strings"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// The edges of issue 8, walked for scripts/screenshots.sh after Tour:
// TourRestart on Tour's home in a second run of the app, TourOffline on
// a fresh home with no network. Like Tour, each checks what the screens
// show and returns the first difference.

// tourItem is the item Tour protects.
const tourItem = "Password manager"

// TourRestart is the second start of the app after Tour: the overview
// with the demo server back, the drill's first page, a wrong code typed
// in a recovery (kept, with the reason and a new code offered), asking
// again before new codes are sent, a renewal's note about stale copies,
// the older copy of the pack brought back in, and forgetting the item
// while its server is gone.
func TourRestart(u *UI, d TourDriver) error {
	if _, err := WaitScreen[*Overview](u, TourStepTimeout); err != nil {
		return err
	}
	var restarted chan struct{}
	d.Do(func() { restarted = u.demoStarted })
	if err := wait(restarted, TourStepTimeout, "the demo server to restart"); err != nil {
		return err
	}
	if u.State.Demo() == nil {
		return errors.New("the demo server did not come back after a restart")
	}
	d.Do(u.ShowOverview)
	if _, err := WaitScreen[*Overview](u, TourStepTimeout); err != nil {
		return err
	}
	d.Shot("20-restart-overview")

	d.Do(func() { u.ShowDrill(tourItem) })
	if _, err := WaitScreen[*Drill](u, TourStepTimeout); err != nil {
		return err
	}
	d.Shot("21-drill")

	if err := tourWrongCode(u, d); err != nil {
		return err
	}
	if err := tourStalePack(u, d); err != nil {
		return err
	}
	return tourForgetGone(u, d)
}

// tourWrongCode types a code with its last digit changed.
func tourWrongCode(u *UI, d TourDriver) error {
	d.Do(func() { u.ShowRecovery(tourItem) })
	rec, err := WaitScreen[*Recovery](u, TourStepTimeout)
	if err != nil {
		return err
	}
	var started chan struct{}
	d.Do(func() { started = rec.started })
	if err := wait(started, TourStepTimeout, "the codes to be sent"); err != nil {
		return err
	}
	codes, err := tourCodes(u.State.Demo(), 1)
	if err != nil {
		return err
	}
	c := codes[0]
	last := c[len(c)-1]
	wrong := c[:len(c)-1] + string(rune('0'+(last-'0'+1)%10))
	d.Type(rec.Code, wrong)
	d.Tap(rec.UseCode)
	var pending chan struct{}
	d.Do(func() { pending = rec.pending })
	if err := wait(pending, TourStepTimeout, "the wrong code to be checked"); err != nil {
		return err
	}
	var kept, msg string
	var resend bool
	d.Do(func() { kept, msg, resend = rec.Code.Text, rec.Error.Text, rec.ResendHere.Visible() })
	if kept != wrong || msg == "" || !resend {
		return fmt.Errorf("after a wrong code the entry holds %q, the error says %q, resend offered: %v", kept, msg, resend)
	}
	d.Shot("22-recovery-wrong-code")

	// Starting again while those codes still work asks first.
	d.Do(u.ShowOverview)
	d.Do(func() { u.ShowRecovery(tourItem) })
	rec, err = WaitScreen[*Recovery](u, TourStepTimeout)
	if err != nil {
		return err
	}
	var asked bool
	d.Do(func() { asked = rec.UseSent != nil })
	if !asked {
		return errors.New("a second recovery sent new codes without asking")
	}
	d.Shot("23-recovery-ask-before-sending")
	d.Do(u.ShowOverview)
	return nil
}

// tourStalePack keeps a copy of the pack, renews the item, and brings
// the old copy back in.
func tourStalePack(u *UI, d TourDriver) error {
	old, err := u.State.Export(tourItem)
	if err != nil {
		return err
	}
	d.Do(func() { u.ShowRenew(tourItem, nil) })
	renew, err := WaitScreen[*Renew](u, TourStepTimeout)
	if err != nil {
		return err
	}
	d.Type(renew.Secret, TourSecret)
	d.Type(renew.Again, TourSecret)
	d.Tap(renew.Start)
	setup, err := WaitScreen[*Setup](u, TourStepTimeout)
	if err != nil {
		return err
	}
	if err := setupFinished(d, setup, "renewing"); err != nil {
		return err
	}
	d.Shot("24-renew-done")

	d.Do(u.ShowOverview)
	_, err = u.State.Import(old, "")
	var older *state.OlderPackError
	if !errors.As(err, &older) {
		return fmt.Errorf("importing the pack saved before renewing: %v, want it refused as older", err)
	}
	d.Do(func() { u.showImportError(err) })
	d.Shot("25-stale-pack-import")
	d.Do(func() { clearOverlays(u) })
	return nil
}

// tourForgetGone stops the demo server, as quitting does, then forgets
// the item from the overview on show (showing it again would start the
// demo server again).
func tourForgetGone(u *UI, d TourDriver) error {
	over, err := WaitScreen[*Overview](u, TourStepTimeout)
	if err != nil {
		return err
	}
	if u.State.Demo() == nil {
		return errors.New("no demo server to stop")
	}
	if err := u.State.Close(); err != nil {
		return err
	}
	var confirm *DangerConfirm
	d.Do(func() {
		over.onForget(tourItem)
		confirm = over.LastConfirm
	})
	d.Shot("26-forget-confirm")
	d.Tap(confirm.Do)
	var forgetting <-chan struct{}
	d.Do(func() { forgetting = over.forgetting })
	if err := wait(forgetting, TourStepTimeout, "forgetting"); err != nil {
		return err
	}
	// The overview is shown afresh (twice, once the demo server is back),
	// with the question on top.
	var asked bool
	d.Do(func() { asked = u.Win.Canvas().Overlays().Top() != nil })
	if has, _ := u.State.HasItem(tourItem); !has || !asked {
		return fmt.Errorf("forgetting with the server gone: item kept %v, a question asked %v", has, asked)
	}
	d.Shot("27-forget-server-gone")
	d.Do(func() { clearOverlays(u) })
	return nil
}

// TourOffline is a fresh start with no network: the welcome's ways to
// get something back, then setup up to its servers step, where the
// built-in servers cannot be reached.
func TourOffline(u *UI, d TourDriver) error {
	welcome, err := WaitScreen[*Welcome](u, TourStepTimeout)
	if err != nil {
		return err
	}
	d.Tap(welcome.Sheet)
	if _, err := WaitScreen[*SheetClaim](u, TourStepTimeout); err != nil {
		return err
	}
	d.Shot("30-welcome-recovery-sheet")
	d.Do(u.ShowWelcome)
	if welcome, err = WaitScreen[*Welcome](u, TourStepTimeout); err != nil {
		return err
	}
	d.Tap(welcome.Restore)
	if _, err := WaitScreen[*RestoreMailbox](u, TourStepTimeout); err != nil {
		return err
	}
	d.Shot("31-welcome-restore-mailbox")
	d.Do(u.ShowWelcome)
	if welcome, err = WaitScreen[*Welcome](u, TourStepTimeout); err != nil {
		return err
	}
	d.Tap(welcome.Start)
	setup, err := WaitScreen[*Setup](u, TourStepTimeout)
	if err != nil {
		return err
	}
	d.Type(setup.Name, "Disk")
	d.Type(setup.Secret, TourSecret)
	d.Type(setup.Again, TourSecret)
	d.Tap(setup.Next)
	for _, id := range []string{"alice@example.org", "alice.work@example.com"} {
		d.Type(setup.Identity, id)
		d.Tap(setup.AddIdentity)
	}
	d.Tap(setup.Next)
	d.Tap(setup.Next)
	var fetched []chan struct{}
	d.Do(func() {
		for _, ch := range setup.fetched {
			fetched = append(fetched, ch)
		}
	})
	if len(fetched) == 0 {
		return errors.New("the servers step lists no server")
	}
	d.Shot("32-servers-offline-asking")
	for _, ch := range fetched {
		if err := wait(ch, TourStepTimeout, "a server's policy"); err != nil {
			return err
		}
	}
	var infos []string
	d.Do(func() {
		for _, l := range setup.ServerInfo {
			infos = append(infos, l.Text)
		}
	})
	for _, i := range infos {
		if strings.Contains(i, "dial tcp") || strings.Contains(i, "no such host") {
			return fmt.Errorf("the servers step shows a raw error: %q", i)
		}
	}
	d.Shot("33-servers-offline")
	return nil
}

// clearOverlays closes the dialogs on show.
func clearOverlays(u *UI) {
	o := u.Win.Canvas().Overlays()
	for o.Top() != nil {
		o.Remove(o.Top())
	}
}
