package screens

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// The setup wizard's last steps: review, then placing the fragments with
// progress per location.

func (s *Setup) reviewText() string {
	p := s.Plan
	var b strings.Builder
	b.WriteString(lang.L("Name: {{.Name}}", map[string]any{"Name": p.Name}) + "\n")
	b.WriteString(lang.L("Secret: {{.What}}, kept encrypted", map[string]any{"What": secretWords(p.Secret)}) + "\n")
	b.WriteString(policyText(p) + "\n\n")
	for _, a := range p.Assignments() {
		_, addr, _ := strings.Cut(a.Identity, ":")
		b.WriteString("• " + lang.L("{{.Address}} via {{.Server}}", map[string]any{"Address": addr, "Server": a.Server}) + "\n")
	}
	for _, row := range s.extraRows() {
		b.WriteString("• " + row + "\n")
	}
	b.WriteString("\n" + lang.L("If any place fails while the pieces are placed, the ones already placed are taken back, and nothing is protected: you can try again."))
	if srv := p.Concentrated(); srv != "" && p.Threshold() > 1 {
		b.WriteString("\n" + lang.L("Warning: {{.Server}} alone would hold enough fragments to recover your secret. Whoever runs it, or breaks into it, would only need access to your codes there. Choose more servers, or need more codes.", map[string]any{"Server": srv}))
	}
	if p.Replace != "" {
		b.WriteString("\n" + lang.L("The old fragments are deleted only after all the new ones are in place."))
	}
	return b.String()
}

func (s *Setup) progressBody() fyne.CanvasObject {
	s.Bars, s.Stages, s.Warnings = nil, nil, nil
	rows := container.NewVBox(para(lang.L("Placing the fragments. Paying a server can take a minute: the computer solves a small puzzle instead of paying money.")))
	for _, a := range s.Plan.Assignments() {
		_, addr, _ := strings.Cut(a.Identity, ":")
		bar := widget.NewProgressBar()
		stage := widget.NewLabel(stageLabel(state.StageWaiting))
		warn := para("")
		warn.Importance = widget.WarningImportance
		warn.Hide()
		s.Bars = append(s.Bars, bar)
		s.Stages = append(s.Stages, stage)
		s.Warnings = append(s.Warnings, warn)
		// The stage beside the place's name, the bar below at full width:
		// beside the bar, stages of different lengths made bars of
		// different lengths (seen in the screenshots).
		rows.Add(container.NewBorder(nil, nil, nil, stage, widget.NewLabel(lang.L("{{.Address}} via {{.Server}}", map[string]any{"Address": addr, "Server": a.Server}))))
		rows.Add(bar)
		rows.Add(warn)
	}
	for _, title := range s.extraRows() {
		bar := widget.NewProgressBar()
		stage := widget.NewLabel(stageLabel(state.StageWaiting))
		warn := para("")
		warn.Hide()
		s.Bars = append(s.Bars, bar)
		s.Stages = append(s.Stages, stage)
		s.Warnings = append(s.Warnings, warn)
		rows.Add(container.NewBorder(nil, nil, nil, stage, widget.NewLabel(title)))
		rows.Add(bar)
	}
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	return rows
}

func (s *Setup) startProtect() {
	plan := s.Plan
	copyPack := s.PackCopy.Checked && s.hasMailbox()
	s.done = make(chan struct{})
	done := s.done
	s.cancel = background(func(ctx context.Context) {
		defer close(done)
		err := s.ui.State.Protect(ctx, plan, func(i int, p state.Progress) {
			s.ui.do(func() { s.onProgress(i, p) })
		})
		var copied string
		if (err == nil || state.Protected(err)) && copyPack {
			copied = s.copyPack(ctx, plan)
		}
		s.ui.doAndWait(func() {
			if state.Protected(err) {
				// In place; only something after it went wrong.
				s.clearSecret()
				s.CopyResult.SetText(copied)
				s.showStep(stepDone)
				s.Error.SetText(protectWarning(err))
				s.ui.showErrorSaying(protectWarning(err), err) // the detail, behind Details
				return
			}
			if err != nil {
				s.showStep(stepReview)
				if errors.Is(err, state.ErrCanceled) {
					s.Error.SetText(lang.L("Cancelled. Nothing was changed."))
				} else {
					s.Error.SetText(plainSentence(lang.L("Could not protect it. Nothing was changed: you can try again."), err))
					s.ui.showErrorSaying(lang.L("Could not protect it. Nothing was changed: you can try again."), err)
				}
				return
			}
			s.clearSecret()
			s.CopyResult.SetText(copied)
			s.showStep(stepDone)
		})
	})
}

// clearSecret drops the secret from the wizard once it is protected.
func (s *Setup) clearSecret() {
	s.Secret.SetText("")
	clear(s.Plan.Secret)
	s.Plan.Secret, s.fileSecret = nil, nil
	for i := range s.Plan.Extras {
		s.Plan.Extras[i].Password, s.Plan.Extras[i].SMTP.Password = "", ""
	}
}

// onProgress shows what location i is doing: a label for its stage, and
// a warning line of its own when the server keeps the fragment for less
// time than asked, since that shortens the time until renewal.
func (s *Setup) onProgress(i int, p state.Progress) {
	if i < 0 || i >= len(s.Bars) {
		return
	}
	if p.Stage == state.StageShortExpiry {
		msg := lang.L("This server keeps the fragment for less time than asked. Passcrow will remind you to renew in time.")
		if !p.Until.IsZero() {
			msg = lang.L("This server keeps the fragment only until {{.Date}}, less time than asked. Passcrow will remind you to renew before then.", map[string]any{"Date": p.Until.Format("2006-01-02")})
		}
		s.Warnings[i].SetText(msg)
		s.Warnings[i].Show()
		return
	}
	s.Stages[i].SetText(stageLabel(p.Stage))
	if p.Stage == state.StageSpreading && p.Wait > 0 {
		s.Stages[i].SetText(waitLabel(p.Wait)) // settings_tor.go
	}
	if p.Fraction >= 0 {
		s.Bars[i].SetValue(p.Fraction)
	}
}

// stageLabel is a stage's label beside its progress bar.
func stageLabel(stage string) string {
	switch stage {
	case state.StageWaiting:
		return lang.L("Waiting for its turn")
	case state.StageSending:
		return lang.L("Sending")
	case state.StagePaying:
		return lang.L("Proving this request is not spam")
	case state.StageDone:
		return lang.L("Done")
	case state.StageShortExpiry:
		return lang.L("Kept for less time")
	case state.StageSpreading:
		return lang.L("Waiting so servers cannot link your requests")
	}
	return lang.L("Working")
}

// protectWarning says what went wrong after the item was protected.
func protectWarning(err error) string {
	var lines []string
	if errors.Is(err, state.ErrPlanNotSaved) {
		lines = append(lines, lang.L("It is protected, but its addresses could not be saved: renewing will ask for them again."))
	}
	if errors.Is(err, state.ErrOldNotDeleted) {
		lines = append(lines, lang.L("The new fragments are in place, but some old ones could not be deleted. They expire by themselves."))
	}
	if len(lines) == 0 {
		lines = append(lines, lang.L("It is protected, but something went wrong afterwards."))
	}
	return strings.Join(lines, "\n")
}
