package state

import "time"

// Preference keys. They are fixed: renaming one loses the user's setting.
// Secrets never go into preferences.
const (
	prefServers      = "servers"        // []string: server URLs the user chose
	prefReminderDays = "reminder.days"  // int: renew every this many days
	prefLanguage     = "language"       // string: "", "en" or "is"
	prefWelcomed     = "welcome.seen"   // bool: the first-run screen was shown
	prefDemoPort     = "demo.port"      // int: the demo server port last used
	prefFileStoreOK  = "store.files"    // bool: with no keychain, packs may be kept as files
	prefAutostartAsk = "reminder.asked" // bool: the login reminder was offered once
)

// DefaultReminderDays is the renewal interval until the user sets another.
const DefaultReminderDays = 365

// ExpiryWarning is how long before an escrow expires that renewal is due.
const ExpiryWarning = 60 * 24 * time.Hour

// KnownServers are the public servers offered in the setup wizard: the
// one the reference client and Mailpile use by default. The user can add
// others in settings.
var KnownServers = []string{"https://passcrow.mailpile.is"}

// Servers are the server URLs the user configured, without the demo.
func (s *State) Servers() []string {
	return s.prefs.StringListWithFallback(prefServers, nil)
}

// SetServers saves the configured servers.
func (s *State) SetServers(urls []string) { s.prefs.SetStringList(prefServers, urls) }

// ReminderDays is the renewal interval in days.
func (s *State) ReminderDays() int {
	d := s.prefs.IntWithFallback(prefReminderDays, DefaultReminderDays)
	if d < 1 {
		return DefaultReminderDays
	}
	return d
}

// SetReminderDays saves the renewal interval, and writes it into the
// login reminder when that is on.
func (s *State) SetReminderDays(days int) error {
	s.prefs.SetInt(prefReminderDays, days)
	return s.RefreshAutostart()
}

// Language is the chosen language ("" follows the system).
func (s *State) Language() string { return s.prefs.StringWithFallback(prefLanguage, "") }

// SetLanguage saves the language; it applies from the next start, and
// at once to the login reminder when that is on.
func (s *State) SetLanguage(code string) error {
	s.prefs.SetString(prefLanguage, code)
	return s.RefreshAutostart()
}

// Welcomed reports whether the first-run screen was already shown.
func (s *State) Welcomed() bool { return s.prefs.BoolWithFallback(prefWelcomed, false) }

// SetWelcomed records that the first-run screen was shown.
func (s *State) SetWelcomed() { s.prefs.SetBool(prefWelcomed, true) }

// AutostartOffered reports whether the app already offered, once, to
// turn on the login reminder.
func (s *State) AutostartOffered() bool { return s.prefs.BoolWithFallback(prefAutostartAsk, false) }

// SetAutostartOffered records that the offer was answered.
func (s *State) SetAutostartOffered() { s.prefs.SetBool(prefAutostartAsk, true) }
