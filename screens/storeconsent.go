package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// StoreConsent is shown before anything else when there is no keychain:
// it says so, and why, and asks whether to keep the packs as files
// instead. Nothing is written until the user agrees.
type StoreConsent struct {
	ui    *UI
	Cause *widget.Label
	Dir   *widget.Label
	Use   *widget.Button
	Quit  *widget.Button
	Error *widget.Label
}

// ShowStoreConsent asks to keep packs as files; it is Start's first
// screen while State.NeedsStoreConsent says so.
func (u *UI) ShowStoreConsent() {
	c, _ := u.State.NeedsStoreConsent()
	cause, dir := c.Cause, c.Dir
	s := &StoreConsent{ui: u}
	// The cause is a chained Go error, no sentence for a person: it sits
	// behind Details (not logged: nothing is written before consent).
	why := NewErrorView()
	if cause != nil {
		why.Set("", errText(cause))
	}
	s.Cause = why.Detail
	s.Dir = widget.NewLabelWithStyle(dir, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.Dir.Wrapping = fyne.TextWrapBreak
	s.Error = para("")
	s.Error.Importance = widget.DangerImportance
	s.Use = widget.NewButtonWithIcon(lang.L("Keep them as files"), theme.FolderIcon(), s.onUse)
	s.Use.Importance = widget.HighImportance
	s.Quit = widget.NewButtonWithIcon(lang.L("Quit"), theme.CancelIcon(), u.App.Quit)
	body := container.NewVBox(
		para(lang.L("Passcrow could not use this computer's keychain, the safe place where the system keeps passwords. That is where Passcrow would keep your recovery packs.")),
		why,
		para(lang.L("Passcrow can keep the packs as files in this folder instead:")),
		s.Dir,
		para(lang.L("A pack does not contain your secret in readable form, but in a file it is less protected than in a keychain: other programs you run can read it. If you would rather set up a keychain first, quit now; nothing has been saved.")),
		s.Error,
	)
	u.show(s, page(lang.L("No keychain found"), container.NewVScroll(body), s.Quit, s.Use))
	u.Win.Canvas().Focus(s.Use)
}

func (s *StoreConsent) onUse() {
	if err := s.ui.State.UseFileStore(); err != nil {
		s.Error.SetText(plainSentence(lang.L("Could not keep the packs there."), err))
		s.ui.showErrorSaying(lang.L("Could not keep the packs there."), err) // the detail
		return
	}
	s.ui.Start()
}
