package screens

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// The wizard's parts for other places beyond the form: the provider
// warning and the pack copy on the review step, and what is left to do
// once protected (print the sheets, save the inheritance sheet).

func (s *Setup) buildKinds() {
	s.AddKind = map[state.ExtraKind]*widget.Button{}
	for _, k := range extraKinds {
		s.AddKind[k] = widget.NewButtonWithIcon(kindName(k), theme.ContentAddIcon(), func() { s.onAddKind(k) })
	}
	s.extraList = container.NewVBox()
	s.Mailpile = widget.NewCheck(lang.L("Mailpile's rule: all but one of my mailboxes and all but one of my friends"), func(on bool) {
		s.Plan.Mailpile = on
		s.onPolicy()
	})
	s.Diversity = para("")
	s.Diversity.Importance = widget.WarningImportance
	s.PackCopy = widget.NewCheck(lang.L("Keep a copy of the pack in my mailbox, in case this computer is lost"), nil)
	s.CopyResult = para("")
}

// hasMailbox reports whether the plan has a mailbox of the user's.
func (s *Setup) hasMailbox() bool {
	for _, e := range s.Plan.Extras {
		if e.Kind == state.ExtraMailbox {
			return true
		}
	}
	return false
}

// prepareReview starts the provider warning in the background (advice:
// it never holds the wizard up) and offers the pack copy when there is
// a mailbox.
func (s *Setup) prepareReview() {
	if s.hasMailbox() {
		s.PackCopy.Show()
	} else {
		s.PackCopy.SetChecked(false)
		s.PackCopy.Hide()
	}
	s.Diversity.SetText("")
	plan := s.Plan
	done := make(chan struct{})
	s.diversityDone = done
	go func() {
		defer close(done)
		ws := state.ProviderWarnings(context.Background(), plan)
		if len(ws) == 0 {
			return
		}
		var lines []string
		for _, w := range ws {
			lines = append(lines, lang.L("{{.A}} and {{.B}} are both with {{.Provider}}: one provider could lose or read both.", map[string]any{"A": w.A, "B": w.B, "Provider": w.Provider}))
		}
		s.ui.doAndWait(func() {
			if s.Step == stepReview {
				s.Diversity.SetText(lang.L("Warning:") + " " + strings.Join(lines, " ") + " " + lang.L("You can go on, but places with different providers are safer."))
			}
		})
	}()
}

// extraRows are the progress rows' titles of the extras, in order.
func (s *Setup) extraRows() []string {
	var rows []string
	for _, e := range s.Plan.Extras {
		rows = append(rows, extraText(e))
	}
	return rows
}

// copyPack keeps a copy of the pack in the first of the plan's mailboxes
// that may hold it (one holding enough fragments to recover with the
// pack alone may not), and says how that went.
func (s *Setup) copyPack(ctx context.Context, plan state.Plan) string {
	var refused bool
	for _, e := range plan.Extras {
		if e.Kind != state.ExtraMailbox {
			continue
		}
		err := s.ui.State.SavePackCopy(ctx, plan.Name, e.Mailbox, e.Password)
		switch {
		case err == nil:
			return lang.L("A copy of the pack is in your mailbox {{.User}} at {{.Host}}. On a new computer, choose “Restore from my mailbox”.", map[string]any{"User": e.Mailbox.Username, "Host": e.Mailbox.Host})
		case errors.Is(err, state.ErrPackBesideFragments):
			refused = true
		default:
			return lang.L("The copy of the pack could not be kept in your mailbox.") + " " + plainReason(err)
		}
	}
	if refused {
		return packBesideText()
	}
	return ""
}

// packBesideText explains mailbox.ErrPackBesideFragments.
func packBesideText() string {
	return lang.L("No copy of the pack was kept: that mailbox holds, or gets the codes for, enough pieces of the key that whoever reads it could recover your secret with the pack. Keep the copy in another mailbox, or save the pack to a file.")
}

// doneExtras are the done step's actions for printed sheets and an heir.
func (s *Setup) doneExtras() fyne.CanvasObject {
	box := container.NewVBox(s.CopyResult, s.staleCopiesNote()) // stale.go
	s.OpenSheets, s.HeirSheet = nil, nil
	name := s.Plan.Name
	files, _ := s.ui.State.SheetFiles(name)
	for _, f := range files {
		b := widget.NewButtonWithIcon(lang.L("Open the sheet to print it"), theme.DocumentPrintIcon(), func() {
			if err := s.ui.App.OpenURL(&url.URL{Scheme: "file", Path: f}); err != nil {
				s.ui.showError(err)
			}
		})
		s.OpenSheets = append(s.OpenSheets, b)
		box.Add(container.NewBorder(nil, nil, nil, b, para(lang.L("Print the sheet saved in {{.File}}, then delete the file and keep the paper somewhere safe.", map[string]any{"File": f}))))
	}
	if s.ui.State.HasHeir(name) {
		s.HeirSheet = widget.NewButtonWithIcon(lang.L("Save the inheritance sheet…"), theme.DocumentSaveIcon(), func() { s.ui.saveHeirSheet(name) })
		box.Add(container.NewBorder(nil, nil, nil, s.HeirSheet, para(lang.L("Print the inheritance sheet and give it to your heir, or keep it where they will find it. Without it the heir cannot recover."))))
	}
	return box
}

// saveHeirSheet saves an item's inheritance sheet where the user says.
func (u *UI) saveHeirSheet(name string) *SaveFile {
	pdf, err := u.State.InheritanceSheet(name, "", false)
	if err != nil {
		u.showError(err)
		return nil
	}
	return u.saveFile(lang.L("Save the inheritance sheet"), name+" inheritance.pdf", pdf, func(path string) {
		dialog.ShowInformation(lang.L("Saved"), lang.L("Saved to {{.Path}}", map[string]any{"Path": path}), u.Win)
	})
}
