package screens

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// The setup wizard's identities step: the e-mail addresses and phones
// that will receive the codes.

func (s *Setup) onAddIdentity() {
	if s.addIdentity() {
		s.ui.Win.Canvas().Focus(s.Identity)
	}
}

func (s *Setup) addIdentity() bool {
	id, err := state.ParseIdentity(s.Identity.Text)
	if err != nil {
		s.IdentityError.SetText(lang.L("“{{.Text}}” is not an e-mail address or an international phone number (+ country code).", map[string]any{"Text": strings.TrimSpace(s.Identity.Text)}))
		return false
	}
	s.IdentityError.SetText("")
	if !slices.Contains(s.Plan.Identities, id) {
		s.Plan.Identities = append(s.Plan.Identities, id)
	}
	s.Identity.SetText("")
	s.refreshIdentities()
	return true
}

func (s *Setup) refreshIdentities() {
	s.identityList.RemoveAll()
	for _, id := range s.Plan.Identities {
		kind, addr, _ := strings.Cut(id, ":")
		icon := theme.MailComposeIcon()
		if kind == state.KindSMS {
			icon = theme.AccountIcon()
		}
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			s.Plan.Identities = slices.DeleteFunc(s.Plan.Identities, func(x string) bool { return x == id })
			s.refreshIdentities()
		})
		s.identityList.Add(container.NewBorder(nil, nil, widget.NewIcon(icon), remove, widget.NewLabel(addr)))
	}
}

var policyChoices = []state.PolicyKind{state.PolicyAll, state.PolicyAnyOne, state.PolicyNofM}
