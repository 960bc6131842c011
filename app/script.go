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

// runScript is the test hook behind PASSCROW_SCRIPT=tour: it walks the
// real window through screens.Tour (demo server, setup, recovery,
// settings), saves a screenshot of each step into opts.ScreenshotDir,
// then quits. Only "tour" exists so far.
func runScript(a fyne.App, u *screens.UI, probe *frameProbe, opts Options) error {
	defer fyne.Do(a.Quit)
	if opts.Script != "tour" {
		return fmt.Errorf("unknown script %q (want tour)", opts.Script)
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
	err := screens.Tour(u, d)
	if err != nil {
		fmt.Fprintln(os.Stderr, "passcrow: tour:", err)
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
