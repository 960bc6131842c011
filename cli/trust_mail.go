package cli

import (
	"slices"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// A pack names the mail servers its mailbox fragments are on, and recover,
// check and forget log in there with the user's password. A pack from
// someone else (import, a planted pack copy) could name a server they
// run, with the user's own username, to collect the password. So mail
// servers are chosen as Passcrow servers are: protect and --trust-servers
// remember them (in the same store entry, as "imap:HOST"), and a mailbox
// password goes only to a chosen one.

// mailHosts lists the mail servers of p's mailbox records, as the store
// remembers them ("imap:imap.example.org").
func mailHosts(p *recovery.Pack) []string {
	var out []string
	for _, r := range p.Records {
		if r.Kind != mailbox.Kind {
			continue
		}
		a, err := mailbox.RecordAccount(r)
		if err != nil {
			continue
		}
		if h := mailHost(a); !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func mailHost(a mailbox.Account) string { return "imap:" + strings.ToLower(a.Host) }

// checkMailHosts refuses, unless trust, to log in to a mail server p
// names that the user never chose; with trust it remembers them.
func (e *env) checkMailHosts(cmd string, st platform.Store, p *recovery.Pack, trust bool) error {
	hosts := mailHosts(p)
	if len(hosts) == 0 {
		return nil
	}
	chosen, err := packstore.ChosenServers(st)
	if err != nil {
		e.notice("passcrow: %v", err)
	}
	var unknown []string
	for _, h := range hosts {
		if !slices.Contains(chosen, h) {
			unknown = append(unknown, h)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	if !trust {
		return &untrustedError{cmd: cmd, what: "this pack", sends: "your mailbox passwords", servers: hosts, unknown: unknown}
	}
	e.notice("  --trust-servers: logging in to %s, and remembering them as yours", strings.Join(cleanAll(unknown), ", "))
	if err := packstore.AddChosenServers(st, unknown...); err != nil {
		e.notice("passcrow: could not remember the mail servers (you will be asked again): %v", err)
	}
	return nil
}

// willLogIn tells whether a command with these password sources would
// log in to p's mailboxes: with a password file, or asking at a terminal.
func (e *env) willLogIn(p *recovery.Pack, m *mailLogins) bool {
	return len(mailHosts(p)) > 0 && (len(m.files) > 0 || e.terminal)
}
