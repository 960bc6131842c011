package mailbox

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// A Location keeps a fragment in one of the user's IMAP mailboxes.
type Location struct {
	acct     Account
	password string
	// Now is the clock for the message's date; nil means time.Now.
	Now func() time.Time
}

var (
	_ recovery.Location   = (*Location)(nil)
	_ recovery.Identifier = (*Location)(nil)
)

// NewLocation is the location for a, logging in with password when the
// fragment is placed. The password stays in memory only.
func NewLocation(a Account, password string) (*Location, error) {
	a, err := a.normalized()
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, errors.New("mailbox: no password")
	}
	return &Location{acct: a, password: password}, nil
}

// Kind is Kind.
func (l *Location) Kind() string { return Kind }

// Describe says "mailbox a*@e*ple.org at imap.example.org".
func (l *Location) Describe() string { return l.acct.Describe() }

// Identity is the server, username and folder, unmasked.
func (l *Location) Identity() string { return l.acct.Identity() }

// Account is the location's account.
func (l *Location) Account() Account { return l.acct }

// Place saves f, sealed under a new key, as the attachment of a message
// in the account's folder (created when missing). When it fails it
// leaves nothing behind: not the message, not a folder it created.
func (l *Location) Place(ctx context.Context, f recovery.Fragment, o recovery.PlaceOptions) (recovery.Record, error) {
	if len(f) == 0 {
		return recovery.Record{}, errors.New("mailbox location: empty fragment")
	}
	where := l.Describe()
	report := func(stage string, fraction float64) {
		if o.Progress != nil {
			o.Progress(recovery.Progress{Location: where, Stage: stage, Fraction: fraction})
		}
	}
	key, err := recovery.NewSealKey()
	if err != nil {
		return recovery.Record{}, err
	}
	defer clear(key)
	text, err := sealText(key, f)
	if err != nil {
		return recovery.Record{}, err
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	id := randomHex(fragmentIDLen / 2)
	msg := fragmentDraft(l.acct, id, text, o.Description, now()).bytes()
	raw, err := json.Marshal(recordData{
		Host: l.acct.Host, Port: l.acct.Port, Security: l.acct.Security,
		Username: l.acct.Username, Folder: l.acct.Folder, Auth: l.acct.Auth,
		FragmentID: id, SealKey: recovery.EncodeSealKey(key),
	})
	if err != nil {
		return recovery.Record{}, err
	}

	report("connecting", -1)
	s, err := dial(ctx, l.acct, l.password)
	if err != nil {
		return recovery.Record{}, err
	}
	defer s.close()
	created, err := s.ensureFolder(l.acct.Folder)
	if err != nil {
		return recovery.Record{}, err
	}
	report("sending", -1)
	if _, err := s.appendMessage(l.acct.Folder, msg); err != nil {
		return recovery.Record{}, errors.Join(err, l.undo(ctx, s, id, created))
	}
	report("done", 1)
	return recovery.Record{
		Kind:   Kind,
		Prefix: o.Prefix,
		Hint:   where,
		Data:   raw,
	}, nil
}

// undoTimeout bounds the clean-up after a failed placement, which must
// happen even when ctx was cancelled.
const undoTimeout = time.Minute

// undo removes what a failed placement may have left: the message (an
// APPEND whose answer was lost may have been stored) and the folder when
// this placement created it. It uses a fresh connection when the one in
// hand broke.
func (l *Location) undo(ctx context.Context, s *session, id string, created bool) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	if s.ctx.Err() != nil || isClosed(s) {
		fresh, err := dial(ctx, l.acct, l.password)
		if err != nil {
			return fmt.Errorf("mailbox: cleaning up after the failure: %w", err)
		}
		defer fresh.close()
		s = fresh
	}
	err := deleteByID(s, l.acct.Folder, id)
	if err == nil && created {
		err = s.removeFolderIfEmpty(l.acct.Folder)
	}
	if err != nil {
		return fmt.Errorf("mailbox: cleaning up after the failure: %w", err)
	}
	return nil
}

func isClosed(s *session) bool {
	select {
	case <-s.c.Closed():
		return true
	default:
		return false
	}
}

// deleteByID deletes the fragment message id in folder, if it is there.
func deleteByID(s *session, folder, id string) error {
	ok, err := s.selectFolder(folder, false)
	if err != nil || !ok {
		return err
	}
	uids, err := s.find(FragmentHeader, id)
	if err != nil {
		return err
	}
	return errors.Join(s.expunge(uids), s.deselect())
}

// tlsConfigured returns a with cfg as its TLS configuration when a has
// none.
func tlsConfigured(a Account, cfg *tls.Config) Account {
	if a.TLSConfig == nil {
		a.TLSConfig = cfg
	}
	return a
}
