package screens

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// MailCopy keeps a copy of an item's pack in a mailbox of the user's
// (the overview's "Save a copy in my mailbox"), so a lost computer is not
// a lost pack: the copy alone recovers nothing.
type MailCopy struct {
	Form   *KindForm // the mailbox's fields
	Save   *widget.Button
	Result *widget.Label // the sentence of result
	result *ErrorView    // with the detail of a failure behind Details
	dlg    *dialog.CustomDialog
	done   chan struct{} // closed when the last save ended (tests wait on it)
}

func (u *UI) showMailCopy(name string) *MailCopy {
	f := &KindForm{Kind: state.ExtraMailbox, Error: para("")}
	f.Error.Importance = widget.DangerImportance
	f.mailFields(u, imapSecurity())
	f.KeepPassword = widget.NewCheck(lang.L("Keep the password in the keychain (else you type it to check or recover)"), nil)
	m := &MailCopy{Form: f, Result: para("")}
	m.result = wrapErrorLabel(m.Result)
	m.Save = widget.NewButtonWithIcon(lang.L("Save the copy"), theme.MailSendIcon(), func() { m.onSave(u, name) })
	m.Save.Importance = widget.HighImportance
	closeB := widget.NewButton(lang.L("Close"), func() { m.dlg.Hide() })
	body := container.NewVBox(
		para(lang.L("A copy of the pack in a mailbox of yours lets you restore it on a new computer. It recovers nothing without enough pieces of the key.")),
		widget.NewForm(append(f.accountItems(), widget.NewFormItem("", f.KeepPassword))...),
		f.Error, m.result,
	)
	m.dlg = dialog.NewCustomWithoutButtons(lang.L("Save a copy in my mailbox"), body, u.Win)
	m.dlg.SetButtons([]fyne.CanvasObject{closeB, m.Save})
	m.dlg.Resize(fyne.NewSize(600, 0))
	m.dlg.Show()
	return m
}

func (m *MailCopy) onSave(u *UI, name string) {
	e, ok := m.Form.extra()
	if !ok {
		return
	}
	if err := e.Check(); err != nil {
		m.Form.Error.SetText(errText(err))
		return
	}
	m.Form.Error.SetText("")
	m.result.Set(lang.L("Saving…"), "")
	m.Save.Disable()
	done := make(chan struct{})
	m.done = done
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err := u.State.SavePackCopy(ctx, name, e.Mailbox, e.Password)
		if err == nil && e.KeepPassword {
			err = u.State.KeepMailboxPassword(e.Mailbox, e.Password)
		}
		u.doAndWait(func() {
			m.Save.Enable()
			switch {
			case errors.Is(err, state.ErrPackBesideFragments):
				m.result.Set(packBesideText(), "")
			case err != nil:
				m.result.Explain(u, lang.L("The copy of the pack could not be kept in your mailbox."), err)
			default:
				m.result.Set(lang.L("A copy of the pack is in your mailbox {{.User}} at {{.Host}}. On a new computer, choose “Restore from my mailbox”.", map[string]any{"User": e.Mailbox.Username, "Host": e.Mailbox.Host}), "")
			}
		})
	}()
}
