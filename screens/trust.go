package screens

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ServerTrust asks before an item's pack sends anything to a server the
// user never chose: one that is not in the settings, not the known public
// server and not the running demo. A pack can come from someone else (an
// imported file, a copy kept for a friend), and the servers it names are
// sent the escrows' keys and asked to send codes to the user's addresses,
// so a stranger's server would learn who recovers what, and when. Cancel
// is the default.
type ServerTrust struct {
	Name    string
	All     []string // every server the pack names
	Unknown []string // those the user never chose
	Warning *widget.Label
	Cancel  *widget.Button
	GoOn    *widget.Button
}

// checkServers calls goOn with the servers name's pack contacts, at once
// when the user chose all of them, else after asking. When the pack
// cannot be read goOn gets nil, and the flow it starts says why.
func (u *UI) checkServers(name, title string, goOn func(servers []string)) {
	all, unknown, err := u.State.PackServers(name)
	all, unknown = shownNames(all), shownNames(unknown)
	if err != nil || len(unknown) == 0 {
		goOn(all)
		return
	}
	s := &ServerTrust{Name: name, All: all, Unknown: unknown}
	s.Warning = para(lang.L("This pack names a server you never chose: {{.Servers}}. It is not among your servers in the settings, nor Passcrow's public server. Whoever made the pack picked it; if that was not you, the server may be theirs, and it would learn when you recover this and where your codes go. Go on only if you know and trust it.", map[string]any{"Servers": strings.Join(unknown, ", ")}))
	s.Warning.Importance = widget.DangerImportance
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), u.ShowOverview)
	s.Cancel.Importance = widget.HighImportance
	s.GoOn = widget.NewButtonWithIcon(lang.L("Contact them anyway"), theme.WarningIcon(), func() { goOn(all) })
	s.GoOn.Importance = widget.DangerImportance
	body := container.NewVBox(
		para(lang.L("To go on, Passcrow contacts these servers: they are sent the keys to their fragments and asked to send you codes.")),
		widget.NewLabel(strings.Join(all, "\n")),
		s.Warning,
	)
	u.show(s, page(title, container.NewVScroll(body), s.GoOn, s.Cancel))
	u.Win.Canvas().Focus(s.Cancel)
}

// shownNames makes server names from a pack fit to show: a name no
// client would accept is listed as the pack wrote it, so control and
// invisible characters (a new line, a right-to-left mark) that could
// make it look like another are replaced, and a long one is cut.
func shownNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		n = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				return '?'
			}
			return r
		}, n)
		if r := []rune(n); len(r) > 80 {
			n = string(r[:80]) + "…"
		}
		out[i] = n
	}
	return out
}
