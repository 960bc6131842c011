package screens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Overview lists every protected item with its actions.
type Overview struct {
	ui    *UI
	Items []state.Item
	Cards map[string]*widget.Card
	// Previous are the "Forget the previous fragments" buttons, by item, for
	// items renewed with a typed secret.
	Previous map[string]*widget.Button
	// CheckNow and MailCopy are each item's "Check now" and "Save a copy
	// in my mailbox" buttons, by item.
	CheckNow, MailCopy map[string]*widget.Button
	// LastMailCopy is the last "Save a copy in my mailbox" dialog opened.
	LastMailCopy *MailCopy
	Empty        *widget.Label
	New          *widget.Button
	Import       *widget.Button
	Settings     *widget.Button
	Mailbox      *widget.Button
	// Reminders are the banners on top: renewal due, login reminder.
	Reminders *Reminders
}

// ShowOverview shows the list of protected items.
func (u *UI) ShowOverview() {
	s := &Overview{ui: u, Cards: map[string]*widget.Card{}, Previous: map[string]*widget.Button{}, CheckNow: map[string]*widget.Button{}, MailCopy: map[string]*widget.Button{}}
	s.New = widget.NewButtonWithIcon(lang.L("Protect something"), theme.ContentAddIcon(), func() { u.ShowSetup(state.Plan{}) })
	s.New.Importance = widget.HighImportance
	s.Import = widget.NewButtonWithIcon(lang.L("Recover from a pack file"), theme.FolderOpenIcon(), u.importPack)
	s.Settings = widget.NewButtonWithIcon(lang.L("Settings"), theme.SettingsIcon(), u.ShowSettings)
	s.Mailbox = widget.NewButtonWithIcon(lang.L("Demo mailbox"), theme.MailComposeIcon(), u.ShowMailbox)
	if u.State.Demo() == nil {
		s.Mailbox.Hide()
	}

	items, err := u.State.Items()
	if err != nil {
		u.showError(err)
	}
	s.Items = items
	list := container.NewVBox()
	if dir := u.State.FileStoreDir(); dir != "" {
		list.Add(widget.NewCard("", lang.L("Where your packs are kept"), para(lang.L("This computer has no keychain, so your recovery packs are kept as files in {{.Dir}}.", map[string]any{"Dir": dir}))))
	}
	list.Add(u.HeirBanners()) // an heir's recovery under way, with Stop it (heirwatch.go)
	s.Reminders = u.reminders(list, items)
	if len(items) == 0 {
		s.Empty = para(lang.L("Nothing is protected yet. Choose “Protect something” to start."))
		list.Add(s.Empty)
	}
	for _, it := range items {
		c := s.card(it)
		s.Cards[it.Name] = c
		list.Add(c)
	}
	u.show(s, page(lang.L("Your protected items"), container.NewVScroll(list), s.Settings, s.Mailbox, s.Import, s.New))
}

func (s *Overview) card(it state.Item) *widget.Card {
	u := s.ui
	now := u.State.Now()
	var status string
	switch it.Status(now, u.State.Interval()) {
	case state.StatusOK:
		status = lang.L("Protected")
	case state.StatusDue:
		status = lang.L("Renewal due")
	case state.StatusExpired:
		status = lang.L("Expired: renew now")
	}
	var places []string
	for _, p := range it.Places {
		places = append(places, fmt.Sprintf("%s  %s", p.Prefix, p.Hint))
	}
	details := para(strings.Join([]string{
		lang.L("Needs {{.Need}} of {{.Total}} codes:", map[string]any{"Need": it.Threshold, "Total": len(it.Places)}),
		strings.Join(places, "\n"),
		lang.L("Expires: {{.Date}}", map[string]any{"Date": date(it.Expires)}),
		lang.L("Last renewed: {{.Date}}", map[string]any{"Date": date(it.Renewed)}),
	}, "\n"))
	name := it.Name
	body := container.NewVBox(details)
	if it.HasPrevious {
		note := para(lang.L("The previous fragments are kept until {{.Date}} in case the secret was mistyped.", map[string]any{"Date": date(it.PreviousUntil)}))
		note.Importance = widget.WarningImportance
		forgetPrev := widget.NewButtonWithIcon(lang.L("Forget the previous fragments"), theme.DeleteIcon(), func() { s.onForgetPrevious(name) })
		s.Previous[name] = forgetPrev
		body.Add(container.NewBorder(nil, nil, nil, forgetPrev, note))
	}
	recover := widget.NewButtonWithIcon(lang.L("Recover"), theme.VisibilityIcon(), func() { u.ShowRecovery(name) })
	renew := widget.NewButtonWithIcon(lang.L("Renew"), theme.ViewRefreshIcon(), func() { u.ShowRenew(name, nil) })
	change := widget.NewButtonWithIcon(lang.L("Change policy"), theme.DocumentCreateIcon(), func() { s.onChange(name) })
	forget := widget.NewButtonWithIcon(lang.L("Forget"), theme.DeleteIcon(), func() { s.onForget(name) })
	export := widget.NewButtonWithIcon(lang.L("Save the pack…"), theme.DocumentSaveIcon(), func() { u.exportPack(name) })
	title := it.Name
	if it.Description != "" && it.Description != it.Name {
		title += " — " + it.Description
	}
	body.Add(container.NewHBox(recover, renew, change, export, forget))
	check := widget.NewButtonWithIcon(lang.L("Check now"), theme.SearchIcon(), func() { u.ShowHealth(name, true) })
	mailCopy := widget.NewButtonWithIcon(lang.L("Save a copy in my mailbox"), theme.MailSendIcon(), func() { s.LastMailCopy = u.showMailCopy(name) })
	s.CheckNow[name], s.MailCopy[name] = check, mailCopy
	body.Add(container.NewHBox(check, s.drillButton(it), mailCopy))
	s.addDrillLine(body, name) // drill.go
	return widget.NewCard(title, status, body)
}

