package screens

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// The setup wizard's other places: besides the e-mail addresses on
// Passcrow servers, a printed sheet, a file on a USB stick, a mailbox of
// the user's, a friend's inbox, an heir. Each kind says in one line what
// it protects against and what it costs at recovery (the words of
// docs/CLI-LOCATIONS.md), and is added through a KindForm.

// extraKinds are the kinds the wizard offers, in order.
var extraKinds = []state.ExtraKind{state.ExtraPaper, state.ExtraMedia, state.ExtraMailbox, state.ExtraFriend, state.ExtraHeir}

func kindName(k state.ExtraKind) string {
	switch k {
	case state.ExtraPaper:
		return lang.L("A printed sheet")
	case state.ExtraMedia:
		return lang.L("A file on a USB stick")
	case state.ExtraMailbox:
		return lang.L("A mailbox of mine")
	case state.ExtraFriend:
		return lang.L("A friend's inbox")
	case state.ExtraHeir:
		return lang.L("An heir")
	}
	return string(k)
}

// kindLine is the one line on what a kind protects against and costs.
func kindLine(k state.ExtraKind) string {
	switch k {
	case state.ExtraPaper:
		return lang.L("Protects against lost computers and accounts. At recovery: type the sheet, or open a photo of it.")
	case state.ExtraMedia:
		return lang.L("Protects against lost accounts. At recovery: plug in the USB stick.")
	case state.ExtraMailbox:
		return lang.L("Protects against a lost computer. At recovery: the mailbox's password.")
	case state.ExtraFriend:
		return lang.L("Protects against a lost computer and lost accounts. At recovery: ask the friend to send the letter back.")
	case state.ExtraHeir:
		return lang.L("Lets someone you trust recover after you are gone. At recovery: the heir's sheet and a code, then a wait you can stop.")
	}
	return ""
}

// serverLine is the same line for an e-mail address on Passcrow servers.
func serverLine() string {
	return lang.L("Protects against a lost computer. At recovery: a code mailed to you, typed in.")
}

// otherPlaces is the identities step's part for the other kinds.
func (s *Setup) otherPlaces() fyne.CanvasObject {
	box := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Other places for a piece of the key"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.extraList,
	)
	for _, k := range extraKinds {
		b := s.AddKind[k]
		line := para(kindLine(k))
		box.Add(container.NewBorder(nil, nil, b, nil, line))
	}
	return box
}

func (s *Setup) refreshExtras() {
	s.extraList.RemoveAll()
	for i, e := range s.Plan.Extras {
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			s.Plan.Extras = slices.Delete(s.Plan.Extras, i, i+1)
			s.refreshExtras()
		})
		s.extraList.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.StorageIcon()), remove, widget.NewLabel(extraText(e))))
	}
	// The list grew or shrank: the page around it is laid out again.
	if c := s.ui.Win.Content(); c != nil {
		c.Refresh()
	}
}

// extraText says an extra in the user's words.
func extraText(e state.Extra) string {
	switch e.Kind {
	case state.ExtraPaper:
		return lang.L("A printed sheet, saved in {{.Dir}}", map[string]any{"Dir": e.Dir})
	case state.ExtraMedia:
		return lang.L("A file in {{.Dir}}", map[string]any{"Dir": e.Dir})
	case state.ExtraMailbox:
		return lang.L("My mailbox {{.User}} at {{.Host}}", map[string]any{"User": e.Mailbox.Username, "Host": e.Mailbox.Host})
	case state.ExtraFriend:
		return lang.L("My friend {{.To}}", map[string]any{"To": e.To})
	case state.ExtraHeir:
		return lang.L("My heir {{.Heir}}, after {{.Days}} days", map[string]any{"Heir": e.Heir, "Days": e.Days})
	}
	return e.Describe()
}

