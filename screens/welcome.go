package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Welcome is the first-run screen: what Passcrow does and does not do.
type Welcome struct {
	ui      *UI
	Start   *widget.Button
	TryDemo *widget.Button
	Import  *widget.Button
	// Restore brings back a pack kept in a mailbox; Sheet starts an
	// heir's recovery from an inheritance sheet.
	Restore *widget.Button
	Sheet   *widget.Button
}

// ShowWelcome shows the first-run screen.
func (u *UI) ShowWelcome() {
	// Items protected with the command line in the same store come
	// first: this is not a first run for them.
	if items, err := u.State.Items(); err == nil && len(items) > 0 && !u.State.Welcomed() {
		u.State.SetWelcomed()
		u.ShowOverview()
		return
	}
	s := &Welcome{ui: u}
	s.Start = widget.NewButtonWithIcon(lang.L("Protect something"), theme.ContentAddIcon(), s.onStart)
	s.Start.Importance = widget.HighImportance
	s.TryDemo = widget.NewButtonWithIcon(lang.L("Try it with a local demo server"), theme.ComputerIcon(), s.onDemo)
	s.Import = widget.NewButtonWithIcon(lang.L("Recover from a pack file"), theme.FolderOpenIcon(), s.onImport)

	s.Restore = widget.NewButtonWithIcon(lang.L("Restore from my mailbox"), theme.MailComposeIcon(), s.onRestore)
	s.Sheet = widget.NewButtonWithIcon(lang.L("I have a recovery sheet"), theme.DocumentIcon(), s.onSheet)

	does := widget.NewRichTextFromMarkdown(lang.L(welcomeText))
	does.Wrapping = fyne.TextWrapWord
	back := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Getting something back on this computer?"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(s.Sheet, s.Restore, s.Import),
	)
	buttons := []fyne.CanvasObject{}
	if len(u.State.Servers()) == 0 {
		buttons = append(buttons, s.TryDemo)
	}
	buttons = append(buttons, s.Start)
	u.show(s, page(lang.L("Welcome to Passcrow"), container.NewVScroll(container.NewVBox(does, back)), buttons...))
	u.Win.Canvas().Focus(s.Start)
}

func (s *Welcome) onStart() {
	s.ui.State.SetWelcomed()
	s.ui.ShowSetup(state.Plan{})
}

func (s *Welcome) onDemo() {
	s.ui.State.SetWelcomed()
	s.ui.startDemo(func(d *state.Demo) {
		s.ui.ShowMailbox()
		s.ui.ShowSetup(state.Plan{Servers: []string{d.URL}})
	})
}

func (s *Welcome) onRestore() { s.ui.ShowRestoreMailbox() }

func (s *Welcome) onSheet() { s.ui.ShowSheetClaim() }

func (s *Welcome) onImport() {
	s.ui.State.SetWelcomed()
	s.ui.importPack()
}

// welcomeText says in plain words what Passcrow does and does not do.
const welcomeText = `Passcrow helps you get back into something encrypted (a password manager, a disk, a wallet) after you forget its password.

**What it does:** it locks your secret with a new recovery key, splits that key into fragments, and asks independent servers to keep one fragment each. When you need the secret back, each server sends a code to your e-mail or phone; with enough codes, Passcrow puts the key together and unlocks your secret.

**What it does not do:** no server ever sees your secret, and no single server can recover it alone. Passcrow does not back up your files, and it cannot help if you also lose access to the e-mail addresses and phones you chose. The recovery pack stays on this computer: keep a copy somewhere safe too.`
