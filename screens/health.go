package screens

import (
	"context"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Health shows, for one item, whether each location still holds its
// piece of the key, and when each was last seen; "Check now" asks them
// again (state.CheckHealth), nothing is taken out and no code is sent.
// Mailboxes whose password is not kept get a password field here.
type Health struct {
	ui   *UI
	Name string
	// Rows say each location's state, in the pack's order.
	Rows      []*widget.Label
	Results   []state.LocationHealth
	Passwords map[string]*widget.Entry // by record prefix, mailboxes without a kept password
	kept      map[string]string
	Check     *widget.Button
	Status    *widget.Label
	done      chan struct{} // closed when the last check ended (tests wait on it)
}

// ShowHealth shows an item's health; with start, it checks at once
// when no password must be typed first.
func (u *UI) ShowHealth(name string, start bool) *Health {
	h := &Health{ui: u, Name: name, Passwords: map[string]*widget.Entry{}, kept: map[string]string{}}
	h.Status = para("")
	h.Check = widget.NewButtonWithIcon(lang.L("Check now"), theme.ViewRefreshIcon(), h.onCheck)
	h.Check.Importance = widget.HighImportance
	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), u.ShowOverview)
	results, err := u.State.LastSeen(name)
	if err != nil {
		u.showError(err)
		u.ShowOverview()
		return nil
	}
	h.Results = results
	boxes, _ := u.State.MailboxesOf(name)
	list := container.NewVBox(para(lang.L("Passcrow asks each place whether it still holds its piece of the key, without taking it out and without sending you a code.")))
	passwords := widget.NewForm()
	for _, b := range boxes {
		if b.Kept != "" {
			h.kept[b.Prefix] = b.Kept
			continue
		}
		e := widget.NewPasswordEntry()
		e.SetPlaceHolder(lang.L("Leave empty to skip this mailbox"))
		h.Passwords[b.Prefix] = e
		passwords.Append(lang.L("Password of {{.User}} at {{.Host}}", map[string]any{"User": b.Account.Username, "Host": b.Account.Host}), e)
	}
	if len(h.Passwords) > 0 {
		list.Add(passwords)
	}
	for range results {
		l := para("")
		h.Rows = append(h.Rows, l)
		list.Add(l)
	}
	h.show()
	list.Add(h.Status)
	u.show(h, page(lang.L("Are the pieces of “{{.Name}}” still there?", map[string]any{"Name": name}), container.NewVScroll(list), back, h.Check))
	if start && len(h.Passwords) == 0 {
		h.onCheck()
	}
	return h
}

// show writes each row from h.Results.
func (h *Health) show() {
	for i, r := range h.Results {
		if i < len(h.Rows) {
			h.Rows[i].SetText(healthText(r))
			h.Rows[i].Importance = healthImportance(r.State)
			h.Rows[i].Refresh()
		}
	}
}

func (h *Health) onCheck() {
	passwords := map[string]string{}
	for p, pw := range h.kept {
		passwords[p] = pw
	}
	for p, e := range h.Passwords {
		if e.Text != "" {
			passwords[p] = e.Text
		}
	}
	h.Check.Disable()
	h.Status.SetText(lang.L("Checking…"))
	done := make(chan struct{})
	h.done = done
	name := h.Name
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		results, err := h.ui.State.CheckHealth(ctx, name, passwords)
		clear(passwords)
		h.ui.doAndWait(func() {
			h.Check.Enable()
			if results != nil {
				h.Results = results
				h.show()
			}
			if err != nil {
				h.Status.SetText(lang.L("The dates of this check could not be kept."))
				h.ui.showErrorSaying(lang.L("The dates of this check could not be kept."), err)
				return
			}
			h.Status.SetText(lang.L("Checked {{.Date}}.", map[string]any{"Date": date(h.ui.State.Now())}))
		})
	}()
}

func healthImportance(s state.HealthState) widget.Importance {
	switch s {
	case state.HealthPresent:
		return widget.SuccessImportance
	case state.HealthMissing:
		return widget.DangerImportance
	case state.HealthError:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// healthText is one location's line: where, its state and why, and when
// it was last seen.
func healthText(r state.LocationHealth) string {
	var st string
	switch r.State {
	case state.HealthPresent:
		st = lang.L("present")
	case state.HealthMissing:
		st = lang.L("missing: protect it again soon")
	case state.HealthError:
		// In words, as every error the app shows (errview.go); this line
		// has no Details of its own, so the words must do.
		reason := lang.L("Try again later.")
		if r.Err != nil {
			reason = plainReason(r.Err)
		}
		st = lang.L("could not check right now.") + " " + reason
	default:
		st = lang.L("not checked")
		switch r.Why {
		case state.WhyPaper:
			st = lang.L("a printed sheet cannot be checked from here: make sure it is still where you keep it")
		case state.WhyFriend:
			st = lang.L("a friend's inbox cannot be checked from here: ask your friend whether they still have the letter")
		case state.WhyOldServer:
			st = lang.L("this server cannot say without sending you a code; it keeps the piece until {{.Date}}", map[string]any{"Date": date(r.Expires)})
		case state.WhyNotPlugged:
			st = lang.L("not checked: plug in the USB stick, then check again")
		case state.WhyNoPassword:
			st = lang.L("not checked: type the mailbox's password above")
		case state.WhyUnknown:
			st = lang.L("this version of Passcrow does not know this kind of place")
		}
	}
	seen := lang.L("never seen by a check")
	if !r.LastSeen.IsZero() {
		seen = lang.L("last seen {{.Date}}", map[string]any{"Date": date(r.LastSeen)})
	}
	return r.Prefix + "  " + r.Hint + ": " + st + " (" + seen + ")"
}
