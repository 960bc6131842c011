package screens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/platform"
)

// autostartExec is the Exec line of the login reminder's XDG entry.
func autostartExec(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "autostart", "passcrow-remind.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if s, ok := strings.CutPrefix(l, "Exec="); ok {
			return s
		}
	}
	t.Fatalf("no Exec line in\n%s", b)
	return ""
}

// TestLoginReminderFollowsSettings: the login reminder runs remind with
// the app's "Renew every (days)" and language, written into the real
// autostart entry (under a temp XDG_CONFIG_HOME) when it is turned on and
// again whenever either changes; an entry from an older version, without
// them, is brought up to date when the app starts.
func TestLoginReminderFollowsSettings(t *testing.T) {
	u := newTestUI(t)
	var s *Settings
	look(u, func() { u.ShowSettings(); s = u.Current().(*Settings) })
	// Settings looks for Tor in the background: let it finish first.
	if err := wait(s.Tor.looked, TourStepTimeout, "the look for Tor"); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.Autostart)
	if !s.Autostart.Checked {
		t.Fatal("the check box did not turn on")
	}
	if got := autostartExec(t); !strings.Contains(got, " remind --interval-days 365 --home ") || strings.Contains(got, "--lang") {
		t.Fatalf("turned on with the defaults: Exec=%s", got)
	}
	typeIn(u, s.Days, "30")
	if got := autostartExec(t); !strings.Contains(got, " remind --interval-days 30 ") {
		t.Fatalf("after Renew every 30 days: Exec=%s", got)
	}
	s.Language.SetSelected("Íslenska")
	if got := autostartExec(t); !strings.Contains(got, " remind --interval-days 30 --lang is ") {
		t.Fatalf("after choosing Icelandic: Exec=%s", got)
	}
	if s.Error.Text != "The language changes the next time Passcrow starts." {
		t.Fatalf("settings say %q", s.Error.Text)
	}

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := platform.EnableAutostart(exe, "remind"); err != nil {
		t.Fatal(err)
	}
	u.Start()
	if got := autostartExec(t); !strings.Contains(got, " remind --interval-days 30 --lang is ") {
		t.Fatalf("an old entry after the app started: Exec=%s", got)
	}

	test.Tap(s.Autostart)
	if on, err := platform.AutostartEnabled(); err != nil || on {
		t.Fatalf("turned off: %v, %v", on, err)
	}
	typeIn(u, s.Days, "60")
	if on, _ := platform.AutostartEnabled(); on {
		t.Fatal("changing the interval turned the reminder back on")
	}
}
