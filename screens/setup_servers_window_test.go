//go:build unix

package screens

import (
	"image/png"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// closedLoopbackURL is a server address nobody answers at: a loopback
// port that was just closed, with a long path, as a long server name.
func closedLoopbackURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/passcrow-server-run-by-the-friendly-people-of-an-exceptionally-long-named-cooperative"
}

// shot saves the window as a PNG under /work/notes/shots-a2 when that
// folder exists (a person looks at them), else in the test's folder.
func shot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := "/work/notes/shots-a2"
	if _, err := os.Stat(dir); err != nil {
		dir = t.TempDir()
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The test canvas lays out again only on a resize, as a real window
	// does every frame: nudge it so what changed since is placed.
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 1))
	w.Resize(size)
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestServersStepKeepsWindowSize: step 4 with a long server address
// that does not answer says "not reachable right now" in words (the
// dial error only behind Details), and the window keeps its size, also
// when the step is shown again. In demo mode the public server is
// listed but not contacted.
func TestServersStepKeepsWindowSize(t *testing.T) {
	u := newTestUI(t)
	public := "https://passcrow.public.example"
	u.KnownServers = []string{public}
	s := startSetupForTest(t, u, "Disk")
	typeIn(u, s.Identity, "me@example.org")
	tap(u, s.AddIdentity)
	tap(u, s.Next) // → policy
	var size fyne.Size
	look(u, func() { size = u.Win.Canvas().Size() })
	tap(u, s.Next) // → servers
	var step int
	look(u, func() { step = s.Step })
	if step != stepServers {
		t.Fatalf("step %d, want the servers", step)
	}

	long := closedLoopbackURL(t)
	typeIn(u, s.NewServer, long)
	var add func()
	look(u, func() { add = s.onAddServer })
	look(u, add)
	var fetched chan struct{}
	look(u, func() { fetched = s.fetched[long] })
	if err := wait(fetched, TourStepTimeout, "the unreachable server's policy"); err != nil {
		t.Fatal(err)
	}
	var info string
	var on []string
	look(u, func() {
		info = s.ServerInfo[long].Text
		on = visibleTexts(u.Win.Content())
	})
	if !strings.HasPrefix(info, "Not reachable right now.") {
		t.Errorf("the unreachable server says %q", info)
	}
	if containsText(on, "dial tcp") || containsText(on, "connection refused") {
		t.Errorf("the raw error shows: %q", on)
	}
	if !containsText(on, "Details") {
		t.Errorf("no Details for the unreachable server: %q", on)
	}

	// The public server: listed, not asked.
	select {
	case <-s.fetched[public]:
		t.Errorf("the public server was asked for its policy in demo mode")
	default:
	}
	look(u, func() { info = s.ServerInfo[public].Text })
	if !strings.HasPrefix(info, "Not contacted") {
		t.Errorf("the public server says %q", info)
	}

	// Shown again, the step is laid out afresh, as the real window would.
	tap(u, s.Back)
	tap(u, s.Next)
	var now, min fyne.Size
	look(u, func() {
		now, min = u.Win.Canvas().Size(), u.Win.Content().MinSize()
	})
	shot(t, u.Win, "step4-offline")
	if now != size {
		t.Errorf("the window grew from %v to %v", size, now)
	}
	if min.Width > size.Width {
		t.Errorf("step 4 needs %v wide, the window is %v", min.Width, size.Width)
	}
}

// TestLongHeadingKeepsWindowSize: a screen's title with a long item
// name is cut short instead of widening the window.
func TestLongHeadingKeepsWindowSize(t *testing.T) {
	u := newTestUI(t)
	title := "Recover “" + strings.Repeat("My password manager at work ", 10) + "”"
	var size, min fyne.Size
	look(u, func() {
		size = u.Win.Canvas().Size()
		u.show(nil, page(title, para("body")))
		size, min = u.Win.Canvas().Size(), u.Win.Content().MinSize()
	})
	if min.Width > 860 || size.Width > 860 {
		t.Errorf("a long title makes the window %v wide (content %v)", size.Width, min.Width)
	}
}
