package screens

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/internal/version"
)

// TestAboutShowsVersionAndCommit: Settings → About shows the version and
// commit a release build carries, Copy puts the --version line on the
// clipboard, Back returns to the settings.
func TestAboutShowsVersionAndCommit(t *testing.T) {
	info := version.Info{Version: "0.1.0-dev.7+g2a6ae81b", Commit: "2a6ae81b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"}
	defer func(f func() version.Info) { aboutInfo = f }(aboutInfo)
	aboutInfo = func() version.Info { return info }

	u := newTestUI(t)
	var s *Settings
	look(u, func() { u.ShowSettings(); s, _ = u.Current().(*Settings) })
	// Settings looks for Tor in the background: let it finish first.
	if err := wait(s.Tor.looked, TourStepTimeout, "the look for Tor"); err != nil {
		t.Fatal(err)
	}
	about := findButton(t, u.Win.Content(), "About Passcrow")
	tap(u, about)
	a, ok := u.Current().(*About)
	if !ok {
		t.Fatalf("About Passcrow shows %T", u.Current())
	}
	if a.Version.Text != "Version 0.1.0-dev.7+g2a6ae81b" || a.Commit.Text != "Commit 2a6ae81b1c2d" {
		t.Errorf("About says %q, %q", a.Version.Text, a.Commit.Text)
	}
	tap(u, a.Copy)
	if got, want := u.App.Clipboard().Content(), "passcrow 0.1.0-dev.7+g2a6ae81b (commit 2a6ae81b1c2d)"; got != want {
		t.Errorf("copied %q, want %q", got, want)
	}
	tap(u, findButton(t, u.Win.Content(), "Back"))
	if _, ok := u.Current().(*Settings); !ok {
		t.Errorf("Back from About shows %T", u.Current())
	}
}

// TestAboutUnknownCommit: a build from a source archive has no commit,
// and says so rather than showing an empty line.
func TestAboutUnknownCommit(t *testing.T) {
	defer func(f func() version.Info) { aboutInfo = f }(aboutInfo)
	aboutInfo = func() version.Info { return version.Info{Version: version.Dev} }
	u := newTestUI(t)
	u.ShowAbout()
	a := u.Current().(*About)
	if a.Version.Text != "Version devel" || a.Commit.Text != "Commit unknown" {
		t.Errorf("About says %q, %q", a.Version.Text, a.Commit.Text)
	}
}

// findButton is the button labelled text on the screen.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Button:
			if o.Text == text {
				found = o
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no %q button on the screen", text)
	}
	return found
}
