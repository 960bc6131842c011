package screens

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
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
	// Forget are the items' Forget buttons; StartDemo the "Start the demo
	// server" buttons of demo items while it is not running (demo.go).
	Forget, StartDemo map[string]*widget.Button
	// LastConfirm is the last Forget question asked, LastLeftover the
	// last "Some fragments could not be deleted" (forget.go).
	LastConfirm, LastLeftover *DangerConfirm
	forgetting                <-chan struct{}
}

// ShowOverview shows the list of protected items.
func (u *UI) ShowOverview() {
	s := &Overview{ui: u, Cards: map[string]*widget.Card{}, Previous: map[string]*widget.Button{}, CheckNow: map[string]*widget.Button{}, MailCopy: map[string]*widget.Button{},
		Forget: map[string]*widget.Button{}, StartDemo: map[string]*widget.Button{}}
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
	} else {
		help := para(lang.L("Each place keeps its fragment for a limited time. Renewing makes fresh fragments and gives them to the same places before the old ones expire, so you can still recover; Passcrow reminds you when it is due."))
		help.TextStyle.Italic = true // secondary, but readable: LowImportance is the disabled colour
		list.Add(help)
	}
	for _, it := range items {
		c := s.card(it)
		s.Cards[it.Name] = c
		list.Add(c)
	}
	u.show(s, page(lang.L("Your protected items"), container.NewVScroll(list), s.Settings, s.Mailbox, s.Import, s.New))
	u.restartDemo()       // demo.go: items made with the demo need it running
	u.watchOtherClients() // items protected meanwhile with the command line
}

func (s *Overview) card(it state.Item) *widget.Card {
	u := s.ui
	now := u.State.Now()
	var places []string
	for _, p := range it.Places {
		places = append(places, fmt.Sprintf("%s  %s", p.Prefix, placeHint(p.Hint)))
	}
	details := para(strings.Join([]string{
		lang.L("Needs {{.Need}} of {{.Total}} codes:", map[string]any{"Need": it.Threshold, "Total": len(it.Places)}),
		strings.Join(places, "\n"),
		expiryLine(it, now),
		renewedLine(it),
	}, "\n"))
	name := it.Name
	body := container.NewVBox(details)
	if note := s.itemNote(it); note != nil {
		body.Add(note)
	}
	if it.HasPrevious {
		note := para(lang.L("The previous fragments are kept until {{.Date}} in case the secret was mistyped.", map[string]any{"Date": date(it.PreviousUntil)}))
		note.Importance = widget.WarningImportance
		forgetPrev := widget.NewButtonWithIcon(lang.L("Forget the previous fragments"), theme.DeleteIcon(), func() { s.onForgetPrevious(name) })
		s.Previous[name] = forgetPrev
		body.Add(container.NewVBox(note, container.NewHBox(forgetPrev)))
	}
	recover := widget.NewButtonWithIcon(lang.L("Recover"), theme.VisibilityIcon(), func() { s.whenDemoRuns(it, func() { u.ShowRecovery(name) }) })
	renew := widget.NewButtonWithIcon(lang.L("Renew"), theme.ViewRefreshIcon(), func() { s.whenDemoRuns(it, func() { u.ShowRenew(name, nil) }) })
	change := widget.NewButtonWithIcon(lang.L("Change policy"), theme.DocumentCreateIcon(), func() { s.whenDemoRuns(it, func() { s.onChange(name) }) })
	forget := widget.NewButtonWithIcon(lang.L("Forget"), theme.DeleteIcon(), func() { s.onForget(name) })
	forget.Importance = widget.DangerImportance
	s.Forget[name] = forget
	export := widget.NewButtonWithIcon(lang.L("Save the pack…"), theme.DocumentSaveIcon(), func() { u.exportPack(name) })
	title := it.Name
	if it.Description != "" && it.Description != it.Name {
		title += " — " + it.Description
	}
	body.Add(container.NewHBox(recover, renew, change, export, layout.NewSpacer(), forget))
	check := widget.NewButtonWithIcon(lang.L("Check now"), theme.SearchIcon(), func() { s.whenDemoRuns(it, func() { u.ShowHealth(name, true) }) })
	mailCopy := widget.NewButtonWithIcon(lang.L("Save a copy in my mailbox"), theme.MailSendIcon(), func() { s.LastMailCopy = u.showMailCopy(name) })
	s.CheckNow[name], s.MailCopy[name] = check, mailCopy
	body.Add(container.NewHBox(check, s.drillButton(it), mailCopy))
	s.addDrillLine(body, name) // drill.go
	return widget.NewCard(title, s.statusText(it, now), body)
}

