package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// The window's menu and keys, as in any desktop app: Passcrow ▸ About
// Passcrow, Quit (Ctrl+Q; ⌘Q on a Mac); Help ▸ the guides shipped with
// the app, the web site. Escape closes the dialog on top without doing
// anything. About and Help open over the screen on show, so a wizard
// in progress is never lost to them.

// quitShortcut is Ctrl+Q, or ⌘Q on a Mac (ShortcutDefault).
var quitShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}

// installMenu gives the window its menu, Ctrl+Q and Escape.
func (u *UI) installMenu() {
	about := fyne.NewMenuItem(lang.L("About Passcrow"), u.showAboutDialog)
	quit := fyne.NewMenuItem(lang.L("Quit"), u.Quit)
	quit.IsQuit = true
	quit.Shortcut = quitShortcut
	guides := fyne.NewMenuItem(lang.L("Guides…"), func() { u.ShowHelp() })
	site := fyne.NewMenuItem(lang.L("Passcrow on the web"), func() {
		if err := u.App.OpenURL(siteURL); err != nil {
			u.showError(err)
		}
	})
	u.Win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("Passcrow", about, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu(lang.L("Help"), guides, site),
	))
	// The menu's shortcut works where the driver draws the menu; the
	// canvas's wherever it does not (and in tests).
	u.Win.Canvas().AddShortcut(quitShortcut, func(fyne.Shortcut) { u.Quit() })
	u.Win.Canvas().SetOnTypedKey(u.onKey)
}

// Quit keeps the window's size for the next run, then quits. Closing the
// window does the same (app/run.go).
func (u *UI) Quit() {
	if u.OnQuit != nil {
		u.OnQuit()
	}
	u.saveWindowSize()
	u.StopLifecycleHooks()
	u.Win.Close()
	u.App.Quit()
}

// StopLifecycleHooks unhooks the app's lifecycle callbacks before it
// quits. Fyne 2.7.1 runs a lifecycle event on the main loop and waits for
// it; one queued while the loop shuts down (the window's last focus
// change) can miss the loop's final drain and hang the quit for good
// (seen in the screenshot runs: the app stuck after its last screen).
func (u *UI) StopLifecycleHooks() {
	u.App.Lifecycle().SetOnEnteredForeground(nil)
}

// showAboutDialog shows About over the screen on show.
func (u *UI) showAboutDialog() {
	_, body := u.about()
	d := dialog.NewCustom(lang.L("About Passcrow"), lang.L("Close"), body, u.Win)
	d.Resize(fyne.NewSize(440, 400)) // wide enough that the tagline needs no wrapping
	d.Show()
}

// onKey handles the keys no widget took: Escape closes the dialog on top.
func (u *UI) onKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		u.dismissDialog()
	}
}

// dismissDialog taps the button that closes the dialog on top without
// doing anything (Cancel, No, Close, Not now, or a lone OK), as Escape
// does in any desktop app; fyne's dialogs do not listen for it. It finds
// the dialog's buttons by moving the focus through them: the dialog's
// own widgets are all a screen can reach.
func (u *UI) dismissDialog() bool {
	c := u.Win.Canvas()
	if c.Overlays().Top() == nil {
		return false
	}
	var buttons []*widget.Button
	seen := map[fyne.Focusable]bool{}
	c.Unfocus()
	for range 100 {
		c.FocusNext()
		f := c.Focused()
		if f == nil || seen[f] {
			break
		}
		seen[f] = true
		if b, ok := f.(*widget.Button); ok {
			buttons = append(buttons, b)
		}
	}
	c.Unfocus()
	for _, text := range []string{lang.L("Cancel"), lang.L("No"), lang.L("Close"), lang.L("Not now"), lang.L("OK")} {
		for _, b := range buttons {
			if b.Text == text && b.OnTapped != nil && !b.Disabled() {
				b.OnTapped()
				return true
			}
		}
	}
	return false
}
