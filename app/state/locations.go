package state

import (
	"errors"
	"fmt"
	"net/mail"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// Locations besides e-mail identities on Passcrow servers: a printed
// sheet, a file on a USB stick, a mailbox of the user's, a friend's
// inbox, an heir. Each is an Extra of the plan; Protect turns each into
// the recovery library's Location of its kind.

// ExtraKind names a kind of extra location, as packs name it.
type ExtraKind string

const (
	ExtraPaper   ExtraKind = paper.Kind
	ExtraMedia   ExtraKind = media.Kind
	ExtraMailbox ExtraKind = mailbox.Kind
	ExtraFriend  ExtraKind = friend.Kind
	ExtraHeir    ExtraKind = heir.Kind
)

// An Extra is one location of a kind other than a Passcrow server's
// e-mail identity. Only the fields of its Kind are used. Passwords are
// held in memory only; the plan saved for renewal has none of this.
type Extra struct {
	Kind ExtraKind

	// Paper and Media: the folder to write to (a USB stick's for media).
	Dir string
	// Paper: Letter size instead of A4, and whether the sheet lists
	// every location of the pack.
	Letter, ListAll bool

	// Mailbox: the user's IMAP account. KeepPassword keeps the password
	// in the keychain beside the packs, when the user ticks it.
	Mailbox      mailbox.Account
	Password     string
	KeepPassword bool

	// Friend: the friend's address, and the user's own SMTP account the
	// letter goes through (with its password).
	To   string
	SMTP friend.Account

	// Heir: the heir's and the owner's addresses (plain, not "email:"),
	// the waiting period in days, and the Passcrow server that keeps it.
	Heir, Notify string
	Days         int
	Server       string
}

// Heir waiting periods the wizard offers, in days.
const (
	MinHeirDays = 7
	MaxHeirDays = 30
)

// Describe says where the extra's fragment goes, in the library's words.
func (e Extra) Describe() string {
	switch e.Kind {
	case ExtraPaper:
		return "a printed sheet saved in " + e.Dir
	case ExtraMedia:
		return "a file in " + e.Dir
	case ExtraMailbox:
		return fmt.Sprintf("mailbox %s at %s", e.Mailbox.Username, e.Mailbox.Host)
	case ExtraFriend:
		return "a friend, " + e.To
	case ExtraHeir:
		return fmt.Sprintf("an heir, %s, after %d days, via %s", e.Heir, e.Days, e.Server)
	}
	return string(e.Kind)
}

// Check reports what keeps the extra from being placed, before anything
// is sent.
func (e Extra) Check() error {
	switch e.Kind {
	case ExtraPaper, ExtraMedia:
		if strings.TrimSpace(e.Dir) == "" || !filepath.IsAbs(e.Dir) {
			return errors.New("choose a folder")
		}
	case ExtraMailbox:
		if _, err := mailbox.NewLocation(e.Mailbox, e.Password); err != nil {
			return err
		}
	case ExtraFriend:
		if _, err := mail.ParseAddress(e.To); err != nil {
			return fmt.Errorf("%q is not an e-mail address", e.To)
		}
		if _, err := mail.ParseAddress(e.SMTP.From); err != nil {
			return fmt.Errorf("your address %q is not an e-mail address", e.SMTP.From)
		}
		if strings.TrimSpace(e.SMTP.Host) == "" {
			return errors.New("give your mail account's outgoing (SMTP) server")
		}
	case ExtraHeir:
		if _, err := ParseIdentity(e.Heir); err != nil {
			return fmt.Errorf("the heir's address: %w", err)
		}
		if _, err := ParseIdentity(e.Notify); err != nil {
			return fmt.Errorf("your address: %w", err)
		}
		if e.Days < MinHeirDays || e.Days > MaxHeirDays {
			return fmt.Errorf("a waiting period of %d days; choose %d to %d", e.Days, MinHeirDays, MaxHeirDays)
		}
	default:
		return fmt.Errorf("unknown kind of location %q", e.Kind)
	}
	return nil
}

// location makes the library's Location for the extra. number and count
// label sheets ("Sheet 1 of 2") and friends' hints; all names every
// location of the plan, for a sheet that lists them.
// server is the Passcrow server of an heir that names none.
func (e Extra) location(name string, number, count int, all []string, server string) (recovery.Location, error) {
	if err := e.Check(); err != nil {
		return nil, err
	}
	switch e.Kind {
	case ExtraPaper:
		l := &paper.Location{Dir: e.Dir, Paper: sheet.A4, Lang: language(), Title: name}
		if e.Letter {
			l.Paper = sheet.Letter
		}
		if count > 1 {
			l.Label = fmt.Sprintf("Sheet %d of %d", number, count)
		}
		if e.ListAll {
			l.Locations = all
		}
		return l, nil
	case ExtraMedia:
		return &media.Location{Dir: e.Dir, Language: language()}, nil
	case ExtraMailbox:
		return mailbox.NewLocation(e.Mailbox, e.Password)
	case ExtraFriend:
		acct := e.SMTP
		return &friend.Location{Account: &acct, To: e.To, Language: language(), Number: number, Count: count}, nil
	case ExtraHeir:
		if e.Server != "" {
			server = e.Server
		}
		if server == "" {
			return nil, errors.New("choose a server for the heir")
		}
		c, err := client(server)
		if err != nil {
			return nil, err
		}
		heirID, _ := ParseIdentity(e.Heir)
		notify, _ := ParseIdentity(e.Notify)
		return heir.NewLocation(c, heir.Options{Heir: heirID, Notify: notify, DelayDays: e.Days, Language: language()})
	}
	return nil, fmt.Errorf("unknown kind of location %q", e.Kind)
}

// language is the app's language for letters and sheets: Icelandic when
// the system speaks it, else English.
func language() string {
	if strings.HasPrefix(lang.SystemLocale().LanguageString(), "is") {
		return "is"
	}
	return "en"
}
