package screens

import (
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// askBeforeSending is shown when a recovery of this item asked for codes
// earlier in this session and some of them still work: sending new ones
// would make those stop working, with nothing to tell the user why the
// code in their mail fails. They choose.
func (s *Recovery) askBeforeSending(prev *state.Recovery, servers []string) {
	u := s.ui
	out := prev.CodesOut(u.State.Now())
	first, last := out[0].Sent, out[0].Expires
	for _, c := range out {
		first, last = earlier(first, c.Sent), later(last, c.Expires)
	}
	s.UseSent = widget.NewButtonWithIcon(lang.L("Type the codes already sent"), theme.ConfirmIcon(), func() { s.showCodesWith(servers, prev) })
	s.UseSent.Importance = widget.HighImportance
	s.SendNew = widget.NewButtonWithIcon(lang.L("Send new codes"), theme.MailSendIcon(), func() {
		delete(u.recoveries, s.Name)
		s.showCodesWith(servers, nil)
	})
	body := container.NewVBox(
		para(lang.L("Codes for “{{.Name}}” were sent at {{.Sent}} and work until {{.Expires}}.", map[string]any{"Name": s.Name, "Sent": clock(first), "Expires": clock(last)})),
		para(lang.L("If they have arrived, type those. Sending new codes makes the ones already sent stop working.")),
	)
	u.show(s, page(s.title(), container.NewVScroll(body), widget.NewButton(lang.L("Cancel"), u.ShowOverview), s.SendNew, s.UseSent))
	u.Win.Canvas().Focus(s.UseSent)
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
