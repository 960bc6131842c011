package state

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/passcrow/passcrow-desktop/internal/hint"
	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// Mailbox passwords are asked for when a mailbox is opened, and kept
// only when the user ticks "keep it" (KeepMailboxPassword: the store
// packs are kept in, the OS keychain), never in Preferences.

// MaskedUser is a mailbox's username as shown: "a*@e*ple.org".
func MaskedUser(user string) string { return hint.Mask("email", user) }

// keptLogin is the password the user let the app keep for rec's mailbox,
// or nil.
func (s *State) keptLogin(rec recovery.Record) (*recovery.Login, error) {
	a, err := mailbox.RecordAccount(rec)
	if err != nil {
		return nil, err
	}
	if pw := s.MailboxPassword(a); pw != "" {
		return &recovery.Login{Password: pw}, nil
	}
	return nil, nil
}

// keepLogin keeps a mailbox's password, as the user asked.
func (s *State) keepLogin(rec recovery.Record, password string) error {
	a, err := mailbox.RecordAccount(rec)
	if err != nil {
		return err
	}
	return s.KeepMailboxPassword(a, password)
}

// chosenMailServer says whether the user chose host as a mail server of
// theirs (protecting with it, or restoring from it): a pack from
// elsewhere can name any server, which would learn the password typed.
func (s *State) chosenMailServer(host string) bool {
	chosen, err := packstore.ChosenServers(s.packs())
	return err == nil && slices.Contains(chosen, "imap:"+strings.ToLower(host))
}

// A LoginAsker asks the user for a mailbox's password when the app must
// open one outside a recovery (forgetting an item deletes its message):
// host and user (masked) say which; it returns "" when the user declines.
type LoginAsker func(ctx context.Context, host, user string) (password string, err error)

// The app has one window that asks; the mailbox keeper is built afresh
// for each flow (keepers()), so the asker is kept here.
var (
	loginMu    sync.Mutex
	loginAsk   LoginAsker
	loginState *State
)

// SetLoginAsker makes ask the way mailbox passwords are asked for, with
// s's kept passwords tried first.
func (s *State) SetLoginAsker(ask LoginAsker) {
	loginMu.Lock()
	loginAsk, loginState = ask, s
	loginMu.Unlock()
}

// errNoLogin means no password was kept or given for a mailbox.
var errNoLogin = errors.New("the mailbox's password was not given")

// mailboxLogin is the mailbox keeper's Login: the kept password, else
// the user's answer.
func mailboxLogin(ctx context.Context, rec recovery.Record) (*recovery.Login, error) {
	loginMu.Lock()
	ask, s := loginAsk, loginState
	loginMu.Unlock()
	if s != nil {
		if l, err := s.keptLogin(rec); err == nil && l != nil {
			return l, nil
		}
	}
	a, err := mailbox.RecordAccount(rec)
	if err != nil {
		return nil, err
	}
	if ask == nil {
		return nil, errNoLogin
	}
	pw, err := ask(ctx, a.Host, MaskedUser(a.Username))
	if err != nil {
		return nil, err
	}
	if pw == "" {
		return nil, errNoLogin
	}
	return &recovery.Login{Password: pw}, nil
}
