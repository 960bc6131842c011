package state

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// "Restore from my mailbox" brings back, on a fresh install, a copy of a
// pack the user kept in a mailbox of theirs (SavePackCopy). The copy is
// useless without the fragments, but it names servers, which recovery
// will contact: they are shown, and the ones the user never chose are
// pointed out, before the pack is kept.

// MailAccount makes the account the user typed: host, or host:port, and
// a security of mailbox.TLS, StartTLS or Plain (this computer only).
func MailAccount(host, user string, sec mailbox.Security) (mailbox.Account, error) {
	host = strings.TrimSpace(host)
	a := mailbox.Account{Host: host, Username: strings.TrimSpace(user), Security: sec}
	if h, p, err := net.SplitHostPort(host); err == nil {
		port, perr := strconv.Atoi(p)
		if perr != nil || port < 1 || port > 65535 {
			return a, fmt.Errorf("%q: the port is not a number from 1 to 65535", p)
		}
		a.Host, a.Port = h, port
	}
	if a.Host == "" || a.Username == "" {
		return a, ErrMailAccount
	}
	return a, nil
}

// ErrMailAccount means the server or the username is missing.
var ErrMailAccount = fmt.Errorf("type the mail server and your username")

// PackCopies lists the copies of packs kept in the mailbox.
func (s *State) PackCopies(ctx context.Context, a mailbox.Account, password string) ([]mailbox.PackCopy, error) {
	cs, err := mailbox.ListPacks(ctx, a, password)
	return cs, canceled(ctx, err)
}

// A Restored is a pack copy fetched from a mailbox, not kept yet.
type Restored struct {
	Name    string
	Servers []string // every Passcrow server it names
	Unknown []string // those the user never chose
	acct    mailbox.Account
	pack    *recovery.Pack
}

// FetchPackCopy fetches the newest copy of name from the mailbox and says
// which servers it names.
func (s *State) FetchPackCopy(ctx context.Context, a mailbox.Account, password, name string) (*Restored, error) {
	b, err := mailbox.FetchPack(ctx, a, password, name)
	if err != nil {
		return nil, canceled(ctx, err)
	}
	p, err := recovery.ParsePack(b)
	if err != nil {
		return nil, fmt.Errorf("the copy in the mailbox is not a recovery pack: %w", err)
	}
	return &Restored{Name: name, Servers: recovery.PackServers(p),
		Unknown: recovery.UnknownServers(p, s.knownServers()), acct: a, pack: p}, nil
}

// KeepRestored keeps the pack under its name, made unique, and counts
// its servers and the mailbox's as chosen by the user, who just agreed
// to them. It returns the name used.
func (s *State) KeepRestored(r *Restored) (string, error) {
	b, err := r.pack.Marshal()
	if err != nil {
		return "", err
	}
	name, err := s.Import(b, r.Name)
	if err != nil {
		return "", err
	}
	chosen := append([]string{"imap:" + strings.ToLower(r.acct.Host)}, r.Servers...)
	return name, packstore.AddChosenServers(s.packs(), chosen...)
}