func date(t time.Time) string {
	if t.IsZero() {
		return lang.L("unknown")
	}
	return t.Local().Format("2006-01-02")
}

// onChange re-runs the setup wizard for the item; the secret must be
// entered again, since the app never keeps it.
func (s *Overview) onChange(name string) {
	p, err := s.ui.State.PlanFor(name)
	if err != nil {
		s.ui.showError(err)
		return
	}
	p.Replace = name
	s.ui.ShowSetup(p)
}

func (s *Overview) onForget(name string) {
	u := s.ui
	msg := lang.L("Forget “{{.Name}}”? The servers delete their fragments and the pack is removed from this computer. You will not be able to recover this secret with Passcrow any more.", map[string]any{"Name": name})
	dialog.ShowConfirm(lang.L("Forget"), msg, func(ok bool) {
		if ok {
			s.forget(name)
		}
	}, u.Win)
}

// forget deletes the item's escrows and pack in the background; the
// returned channel closes when it is done.
func (s *Overview) forget(name string) <-chan struct{} {
	return s.inBackground(func(ctx context.Context) error { return s.ui.State.Forget(ctx, name) })
}

// inBackground runs a deletion with a progress dialog, then shows the
// overview again; the returned channel closes when it is done.
func (s *Overview) inBackground(del func(context.Context) error) <-chan struct{} {
	u := s.ui
	done := make(chan struct{})
	bar := widget.NewProgressBarInfinite()
	prog := dialog.NewCustomWithoutButtons(lang.L("Deleting the fragments…"), bar, u.Win)
	prog.Show()
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err := del(ctx)
		u.doAndWait(func() {
			prog.Hide()
			if err != nil {
				u.showError(err)
			}
			u.ShowOverview()
		})
	}()
	return done
}

func (s *Overview) onForgetPrevious(name string) {
	msg := lang.L("Forget the previous fragments of “{{.Name}}”? Do this once you have recovered it with the new ones, or are sure the secret you typed when renewing was right: afterwards only the new fragments can recover it.", map[string]any{"Name": name})
	dialog.ShowConfirm(lang.L("Forget the previous fragments"), msg, func(ok bool) {
		if ok {
			s.forgetPrevious(name)
		}
	}, s.ui.Win)
}

// forgetPrevious deletes the previous escrows kept for name in the
// background; the returned channel closes when it is done.
func (s *Overview) forgetPrevious(name string) <-chan struct{} {
	return s.inBackground(func(ctx context.Context) error { return s.ui.State.ForgetPrevious(ctx, name) })
}

// exportPack saves an item's pack to a file the user picks, for a hard
// copy or another computer. The pack holds no key, but it says what is
// protected where, so it is saved as only the user can read it.
func (u *UI) exportPack(name string) {
	data, err := u.State.Export(name)
	if err != nil {
		u.showError(err)
		return
	}
	u.saveFile(lang.L("Save the pack"), name+".passcrow-pack", data, func(path string) {
		dialog.ShowInformation(lang.L("Saved"), lang.L("Saved to {{.Path}}", map[string]any{"Path": path}), u.Win)
	})
}
