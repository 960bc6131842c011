package state

import (
	"context"
	"errors"
	"sync"

	"github.com/passcrow/passcrow-desktop/internal/hint"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// Mailbox passwords are asked for when a mailbox is opened, and kept
// only when the user ticks "keep it": then in the store packs are kept
// in (the OS keychain), under a name no pack can have, never in
// Preferences.
const loginPrefix = "passcrow-imap-login:"

// MaskedUser is a mailbox's username as shown: "a*@e*ple.org".
func MaskedUser(user string) string { return hint.Mask("email", user) }

func loginKey(a mailbox.Account) string {
	return loginPrefix + a.Host + "\x00" + a.Username
}

// keptLogin is the password the user let the app keep for rec's mailbox,
// or nil.
func (s *State) keptLogin(rec recovery.Record) (*recovery.Login, error) {
	a, err := mailbox.RecordAccount(rec)
	if err != nil {
		return nil, err
	}
	b, err := s.packs().Get(loginKey(a))
	if err != nil || len(b) == 0 {
		return nil, err
	}
	return &recovery.Login{Password: string(b)}, nil
}

// keepLogin keeps a mailbox's password, as the user asked.
func (s *State) keepLogin(rec recovery.Record, password string) error {
	a, err := mailbox.RecordAccount(rec)
	if err != nil {
		return err
	}
	return s.packs().Put(loginKey(a), []byte(password))
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
