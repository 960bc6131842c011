package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// demoBox is the settings' control of the local demo server: whether it
// runs and where, its mailbox, and a button to start it.
func (s *Settings) demoBox() fyne.CanvasObject {
	u := s.ui
	title := widget.NewLabelWithStyle(lang.L("Demo server"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.DemoMailbox = widget.NewButtonWithIcon(lang.L("Demo mailbox"), theme.MailComposeIcon(), u.ShowMailbox)
	s.DemoStart = widget.NewButtonWithIcon(lang.L("Start the demo server"), theme.MediaPlayIcon(), func() {
		u.startDemo(func(*state.Demo) { u.ShowSettings() })
	})
	if d := u.State.Demo(); d != nil {
		s.DemoStart.Hide()
		// The button under the text: a wrapped label beside a button
		// is laid out too short and runs into what follows.
		return container.NewVBox(widget.NewSeparator(), title,
			para(lang.L("The demo server runs on this computer at {{.URL}}. Its codes appear in the Demo mailbox, not in real e-mail.", map[string]any{"URL": d.URL})),
			container.NewHBox(s.DemoMailbox))
	}
	s.DemoMailbox.Hide()
	return container.NewVBox(widget.NewSeparator(), title,
		para(lang.L("The demo server lets you try Passcrow on this computer alone: its codes appear in the Demo mailbox, not in real e-mail. Items made with it work only while it runs.")),
		container.NewHBox(s.DemoStart))
}
