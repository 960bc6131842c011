package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// keeperMakers make the Keeper of every kind this program knows, for
// recover, check, forget and protect's clean-up. A new kind appends its
// own in an init of its file.
var keeperMakers = []func(e *env, m *mailLogins) recovery.Keeper{
	func(e *env, _ *mailLogins) recovery.Keeper { return &recovery.PasscrowKeeper{Client: e.newClient} },
	func(e *env, m *mailLogins) recovery.Keeper {
		return &mailbox.Keeper{Login: m.login(e), TLSConfig: m.tls}
	},
	func(*env, *mailLogins) recovery.Keeper { return friend.Keeper{} },
	func(*env, *mailLogins) recovery.Keeper { return sheetKeeper{} },
	func(*env, *mailLogins) recovery.Keeper { return media.Keeper{} },
}

// keepers knows every kind of location this program can use. m says
// where mailbox passwords come from; nil asks at a terminal only.
func (e *env) keepers(m *mailLogins) recovery.Keepers {
	if m == nil {
		m = &mailLogins{}
	}
	var ks []recovery.Keeper
	for _, mk := range keeperMakers {
		ks = append(ks, mk(e, m))
	}
	return recovery.NewKeepers(ks...)
}

// mailLogins are the passwords of the user's mailboxes for one command:
// from --imap-password-file, from protect's own --location values, or
// typed at the terminal when asked, each asked once. They stay in memory.
type mailLogins struct {
	files   strList           // [ACCOUNT=]FILE
	caFiles strList           // --ca-file
	known   map[string]string // by accountKey
	tls     *tls.Config
	// noPrompt keeps a command from asking (protect's clean-up).
	noPrompt bool
}

// remember keeps a password the user gave for a's mailbox.
func (m *mailLogins) remember(a mailbox.Account, pw string) {
	if m.known == nil {
		m.known = map[string]string{}
	}
	m.known[accountKey(a)] = pw
}

// mailboxFlags registers the flags that give mailbox passwords and CAs.
func mailboxFlags(fs *flag.FlagSet) *mailLogins {
	m := &mailLogins{}
	fs.Var(&m.files, "imap-password-file", "read a mailbox's password from the first line of `[ACCOUNT=]FILE`; ACCOUNT is USER@HOST, HOST or USER "+
		"(without it, the file is for every mailbox); repeat for more. At a terminal you are asked instead")
	fs.Var(&m.caFiles, "ca-file", "trust the certificates in this PEM `FILE` too (a mail server with a private CA); repeatable")
	return m
}

// ready reads the CA files.
func (m *mailLogins) ready() error {
	cfg, err := tlsFromCAFile(m.caFiles...)
	if err != nil {
		return usagef("--ca-file: %v", err)
	}
	m.tls = cfg
	return nil
}

func accountKey(a mailbox.Account) string {
	return strings.ToLower(a.Username + "@" + a.Host)
}

// errNoMailboxPassword means a mailbox's password was not given.
var errNoMailboxPassword = errors.New("its password was not given")

// password finds the password of a's mailbox: a file for it, else the
// person at the terminal, else errNoMailboxPassword.
func (m *mailLogins) password(e *env, a mailbox.Account) (string, error) {
	key := accountKey(a)
	if pw, ok := m.known[key]; ok {
		if pw == "" {
			return "", errNoMailboxPassword
		}
		return pw, nil
	}
	if m.known == nil {
		m.known = map[string]string{}
	}
	for _, f := range m.files {
		account, path, ok := strings.Cut(f, "=")
		if !ok {
			account, path = "", f
		}
		account = strings.ToLower(account)
		if account != "" && account != key && account != strings.ToLower(a.Host) && account != strings.ToLower(a.Username) {
			continue
		}
		pw, err := readPasswordFile(path)
		if err != nil {
			return "", fmt.Errorf("--imap-password-file: %w", err)
		}
		m.known[key] = pw
		return pw, nil
	}
	if m.noPrompt || !e.terminal {
		m.known[key] = ""
		return "", errNoMailboxPassword
	}
	pw, err := e.readHiddenLine(fmt.Sprintf("Password of the mailbox %s at %s (empty to skip it): ", termtext.Clean(a.Username), termtext.Clean(a.Host)))
	if err != nil {
		return "", err
	}
	m.known[key] = pw
	if pw == "" {
		return "", errNoMailboxPassword
	}
	return pw, nil
}

// login is the mailbox Keeper's Login: the record's account, and its
// password as password finds it.
func (m *mailLogins) login(e *env) func(context.Context, recovery.Record) (*recovery.Login, error) {
	return func(_ context.Context, r recovery.Record) (*recovery.Login, error) {
		a, err := mailbox.RecordAccount(r)
		if err != nil {
			return nil, err
		}
		pw, err := m.password(e, a)
		if err != nil {
			return nil, fmt.Errorf("the mailbox %s at %s: %w (give --imap-password-file, or run at a terminal to be asked)", a.Username, a.Host, err)
		}
		return &recovery.Login{Password: pw}, nil
	}
}

// sheetKeeper is paper.Keeper whose Delete removes only a file that is a
// sheet as this program writes them (passcrow-sheet-DATE-ID.pdf, a PDF,
// not a link): a pack from elsewhere (import, restore) names its sheet's
// file, and could name any file of the user's for forget to delete.
type sheetKeeper struct{ paper.Keeper }

var sheetName = regexp.MustCompile(`^passcrow-sheet-\d{4}-\d\d-\d\d-[0-9a-f]{8}\.pdf$`)

func (k sheetKeeper) Delete(ctx context.Context, r recovery.Record) error {
	path := recordFile(r)
	if path == "" {
		return k.Keeper.Delete(ctx, r)
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	ok := err == nil && fi.Mode().IsRegular() && sheetName.MatchString(filepath.Base(path))
	if ok {
		b := make([]byte, 4)
		f, err := os.Open(path)
		if err == nil {
			_, err = io.ReadFull(f, b)
			f.Close()
		}
		ok = err == nil && string(b) == "%PDF"
	}
	if !ok {
		return fmt.Errorf("the pack says its sheet was saved as %q, which is not a sheet's PDF file: it was left alone", termtext.Clean(path))
	}
	return k.Keeper.Delete(ctx, r)
}
