package screens

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/translations"
)

// Settings edits the servers, the reminder interval, the language and
// the reminders at login. Each change is saved at once.
type Settings struct {
	ui        *UI
	Servers   *fyne.Container
	NewServer *widget.Entry
	Days      *widget.Entry
	Language  *widget.Select
	Autostart *widget.Check
	Tor       *TorSettings // settings_tor.go
	Error     *widget.Label
	problem   *ErrorView // around Error: the sentence, and the Go error behind Details
	// DemoStart and DemoMailbox control the local demo server.
	DemoStart, DemoMailbox *widget.Button
}

var languageNames = []string{"", "en", "is"}

func languageLabel(code string) string {
	switch code {
	case "en":
		return "English"
	case "is":
		return "Íslenska"
	}
	return lang.L("Same as the system")
}

// ShowSettings shows the settings screen.
func (u *UI) ShowSettings() {
	s := &Settings{ui: u}
	s.Error = para("")
	s.Error.Importance = widget.DangerImportance
	s.problem = wrapErrorLabel(s.Error)
	s.problem.Clear()
	s.Servers = container.NewVBox()
	s.refreshServers()
	s.NewServer = widget.NewEntry()
	s.NewServer.SetPlaceHolder("https://passcrow.example.org")
	s.NewServer.OnSubmitted = func(string) { s.onAddServer() }
	add := widget.NewButtonWithIcon(lang.L("Add server"), theme.ContentAddIcon(), s.onAddServer)

	s.Days = widget.NewEntry()
	s.Days.SetText(strconv.Itoa(u.State.ReminderDays()))
	s.Days.Validator = func(t string) error {
		if n, err := strconv.Atoi(strings.TrimSpace(t)); err != nil || n < 1 || n > 3650 {
			return errBadDays
		}
		return nil
	}
	s.Days.OnChanged = func(t string) {
		if s.Days.Validator(t) == nil {
			n, _ := strconv.Atoi(strings.TrimSpace(t))
			if err := u.State.SetReminderDays(n); err != nil {
				s.reminderError(err)
			}
		}
	}

	var labels []string
	for _, c := range languageNames {
		labels = append(labels, languageLabel(c))
	}
	s.Language = widget.NewSelect(labels, nil)
	s.Language.SetSelected(languageLabel(u.State.Language()))
	s.Language.OnChanged = func(label string) {
		if err := u.State.SetLanguage(languageNames[slices.Index(labels, label)]); err != nil {
			s.reminderError(err)
			return
		}
		s.Error.SetText(lang.L("The language changes the next time Passcrow starts."))
		s.Error.Importance = widget.MediumImportance // LowImportance is the disabled colour, too faint to read
		s.Error.Refresh()
	}

	s.Autostart = widget.NewCheck(lang.L("Check for due renewals when I log in"), nil)
	on, err := u.State.AutostartEnabled()
	s.Autostart.SetChecked(on && err == nil)
	s.Autostart.OnChanged = func(on bool) {
		// A choice made here answers the overview's one-time offer too.
		u.State.SetAutostartOffered()
		if err := u.State.SetAutostart(on); err != nil {
			s.reminderError(err)
		}
	}

	s.Tor = u.newTorSettings()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Renew every (days)"), s.Days),
		widget.NewFormItem(lang.L("Language"), s.Language),
	)
	body := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Servers"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.Servers,
		container.NewBorder(nil, nil, nil, add, s.NewServer),
		s.demoBox(), // settings_demo.go
		widget.NewSeparator(),
		form,
		s.Autostart,
		para(lang.L("Passcrow also reminds you to renew when a server's fragment expires within 60 days.")),
		widget.NewSeparator(),
		s.Tor.box,
		s.problem,
	)
	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), u.ShowOverview)
	u.show(s, page(lang.L("Settings"), container.NewVScroll(body), u.aboutButton(), back))
}

// reminderError says the login reminder could not be changed.
func (s *Settings) reminderError(err error) {
	s.problem.Explain(s.ui, lang.L("Could not change the login reminder."), err)
}

type settingsError string

func (e settingsError) Error() string { return translations.Text(string(e)) }

const errBadDays = settingsError("a number of days from 1 to 3650")

func (s *Settings) refreshServers() {
	s.Servers.RemoveAll()
	list := s.ui.State.Servers()
	if len(list) == 0 {
		msg := lang.L("No servers yet. Add one, or try Passcrow with the local demo server.")
		if s.ui.State.Demo() != nil {
			msg = lang.L("No servers yet but the demo server on this computer, which is for trying Passcrow. Add a real server before you protect something that matters.")
		}
		s.Servers.Add(para(msg))
	}
	for _, url := range list {
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			s.ui.State.SetServers(slices.DeleteFunc(s.ui.State.Servers(), func(x string) bool { return x == url }))
			s.refreshServers()
		})
		s.Servers.Add(container.NewBorder(nil, nil, nil, remove, widget.NewLabel(url)))
	}
}

func (s *Settings) onAddServer() {
	url := strings.TrimRight(strings.TrimSpace(s.NewServer.Text), "/")
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://127.0.0.1:") {
		s.Error.SetText(lang.L("A server address starts with https://"))
		return
	}
	s.Error.SetText("")
	s.NewServer.SetText("")
	s.ui.State.SetServers(appendNew(s.ui.State.Servers(), url))
	s.refreshServers()
}
