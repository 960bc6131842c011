package screens

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// The last places that put a Go error's text on show say it in words.
func TestHealthLineAndMailCopyInWords(t *testing.T) {
	dial := fmt.Errorf("imap: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	line := healthText(state.LocationHealth{State: state.HealthError, Err: dial, Detail: dial.Error()})
	if strings.Contains(line, "dial") || !strings.Contains(line, "not reachable") {
		t.Errorf("health line %q", line)
	}
	if line := healthText(state.LocationHealth{State: state.HealthError, Detail: "old record"}); strings.Contains(line, "old record") {
		t.Errorf("health line without an error %q", line)
	}
	u := newTestUI(t)
	var s *Settings
	look(u, func() { u.ShowSettings(); s = u.Current().(*Settings) })
	if s.problem.Text() != "" {
		t.Errorf("settings open with an error on show: %q", s.problem.Text())
	}
	look(u, func() {
		s.reminderError(errors.New("write /home/x/.config/autostart/passcrow.desktop: read-only file system"))
	})
	if got := s.problem.Text(); strings.Contains(got, "read-only") || !strings.Contains(got, "Could not change the login reminder.") {
		t.Errorf("reminder error %q", got)
	}
	if !strings.Contains(s.problem.Detail.Text, "read-only file system") {
		t.Errorf("the reason is not behind Details: %q", s.problem.Detail.Text)
	}
}

// With the demo running and no server of the user's own, Settings does
// not say "no servers" as if the demo were not there.
func TestSettingsSaysTheDemoIsTheOnlyServer(t *testing.T) {
	u := newTestUI(t)
	tryDemoForTest(t, u)
	u.State.SetServers(nil)
	look(u, u.ShowSettings)
	if !showsPart(u, "but the demo server on this computer") {
		t.Fatal("Settings does not say the demo server is the only one")
	}
}
