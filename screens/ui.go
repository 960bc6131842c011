// Package screens is the Passcrow desktop app's user interface: one file
// per screen (welcome, overview, setup wizard, recovery wizard, renewal,
// settings, demo mailbox). A screen is a struct of widgets plus the shared
// state and the window, with onX handler methods. Slow work runs in
// goroutines that touch widgets only through fyne.Do, so the UI never
// blocks. The screens take fyne.App and fyne.Window as parameters and never
// import fyne.io/fyne/v2/app, so tests drive them with fyne's test driver.
package screens

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/logfile"
	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/app/translations"
)

// MinSize is the smallest window the screens are laid out for.
var MinSize = fyne.NewSize(720, 540)

// UI is the main window and the screen it shows.
type UI struct {
	App   fyne.App
	Win   fyne.Window
	State *state.State
	// DemoDir is where the demo server keeps its data and outbox.
	DemoDir string

	// KnownServers are the public servers the setup wizard offers
	// (state.KnownServers; tests clear it to stay off the network).
	KnownServers []string
	// MailboxPoll is how often the demo mailbox looks for new messages;
	// 0 turns polling off (tests refresh it themselves).
	MailboxPoll time.Duration
	// OnQuit, when set, is called as Quit begins (the app guards Fyne's
	// own quitting with it: app/quitguard.go).
	OnQuit func()

	// current is the screen on show, for tests and the script hook;
	// changed is closed and replaced whenever it changes.
	mu      sync.Mutex
	current any
	changed chan struct{}
	// Wrap, when set, wraps every screen's content (the app adds a probe
	// that tells when a frame was drawn).
	Wrap    func(fyne.CanvasObject) fyne.CanvasObject
	mailbox *Mailbox
	// renewalDismissed hides the renewal banner for this session.
	renewalDismissed bool
	// demoStarted is closed when the last start of the demo server
	// succeeded or failed (tests wait on it).
	demoStarted chan struct{}
	// saving is the last save dialog opened (tests drive it);
	// lastSaveDir is where the last file was saved in this session.
	saving      *SaveFile
	lastSaveDir string
	// Log is where the technical side of errors shown is written
	// (errview.go); nil writes nothing. lastError is the last error
	// dialog's view (tests look at it).
	Log       *logfile.Log
	lastError *ErrorView
	// recoveries are the recoveries that asked for codes in this
	// session, by item: starting again asks before voiding their codes
	// (recover_ask.go). Touched on the UI goroutine only.
	recoveries map[string]*state.Recovery
	// dueChecked, when set before WatchDue, gets a value after each
	// check (tests wait on it).
	dueChecked chan struct{}

	// Serial, when set, is held while a background goroutine updates
	// widgets. Fyne's test driver runs fyne.Do at once on the calling
	// goroutine instead of queueing it for the UI goroutine, so the
	// headless tests hold it too while they tap, type and look.
	Serial sync.Locker
}

// do runs f on the UI goroutine, as fyne.Do does.
func (u *UI) do(f func()) { fyne.Do(u.serial(f)) }

// doAndWait runs f on the UI goroutine and waits, as fyne.DoAndWait does.
func (u *UI) doAndWait(f func()) { fyne.DoAndWait(u.serial(f)) }

func (u *UI) serial(f func()) func() {
	if u.Serial == nil {
		return f
	}
	return func() {
		u.Serial.Lock()
		defer u.Serial.Unlock()
		f()
	}
}

// New makes the UI for w. Call Start to show the first screen.
func New(a fyne.App, w fyne.Window, st *state.State, demoDir string) *UI {
	u := &UI{App: a, Win: w, State: st, DemoDir: demoDir, KnownServers: state.KnownServers, MailboxPoll: 500 * time.Millisecond, changed: make(chan struct{})}
	w.Resize(u.startSize())                // the size it last had (menu_window.go)
	u.installMenu()                        // About, Help, Quit, Ctrl+Q, Escape (menu.go)
	st.SetLoginAsker(u.askMailboxPassword) // mailbox passwords outside recovery (loginask.go)
	return u
}

