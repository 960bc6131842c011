package screens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/internal/version"
)

// menuItem is the item labelled label in the window's main menu.
func menuItem(t *testing.T, u *UI, label string) *fyne.MenuItem {
	t.Helper()
	m := u.Win.MainMenu()
	if m == nil {
		t.Fatal("the window has no menu")
	}
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no %q in the menu", label)
	return nil
}

// escape presses Escape with nothing focused, as the driver hands it
// to the canvas.
func escape(u *UI) {
	look(u, func() { u.Win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
}

// TestMenuAboutOverTheWizard: the menu's About shows the version in a
// dialog over the setup wizard, which is still there, with what was
// typed, after Escape closes it.
func TestMenuAboutOverTheWizard(t *testing.T) {
	defer func(f func() version.Info) { aboutInfo = f }(aboutInfo)
	aboutInfo = func() version.Info { return version.Info{Version: "0.2.0"} }
	u := newTestUI(t)
	var s *Setup
	look(u, func() { u.ShowSetup(state.Plan{}); s = u.Current().(*Setup) })
	typeIn(u, s.Name, "Disk")
	look(u, menuItem(t, u, "About Passcrow").Action)
	var shown []string
	look(u, func() {
		if top := u.Win.Canvas().Overlays().Top(); top != nil {
			shown = texts(top)
		}
	})
	if !containsText(shown, "Version 0.2.0") {
		t.Fatalf("About shows %q", shown)
	}
	shotForReview(t, u, "menu-about")
	escape(u)
	look(u, func() {
		if u.Win.Canvas().Overlays().Top() != nil {
			t.Error("Escape left the About dialog open")
		}
	})
	if u.Current() != s || s.Name.Text != "Disk" {
		t.Fatalf("after About the screen is %T, name %q", u.Current(), s.Name.Text)
	}
	if q := menuItem(t, u, "Quit"); !q.IsQuit || q.Shortcut == nil || q.Shortcut.ShortcutName() != quitShortcut.ShortcutName() {
		t.Fatalf("Quit in the menu: %+v", q)
	}
}

// TestEscapeCancelsDialog: Escape answers a question with No and closes
// an error, so no key pressed by habit says yes.
func TestEscapeCancelsDialog(t *testing.T) {
	u := newTestUI(t)
	look(u, u.ShowOverview)
	answer := "none"
	look(u, func() {
		dialog.ShowConfirm("Really?", "Do it?", func(yes bool) {
			answer = map[bool]string{true: "yes", false: "no"}[yes]
		}, u.Win)
	})
	escape(u)
	var open bool
	look(u, func() { open = u.Win.Canvas().Overlays().Top() != nil })
	if answer != "no" || open {
		t.Fatalf("Escape on a question: answer %s, still open %v", answer, open)
	}
	escape(u) // nothing open: nothing happens
	if answer != "no" {
		t.Fatalf("a second Escape answered %s", answer)
	}
}

// TestHelpListsShippedGuides: Help lists the guides of the docs folder
// with their titles (the repository's own docs, as a source build has
// them next to it), and with none installed says where they are.
func TestHelpListsShippedGuides(t *testing.T) {
	docs, err := filepath.Abs(filepath.Join("..", "docs"))
	if err != nil {
		t.Fatal(err)
	}
	defer func(f func() []string) { docsDirs = f }(docsDirs)
	docsDirs = func() []string { return []string{filepath.Join(t.TempDir(), "absent"), docs} }
	u := newTestUI(t)
	look(u, u.ShowOverview)
	var h *Help
	look(u, func() {
		menuItem(t, u, "Guides…").Action()
		h = u.ShowHelp() // the same dialog again, to look at
	})
	var titles []string
	for _, g := range h.Guides {
		titles = append(titles, g.Text)
		if g.URL.Scheme != "file" {
			t.Errorf("guide %q links to %v", g.Text, g.URL)
		}
		if _, err := os.Stat(g.URL.Path); err != nil {
			t.Errorf("guide %q: %v", g.Text, err)
		}
	}
	if len(titles) == 0 || !slicesContainsPrefix(titles, "Privacy") {
		t.Fatalf("Help lists %q from %s", titles, docs)
	}
	shotForReview(t, u, "menu-help")
	escape(u)
	escape(u)

	docsDirs = func() []string { return []string{t.TempDir()} }
	look(u, func() { h = u.ShowHelp() })
	var shown []string
	look(u, func() { shown = texts(u.Win.Canvas().Overlays().Top()) })
	if len(h.Guides) != 0 || !containsText(shown, "The guides are not installed with this copy of Passcrow. You can read them on the web:") {
		t.Fatalf("with no guides Help shows %q", shown)
	}
}

func slicesContainsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestWindowRemembersSize: Ctrl+Q keeps the window's size, and the next
// window opens at it; a size below the smallest the screens are laid
// out for is not kept.
func TestWindowRemembersSize(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	st, err := state.Open(a.Preferences(), state.Options{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := test.NewWindow(nil) // Ctrl+Q closes it
	New(a, w, st, t.TempDir())
	if got := w.Canvas().Size(); got != defaultSize {
		t.Fatalf("the first window is %v, want %v", got, defaultSize)
	}
	w.Resize(fyne.NewSize(1000, 700))
	w.Canvas().(fyne.Shortcutable).TypedShortcut(quitShortcut)
	w2 := test.NewTempWindow(t, nil)
	New(a, w2, st, t.TempDir())
	if got := w2.Canvas().Size(); got != fyne.NewSize(1000, 700) {
		t.Fatalf("after Ctrl+Q at 1000×700 the next window is %v", got)
	}

	st.SetWindowSize(100, 50) // too small: a hand-edited preference
	w3 := test.NewTempWindow(t, nil)
	New(a, w3, st, t.TempDir())
	if got := w3.Canvas().Size(); got != defaultSize {
		t.Fatalf("a remembered 100×50 opens at %v, want %v", got, defaultSize)
	}
}
