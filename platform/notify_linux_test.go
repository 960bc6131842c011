package platform

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestNotifySessionBus calls the session bus the test runs under
// (scripts/with-keyring.sh gives one with no notification daemon): the call
// either shows a notification or says clearly why it could not.
func TestNotifySessionBus(t *testing.T) {
	err := Notify("Passcrow test", "TestNotifySessionBus")
	if err == nil {
		t.Log("a notification daemon showed the notification")
		return
	}
	t.Logf("Notify: %v", err)
	if !errors.Is(err, ErrNoNotifier) {
		t.Fatalf("Notify() = %v, want nil or ErrNoNotifier", err)
	}
}

func TestNotifyNoSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "nowhere"))
	err := Notify("t", "b")
	if !errors.Is(err, ErrNoNotifier) || !strings.Contains(err.Error(), "no D-Bus session bus") {
		t.Fatalf("Notify() = %v, want ErrNoNotifier saying there is no session bus", err)
	}
}

func TestNotifyBusWithoutNotifier(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", startBareBus(t))
	err := Notify("t", "b")
	if !errors.Is(err, ErrNoNotifier) || !strings.Contains(err.Error(), "nothing provides org.freedesktop.Notifications") {
		t.Fatalf("Notify() = %v, want ErrNoNotifier naming the missing service", err)
	}
}

// fakeNotifier stands in for a notification daemon, which is not installed
// here; it records what it was asked to show.
type fakeNotifier struct{ got chan [3]string }

func (f fakeNotifier) Notify(app string, replaces uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	f.got <- [3]string{app, summary, body}
	return 7, nil
}

func TestNotifyFakeNotificationDaemon(t *testing.T) {
	addr := startBareBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	f := fakeNotifier{got: make(chan [3]string, 1)}
	if err := conn.Export(f, notifyPath, notifyService); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(notifyService, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s: %v %v", notifyService, reply, err)
	}
	if err := Notify("Check your Recovery Packs", "A year has passed."); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-f.got:
		want := [3]string{"Passcrow", "Check your Recovery Packs", "A year has passed."}
		if got != want {
			t.Fatalf("daemon got %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the notification never reached the daemon")
	}
}