// Start shows the welcome screen on the first run, else the overview;
// first of all, with no keychain, it asks whether packs may be files.
func (u *UI) Start() {
	// A login reminder from an older version, or from before the app
	// moved, gets this executable and the settings as they are now.
	if err := u.State.RefreshAutostart(); err != nil {
		fyne.LogError("refreshing the login reminder", err)
	}
	if _, ask := u.State.NeedsStoreConsent(); ask {
		u.ShowStoreConsent()
		return
	}
	if !u.State.Welcomed() {
		u.ShowWelcome()
		return
	}
	u.ShowOverview()
}

// Current is the screen on show.
func (u *UI) Current() any {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.current
}

func (u *UI) show(screen any, content fyne.CanvasObject) {
	// A transparent rectangle of MinSize keeps the window from shrinking
	// below the size the screens are laid out for.
	floor := canvas.NewRectangle(color.Transparent)
	floor.SetMinSize(MinSize)
	content = container.NewStack(floor, content)
	if u.Wrap != nil {
		content = u.Wrap(content)
	}
	u.Win.SetContent(content)
	u.mu.Lock()
	u.current = screen
	close(u.changed)
	u.changed = make(chan struct{})
	u.mu.Unlock()
}

// WaitScreen waits until the screen on show is a T, for tests and the
// script hook, which drive the UI from another goroutine.
func WaitScreen[T any](u *UI, timeout time.Duration) (T, error) {
	deadline := time.After(timeout)
	for {
		u.mu.Lock()
		cur, ch := u.current, u.changed
		u.mu.Unlock()
		if s, ok := cur.(T); ok {
			return s, nil
		}
		select {
		case <-ch:
		case <-deadline:
			var zero T
			return zero, fmt.Errorf("waited %v for a %T screen, %T is shown", timeout, zero, cur)
		}
	}
}

// wait waits for ch to close.
func wait(ch <-chan struct{}, timeout time.Duration, what string) error {
	if ch == nil {
		return fmt.Errorf("%s never started", what)
	}
	select {
	case <-ch:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("waited %v for %s", timeout, what)
	}
}

// errText is err's message for the user: translated when it is one of
// ours, else shown as it is. It is never a lang.L key (see
// translations.Text): it may hold a server's answer or a typed code.
func errText(err error) string { return translations.Text(err.Error()) }

// page is a screen's frame: a heading, the body and a row of buttons.
func page(title string, body fyne.CanvasObject, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	// A long item name in the title is cut with "…", never widening
	// the window.
	heading.Truncation = fyne.TextTruncateEllipsis
	var bottom fyne.CanvasObject
	if len(buttons) > 0 {
		bottom = container.NewPadded(container.NewHBox(append([]fyne.CanvasObject{layout.NewSpacer()}, buttons...)...))
	}
	return container.NewBorder(container.NewPadded(heading), bottom, nil, nil, container.NewPadded(body))
}

// para is a wrapped paragraph of text.
func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// demoDir picks where the demo server keeps its data: given by Run, or
// the user's own cache folder, which keeps the demo's escrows across
// restarts (state.StartDemo checks that it is private). With no such
// folder it is a fresh private one for this run, never a fixed name in
// the shared temp folder, which another user could make first.
func (u *UI) demoDir() (string, error) {
	if u.DemoDir != "" {
		return u.DemoDir, nil
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "passcrow", "demo"), nil
	}
	d, err := os.MkdirTemp("", "passcrow-demo-")
	if err != nil {
		return "", fmt.Errorf("demo server: %w", err)
	}
	u.DemoDir = d
	return d, nil
}

// startDemo starts the demo server off the UI goroutine, then calls done
// on it. Call it on the UI goroutine.
func (u *UI) startDemo(done func(*state.Demo)) {
	prog := dialog.NewCustomWithoutButtons(lang.L("Starting the demo server…"), widget.NewProgressBarInfinite(), u.Win)
	prog.Show()
	u.demoStarted = make(chan struct{})
	started := u.demoStarted
	dir, dirErr := u.demoDir()
	go func() {
		defer close(started)
		var d *state.Demo
		err := dirErr
		if err == nil {
			d, err = u.State.StartDemo(dir)
		}
		u.doAndWait(func() {
			prog.Hide()
			if err != nil {
				u.showErrorSaying(lang.L("The demo server could not start."), err)
				return
			}
			done(d)
		})
	}()
}

// background runs f off the UI goroutine with a cancellable context.
func background(f func(ctx context.Context)) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	go f(ctx)
	return cancel
}

// readLimited reads all of r, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errors.New(lang.L("That file is too big to be a recovery pack."))
	}
	return b, nil
}
