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
	s.IdentityError.Importance = widget.DangerImportance
	id, err := state.ParseIdentity(s.Identity.Text)
	if err != nil {
		s.IdentityError.SetText(lang.L("“{{.Text}}” is not an e-mail address or an international phone number (+ country code).", map[string]any{"Text": strings.TrimSpace(s.Identity.Text)}))
		return false
	}
	// The same mailbox typed twice would count as two independent
	// fragments while one person reading it gets both codes: say so
	// instead of adding it, or of dropping it without a word.
	if i := slices.IndexFunc(s.Plan.Identities, func(x string) bool { return sameMailbox(x, id) }); i >= 0 {
		_, had, _ := strings.Cut(s.Plan.Identities[i], ":")
		_, typed, _ := strings.Cut(id, ":")
		s.IdentityError.Importance = widget.WarningImportance
		if had == typed {
			s.IdentityError.SetText(lang.L("{{.Address}} is already in the list.", map[string]any{"Address": had}))
		} else {
			s.IdentityError.SetText(lang.L("{{.Typed}} is the same mailbox as {{.Address}} (capital letters make no difference), so it is not added again. Each address should be a different mailbox.", map[string]any{"Typed": typed, "Address": had}))
		}
		s.IdentityError.Refresh()
		s.Identity.SetText("")
		return true
	}
	s.IdentityError.SetText("")
	s.Plan.Identities = append(s.Plan.Identities, id)
	s.Identity.SetText("")
	if s.Step == stepIdentities {
		s.Error.SetText("") // "add at least one" is answered
	}
	s.refreshIdentities()
	return true
}

// sameMailbox reports whether two identities (from state.ParseIdentity)
// reach the same person: e-mail addresses compare without regard to
// case, the domain always (RFC 5321) and the local part too, since
// practically every provider ignores its case.
func sameMailbox(a, b string) bool {
	ka, aa, _ := strings.Cut(a, ":")
	kb, ab, _ := strings.Cut(b, ":")
	if ka != kb {
		return false
	}
	if ka == state.KindEmail {
		return strings.EqualFold(aa, ab)
	}
	return aa == ab
}

// revalidateIdentity takes back the address error as soon as the
// entry is empty or holds an address again.
func (s *Setup) revalidateIdentity() {
	if s.IdentityError == nil || s.IdentityError.Text == "" {
		return
	}
	if s.IdentityError.Importance != widget.DangerImportance {
		// A note on the address just added goes once the next is typed.
		if s.Identity.Text != "" {
			s.IdentityError.SetText("")
		}
		return
	}
	if strings.TrimSpace(s.Identity.Text) == "" {
		s.IdentityError.SetText("")
		return
	}
	if _, err := state.ParseIdentity(s.Identity.Text); err == nil {
		s.IdentityError.SetText("")
	}
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
