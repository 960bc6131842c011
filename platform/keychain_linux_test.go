package platform

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

func TestKeychainNoSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "nowhere"))
	s := NewKeychainStore("passcrow-test")
	// With an hour to wait, a Check that waited for an answer instead of
	// seeing there is no bus would end in a timeout error, not this one.
	s.ProbeTimeout = time.Hour
	err := s.Check()
	if !errors.Is(err, ErrNoKeychain) || !strings.Contains(err.Error(), "no D-Bus session bus") {
		t.Fatalf("Check() = %v, want ErrNoKeychain saying there is no session bus", err)
	}
	if _, err := s.Get("pack"); !errors.Is(err, ErrNoKeychain) {
		t.Errorf("Get() = %v, want ErrNoKeychain", err)
	}
	if err := s.Put("pack", []byte("x")); !errors.Is(err, ErrNoKeychain) {
		t.Errorf("Put() = %v, want ErrNoKeychain", err)
	}
}

func TestKeychainBusWithoutSecretService(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", startBareBus(t))
	err := NewKeychainStore("passcrow-test").Check()
	if !errors.Is(err, ErrNoKeychain) || !strings.Contains(err.Error(), "no Secret Service") {
		t.Fatalf("Check() = %v, want ErrNoKeychain saying there is no Secret Service", err)
	}
}

// silentHandler answers no method call, like a hung Secret Service.
type silentHandler struct{ ctx context.Context }

func (h silentHandler) LookupObject(dbus.ObjectPath) (dbus.ServerObject, bool) {
	<-h.ctx.Done()
	return nil, false
}

// TestKeychainHungSecretServiceFake puts a fake Secret Service that never
// answers on a real bus: Check must give up at ProbeTimeout. It runs in a
// subprocess because go-keyring keeps one session bus connection per
// process, which other tests have already opened to the real keyring.
func TestKeychainHungSecretServiceFake(t *testing.T) {
	if os.Getenv("PLATFORM_TEST_HUNG_CHILD") == "1" {
		s := NewKeychainStore("passcrow-test")
		s.ProbeTimeout = 500 * time.Millisecond
		err := s.Check()
		// A keychain that is there but silent (a locked keyring waiting on
		// its unlock prompt) is not "no keychain": callers that fall back
		// to files on ErrNoKeychain must not.
		if !errors.Is(err, ErrKeychainLocked) || errors.Is(err, ErrNoKeychain) || !strings.Contains(err.Error(), "did not answer in 500ms") {
			t.Fatalf("Check() = %v, want ErrKeychainLocked (and not ErrNoKeychain) after a timeout", err)
		}

		// OpenStore says so instead of quietly keeping packs as files.
		cfg := t.TempDir()
		t.Setenv("XDG_CONFIG_HOME", cfg)
		defaultProbeTimeout = 500 * time.Millisecond
		st, notice, err := OpenStore("")
		if !errors.Is(err, ErrKeychainLocked) || !strings.Contains(err.Error(), "unlock it and try again, or use --home DIR") {
			t.Fatalf("OpenStore() = %T, %q, %v; want ErrKeychainLocked telling the user to unlock", st, notice, err)
		}
		if _, err := os.Stat(filepath.Join(cfg, "passcrow")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("OpenStore made the file store directory: %v", err)
		}
		return
	}
	addr := startBareBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn, err := dbus.Connect(addr, dbus.WithHandler(silentHandler{ctx}))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if reply, err := conn.RequestName(secretServiceName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s: %v %v", secretServiceName, reply, err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeychainHungSecretServiceFake$", "-test.v")
	cmd.Env = append(os.Environ(), "PLATFORM_TEST_HUNG_CHILD=1", "DBUS_SESSION_BUS_ADDRESS="+addr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestRoundTripErrorSortsCauses(t *testing.T) {
	for _, tc := range []struct {
		err    error
		absent bool
	}{
		{dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}, true},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.Spawn.ChildExited"}, true},
		{dbus.NewError("org.freedesktop.DBus.Error.NameHasNoOwner", nil), true},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), false},
		{dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}, false},
	} {
		err := roundTripError(tc.err)
		if errors.Is(err, ErrNoKeychain) != tc.absent || errors.Is(err, ErrKeychainLocked) == tc.absent {
			t.Errorf("roundTripError(%v) = %v, want absent=%v", tc.err, err, tc.absent)
		}
	}
}
