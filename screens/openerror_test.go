package screens

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/platform"
)

func TestOpenErrorRetriesUntilUnlocked(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	locked := fmt.Errorf("%w: it did not answer in 5s", platform.ErrKeychainLocked)
	tries := 0
	opened, quit := false, false
	o := NewOpenError(locked, func() error {
		tries++
		if tries == 1 {
			return locked
		}
		opened = true
		return nil
	}, func() { quit = true })
	w := test.NewWindow(o.Content())
	defer w.Close()

	if !strings.Contains(o.Message.Text, "locked") || !strings.Contains(o.Cause.Text, "did not answer in 5s") {
		t.Fatalf("locked keychain shown as %q / %q", o.Message.Text, o.Cause.Text)
	}
	test.Tap(o.Retry) // still locked
	if opened || !strings.Contains(o.Message.Text, "Unlock it") {
		t.Fatalf("after a failed retry: opened %v, %q", opened, o.Message.Text)
	}
	test.Tap(o.Retry) // unlocked now
	if !opened || tries != 2 || quit {
		t.Fatalf("after unlocking: opened %v after %d tries, quit %v", opened, tries, quit)
	}

	other := NewOpenError(errors.New("disk on fire"), func() error { return nil }, func() { quit = true })
	if strings.Contains(other.Message.Text, "locked") || !strings.Contains(other.Cause.Text, "disk on fire") {
		t.Fatalf("another error shown as %q / %q", other.Message.Text, other.Cause.Text)
	}
	test.Tap(other.Quit)
	if !quit {
		t.Fatal("Quit did not quit")
	}
}