// statusText is the card's one-line state. "Protected" only when the
// app has seen the item work: made or renewed here, or recovered or
// checked since it was brought in from a file.
func (s *Overview) statusText(it state.Item, now time.Time) string {
	switch {
	case it.Demo && s.ui.State.Demo() == nil:
		return lang.L("Needs the demo server, which is not running")
	case it.CannotRecover():
		return lang.L("Cannot be recovered: its fragments are gone")
	case it.Missing > 0:
		return lang.L("Some places lost their fragment: renew it")
	case it.Unchecked:
		return lang.L("Not checked yet")
	}
	switch it.Status(now, s.ui.State.Interval()) {
	case state.StatusDue:
		return lang.L("Renewal due")
	case state.StatusExpired:
		return lang.L("Expired: renew now")
	}
	return lang.L("Protected")
}

// itemNote explains a state that needs the user: a demo item without
// the demo server, an imported item not yet seen working.
func (s *Overview) itemNote(it state.Item) fyne.CanvasObject {
	u := s.ui
	switch {
	case it.Demo && u.State.Demo() == nil:
		text := lang.L("This item was made with the demo server on this computer, and works only while it runs.")
		if err := u.State.DemoFailed(); errors.Is(err, state.ErrDemoPortTaken) {
			text += " " + lang.L("It could not start: another program uses its address now. Close that program and start the demo server again, or forget this item.")
		} else if err != nil {
			text += " " + lang.L("It could not start. Start it again, or forget this item.")
		}
		note := para(text)
		note.Importance = widget.WarningImportance
		start := widget.NewButtonWithIcon(lang.L("Start the demo server"), theme.MediaPlayIcon(), func() { u.startDemo(func(*state.Demo) { u.ShowOverview() }) })
		s.StartDemo[it.Name] = start
		return container.NewVBox(note, container.NewHBox(start))
	case it.CannotRecover():
		note := para(lang.L("A check found too many places without their fragment. If this was brought in from a file, it may be a copy saved before a renewal: use the newest copy of the pack. Otherwise forget it and protect the secret again."))
		note.Importance = widget.DangerImportance
		return note
	case it.Unchecked:
		note := para(lang.L("This was brought in from a pack file and has not been seen working on this computer yet. Choose “Check now” to ask its places whether they still hold their fragments."))
		note.Importance = widget.WarningImportance
		return note
	}
	return nil
}

// whenDemoRuns does f, unless the item needs the demo server and it is
// not running: then it says so, with a way to start it, instead of
// letting f wait on an address nobody answers.
func (s *Overview) whenDemoRuns(it state.Item, f func()) {
	u := s.ui
	if !it.Demo || u.State.Demo() != nil {
		f()
		return
	}
	d := dialog.NewConfirm(lang.L("The demo server is not running"),
		lang.L("“{{.Name}}” was made with the demo server on this computer. Start it now?", map[string]any{"Name": it.Name}),
		func(ok bool) {
			if ok {
				u.startDemo(func(*state.Demo) { u.ShowOverview(); f() })
			}
		}, u.Win)
	d.SetConfirmText(lang.L("Start the demo server"))
	d.SetDismissText(lang.L("Cancel"))
	d.Show()
}

// expiryLine says when the first fragment expires, in days left.
func expiryLine(it state.Item, now time.Time) string {
	if it.Expires.IsZero() {
		return lang.L("When its fragments expire is not known.")
	}
	days := int(math.Ceil(it.Expires.Sub(now).Hours() / 24))
	switch {
	case days <= 0:
		return lang.L("Its first fragment expired on {{.Date}}.", map[string]any{"Date": date(it.Expires)})
	case days == 1:
		return lang.L("1 day left: its first fragment expires on {{.Date}}.", map[string]any{"Date": date(it.Expires)})
	}
	return lang.L("{{.Days}} days left: its first fragment expires on {{.Date}}.", map[string]any{"Days": days, "Date": date(it.Expires)})
}

// renewedLine says when it was protected and last renewed, without
// repeating the first date when it never was.
func renewedLine(it state.Item) string {
	if it.NotRenewed {
		return lang.L("Protected on {{.Date}}. Not yet renewed.", map[string]any{"Date": date(it.Created)})
	}
	return lang.L("Protected on {{.Date}}. Last renewed on {{.Renewed}}.", map[string]any{"Date": date(it.Created), "Renewed": date(it.Renewed)})
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

func (s *Overview) onForgetPrevious(name string) {
	msg := lang.L("Forget the previous fragments of “{{.Name}}”? Do this once you have recovered it with the new ones, or are sure the secret you typed when renewing was right: afterwards only the new fragments can recover it.", map[string]any{"Name": name})
	s.LastConfirm = s.ui.confirmDanger(lang.L("Forget the previous fragments"), para(msg), lang.L("Forget the previous fragments"), func() { s.forgetPrevious(name) })
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
