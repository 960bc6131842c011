package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// A copy of the Recovery Pack in one of the user's mailboxes survives the
// loss of the computer: backup-pack saves it, restore brings it back on a
// fresh install. The copy is useless without enough fragments, and the
// library refuses a mailbox that holds enough of them itself.

const imapUsage = "the mailbox: `USER@HOST[:PORT][,security=tls|starttls|plain][,folder=F][,password-file=F][,ca-file=F]` " +
	"(the password from the file, or asked at a terminal)"

// openMailbox reads --imap's value and the mailbox's password.
func (e *env) openMailbox(cmd, spec string) (mailbox.Account, string, error) {
	if spec == "" {
		return mailbox.Account{}, "", usagef("%s: give the mailbox with --imap USER@HOST", cmd)
	}
	s, err := parseLocSpec("imap=" + spec)
	if err != nil {
		return mailbox.Account{}, "", usagef("%s: --imap: %v", cmd, err)
	}
	acct, err := imapAccount(s)
	if err != nil {
		return mailbox.Account{}, "", err
	}
	pw, err := e.password(s, fmt.Sprintf("Password of the mailbox %s at %s: ", acct.Username, acct.Host))
	if err != nil {
		return mailbox.Account{}, "", err
	}
	if err := s.checkUsed(); err != nil {
		return mailbox.Account{}, "", usagef("%s: --imap: %v", cmd, err)
	}
	return acct, pw, nil
}

func folderOf(a mailbox.Account) string {
	if a.Folder == "" {
		return mailbox.DefaultFolder
	}
	return a.Folder
}

func runBackupPack(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "backup-pack", "NAME --imap USER@HOST[:PORT][,OPTION...]", &c)
	spec := fs.String("imap", "", imapUsage)
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	acct, pw, err := e.openMailbox("backup-pack", *spec)
	if err != nil {
		return err
	}
	_, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	if err := mailbox.SavePack(context.Background(), acct, pw, name, b); err != nil {
		return fmt.Errorf("backup-pack: %w", err)
	}
	where := fmt.Sprintf("the mailbox %s at %s", acct.Username, acct.Host)
	e.result(&c, map[string]any{"name": name, "mailbox": acct.Username + "@" + acct.Host, "folder": folderOf(acct)},
		fmt.Sprintf("Saved a copy of the Recovery Pack %q in %s (folder %q), replacing older copies.\n"+
			"It is useless without enough fragments. On a new computer: passcrow restore --imap %s@%s\n",
			name, where, folderOf(acct), acct.Username, acct.Host))
	return nil
}

type packCopyInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Created     string `json:"created,omitempty"`
	Saved       string `json:"saved,omitempty"`
}

func runRestore(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "restore", "--imap USER@HOST[:PORT][,OPTION...] [--name NAME] [--as NAME] [--list] [--trust-servers] [--force]", &c)
	spec := fs.String("imap", "", imapUsage)
	name := fs.String("name", "", "restore the copy saved under `NAME` (needed when the mailbox holds several)")
	as := fs.String("as", "", "keep it here under this `NAME` (default: its own)")
	list := fs.Bool("list", false, "only list the copies in the mailbox")
	force := fs.Bool("force", false, "replace an item of the same name here")
	trust := fs.Bool("trust-servers", false, trustUsage)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("restore: takes no NAME argument; give --name NAME")
	}
	acct, pw, err := e.openMailbox("restore", *spec)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if *name == "" || *list {
		copies, err := mailbox.ListPacks(ctx, acct, pw)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		infos := []packCopyInfo{}
		var text strings.Builder
		for _, cp := range copies {
			i := packCopyInfo{Name: cp.Name, Description: termtext.Clean(cp.Description), Created: dateOf(cp.Created), Saved: dateOf(cp.Saved)}
			infos = append(infos, i)
			fmt.Fprintf(&text, "%s: saved %s, made %s", termtext.Clean(i.Name), i.Saved, i.Created)
			if i.Description != "" && i.Description != i.Name {
				fmt.Fprintf(&text, " (%s)", i.Description)
			}
			text.WriteString("\n")
		}
		switch {
		case *list:
			if len(copies) == 0 {
				text.WriteString("The mailbox holds no copy of a Recovery Pack.\n")
			}
			e.result(&c, map[string]any{"packs": infos}, text.String())
			return nil
		case len(copies) == 0:
			return fmt.Errorf("restore: %w: %s at %s, folder %q", packstore.ErrNoSuchItem, acct.Username, acct.Host, folderOf(acct))
		case len(copies) > 1:
			e.result(&c, map[string]any{"packs": infos, "error": "several packs: choose one with --name", "exit": ExitUsage}, text.String())
			return reportedOrUsage(&c, "restore: the mailbox holds copies of several packs: choose one with --name NAME")
		}
		*name = copies[0].Name
	}
	b, err := mailbox.FetchPack(ctx, acct, pw, *name)
	if errors.Is(err, mailbox.ErrNoPack) {
		return fmt.Errorf("restore: %w: %w", packstore.ErrNoSuchItem, err)
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	p, err := recovery.ParsePack(b)
	if err != nil {
		return fmt.Errorf("restore: the copy in the mailbox is not a Recovery Pack: %w", err)
	}
	local := *as
	if local == "" {
		local = *name
	}
	if err := packstore.ValidateName(local); err != nil {
		return usagef("restore: %q cannot be a name here (%v); give another with --as", local, err)
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	if _, err := packstore.Load(st, local); err == nil && !*force {
		return fmt.Errorf("restore: %q exists already here (use --as NAME, or --force to replace it)", local)
	}
	// A copy in a mailbox may not be the user's own (a message planted in
	// the folder): its servers are used only once the user says so.
	servers := recovery.PackServers(p)
	if len(servers) > 0 {
		e.notice("  this pack contacts: %s", strings.Join(cleanAll(servers), ", "))
	}
	unknown := recovery.UnknownServers(p, e.knownServers(st))
	chosen, _ := packstore.ChosenServers(st)
	for _, h := range mailHosts(p) {
		servers = append(servers, h)
		if !slices.Contains(chosen, h) {
			unknown = append(unknown, h)
		}
	}
	if err := e.trustServers("restore", "this copy of a pack", st, servers, unknown, *trust); err != nil {
		return err
	}
	if err := packstore.Save(st, local, p); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	info := packSummary(p)
	info.Name = local
	e.result(&c, map[string]any{"name": local, "pack": info, "restored_from": acct.Username + "@" + acct.Host},
		fmt.Sprintf("Restored %q from the mailbox %s at %s. Recover it with passcrow recover %s.\n%s",
			local, acct.Username, acct.Host, local, info.text()))
	return nil
}

// reportedOrUsage is a usage error, already in the JSON object when
// --json was given.
func reportedOrUsage(c *commonFlags, msg string) error {
	if c.json {
		return reportedError{usageError{msg}}
	}
	return usageError{msg}
}
