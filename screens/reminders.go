package screens

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Reminders are the banners on top of the overview: what is due for
// renewal (until dismissed for this session), and, once ever, the offer
// to turn on the reminder at login.
type Reminders struct {
	ui *UI
	// Due has a line and a Renew button per due item, by name.
	Due     *widget.Card
	Lines   map[string]*widget.Label
	Renew   map[string]*widget.Button
	Dismiss *widget.Button

	Offer        *widget.Card
	TurnOn, NoTo *widget.Button
	OfferError   *widget.Label
}

// reminders builds the banners for the overview's list; it adds nothing
// when nothing is due and the offer was already answered.
func (u *UI) reminders(list *fyne.Container, items []state.Item) *Reminders {
	r := &Reminders{ui: u, Lines: map[string]*widget.Label{}, Renew: map[string]*widget.Button{}}
	if !u.renewalDismissed {
		if due, err := u.State.Due(); err == nil && len(due) > 0 {
			r.Due = r.dueCard(due)
			list.Add(r.Due)
		}
	}
	if len(items) > 0 && !u.State.AutostartOffered() {
		if on, err := u.State.AutostartEnabled(); err == nil && !on {
			r.Offer = r.offerCard()
			list.Add(r.Offer)
		}
	}
	return r
}

func (r *Reminders) dueCard(due []state.Item) *widget.Card {
	u := r.ui
	now := u.State.Now()
	rows := container.NewVBox()
	for _, it := range due {
		name := it.Name
		l := para(dueReason(it, now, u.State.ReminderDays()))
		b := widget.NewButtonWithIcon(lang.L("Renew"), theme.ViewRefreshIcon(), func() { u.ShowRenew(name, nil) })
		b.Importance = widget.HighImportance
		r.Lines[name], r.Renew[name] = l, b
		rows.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), container.NewCenter(b), l))
	}
	r.Dismiss = widget.NewButton(lang.L("Not now"), func() {
		u.renewalDismissed = true
		r.Due.Hide()
	})
	rows.Add(container.NewHBox(r.Dismiss))
	return widget.NewCard(lang.L("Time to renew"), lang.L("Renewing puts fresh fragments on the servers before the old ones run out."), rows)
}

// dueReason says in a sentence why it is due: an escrow running out
// matters more than the interval, so it comes first.
func dueReason(it state.Item, now time.Time, days int) string {
	since := int(now.Sub(it.Renewed) / (24 * time.Hour))
	args := map[string]any{"Name": it.Name, "Date": date(it.Expires), "Days": since, "Last": date(it.Renewed)}
	switch {
	case !it.Expires.IsZero() && !now.Before(it.Expires):
		return lang.L("Renew “{{.Name}}”: its fragments expired on {{.Date}}.", args)
	case it.ExpiresSoon(now):
		return lang.L("Renew “{{.Name}}”: its fragments expire on {{.Date}}.", args)
	case days == state.DefaultReminderDays && since < 2*days:
		return lang.L("Renew “{{.Name}}”: it is a year since the last renewal ({{.Last}}).", args)
	}
	return lang.L("Renew “{{.Name}}”: it is {{.Days}} days since the last renewal ({{.Last}}).", args)
}

func (r *Reminders) offerCard() *widget.Card {
	u := r.ui
	r.OfferError = para("")
	r.OfferError.Importance = widget.DangerImportance
	r.OfferError.Hide()
	r.TurnOn = widget.NewButtonWithIcon(lang.L("Turn on"), theme.ConfirmIcon(), func() {
		if err := u.State.SetAutostart(true); err != nil {
			r.OfferError.SetText(plainSentence(lang.L("Could not change the login reminder."), err))
			r.OfferError.Show()
			u.showErrorSaying(lang.L("Could not change the login reminder."), err) // the detail
			return
		}
		u.State.SetAutostartOffered()
		r.Offer.Hide()
	})
	r.TurnOn.Importance = widget.HighImportance
	r.NoTo = widget.NewButton(lang.L("No, thanks"), func() {
		u.State.SetAutostartOffered()
		r.Offer.Hide()
	})
	body := container.NewVBox(
		para(lang.L("Passcrow can check at each login whether something needs renewing, and show a notification only then. You can change this in the settings.")),
		container.NewHBox(r.TurnOn, r.NoTo),
		r.OfferError,
	)
	return widget.NewCard(lang.L("Remind me when I log in?"), "", body)
}

// DueCheckInterval is how often the running app looks for items that
// became due for renewal (the app's ticker; tests send their own ticks).
var DueCheckInterval = time.Hour

// WatchDue shows a notification, while the app runs, when an item
// becomes due for renewal, and puts the banner back on the overview. Each
// tick on ticks checks the items against the state's clock. Items due
// when watching starts are left to the overview's banner, and each item
// is notified once until it is renewed. It stops when ticks is closed.
func (u *UI) WatchDue(ticks <-chan time.Time) {
	seen := map[string]bool{}
	if due, err := u.State.Due(); err == nil {
		for _, it := range due {
			seen[it.Name] = true
		}
	}
	checked := u.dueChecked
	go func() {
		for range ticks {
			seen = u.notifyDue(seen)
			if checked != nil {
				checked <- struct{}{}
			}
		}
	}()
}

// notifyDue notifies the items due now that were not in seen, and
// returns the items due now.
func (u *UI) notifyDue(seen map[string]bool) map[string]bool {
	due, err := u.State.Due()
	if err != nil {
		return seen // the keychain may be locked: ask again next time
	}
	now := map[string]bool{}
	var fresh []string
	for _, it := range due {
		now[it.Name] = true
		if !seen[it.Name] {
			fresh = append(fresh, it.Name)
		}
	}
	if len(fresh) > 0 {
		u.doAndWait(func() {
			u.App.SendNotification(fyne.NewNotification(lang.L("Passcrow: renewal due"),
				lang.L("Renewal is due for {{.Names}}. Open Passcrow and renew, so recovery keeps working.", map[string]any{"Names": quotedNames(fresh)})))
			if _, ok := u.Current().(*Overview); ok {
				u.renewalDismissed = false
				u.ShowOverview()
			}
		})
	}
	return now
}

// quotedNames are item names in quotes, as the user's language writes
// them: a name such as "soon" must not read as part of the sentence.
func quotedNames(names []string) string {
	var q []string
	for _, n := range names {
		q = append(q, lang.L("“{{.Name}}”", map[string]any{"Name": n}))
	}
	return strings.Join(q, ", ")
}
