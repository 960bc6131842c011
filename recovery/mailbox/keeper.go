package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// A Keeper uses the records mailbox locations made: it gathers a
// fragment back with the user's login, checks that it is still there,
// and deletes it.
type Keeper struct {
	// Login gives the username and password of a record's mailbox when
	// Delete or Check (or Gather) is given none: the program asks the
	// user, or the keychain when the user let it keep the password. It
	// may return a nil Login and an error when the user declines.
	Login func(ctx context.Context, r recovery.Record) (*recovery.Login, error)
	// TLSConfig is the base TLS configuration for every record (a
	// program or test that trusts a private CA sets RootCAs).
	TLSConfig *tls.Config
}

var (
	_ recovery.Gatherer = (*Keeper)(nil)
	_ recovery.Checker  = (*Keeper)(nil)
	_ recovery.Keeper   = (*Location)(nil)
)

// Limits on what is read back: a fragment message is a few kilobytes.
const (
	maxFragmentMessage = 256 << 10
	maxFragmentFile    = 16 << 10
)

// Kind is Kind.
func (k *Keeper) Kind() string { return Kind }

// Asks is a login: the mailbox's password (and username, which the
// record knows; RecordAccount says it).
func (k *Keeper) Asks(recovery.Record) recovery.Ask { return recovery.AskLogin }

// login is in's login, else the program's, with the record's username
// when the user gave none.
func (k *Keeper) login(ctx context.Context, r recovery.Record, a Account, in *recovery.Login) (Account, string, error) {
	if in == nil && k.Login != nil {
		var err error
		if in, err = k.Login(ctx, r); err != nil {
			return a, "", err
		}
	}
	if in == nil || in.Password == "" {
		return a, "", errors.New("mailbox: the password of the mailbox is needed")
	}
	if in.Username != "" {
		a.Username = in.Username
	}
	return tlsConfigured(a, k.TLSConfig), in.Password, nil
}

// session opens r's mailbox and its folder (read-only or not), and finds
// the fragment's message. No message means ErrGone.
func (k *Keeper) session(ctx context.Context, r recovery.Record, in *recovery.Login, readOnly bool) (*session, recordData, []byte, []imap.UID, error) {
	d, a, key, err := readRecord(r)
	if err != nil {
		return nil, d, nil, nil, err
	}
	a, password, err := k.login(ctx, r, a, in)
	if err != nil {
		return nil, d, nil, nil, err
	}
	s, err := dial(ctx, a, password)
	if err != nil {
		return nil, d, nil, nil, err
	}
	ok, err := s.selectFolder(a.Folder, readOnly)
	if err == nil && !ok {
		err = fmt.Errorf("%w (the folder %q is gone)", ErrGone, a.Folder)
	}
	var uids []imap.UID
	if err == nil {
		uids, err = s.find(FragmentHeader, d.FragmentID)
	}
	if err == nil && len(uids) == 0 {
		err = fmt.Errorf("%w (not in the folder %q)", ErrGone, a.Folder)
	}
	if err != nil {
		s.close()
		return nil, d, nil, nil, err
	}
	return s, d, key, uids, nil
}

// Gather logs in with in.Login, finds the fragment's message and opens
// its attachment. A message whose attachment does not open (changed, or
// another pack's) gives recovery.ErrWrongFragment.
func (k *Keeper) Gather(ctx context.Context, r recovery.Record, in recovery.Input) (recovery.Fragment, error) {
	s, _, key, uids, err := k.session(ctx, r, in.Login, true)
	if err != nil {
		return nil, err
	}
	defer s.close()
	defer clear(key)
	return openMessages(s, key, uids)
}

// openMessages opens the first of the messages whose attachment is the
// fragment of key.
func openMessages(s *session, key []byte, uids []imap.UID) (recovery.Fragment, error) {
	msgs, err := s.fetch(uids, maxFragmentMessage)
	if err != nil {
		return nil, err
	}
	err = fmt.Errorf("%w (the message is too large to be Passcrow's)", recovery.ErrWrongFragment)
	for _, m := range msgs {
		if m.tooBig {
			continue
		}
		var f recovery.Fragment
		if f, err = openMessage(key, m.raw); err == nil {
			return f, nil
		}
	}
	return nil, err
}

// openMessage finds the fragment of key in a message's attachment (or,
// failing that, its text).
func openMessage(key []byte, raw []byte) (recovery.Fragment, error) {
	ps, err := parts(raw, maxFragmentFile)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", recovery.ErrWrongFragment, err)
	}
	if len(ps) == 0 || !ps[0].attachment {
		return nil, fmt.Errorf("%w (the message has lost its attachment)", recovery.ErrWrongFragment)
	}
	err = recovery.ErrWrongFragment
	for _, p := range ps {
		f, perr := openText(key, string(p.data))
		if perr == nil {
			return f, nil
		}
		if p.attachment {
			err = perr
		}
	}
	return nil, err
}

// Check says whether the fragment's message is still in its folder and
// its attachment still opens. It logs in with in.Login, else the
// program's Login.
func (k *Keeper) Check(ctx context.Context, r recovery.Record, in recovery.Input) (recovery.Health, error) {
	s, d, key, uids, err := k.session(ctx, r, in.Login, true)
	if errors.Is(err, ErrGone) {
		return recovery.Health{Present: false, Detail: "the message is gone: " + err.Error()}, nil
	}
	if err != nil {
		return recovery.Health{}, err
	}
	defer s.close()
	defer clear(key)
	f, err := openMessages(s, key, uids)
	if errors.Is(err, recovery.ErrWrongFragment) {
		return recovery.Health{Present: false, Detail: fmt.Sprintf("the message is in the folder %q but its fragment does not open: %v", d.Folder, err)}, nil
	}
	if err != nil {
		return recovery.Health{}, err
	}
	clear(f)
	return recovery.Health{Present: true, Detail: fmt.Sprintf("the message is in the folder %q", d.Folder)}, nil
}

// Delete deletes and expunges the fragment's message, and only it. A
// message (or folder) that is gone already is not an error. It logs in
// with the program's Login.
func (k *Keeper) Delete(ctx context.Context, r recovery.Record) error {
	s, _, key, uids, err := k.session(ctx, r, nil, false)
	if errors.Is(err, ErrGone) {
		return nil
	}
	if err != nil {
		return err
	}
	defer s.close()
	clear(key)
	return errors.Join(s.expunge(uids), s.deselect())
}

// Delete deletes a fragment this location placed, with the password it
// was given, so Protect can roll back without a Keeper.
func (l *Location) Delete(ctx context.Context, r recovery.Record) error {
	k := &Keeper{
		TLSConfig: l.acct.TLSConfig,
		Login: func(context.Context, recovery.Record) (*recovery.Login, error) {
			return &recovery.Login{Username: l.acct.Username, Password: l.password}, nil
		},
	}
	return k.Delete(ctx, r)
}
