package screens

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/platform"
)

// keychainMissingFake stands in for a session without a Secret Service:
// the app cannot be given a broken keychain in process, and the real
// missing-keychain probe is tested in platform.
func keychainMissingFake() (platform.Store, error) {
	return nil, fmt.Errorf("%w: no Secret Service (org.freedesktop.secrets) on the session bus", platform.ErrNoKeychain)
}

// TestNoKeychainAsksBeforeFilesFake: with no keychain the first screen
// says so, with the cause and the folder; nothing is written until the
// user agrees; the answer is remembered.
func TestNoKeychainAsksBeforeFilesFake(t *testing.T) {
	a := test.NewTempApp(t)
	dir := filepath.Join(t.TempDir(), "passcrow")
	opts := state.Options{Keychain: keychainMissingFake, FileStoreDir: dir}
	st, err := state.Open(a.Preferences(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u := New(a, test.NewTempWindow(t, nil), st, t.TempDir())
	u.Start()
	c, ok := u.Current().(*StoreConsent)
	if !ok {
		t.Fatalf("with no keychain the first screen is %T", u.Current())
	}
	if !strings.Contains(c.Cause.Text, "no Secret Service") || c.Dir.Text != dir {
		t.Fatalf("consent screen says %q, folder %q; want the cause and %q", c.Cause.Text, c.Dir.Text, dir)
	}
	// The cause is a raw error: behind Details, not on the page.
	var acc *widget.Accordion
	for p := range walkObjects(u.Win.Content(), &acc) {
		if l, ok := p.(*widget.Label); ok && strings.Contains(l.Text, "no Secret Service") {
			t.Fatalf("the raw cause %q is on the page, not behind Details", l.Text)
		}
	}
	if acc == nil {
		t.Fatal("the consent screen has no Details")
	}

	// Before consent nothing can be stored.
	pack, err := os.ReadFile("../../shared/vectors/roundtrip-2of3/recovery-pack.passcrow")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(pack, "x"); !errors.Is(err, state.ErrNoStoreYet) {
		t.Fatalf("import before consent: %v, want ErrNoStoreYet", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the folder exists before consent: %v", err)
	}

	test.Tap(c.Use)
	if _, ok := u.Current().(*Welcome); !ok {
		t.Fatalf("after consent the %T screen shows, want the welcome", u.Current())
	}
	name, err := st.Import(pack, "x")
	if err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(dir); len(files) == 0 {
		t.Fatal("the pack was not written to the folder")
	}

	// Next start: no question, the same folder, and the overview says so.
	st2, err := state.Open(a.Preferences(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	has, err := st2.HasItem(name)
	if _, ask := st2.NeedsStoreConsent(); ask || st2.FileStoreDir() != dir || !has {
		t.Fatalf("second start: ask=%v dir=%q has=%v, %v", ask, st2.FileStoreDir(), has, err)
	}
}

// TestNoKeychainQuitWritesNothingFake: quitting at the question leaves
// no folder and no consent behind.
func TestNoKeychainQuitWritesNothingFake(t *testing.T) {
	a := test.NewTempApp(t)
	dir := filepath.Join(t.TempDir(), "passcrow")
	opts := state.Options{Keychain: keychainMissingFake, FileStoreDir: dir}
	st, err := state.Open(a.Preferences(), opts)
	if err != nil {
		t.Fatal(err)
	}
	u := New(a, test.NewTempWindow(t, nil), st, t.TempDir())
	u.Start()
	test.Tap(u.Current().(*StoreConsent).Quit)
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the folder exists after quitting: %v", err)
	}
	st2, err := state.Open(a.Preferences(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ask := st2.NeedsStoreConsent(); !ask {
		t.Fatal("quitting was taken as consent")
	}
}

// walkObjects yields the objects drawn under o, not looking inside an
// accordion (its items are closed until opened), which it reports in acc.
func walkObjects(o fyne.CanvasObject, acc **widget.Accordion) func(func(fyne.CanvasObject) bool) {
	return func(yield func(fyne.CanvasObject) bool) {
		var walk func(fyne.CanvasObject) bool
		walk = func(o fyne.CanvasObject) bool {
			if !o.Visible() {
				return true
			}
			if a, ok := o.(*widget.Accordion); ok {
				*acc = a
				return true
			}
			if !yield(o) {
				return false
			}
			var kids []fyne.CanvasObject
			switch w := o.(type) {
			case *fyne.Container:
				kids = w.Objects
			case fyne.Widget:
				kids = test.WidgetRenderer(w).Objects()
			}
			for _, k := range kids {
				if !walk(k) {
					return false
				}
			}
			return true
		}
		walk(o)
	}
}
