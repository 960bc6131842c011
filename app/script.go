package app

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
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
	save := func(name string, img image.Image) {
		if img == nil {
			shotErr = errors.Join(shotErr, fmt.Errorf("no image for %s", name))
			return
		}
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err == nil {
			err = png.Encode(f, img)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		shotErr = errors.Join(shotErr, err)
	}
	d := screens.TourDriver{
		Tap: func(b *widget.Button) { fyne.DoAndWait(b.OnTapped) },
		Type: func(e *widget.Entry, s string) {
			fyne.DoAndWait(func() { e.SetText(s) })
		},
		Do: fyne.DoAndWait,
		Shot: func(name string) {
			probe.next(5 * time.Second)
			save(name, u.Win.Canvas().Capture())
			fmt.Println("screenshot", name)
		},
		MailboxShot: func(name string) {
			for _, w := range a.Driver().AllWindows() {
				if w != u.Win {
					probe.next(5 * time.Second)
					probe.next(5 * time.Second)
					save(name, w.Canvas().Capture())
					fmt.Println("screenshot", name)
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
