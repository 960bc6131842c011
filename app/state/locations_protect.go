package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// extraLocations makes the plan's extras into locations, in order.
// Sheets and friends are numbered among their own kind.
func (p Plan) extraLocations() ([]recovery.Location, error) {
	count := map[ExtraKind]int{}
	for _, e := range p.Extras {
		count[e.Kind]++
	}
	var all []string
	for _, id := range p.Identities {
		_, addr, _ := strings.Cut(id, ":")
		all = append(all, addr)
	}
	for _, e := range p.Extras {
		all = append(all, e.Describe())
	}
	server := ""
	if len(p.Servers) > 0 {
		server = p.Servers[0]
	}
	number := map[ExtraKind]int{}
	var locs []recovery.Location
	for _, e := range p.Extras {
		number[e.Kind]++
		l, err := e.location(p.Name, number[e.Kind], count[e.Kind], all, server)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Describe(), err)
		}
		locs = append(locs, l)
	}
	return locs, nil
}

// groups is Mailpile's preset over locs when the plan uses it (locs are
// then exactly the extras, mailboxes and friends), else nothing.
func (p Plan) groups(locs []recovery.Location) ([]recovery.Group, recovery.Policy) {
	if !p.UsesMailpile() || p.Replace != "" || len(locs) != len(p.Extras) {
		return nil, recovery.Policy{}
	}
	var boxes, friends []recovery.Location
	for i, e := range p.Extras {
		if e.Kind == ExtraMailbox {
			boxes = append(boxes, locs[i])
		} else {
			friends = append(friends, locs[i])
		}
	}
	return recovery.MailpileGroups(boxes, friends)
}

// afterPlaced keeps what the plan's extras leave on this computer once
// the pack is saved: the mail servers the user chose (so recovery, check
// and forget log in only to them, as the CLI does), and the passwords
// the user asked to keep in the keychain.
func (s *State) afterPlaced(p Plan, _ *recovery.Pack) error {
	var errs []error
	for _, e := range p.Extras {
		if e.Kind != ExtraMailbox {
			continue
		}
		if err := packstore.AddChosenServers(s.packs(), "imap:"+strings.ToLower(e.Mailbox.Host)); err != nil {
			errs = append(errs, err)
		}
		if e.KeepPassword {
			if err := s.KeepMailboxPassword(e.Mailbox, e.Password); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// mailPasswordPrefix starts the store entries of kept mailbox passwords,
// named by a hash of the account so any server or username fits a name.
const mailPasswordPrefix = "mailpw."

func mailPasswordEntry(a mailbox.Account) string {
	h := sha256.Sum256([]byte(strings.ToLower(a.Host) + "\x00" + a.Username))
	return mailPasswordPrefix + hex.EncodeToString(h[:16])
}

// KeepMailboxPassword keeps a mailbox's password in the store beside the
// packs (the OS keychain), only when the user ticked it.
func (s *State) KeepMailboxPassword(a mailbox.Account, password string) error {
	if password == "" {
		return errors.New("no password to keep")
	}
	return s.packs().Put(mailPasswordEntry(a), []byte(password))
}

// MailboxPassword is a mailbox's kept password, or "" when none is kept.
func (s *State) MailboxPassword(a mailbox.Account) string {
	b, err := s.packs().Get(mailPasswordEntry(a))
	if err != nil {
		return ""
	}
	return string(b)
}

// ForgetMailboxPassword removes a kept password; none is no error.
func (s *State) ForgetMailboxPassword(a mailbox.Account) error {
	err := s.packs().Delete(mailPasswordEntry(a))
	if errors.Is(err, platform.ErrNotFound) {
		return nil
	}
	return err
}

// SheetFiles are the PDFs of an item's printed sheets, as saved when it
// was protected, for the user to open and print.
func (s *State) SheetFiles(name string) ([]string, error) {
	p, err := s.loadPack(name)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, r := range p.Records {
		if r.Kind != string(ExtraPaper) {
			continue
		}
		if f := recordFile(r); f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// recordFile is the file a paper record names.
func recordFile(r recovery.Record) string {
	var d struct {
		File string `json:"file"`
	}
	if json.Unmarshal(r.Data, &d) != nil {
		return ""
	}
	return d.File
}

// HasHeir reports whether an item has an heir's fragment, whose
// inheritance sheet the user should print.
func (s *State) HasHeir(name string) bool {
	p, err := s.loadPack(name)
	if err != nil {
		return false
	}
	for _, r := range p.Records {
		if r.Kind == string(ExtraHeir) {
			return true
		}
	}
	return false
}

// InheritanceSheet is the PDF of an item's inheritance sheet (the first
// heir's), on Letter paper when letter is set, saying owner left it.
func (s *State) InheritanceSheet(name, owner string, letter bool) ([]byte, error) {
	p, err := s.loadPack(name)
	if err != nil {
		return nil, err
	}
	for _, r := range p.Records {
		if r.Kind != string(ExtraHeir) {
			continue
		}
		o := heir.SheetOptions{Owner: owner, Lang: language(), Paper: sheet.A4, Date: s.now()}
		if letter {
			o.Paper = sheet.Letter
		}
		var b bytes.Buffer
		if err := heir.WriteSheet(&b, p, r, o); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	return nil, fmt.Errorf("%q has no heir", name)
}