// KindForm adds one location of a kind; only its kind's fields are set.
type KindForm struct {
	Kind state.ExtraKind

	Dir     *dialogEntry  // paper, media
	Letter  *widget.Check // paper
	ListAll *widget.Check // paper

	Host, Port, User, Password *dialogEntry   // mailbox; friend: the SMTP account
	Security                   *widget.Select // mailbox, friend
	KeepPassword               *widget.Check  // mailbox

	To, From *dialogEntry // friend

	Heir, Notify *dialogEntry   // heir
	Days         *widget.Select // heir

	Add, Cancel *widget.Button
	Error       *widget.Label
	dlg         *dialog.CustomDialog
}

// Security choices, as the selects show them.
func imapSecurity() []string {
	return []string{lang.L("TLS (port 993)"), lang.L("STARTTLS (port 143)"), lang.L("None (this computer only)")}
}

func smtpSecurity() []string {
	return []string{lang.L("STARTTLS (port 587)"), lang.L("TLS (port 465)"), lang.L("None (this computer only)")}
}

func (s *Setup) onAddKind(k state.ExtraKind) {
	f := &KindForm{Kind: k, Error: para("")}
	f.Error.Importance = widget.DangerImportance
	var items []*widget.FormItem
	switch k {
	case state.ExtraPaper, state.ExtraMedia:
		f.Dir = s.ui.newDialogEntry()
		f.Dir.SetPlaceHolder(lang.L("A folder"))
		browse := widget.NewButtonWithIcon(lang.L("Choose…"), theme.FolderOpenIcon(), func() { s.chooseFolder(&f.Dir.Entry) })
		items = append(items, widget.NewFormItem(lang.L("Folder"), container.NewBorder(nil, nil, nil, browse, f.Dir)))
		if k == state.ExtraPaper {
			f.Letter = widget.NewCheck(lang.L("Letter paper (USA, Canada) instead of A4"), nil)
			f.ListAll = widget.NewCheck(lang.L("List every place of the key on the sheet (helps an heir; tells a finder where to look)"), nil)
			items = append(items, widget.NewFormItem("", f.Letter), widget.NewFormItem("", f.ListAll))
		}
	case state.ExtraMailbox:
		f.mailFields(s.ui, imapSecurity())
		f.KeepPassword = widget.NewCheck(lang.L("Keep the password in the keychain (else you type it to check or recover)"), nil)
		items = append(items, f.accountItems()...)
		items = append(items, widget.NewFormItem("", f.KeepPassword))
	case state.ExtraFriend:
		f.To = s.ui.newDialogEntry()
		f.To.SetPlaceHolder("friend@example.net")
		f.From = s.ui.newDialogEntry()
		f.From.SetPlaceHolder("Alice <alice@example.org>")
		f.mailFields(s.ui, smtpSecurity())
		items = append(items,
			widget.NewFormItem(lang.L("Friend's address"), f.To),
			widget.NewFormItem(lang.L("Your address"), f.From),
			widget.NewFormItem("", para(lang.L("The letter goes through your own mail account (outgoing, SMTP):"))))
		items = append(items, f.accountItems()...)
	case state.ExtraHeir:
		f.Heir = s.ui.newDialogEntry()
		f.Heir.SetPlaceHolder("heir@example.net")
		f.Notify = s.ui.newDialogEntry()
		f.Notify.SetPlaceHolder("me@example.org")
		var days []string
		for d := state.MinHeirDays; d <= state.MaxHeirDays; d++ {
			days = append(days, strconv.Itoa(d))
		}
		f.Days = widget.NewSelect(days, nil)
		f.Days.SetSelected("14")
		items = append(items,
			widget.NewFormItem(lang.L("Heir's address"), f.Heir),
			widget.NewFormItem(lang.L("Your address, told at once"), f.Notify),
			widget.NewFormItem(lang.L("Days to wait"), f.Days),
			widget.NewFormItem("", para(lang.L("The heir's piece is kept on the first server you choose, which must support heirs. If the heir asks for it, you are told at once and can stop it until the days have passed."))))
	}
	f.Add = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), func() { s.onKindSubmit(f) })
	f.Add.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })
	body := container.NewVBox(para(kindLine(k)), widget.NewForm(items...), f.Error)
	f.dlg = dialog.NewCustomWithoutButtons(kindName(k), body, s.ui.Win)
	f.dlg.SetButtons([]fyne.CanvasObject{f.Cancel, f.Add})
	f.dlg.Resize(fyne.NewSize(640, 0))
	s.Form = f
	f.dlg.Show()
}

