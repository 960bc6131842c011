package screens

import (
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/internal/sockstest"
)

// settingsTor opens Settings and waits for its first look for Tor.
func settingsTor(t *testing.T, u *UI) *TorSettings {
	t.Helper()
	var s *Settings
	look(u, func() { u.ShowSettings(); s, _ = u.Current().(*Settings) })
	if s == nil {
		t.Fatalf("Settings shows %T", u.Current())
	}
	if err := wait(s.Tor.looked, TourStepTimeout, "the look for Tor"); err != nil {
		t.Fatal(err)
	}
	return s.Tor
}

// TestSettingsOfferTor: Settings finds a SOCKS5 proxy where Tor listens
// (real microsocks standing in for Tor, which cannot build circuits
// here) and offers it; ticking Use Tor turns it on for every request,
// and Settings says so when opened again. Without any Tor the box
// cannot be ticked; a Tor in use that stopped answering is named; and
// unticking turns Tor off.
func TestSettingsOfferTor(t *testing.T) {
	px := sockstest.Start(t, sockstest.Options{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	defer func(a []string) { torAddrs = a }(torAddrs)
	torAddrs = []string{closed, px.Addr()}

	u := newTestUI(t)
	t.Cleanup(func() { u.State.SetTorProxy("") })
	tor := settingsTor(t, u)
	look(u, func() {
		if !strings.Contains(tor.Status.Text, "Tor is running on this computer ("+px.Addr()+")") || tor.Use.Disabled() || tor.Use.Checked {
			t.Errorf("found: %q, box disabled %v, ticked %v", tor.Status.Text, tor.Use.Disabled(), tor.Use.Checked)
		}
	})
	look(u, func() { test.Tap(tor.Use) })
	if got := u.State.TorProxy(); got != px.URL() {
		t.Fatalf("after ticking, Tor is %q; want %q", got, px.URL())
	}
	tor = settingsTor(t, u)
	look(u, func() {
		if want := "Passcrow servers are reached through Tor at " + px.Addr() + "."; tor.Status.Text != want || !tor.Use.Checked {
			t.Errorf("in use: %q, ticked %v; want %q", tor.Status.Text, tor.Use.Checked, want)
		}
	})

	torAddrs = []string{closed}
	tor = settingsTor(t, u)
	look(u, func() {
		if !strings.Contains(tor.Status.Text, "does not answer") || tor.Use.Disabled() {
			t.Errorf("Tor gone: %q, box disabled %v", tor.Status.Text, tor.Use.Disabled())
		}
		test.Tap(tor.Use)
	})
	if got := u.State.TorProxy(); got != "" {
		t.Fatalf("after unticking, Tor is %q", got)
	}
	look(u, func() {
		if !strings.HasPrefix(tor.Status.Text, "No Tor found on this computer") || !tor.Use.Disabled() {
			t.Errorf("no Tor: %q, box disabled %v", tor.Status.Text, tor.Use.Disabled())
		}
	})
}

// TestSetupShowsSpreadWait: a location waiting so that servers cannot
// link the requests says so on its row, with the seconds.
func TestSetupShowsSpreadWait(t *testing.T) {
	u := newTestUI(t)
	u.ShowSetup(state.Plan{Name: "Disk", Identities: []string{"email:a@example.org", "email:b@example.org"},
		Servers: []string{"https://one.example", "https://two.example"}})
	s := u.Current().(*Setup)
	s.progressBody()
	s.onProgress(1, state.Progress{Stage: state.StageSpreading, Fraction: -1, Wait: 7400 * time.Millisecond})
	if want := "Waiting 7 s so servers cannot link your requests"; s.Stages[1].Text != want {
		t.Errorf("row says %q, want %q", s.Stages[1].Text, want)
	}
}
