package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Drill is "Test my recovery": a rehearsal of recovering an item while
// nothing is lost yet. It runs the recovery screens' own flow (the
// codes are sent, typed in any order, Enter submits), but once enough
// fragments are in it only checks that they rebuild the key
// (state.Recovery.Verify) and never shows the secret; nothing changes
// (no renewal, no deletion, the pack is only read). A pass is recorded
// with the item's metadata, and the overview says when (drillLine).
type Drill struct {
	ui   *UI
	Name string
	// Start sends the codes, from the page that says what will happen.
	Start *widget.Button
	// Result and Warning say how it went; Done goes back.
	Result  *widget.Label
	Warning *widget.Label
	Done    *widget.Button
}

// ShowDrill says what a drill of the item name does, and starts it.
func (u *UI) ShowDrill(name string) {
	d := &Drill{ui: u, Name: name}
	d.Start = widget.NewButtonWithIcon(lang.L("Send the codes"), theme.MailSendIcon(), func() { u.showRecovery(name, d) })
	d.Start.Importance = widget.HighImportance
	last := lang.L("It has not been tested yet.")
	if l := drillLine(u.State, name); l != "" {
		last = l
	}
	body := container.NewVBox(
		para(lang.L("Try recovering “{{.Name}}” now, while nothing is lost, to be sure it works when you need it.", map[string]any{"Name": name})),
		para(lang.L("The codes are sent as in a real recovery: type them as they arrive. Passcrow then checks that the pieces that come back open your secret. Your secret is not shown, and nothing is changed.")),
		para(last),
	)
	u.show(d, page(d.title(), container.NewVScroll(body), widget.NewButton(lang.L("Cancel"), u.ShowOverview), d.Start))
	u.Win.Canvas().Focus(d.Start)
}

func (d *Drill) title() string {
	return lang.L("Test recovery of “{{.Name}}”", map[string]any{"Name": d.Name})
}

// title is the recovery screens' heading: a drill says it is one.
func (s *Recovery) title() string {
	if s.drill != nil {
		return s.drill.title()
	}
	return lang.L("Recover “{{.Name}}”", map[string]any{"Name": s.Name})
}

// open opens the secret once enough fragments are in. In a drill it
// only verifies them, and an empty secret stands for "it opened", so the
// flow goes on to showSecret, which shows the drill's result instead.
func (s *Recovery) open(rec *state.Recovery) (secret []byte, wrong []state.Challenge, err error) {
	if s.drill == nil {
		return rec.Secret()
	}
	if wrong, err = rec.Verify(); err != nil {
		return nil, wrong, err
	}
	return []byte{}, wrong, nil
}

// passed records the pass and says so, naming the wrong fragments the
// recovery screen s met, if any.
func (d *Drill) passed(s *Recovery) {
	u := d.ui
	d.Result = para(lang.L("It works. The codes arrived, and the pieces that came back open your secret. You can recover “{{.Name}}” the same way when you need to.", map[string]any{"Name": d.Name}))
	d.Result.Importance = widget.SuccessImportance
	d.Warning = para("")
	d.Warning.Importance = widget.WarningImportance
	d.Warning.Hide()
	if len(s.wrong) > 0 {
		d.Warning.SetText(lang.L("{{.Where}} sent back a wrong piece. The others were enough; renew to replace it.", map[string]any{"Where": hints(s.wrong)}))
		d.Warning.Show()
	}
	s.secret = nil // an empty stand-in (open): nothing to wipe
	if err := u.State.DrillPassed(d.Name); err != nil {
		u.showErrorSaying(lang.L("The test worked, but its date could not be noted."), err)
	}
	d.Done = widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), u.ShowOverview)
	d.Done.Importance = widget.HighImportance
	body := container.NewVBox(
		d.Result,
		d.Warning,
		para(lang.L("Your secret was not shown, and nothing was changed. Codes you did not type expire on their own.")),
	)
	u.show(d, page(d.title(), container.NewVScroll(body), d.Done))
	u.Win.Canvas().Focus(d.Done)
}

// drillLine says when a drill of the item last passed, or "" when none
// did since the pack was made or renewed.
func drillLine(st *state.State, name string) string {
	t := st.LastDrill(name)
	if t.IsZero() {
		return ""
	}
	return lang.L("Recovery last tested on {{.Date}}: it worked.", map[string]any{"Date": date(t)})
}

// drillButton is an item's "Test my recovery" on the overview.
func (s *Overview) drillButton(it state.Item) *widget.Button {
	return widget.NewButtonWithIcon(lang.L("Test my recovery"), theme.QuestionIcon(), func() { s.ui.ShowDrill(it.Name) })
}

// addDrillLine says on an item's card when its recovery was last tested.
func (s *Overview) addDrillLine(body *fyne.Container, name string) {
	if l := drillLine(s.ui.State, name); l != "" {
		body.Add(para(l))
	}
}