func (f *KindForm) mailFields(u *UI, security []string) {
	f.Host = u.newDialogEntry()
	f.Host.SetPlaceHolder("mail.example.org")
	f.Port = u.newDialogEntry()
	f.Port.SetPlaceHolder(lang.L("default"))
	f.Security = widget.NewSelect(security, nil)
	f.Security.SetSelected(security[0])
	f.User = u.newDialogEntry()
	f.Password = u.newDialogPasswordEntry()
}

func (f *KindForm) accountItems() []*widget.FormItem {
	return []*widget.FormItem{
		widget.NewFormItem(lang.L("Server"), f.Host),
		widget.NewFormItem(lang.L("Port"), f.Port),
		widget.NewFormItem(lang.L("Security"), f.Security),
		widget.NewFormItem(lang.L("Username"), f.User),
		widget.NewFormItem(lang.L("Password"), f.Password),
	}
}

// extra reads the form; a port that is not a number is an error.
func (f *KindForm) extra() (state.Extra, bool) {
	e := state.Extra{Kind: f.Kind}
	port := 0
	if f.Port != nil && strings.TrimSpace(f.Port.Text) != "" {
		p, err := strconv.Atoi(strings.TrimSpace(f.Port.Text))
		if err != nil || p < 1 || p > 65535 {
			f.Error.SetText(lang.L("The port is a number from 1 to 65535."))
			return e, false
		}
		port = p
	}
	sec := 0
	if f.Security != nil {
		sec = max(0, f.Security.SelectedIndex())
	}
	switch f.Kind {
	case state.ExtraPaper:
		e.Dir, e.Letter, e.ListAll = strings.TrimSpace(f.Dir.Text), f.Letter.Checked, f.ListAll.Checked
	case state.ExtraMedia:
		e.Dir = strings.TrimSpace(f.Dir.Text)
	case state.ExtraMailbox:
		e.Mailbox = mailbox.Account{Host: strings.TrimSpace(f.Host.Text), Port: port, Username: strings.TrimSpace(f.User.Text),
			Security: []mailbox.Security{mailbox.TLS, mailbox.StartTLS, mailbox.Plain}[sec]}
		e.Password, e.KeepPassword = f.Password.Text, f.KeepPassword.Checked
	case state.ExtraFriend:
		e.To = strings.TrimSpace(f.To.Text)
		e.SMTP = friend.Account{Host: strings.TrimSpace(f.Host.Text), Port: port, Username: strings.TrimSpace(f.User.Text),
			Password: f.Password.Text, From: strings.TrimSpace(f.From.Text),
			TLS: []string{friend.TLSStartTLS, friend.TLSImplicit, friend.TLSNone}[sec]}
	case state.ExtraHeir:
		e.Heir, e.Notify = strings.TrimSpace(f.Heir.Text), strings.TrimSpace(f.Notify.Text)
		e.Days, _ = strconv.Atoi(f.Days.Selected)
	}
	return e, true
}

func (s *Setup) onKindSubmit(f *KindForm) {
	e, ok := f.extra()
	if !ok {
		return
	}
	if err := e.Check(); err != nil {
		f.Error.SetText(errText(err))
		return
	}
	s.Plan.Extras = append(s.Plan.Extras, e)
	s.Plan.Mailpile = s.Plan.CanMailpile() // the preset is the default when it fits
	f.dlg.Hide()
	s.refreshExtras()
	s.Error.SetText("")
}

// chooseFolder lets the user pick a folder into entry.
func (s *Setup) chooseFolder(entry *widget.Entry) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			s.ui.showError(err)
			return
		}
		if l != nil {
			entry.SetText(l.Path())
		}
	}, s.ui.Win)
	if l, err := storage.ListerForURI(storage.NewFileURI(strings.TrimSpace(entry.Text))); err == nil {
		d.SetLocation(l)
	}
	d.Show()
}
