//go:build unix

package screens

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// tryDemoForTest taps "Try it with a local demo server" on the welcome
// screen and waits until the demo server started or failed.
func tryDemoForTest(t *testing.T, u *UI) {
	t.Helper()
	look(u, u.ShowWelcome)
	tap(u, u.Current().(*Welcome).TryDemo)
	var started chan struct{}
	look(u, func() { started = u.demoStarted })
	if err := wait(started, TourStepTimeout, "the demo server"); err != nil {
		t.Fatal(err)
	}
}

// plantedDir makes dir as another local user could have made it first:
// with mode, and owned by nobody when chown is set.
func plantedDir(t *testing.T, dir string, mode os.FileMode, chown bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	if chown {
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDemoNeverInSharedTemp: with no cache folder of the user's, the
// demo server keeps its data in a fresh private folder, never in the
// fixed $TMPDIR/passcrow-demo, which another user may have made first.
func TestDemoNeverInSharedTemp(t *testing.T) {
	u := newTestUI(t)
	u.DemoDir = ""
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	planted := filepath.Join(tmp, "passcrow-demo")
	plantedDir(t, planted, 0o777, os.Geteuid() == 0)

	tryDemoForTest(t, u)
	if u.State.Demo() == nil {
		t.Fatal("the demo server did not start")
	}
	if ents, _ := os.ReadDir(planted); len(ents) != 0 {
		t.Fatalf("the demo used the planted folder: %v", ents)
	}
	fi, err := os.Lstat(u.DemoDir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.DemoDir, filepath.Join(tmp, "passcrow-demo-")) || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the demo's folder is %s, %v", u.DemoDir, fi.Mode())
	}
	if _, err := os.Stat(filepath.Join(u.DemoDir, "outbox")); err != nil {
		t.Fatalf("the demo's outbox: %v", err)
	}
}

// TestDemoRefusesFolderOthersCanUse: the demo's folder in the user's
// cache is used only when it is theirs alone; one made by another user
// (or that others can write to) is refused with a message, and nothing is
// put in it. One of the user's own that others can read is closed first.
func TestDemoRefusesFolderOthersCanUse(t *testing.T) {
	type planting struct {
		mode  os.FileMode
		chown bool
		want  string
	}
	cases := map[string]planting{"world-writable": {0o777, false, "can be changed by other users (mode 0777): remove it, or make it private with chmod 700"}}
	if os.Geteuid() == 0 { // only root can give a folder away
		cases["owned by nobody"] = planting{0o700, true, "belongs to another user (uid 65534): remove it, or give the demo another folder"}
	}
	for what, c := range cases {
		t.Run(what, func(t *testing.T) {
			u := newTestUI(t)
			u.DemoDir = ""
			cache := t.TempDir()
			t.Setenv("XDG_CACHE_HOME", cache)
			planted := filepath.Join(cache, "passcrow", "demo")
			plantedDir(t, planted, c.mode, c.chown)
			tryDemoForTest(t, u)
			if u.State.Demo() != nil {
				t.Fatal("the demo server started in a folder others can use")
			}
			if ents, _ := os.ReadDir(planted); len(ents) != 0 {
				t.Fatalf("the demo wrote into the planted folder: %v", ents)
			}
			// The error's own text is behind Details (errview.go).
			look(u, func() {
				if u.lastError != nil {
					u.lastError.Details.Open(0)
				}
			})
			if want := fmt.Sprintf("demo server: %q %s", planted, c.want); !shows(u, want) {
				t.Fatalf("no message says %q", want)
			}
		})
	}
}

func TestDemoClosesOwnReadableFolder(t *testing.T) {
	u := newTestUI(t)
	u.DemoDir = ""
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir := filepath.Join(cache, "passcrow", "demo")
	plantedDir(t, dir, 0o755, false)
	tryDemoForTest(t, u)
	if u.State.Demo() == nil {
		t.Fatal("the demo did not start in the user's own folder")
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the demo's folder: %v, %v", fi.Mode(), err)
	}
}

// restartForTest quits the app as a user would (the demo server stops)
// and starts it again on the same profile: the same preferences, pack
// store and demo folder, a new state and window.
func restartForTest(t *testing.T, u *UI) *UI {
	t.Helper()
	if err := u.State.Close(); err != nil {
		t.Fatal(err)
	}
	home := filepath.Dir(u.DemoDir)
	st, err := state.Open(u.App.Preferences(), state.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	nu := New(u.App, test.NewTempWindow(t, nil), st, u.DemoDir)
	nu.MailboxPoll, nu.KnownServers, nu.Serial = 0, nil, &sync.Mutex{}
	return nu
}

// waitDemoRestart waits until the overview's start of the demo server
// ended.
func waitDemoRestart(t *testing.T, u *UI) {
	t.Helper()
	var started chan struct{}
	look(u, func() { started = u.demoStarted })
	if err := wait(started, TourStepTimeout, "the demo server to start again"); err != nil {
		t.Fatal(err)
	}
}

// TestDemoItemsWorkAfterRestart: after a restart the demo server comes
// back by itself on the same address with the escrows it kept, the Demo
// mailbox button is there, and the item recovers.
func TestDemoItemsWorkAfterRestart(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	before := u.State.Demo().URL
	u.State.SetWelcomed()

	u = restartForTest(t, u)
	look(u, u.Start)
	waitDemoRestart(t, u)
	d := u.State.Demo()
	if d == nil || d.URL != before {
		t.Fatalf("after a restart the demo server is %+v, want it at %s", d, before)
	}
	var o *Overview
	look(u, func() { o = u.Current().(*Overview) })
	if !o.Mailbox.Visible() || o.Cards["Disk"].Subtitle != "Protected" {
		t.Fatalf("after a restart: mailbox button shown %v, card %q", o.Mailbox.Visible(), o.Cards["Disk"].Subtitle)
	}
	shotA1(t, u, "demo-after-restart")
	var set *Settings
	look(u, func() { u.ShowSettings(); set = u.Current().(*Settings) })
	if !set.DemoMailbox.Visible() || set.DemoStart.Visible() || !showsPart(u, "The demo server runs on this computer at "+before) {
		t.Fatal("the settings do not say the demo server runs, with its mailbox")
	}
	shotA1(t, u, "settings-demo-running")
	rec := startRecoveryForTest(t, u, "Disk")
	for _, c := range codesInOrder(t, u, rec) {
		submitForTest(t, u, rec, c)
	}
	if rec.Secret == nil || rec.Secret.Text != TourSecret {
		t.Fatalf("recovery after a restart: %q", rec.Error.Text)
	}
}

// TestDemoPortTakenAfterRestart: when another program holds the demo's
// address after a restart, the demo items say so, with a button to start
// it; Recover asks to start it instead of waiting on nobody; Forget says
// what is left behind and removes the item from this computer anyway.
func TestDemoPortTakenAfterRestart(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "Disk")
	addr := strings.TrimPrefix(u.State.Demo().URL, "http://")
	u.State.SetWelcomed()
	if err := u.State.Close(); err != nil {
		t.Fatal(err)
	}
	squatter, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer squatter.Close()

	u = restartForTest(t, u)
	look(u, u.Start)
	waitDemoRestart(t, u)
	if u.State.Demo() != nil {
		t.Fatal("the demo server started on another address")
	}
	var o *Overview
	look(u, func() { o = u.Current().(*Overview) })
	if o.Cards["Disk"].Subtitle != "Needs the demo server, which is not running" || o.StartDemo["Disk"] == nil || o.Mailbox.Visible() {
		t.Fatalf("card %q, start button %v", o.Cards["Disk"].Subtitle, o.StartDemo["Disk"])
	}
	if !showsPart(u, "another program uses its address now") {
		t.Fatal("the card does not say why the demo server is not running")
	}
	shotA1(t, u, "demo-port-taken")
	var set *Settings
	look(u, func() { u.ShowSettings(); set = u.Current().(*Settings) })
	if !set.DemoStart.Visible() || set.DemoMailbox.Visible() {
		t.Fatal("the settings do not offer to start the demo server")
	}
	shotA1(t, u, "settings-demo-stopped")
	// Recover asks to start the demo server instead of waiting on nobody.
	look(u, func() { u.ShowOverview(); o = u.Current().(*Overview) })
	tap(u, findButtonDeep(o.Cards["Disk"], "Recover"))
	if _, ok := u.Current().(*Overview); !ok || !showsPart(u, "was made with the demo server on this computer. Start it now?") {
		t.Fatalf("Recover without the demo server opened %T", u.Current())
	}
	shotA1(t, u, "demo-recover-asks")

	forgetForTest(t, u, "Disk")
	look(u, func() { o = u.Current().(*Overview) })
	if o.LastLeftover == nil || !showsPart(u, "the demo server on this computer, is not running:") || !showsPart(u, ": kept until") {
		t.Fatal("forgetting with the demo server gone does not say what is left behind")
	}
	shotA1(t, u, "demo-forget-leftovers")
	tap(u, o.LastLeftover.Do)
	if items, _ := u.State.Items(); len(items) != 0 {
		t.Fatalf("after Remove anyway: %+v", items)
	}
}
