package screens

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2/lang"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// The setup wizard's policy step: how many codes recovery needs, with
// the trade-off between losing access and someone else getting in.

func (s *Setup) preparePolicy() {
	m := s.Plan.Total()
	var opts []string
	for i := 1; i <= m; i++ {
		opts = append(opts, fmt.Sprint(i))
	}
	s.N.Options = opts
	if s.Plan.Replace == "" && s.defaultFor != m {
		s.defaultFor = m
		s.Plan.Policy, s.Plan.N = defaultPolicy(m)
	}
	s.Policy.SetSelected(s.Policy.Options[slices.Index(policyChoices, s.Plan.Policy)])
	if s.Plan.CanMailpile() && s.Plan.Replace == "" {
		s.Mailpile.SetChecked(s.Plan.Mailpile)
		s.Mailpile.Show()
	} else {
		s.Plan.Mailpile = false
		s.Mailpile.Hide()
	}
	s.onPolicy()
}

func (s *Setup) onPolicy() {
	if s.Policy == nil || s.N == nil || s.Explain == nil {
		return
	}
	if i := slices.Index(s.Policy.Options, s.Policy.Selected); i >= 0 {
		s.Plan.Policy = policyChoices[i]
	}
	if s.Plan.Policy == state.PolicyNofM {
		if n := slices.Index(s.N.Options, s.N.Selected) + 1; n > 0 {
			s.Plan.N = n
		}
		s.N.Enable()
	} else {
		s.N.Disable()
	}
	need := s.Plan.Threshold()
	if s.N.Selected != fmt.Sprint(need) && need > 0 {
		s.N.SetSelected(fmt.Sprint(need))
	}
	m := s.Plan.Total()
	if s.Plan.UsesMailpile() {
		s.Policy.Disable()
		s.N.Disable()
		s.Explain.SetText(policyText(s.Plan) + " " + lang.L("You can lose one mailbox and one friend and still recover; nobody can recover with your mailboxes alone, or with your friends alone."))
		return
	}
	s.Policy.Enable()
	var why string
	switch {
	case need == m && m > 1:
		why = lang.L("Safest against strangers, easiest to lose: if you lose access to even one of these, you cannot recover.")
	case need == 1 && m == 2:
		// The default for two: say why it is not "all of them".
		why = lang.L("Recommended for two: losing access to one is the likelier mishap. Anyone who gets into one of them could recover, but only with your recovery pack too: keep it to yourself.")
	case need == 1 && m > 2:
		why = lang.L("Easiest to recover, weakest against strangers: anyone who gets into just one of these can recover your secret.")
	case need == 1:
		why = lang.L("With one address or number, recovery needs its code, and whoever can read it can recover.")
	default:
		why = lang.L("A balance: you can lose access to {{.Spare}} and still recover, and someone would have to get into {{.Need}} of them to recover without you.", map[string]any{"Spare": m - need, "Need": need})
	}
	s.Explain.SetText(policyText(s.Plan) + " " + why)
}

// policyText says what recovery will need, over every kind of place.
func policyText(p state.Plan) string {
	if p.UsesMailpile() {
		b, ob, f, of := p.MailpileNeeds()
		return lang.L("Recovery will need {{.Boxes}} of your {{.OfBoxes}} mailboxes and {{.Friends}} of your {{.OfFriends}} friends.", map[string]any{"Boxes": b, "OfBoxes": ob, "Friends": f, "OfFriends": of})
	}
	if len(p.Extras) == 0 {
		return lang.L("Recovery will need {{.Need}} of {{.Total}} codes.", map[string]any{"Need": p.Threshold(), "Total": p.Total()})
	}
	return lang.L("Recovery will need {{.Need}} of these {{.Total}} places.", map[string]any{"Need": p.Threshold(), "Total": p.Total()})
}

// defaultPolicy is what the wizard proposes for m places. Losing access
// to one place (a phone number changes, an old address closes) is far
// likelier than a stranger getting into one and also holding the pack,
// which stays on this computer. So never "all of them", which one lost
// place breaks: any one of two, a majority of three or more.
func defaultPolicy(m int) (state.PolicyKind, int) {
	switch {
	case m == 2:
		return state.PolicyAnyOne, 1
	case m >= 3:
		return state.PolicyNofM, m/2 + 1
	}
	return state.PolicyAll, 0
}
