package app

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
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
//	restart  screens.TourRestart: the app started again on tour's home
//	         (the demo server back, a wrong code, a stale pack, forget
//	         with the server gone)
//	offline  screens.TourOffline: the welcome's other ways in, and the
//	         servers step with the built-in servers out of reach
//
// PASSCROW_WINDOW_SIZE (such as 1024x768) sets the main window's size for
// the script, over the size the window remembers.
func runScript(a fyne.App, u *screens.UI, probe *frameProbe, opts Options) error {
	defer fyne.Do(func() {
		if u.OnQuit != nil {
			u.OnQuit()
		}
		u.StopLifecycleHooks()
		a.Quit()
	})
	scripts := map[string]func(*screens.UI, screens.TourDriver) error{
		"tour":    screens.Tour,
		"due":     scriptDue,
		"consent": scriptConsent,
		"restart": screens.TourRestart,
		"offline": screens.TourOffline,
	}
	script := scripts[opts.Script]
	if script == nil {
		return fmt.Errorf("unknown script %q (want tour, due, consent, restart or offline)", opts.Script)
	}
	size, err := scriptWindowSize(os.Getenv("PASSCROW_WINDOW_SIZE"))
	if err != nil {
		return err
	}
	dir := opts.ScreenshotDir
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if !size.IsZero() {
		fyne.DoAndWait(func() { u.Win.Resize(size) })
	}
	if !waitFirst(probe, time.Minute) {
		return errors.New("the window was never drawn")
	}
	mainWidth := 880
	if size.Width > 0 {
		mainWidth = int(size.Width) + 20
	}
	var shotErr error
	shot := func(name string, w fyne.Window) {
		// Without a window manager every window opens at 0,0: move the
		// others (the demo mailbox) beside the main window.
		for _, o := range a.Driver().AllWindows() {
			if o != u.Win {
				if id := x11Window(o); id != "" {
					_ = exec.Command("xdotool", "windowmove", id, strconv.Itoa(mainWidth), "0").Run()
				}
			}
		}
		// Repaint all of it: the X server keeps no pixels of a window
		// area that another covered.
		fyne.DoAndWait(func() { w.Content().Refresh() })
		probe.next(5 * time.Second)
		probe.next(5 * time.Second)
		err := captureWindow(w, filepath.Join(dir, name+".png"))
		shotErr = errors.Join(shotErr, err)
		var got fyne.Size
		fyne.DoAndWait(func() { got = w.Canvas().Size() })
		fmt.Println(time.Now().Format("15:04:05"), "screenshot", name, got, err)
		// A screen that does not fit makes the window grow past the
		// size asked for: say so, for whoever reads the log.
		if w == u.Win && !size.IsZero() && (got.Width > size.Width+1 || got.Height > size.Height+1) {
			fmt.Printf("screenshot %s: the window grew from %vx%v to %vx%v\n", name, size.Width, size.Height, got.Width, got.Height)
		}
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
	err = script(u, d)
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
		// By the X window's id: a title outside ASCII ("Prufupósthólf")
		// is not found by name.
		id := x11Window(w)
		if id == "" {
			id = w.Title()
		}
		out, err := exec.Command("/usr/bin/import", "-window", id, file).CombinedOutput()
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

// x11Window is w's X11 window id in hex, or "" when it is not an X11
// window.
func x11Window(w fyne.Window) string {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return ""
	}
	var id string
	fyne.DoAndWait(func() {
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
				id = fmt.Sprintf("0x%x", x.WindowHandle)
			}
		})
	})
	return id
}

// scriptWindowSize reads PASSCROW_WINDOW_SIZE, such as "1280x800"; ""
// keeps the window's own size.
func scriptWindowSize(s string) (fyne.Size, error) {
	if s == "" {
		return fyne.Size{}, nil
	}
	ws, hs, ok := strings.Cut(s, "x")
	w, werr := strconv.Atoi(ws)
	h, herr := strconv.Atoi(hs)
	if !ok || werr != nil || herr != nil || w < 100 || h < 100 || w > 10000 || h > 10000 {
		return fyne.Size{}, fmt.Errorf("PASSCROW_WINDOW_SIZE is %q, want a size such as 1280x800", s)
	}
	return fyne.NewSize(float32(w), float32(h)), nil
}
