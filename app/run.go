// Package app starts the Passcrow desktop app: it makes the Fyne app and
// its main window, opens the state (settings, pack store, services) and
// hands both to the screens. The lead's main.go calls Run when passcrow
// runs with no arguments. Everything below it is testable without a
// display: state in app/state, the UI in screens/.
package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/passcrow/passcrow-desktop/app/logfile"
	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/app/translations"
	"github.com/passcrow/passcrow-desktop/screens"
)

// ID is the app's identifier: it names the settings directory, so it
// never changes.
const ID = "is.passcrow.desktop"

// Options configure Run.
type Options struct {
	// Home keeps config and packs as files in this directory instead of the
	// OS keychain (PASSCROW_HOME, --home); "" uses the keychain.
	Home string
	// Script, when set, is a file of steps to drive the UI and take
	// screenshots (PASSCROW_SCRIPT; see script.go), for CI.
	Script string
	// ScreenshotDir is where Script saves its screenshots.
	ScreenshotDir string
	// DaysAhead moves the app's clock this many days ahead, so a script
	// can show what is due in a year (PASSCROW_SCRIPT_DAYS_AHEAD); it is
	// honoured only with Script set.
	DaysAhead int
	// ExitAfterFirstFrame prints a marker line once the first screen is
	// drawn and quits (PASSCROW_BENCH_EXIT_AFTER_FIRST_FRAME=1), for the
	// startup benchmark.
	ExitAfterFirstFrame bool
}

// OptionsFromEnv reads the options from the environment.
func OptionsFromEnv() Options {
	return Options{
		Home:                os.Getenv("PASSCROW_HOME"),
		Script:              os.Getenv("PASSCROW_SCRIPT"),
		ScreenshotDir:       os.Getenv("PASSCROW_SCREENSHOTS"),
		DaysAhead:           daysAhead(os.Getenv("PASSCROW_SCRIPT_DAYS_AHEAD")),
		ExitAfterFirstFrame: os.Getenv("PASSCROW_BENCH_EXIT_AFTER_FIRST_FRAME") == "1",
	}
}

// Run opens the main window and returns when the app quits.
func Run(opts Options) error {
	if opts.Home != "" {
		if err := useHomeForSettings(opts.Home); err != nil {
			return err
		}
	}
	a := fyneapp.NewWithID(ID)
	guard := newQuitGuard(quitGrace, os.Stderr, func() int { return 0 }, os.Exit)
	guard.armOnSignals()
	so := state.Options{Home: opts.Home}
	if opts.Script != "" && opts.DaysAhead != 0 {
		ahead := time.Duration(opts.DaysAhead) * 24 * time.Hour
		so.Now = func() time.Time { return time.Now().Add(ahead) }
	}
	st, err := state.Open(a.Preferences(), so)
	if err != nil {
		if opts.Script != "" || opts.ExitAfterFirstFrame {
			return fmt.Errorf("open the pack store: %w", err)
		}
		// A person is waiting: say why (most often a locked keychain)
		// and let them try again instead of exiting without a word.
		return runUntilOpened(a, opts, guard, err, func() (*state.State, error) { return state.Open(a.Preferences(), so) })
	}
	defer st.Close()
	guard.setCleanup(func() int { st.Close(); return 0 })
	w, u, probe := mainWindow(a, st, opts, guard)
	switch {
	case opts.ExitAfterFirstFrame:
		u.ShowOverview()
		go benchFirstFrame(a, probe, guard)
	case opts.Script != "":
		u.Start()
		errc := make(chan error, 1)
		guard.setCleanup(func() int {
			st.Close()
			if err := <-errc; err != nil {
				fmt.Fprintf(os.Stderr, "passcrow: %v\n", err)
				return 1
			}
			return 0
		})
		go func() { errc <- runScript(a, u, probe, opts) }()
		w.ShowAndRun()
		guard.finish()
		return <-errc
	default:
		u.Start()
		// Tell the user when something becomes due while the app runs.
		u.WatchDue(time.NewTicker(screens.DueCheckInterval).C)
	}
	w.ShowAndRun()
	guard.finish()
	return nil
}

// mainWindow makes the main window and the screens for st.
func mainWindow(a fyne.App, st *state.State, opts Options, guard *quitGuard) (fyne.Window, *screens.UI, *frameProbe) {
	if err := translations.Load(st.Language()); err != nil {
		fyne.LogError("translations", err)
	}
	w := a.NewWindow("Passcrow")
	w.SetMaster()
	demoDir := ""
	if opts.Home != "" {
		demoDir = filepath.Join(opts.Home, "demo")
	}
	u := screens.New(a, w, st, demoDir)
	u.Log = logfile.New(logDir(a, opts))
	u.OnQuit = guard.arm
	probe := newFrameProbe()
	u.Wrap = probe.wrap
	w.SetCloseIntercept(u.Quit) // keeps the window size, then quits
	return w, u, probe
}

// runUntilOpened shows why the packs cannot be opened, with Try again and
// Quit; once a retry opens them, the app carries on as usual.
func runUntilOpened(a fyne.App, opts Options, guard *quitGuard, openErr error, open func() (*state.State, error)) error {
	if err := translations.Load(""); err != nil {
		fyne.LogError("translations", err)
	}
	ew := a.NewWindow("Passcrow")
	quit := func() {
		guard.arm()
		a.Quit()
	}
	var st *state.State
	o := screens.NewOpenError(openErr, func() error {
		var err error
		if st, err = open(); err != nil {
			return err
		}
		opened := st
		guard.setCleanup(func() int { opened.Close(); return 0 })
		w, u, _ := mainWindow(a, st, opts, guard)
		u.Start()
		u.WatchDue(time.NewTicker(screens.DueCheckInterval).C)
		w.Show()
		ew.Close()
		return nil
	}, quit)
	ew.SetContent(o.Content())
	ew.SetCloseIntercept(quit)
	ew.Resize(fyne.NewSize(640, 360))
	ew.ShowAndRun()
	guard.finish()
	if st != nil {
		st.Close()
	}
	return nil
}

func daysAhead(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// useHomeForSettings moves Fyne's settings into home, so that a profile
// given by PASSCROW_HOME never reads or writes the user's real settings.
// On Linux and the BSDs Fyne finds them under $XDG_CONFIG_HOME; on
// Windows and macOS it looks under the home directory, which we leave
// alone, so there only the packs move.
func useHomeForSettings(home string) error {
	dir, err := filepath.Abs(filepath.Join(home, "settings"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Setenv("XDG_CONFIG_HOME", dir)
}

// logDir is where the error log goes: the home given, else the app's
// own data folder (on Linux ~/.config/fyne/is.passcrow.desktop).
func logDir(a fyne.App, opts Options) string {
	if opts.Home != "" {
		return opts.Home
	}
	return a.Storage().RootURI().Path()
}
