package screens

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// RestoreMailbox brings back a copy of a pack the user kept in a mailbox
// of theirs, on a fresh install: log in, pick a copy, see the servers it
// names (as ServerTrust shows them), keep it.
type RestoreMailbox struct {
	ui       *UI
	Host     *widget.Entry
	User     *widget.Entry
	Password *widget.Entry
	Security *widget.Select
	Look     *widget.Button
	Copies   *widget.RadioGroup
	Fetch    *widget.Button
	Error    *widget.Label // the sentence of Problem
	Problem  *ErrorView

	// The trust page.
	Servers *widget.Label
	Warning *widget.Label
	Keep    *widget.Button

	acct     mailbox.Account
	restored *state.Restored
	done     chan struct{} // closed when the last lookup finished (tests)
}

// securities are the choices of connection, in the Select's words.
func securities() map[string]mailbox.Security {
	return map[string]mailbox.Security{
		lang.L("Secure (TLS, port 993)"):           mailbox.TLS,
		lang.L("STARTTLS (port 143)"):              mailbox.StartTLS,
		lang.L("Unencrypted (this computer only)"): mailbox.Plain,
	}
}

// ShowRestoreMailbox opens "Restore from my mailbox".
func (u *UI) ShowRestoreMailbox() {
	s := &RestoreMailbox{ui: u}
	s.Host = widget.NewEntry()
	s.Host.SetPlaceHolder(lang.L("Mail server, such as imap.example.org"))
	s.User = widget.NewEntry()
	s.User.SetPlaceHolder(lang.L("Username, often your e-mail address"))
	s.Password = widget.NewPasswordEntry()
	s.Password.SetPlaceHolder(lang.L("Password"))
	secure := lang.L("Secure (TLS, port 993)")
	s.Security = widget.NewSelect([]string{secure, lang.L("STARTTLS (port 143)"), lang.L("Unencrypted (this computer only)")}, nil)
	s.Security.SetSelected(secure)
	s.Look = widget.NewButtonWithIcon(lang.L("Look for packs"), theme.SearchIcon(), s.onLook)
	s.Look.Importance = widget.HighImportance
	s.Password.OnSubmitted = func(string) { s.onLook() }
	s.Copies = widget.NewRadioGroup(nil, nil)
	s.Fetch = widget.NewButtonWithIcon(lang.L("Restore"), theme.DownloadIcon(), s.onFetch)
	s.Fetch.Disable()
	s.Error = para("")
	s.Error.Importance = widget.DangerImportance
	s.Problem = wrapErrorLabel(s.Error)
	body := container.NewVBox(
		para(lang.L("If you kept a copy of a recovery pack in a mailbox of yours, log in to bring it back to this computer. The copy alone cannot open anything: you still need the codes and the other places.")),
		widget.NewForm(
			widget.NewFormItem(lang.L("Server"), s.Host),
			widget.NewFormItem(lang.L("Username"), s.User),
			widget.NewFormItem(lang.L("Password"), s.Password),
			widget.NewFormItem(lang.L("Connection"), s.Security),
		),
		container.NewHBox(s.Look),
		s.Copies,
		s.Problem,
	)
	u.show(s, page(lang.L("Restore from my mailbox"), container.NewVScroll(body), widget.NewButton(lang.L("Cancel"), u.Start), s.Fetch))
	u.Win.Canvas().Focus(s.Host)
}

func (s *RestoreMailbox) onLook() {
	a, err := state.MailAccount(s.Host.Text, s.User.Text, securities()[s.Security.Selected])
	if err != nil {
		s.Problem.Set(errText(err), "") // a plain word about what was typed
		return
	}
	s.acct = a
	s.Problem.Clear()
	s.Look.Disable()
	s.done = make(chan struct{})
	done, pw := s.done, s.Password.Text
	go func() {
		defer close(done)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		copies, err := s.ui.State.PackCopies(ctx, a, pw)
		s.ui.doAndWait(func() {
			s.Look.Enable()
			if err != nil {
				s.Problem.Explain(s.ui, lang.L("Could not look in the mailbox."), err)
				return
			}
			if len(copies) == 0 {
				s.Problem.Set(lang.L("This mailbox holds no copy of a recovery pack."), "")
				return
			}
			var names []string
			for _, c := range copies {
				names = append(names, c.Name)
			}
			s.Copies.Options = names
			s.Copies.SetSelected(names[0])
			s.Copies.Refresh()
			s.Fetch.Enable()
		})
	}()
}

func (s *RestoreMailbox) onFetch() {
	name := s.Copies.Selected
	if name == "" {
		return
	}
	s.Fetch.Disable()
	s.done = make(chan struct{})
	done, pw, a := s.done, s.Password.Text, s.acct
	go func() {
		defer close(done)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		r, err := s.ui.State.FetchPackCopy(ctx, a, pw, name)
		s.ui.doAndWait(func() {
			s.Fetch.Enable()
			if err != nil {
				s.Problem.Explain(s.ui, lang.L("Could not restore it."), err)
				return
			}
			s.Password.SetText("")
			s.restored = r
			s.showTrust()
		})
	}()
}

// showTrust shows the servers the pack names, as ServerTrust does, and
// warns of those the user never chose; keeping the pack counts them as
// chosen.
func (s *RestoreMailbox) showTrust() {
	u, r := s.ui, s.restored
	all, unknown := shownNames(r.Servers), shownNames(r.Unknown)
	s.Servers = widget.NewLabel(strings.Join(all, "\n"))
	s.Warning = para("")
	s.Warning.Importance = widget.DangerImportance
	if len(unknown) > 0 {
		s.Warning.SetText(lang.L("This pack names a server you never chose: {{.Servers}}. It is not among your servers in the settings, nor Passcrow's public server. Whoever made the pack picked it; if that was not you, the server may be theirs, and it would learn when you recover this and where your codes go. Go on only if you know and trust it.", map[string]any{"Servers": strings.Join(unknown, ", ")}))
	} else {
		s.Warning.Hide()
	}
	s.Keep = widget.NewButtonWithIcon(lang.L("Keep it"), theme.ConfirmIcon(), s.onKeep)
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), u.Start)
	if len(unknown) > 0 {
		s.Keep.Importance = widget.DangerImportance
		cancel.Importance = widget.HighImportance
	} else {
		s.Keep.Importance = widget.HighImportance
	}
	body := container.NewVBox(
		para(lang.L("“{{.Name}}” was found. Recovering it contacts these servers: they are sent the keys to their fragments and asked to send you codes.", map[string]any{"Name": r.Name})),
		s.Servers,
		s.Warning,
	)
	u.show(s, page(lang.L("Restore from my mailbox"), container.NewVScroll(body), cancel, s.Keep))
	if len(unknown) > 0 {
		u.Win.Canvas().Focus(cancel)
	}
}

func (s *RestoreMailbox) onKeep() {
	name, err := s.ui.State.KeepRestored(s.restored)
	if err != nil && name == "" {
		s.ui.showError(err)
		return
	}
	s.ui.State.SetWelcomed()
	s.ui.ShowOverview()
	if err != nil {
		s.ui.showError(err)
	}
}
