package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// dialogEntry is a text field in a dialog. Escape typed into it closes
// the dialog as Escape does anywhere else (UI.onKey): fyne hands every key
// to the focused field, and its Entry drops Escape, so without this a
// keyboard user in a form had no way out but the mouse.
type dialogEntry struct {
	widget.Entry
	ui *UI
}

func (u *UI) newDialogEntry() *dialogEntry {
	e := &dialogEntry{ui: u}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// newDialogPasswordEntry is newDialogEntry with the text hidden; fyne adds
// the button that shows it.
func (u *UI) newDialogPasswordEntry() *dialogEntry {
	e := &dialogEntry{ui: u}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.ui.dismissDialog() {
		return
	}
	e.Entry.TypedKey(ev)
}
