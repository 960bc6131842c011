package screens

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// A pack saved to a file, printed or mailed goes stale when the item is
// renewed or its policy changed: its fragments are replaced. The done
// page of a renewal says so and offers the new pack; a stale copy brought
// back in is refused with the reason, instead of becoming a second item
// that cannot recover (state/stale.go).

// staleCopiesNote is said when a renewal or a change of policy is done.
func (s *Setup) staleCopiesNote() fyne.CanvasObject {
	if s.Plan.Replace == "" {
		return container.NewVBox()
	}
	// The page's own "Save the pack to a file…" saves the new one.
	note := para(lang.L("Copies of this pack saved before now (a file, a printout, a copy in your mailbox) are out of date: they point to the old fragments, which are deleted or expire. Save the new pack with “Save the pack to a file…”, and throw the old copies away."))
	note.Importance = widget.WarningImportance
	return note
}

// showImportError says why a pack file was not added: an older copy of
// an item kept here; else the error as it is.
func (u *UI) showImportError(err error) {
	var older *state.OlderPackError
	if !errors.As(err, &older) {
		u.showError(err)
		return
	}
	msg := lang.L("This pack file is an older copy of “{{.Name}}”, saved before it was renewed on {{.Date}}. The fragments it points to were replaced then, so it cannot recover anything. The up-to-date pack is kept on this computer: nothing was added. Throw the old file away, and save the new pack if you want a copy.",
		map[string]any{"Name": older.Item, "Date": date(older.Renewed)})
	d := dialog.NewCustom(lang.L("An older copy of the pack"), lang.L("OK"), para(msg), u.Win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}
