package screens

import (
	"bytes"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Renew puts fresh fragments of an item under a new key on the same
// servers and identities, switches to the new pack only after every
// escrow succeeded, then forgets the old escrows. The app never keeps the
// secret, so the user types it again, unless it was just recovered. A
// typed secret cannot be checked against the old pack, so then the old
// escrows are kept until they expire (state.Plan.KeepOld) and the
// overview offers to forget them.
type Renew struct {
	ui            *UI
	Name          string
	Secret, Again *widget.Entry
	Error         *widget.Label
	Start         *widget.Button
}

// ShowRenew renews the item; secret is nil when the user must type it.
func (u *UI) ShowRenew(name string, secret []byte) {
	if secret != nil {
		// Just recovered: the user saw the servers before the codes.
		u.runRenew(name, secret, false)
		return
	}
	// Renewing sends fresh fragments to the pack's servers: ask first
	// when the user never chose one of them.
	u.checkServers(name, lang.L("Renew “{{.Name}}”", map[string]any{"Name": name}), func([]string) { u.showRenewForm(name) })
}

// showRenewForm asks for the secret to renew name with.
func (u *UI) showRenewForm(name string) {
	s := &Renew{ui: u, Name: name}
	s.Secret = widget.NewPasswordEntry()
	s.Again = widget.NewPasswordEntry()
	s.Secret.OnSubmitted = func(string) { u.Win.Canvas().Focus(s.Again) }
	s.Again.OnSubmitted = func(string) { s.onStart() }
	s.Error = para("")
	s.Error.Importance = widget.DangerImportance
	warn := para(lang.L("If this is not exactly your secret, it cannot be recovered afterwards. So the old fragments are kept until they expire, in case it was mistyped: forget them from the overview once you have checked the new ones."))
	warn.Importance = widget.WarningImportance
	s.Start = widget.NewButtonWithIcon(lang.L("Renew"), theme.ViewRefreshIcon(), s.onStart)
	s.Start.Importance = widget.HighImportance
	body := container.NewVBox(
		para(lang.L("Passcrow does not keep your secret, so type it again. Fresh fragments are made under a new key.")),
		warn,
		para(lang.L("If you do not remember it, recover it first: the recovery wizard offers to renew at the end.")),
		widget.NewForm(
			widget.NewFormItem(lang.L("Secret"), s.Secret),
			widget.NewFormItem(lang.L("Again"), s.Again),
		),
		s.Error,
	)
	recover := widget.NewButton(lang.L("Recover first"), func() { u.ShowRecovery(name) })
	u.show(s, page(lang.L("Renew “{{.Name}}”", map[string]any{"Name": name}), container.NewVScroll(body),
		widget.NewButton(lang.L("Cancel"), u.ShowOverview), recover, s.Start))
	u.Win.Canvas().Focus(s.Secret)
}

func (s *Renew) onStart() {
	a, b := []byte(s.Secret.Text), []byte(s.Again.Text)
	switch {
	case len(a) == 0:
		s.Error.SetText(lang.L("Type the secret."))
		return
	case !bytes.Equal(a, b):
		s.Error.SetText(lang.L("The two do not match."))
		return
	}
	s.Secret.SetText("")
	s.Again.SetText("")
	s.ui.runRenew(s.Name, a, true)
}

// runRenew goes straight to the setup wizard's progress step with the
// item's own plan; a typed secret keeps the old escrows.
func (u *UI) runRenew(name string, secret []byte, typed bool) {
	p, err := u.State.PlanFor(name)
	if err != nil {
		u.showError(err)
		u.ShowOverview()
		return
	}
	p.Secret, p.Replace, p.KeepOld = secret, name, typed
	u.ShowSetup(p)
	if s, ok := u.current.(*Setup); ok {
		s.renewing = true
		s.showStep(stepProgress)
	}
}
