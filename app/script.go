package app

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/screens"
)

// runScript is the test hook behind PASSCROW_SCRIPT: it walks the real
// window through a script, saves a screenshot of each step into
// opts.ScreenshotDir, then quits. The scripts:
//
//	tour     screens.Tour: demo server, setup, recovery, settings
//	due      the overview with an item due (run after tour on the same
//	         home, with PASSCROW_SCRIPT_DAYS_AHEAD), then its renewal
//	consent  the question asked when there is no keychain
func runScript(a fyne.App, u *screens.UI, probe *frameProbe, opts Options) error {
	defer fyne.Do(a.Quit)
	scripts := map[string]func(*screens.UI, screens.TourDriver) error{
		"tour":    screens.Tour,
		"due":     scriptDue,
		"consent": scriptConsent,
	}
	script := scripts[opts.Script]
	if script == nil {
		return fmt.Errorf("unknown script %q (want tour, due or consent)", opts.Script)
	}
	dir := opts.ScreenshotDir
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if !waitFirst(probe, time.Minute) {
		return errors.New("the window was never drawn")
	}
	var shotErr error
	shot := func(name string, w fyne.Window) {
		// Without a window manager every window opens at 0,0: move the
		// others (the demo mailbox) beside the main window.
		for _, o := range a.Driver().AllWindows() {
			if o != u.Win {
				_ = exec.Command("xdotool", "search", "--name", o.Title(), "windowmove", "880", "0").Run()
			}
		}
		// Repaint all of it: the X server keeps no pixels of a window
		// area that another covered.
		fyne.DoAndWait(func() { w.Content().Refresh() })
		probe.next(5 * time.Second)
		probe.next(5 * time.Second)
		err := captureWindow(w, filepath.Join(dir, name+".png"))
		shotErr = errors.Join(shotErr, err)
		fmt.Println("screenshot", name, err)
	}
	d := screens.TourDriver{
		Tap: func(b *widget.Button) { fyne.DoAndWait(b.OnTapped) },
		Type: func(e *widget.Entry, s string) {
			fyne.DoAndWait(func() { e.SetText(s) })
		},
		Do:   fyne.DoAndWait,
		Shot: func(name string) { shot(name, u.Win) },
		MailboxShot: func(name string) {
			for _, w := range a.Driver().AllWindows() {
				if w != u.Win {
					probe.next(5 * time.Second)
					shot(name, w)
				}
			}
		},
	}
	err := script(u, d)
	if err != nil {
		fmt.Fprintf(os.Stderr, "passcrow: %s: %v\n", opts.Script, err)
	}
	return errors.Join(err, shotErr)
}

// captureWindow saves what the X server shows of w, with ImageMagick's
// import when there is one: Fyne's own Capture reads the GL front buffer,
// which Mesa under Xvfb leaves black. Elsewhere it falls back to Capture.
func captureWindow(w fyne.Window, file string) error {
	if _, err := os.Stat("/usr/bin/import"); err == nil {
		out, err := exec.Command("/usr/bin/import", "-window", w.Title(), file).CombinedOutput()
		if err != nil {
			return fmt.Errorf("import: %w: %s", err, out)
		}
		return nil
	}
	var img image.Image
	fyne.DoAndWait(func() { img = w.Canvas().Capture() })
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	err = png.Encode(f, img)
	return errors.Join(err, f.Close())
}

// scriptDue shows the renewal banner of an item that is due, then the
// renewal it leads to.
func scriptDue(u *screens.UI, d screens.TourDriver) error {
	over, err := screens.WaitScreen[*screens.Overview](u, screens.TourStepTimeout)
	if err != nil {
		return err
	}
	var renew *widget.Button
	d.Do(func() {
		if r := over.Reminders; r != nil && r.Due != nil {
			for _, b := range r.Renew {
				renew = b
				break
			}
		}
	})
	if renew == nil {
		return errors.New("nothing is due: the overview shows no renewal banner")
	}
	d.Shot("17-renewal-due")
	d.Tap(renew)
	if _, err := screens.WaitScreen[*screens.Renew](u, screens.TourStepTimeout); err != nil {
		return err
	}
	d.Shot("18-renew")
	return nil
}

// scriptConsent shows the question asked when there is no keychain, and
// quits without answering, so nothing is written.
func scriptConsent(u *screens.UI, d screens.TourDriver) error {
	if _, err := screens.WaitScreen[*screens.StoreConsent](u, screens.TourStepTimeout); err != nil {
		return err
	}
	d.Shot("00-no-keychain")
	return nil
}
