//go:build unix

package screens

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Escape typed into a text field of a dialog closes the dialog, as it
// does with no field focused; other keys still edit the field.
func TestEscapeInDialogFieldCloses(t *testing.T) {
	u := newTestUI(t)
	s := startSetupForTest(t, u, "Escape")
	fields := map[state.ExtraKind]func(f *KindForm) *dialogEntry{
		state.ExtraMailbox: func(f *KindForm) *dialogEntry { return f.Password },
		state.ExtraFriend:  func(f *KindForm) *dialogEntry { return f.To },
		state.ExtraHeir:    func(f *KindForm) *dialogEntry { return f.Notify },
		state.ExtraPaper:   func(f *KindForm) *dialogEntry { return f.Dir },
	}
	for k, field := range fields {
		tap(u, s.AddKind[k])
		var f *KindForm
		look(u, func() { f = s.Form })
		if f == nil || f.Kind != k {
			t.Fatalf("the %s form did not open", k)
		}
		e := field(f)
		typeIn(u, e, "abc")
		shotA1(t, u, "form-"+string(k)) // with PASSCROW_REVIEW_SHOTS: the fields look as before
		var text string
		var open bool
		look(u, func() {
			c := u.Win.Canvas()
			c.Focus(e)
			c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
			text = e.Text
			c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			open = c.Overlays().Top() != nil
		})
		if text != "ab" {
			t.Errorf("%s: Backspace in the field left %q, want \"ab\"", k, text)
		}
		if open {
			t.Fatalf("%s: Escape in a field left the dialog open", k)
		}
	}
	// The save dialog's file name field, too.
	var sf *SaveFile
	var open bool
	look(u, func() { sf = u.saveFile("Save", "Escape", []byte("x"), func(string) {}) })
	look(u, func() {
		c := u.Win.Canvas()
		c.Focus(sf.Name)
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		open = c.Overlays().Top() != nil
	})
	if open {
		t.Error("Escape in the file name left the save dialog open")
	}
	var added int
	look(u, func() { added = len(s.Plan.Extras) })
	if added != 0 {
		t.Errorf("Escape added %d locations", added)
	}
}
