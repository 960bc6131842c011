package mailbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/passcrow/passcrow-desktop/internal/hint"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// A PackCopy is a copy of a Recovery Pack found in a mailbox.
type PackCopy struct {
	// Name is the name the program keeps the pack under.
	Name        string
	Description string
	Created     time.Time // when the pack was made
	Saved       time.Time // when the mailbox got this copy
}

// maxPackMessage bounds a pack message read back; packs are a few
// kilobytes (the keychain keeps them under a megabyte).
const (
	maxPack        = 1 << 20
	maxPackMessage = 2*maxPack + 64<<10 // base64 and the text
)

// packHash is what the X-Passcrow-Pack header holds: it finds a pack's
// copies by name with a SEARCH any server can do (names may be in any
// script), without the name in the clear in a header.
func packHash(name string) string {
	h := sha256.Sum256([]byte("passcrow pack name\x00" + name))
	return hex.EncodeToString(h[:16])
}

// SavePack keeps a copy of the pack (as Pack.Marshal wrote it) in the
// account's folder under name, replacing older copies of that name: the
// new copy is stored first and the older ones deleted after, so there is
// always one. It refuses (ErrPackBesideFragments) a mailbox that holds
// enough of the pack's fragments to recover it with the pack alone.
func SavePack(ctx context.Context, acct Account, password, name string, packBytes []byte) error {
	acct, err := acct.normalized()
	if err != nil {
		return err
	}
	if name == "" || oneLine(name) != name {
		return fmt.Errorf("mailbox: %q cannot be a pack's name", name)
	}
	if len(packBytes) > maxPack {
		return fmt.Errorf("mailbox: the pack has %d bytes, more than a pack copy may (%d)", len(packBytes), maxPack)
	}
	p, err := recovery.ParsePack(packBytes)
	if err != nil {
		return fmt.Errorf("mailbox: this is not a recovery pack: %w", err)
	}
	if packBesideFragments(p, acct) {
		return fmt.Errorf("%s: %w", acct.Describe(), ErrPackBesideFragments)
	}
	hash := packHash(name)
	msg := packDraft(acct, hash, name, packBytes, time.Now()).bytes()

	s, err := dial(ctx, acct, password)
	if err != nil {
		return fmt.Errorf("%s: %w", acct.Describe(), err)
	}
	defer s.close()
	err = savePack(s, hash, msg)
	if err != nil {
		return fmt.Errorf("%s: %w", acct.Describe(), err)
	}
	return nil
}

func savePack(s *session, hash string, msg []byte) error {
	folder := s.acct.Folder
	created, err := s.ensureFolder(folder)
	if err != nil {
		return err
	}
	if _, err := s.selectFolder(folder, false); err != nil {
		return err
	}
	old, err := s.find(PackHeader, hash)
	if err != nil {
		return err
	}
	if _, err := s.appendMessage(folder, msg); err != nil {
		return errors.Join(err, undoPack(s, hash, old, created))
	}
	if err := s.expunge(old); err != nil {
		return fmt.Errorf("the new copy is saved, but an older one could not be deleted: %w", err)
	}
	return s.deselect()
}

// undoPack removes a new copy that a failed APPEND may have stored
// (copies that were there before stay), and the folder when SavePack
// created it and it is empty.
func undoPack(s *session, hash string, old []imap.UID, created bool) error {
	if isClosed(s) {
		return nil // nothing more can be done on this connection; the error says what failed
	}
	uids, err := s.find(PackHeader, hash)
	if err != nil {
		return err
	}
	var added []imap.UID
	for _, u := range uids {
		if !slices.Contains(old, u) {
			added = append(added, u)
		}
	}
	if err := errors.Join(s.expunge(added), s.deselect()); err != nil {
		return fmt.Errorf("cleaning up after the failure: %w", err)
	}
	if created {
		return s.removeFolderIfEmpty(s.acct.Folder)
	}
	return nil
}

// packBesideFragments tells whether a copy of p in the mailbox a would
// put there, with the pack's own fragments, all that recovery needs:
// enough of p's records are in that mailbox (in any folder) for the
// policy, flat or grouped.
//
// A fragment counts as in the mailbox when the mailbox holds it, and also
// when its server sends its codes there: whoever reads that mailbox and
// the pack copy in it gets those codes too.
func packBesideFragments(p *recovery.Pack, a Account) bool {
	mine := make([]bool, len(p.Records))
	for i, r := range p.Records {
		var d recordData
		switch {
		case r.Kind == Kind && json.Unmarshal(r.Data, &d) == nil:
			mine[i] = d.account().sameMailbox(a)
		case r.Kind == recovery.KindPasscrow:
			mine[i] = codesComeHere(r, a)
		}
	}
	count := func(m []bool) int {
		n := 0
		for _, ok := range m {
			if ok {
				n++
			}
		}
		return n
	}
	if len(p.Groups) == 0 {
		return count(mine) >= p.Need()
	}
	complete, i := 0, 0
	for _, g := range p.Groups {
		end := min(i+g.Size, len(mine))
		if count(mine[i:end]) >= g.Need() {
			complete++
		}
		i = end
	}
	return complete >= p.Threshold-len(p.Fragments)
}

// ListPacks lists the copies of packs kept in the account's folder, the
// newest of each name, sorted by name. A folder that is not there holds
// none.
func ListPacks(ctx context.Context, acct Account, password string) ([]PackCopy, error) {
	var out []PackCopy
	err := eachPack(ctx, acct, password, "", func(c PackCopy, _ []byte) {
		i := slices.IndexFunc(out, func(o PackCopy) bool { return o.Name == c.Name })
		if i < 0 {
			out = append(out, c)
		} else if c.Saved.After(out[i].Saved) {
			out[i] = c
		}
	})
	slices.SortFunc(out, func(a, b PackCopy) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// FetchPack returns the newest copy of the pack saved under name, as
// SavePack got it; ErrNoPack when there is none.
func FetchPack(ctx context.Context, acct Account, password, name string) ([]byte, error) {
	var best []byte
	var when time.Time
	err := eachPack(ctx, acct, password, name, func(c PackCopy, data []byte) {
		if c.Name == name && (best == nil || c.Saved.After(when)) {
			best, when = data, c.Saved
		}
	})
	if err != nil {
		return nil, err
	}
	if best == nil {
		return nil, fmt.Errorf("%s: %w: %q", acct.Describe(), ErrNoPack, name)
	}
	return best, nil
}

// eachPack calls f for every good pack copy in the folder, or only
// those saved under name when name is not "". Messages that are not
// whole, consistent pack copies are passed over.
func eachPack(ctx context.Context, acct Account, password, name string, f func(PackCopy, []byte)) error {
	acct, err := acct.normalized()
	if err != nil {
		return err
	}
	fail := func(err error) error { return fmt.Errorf("%s: %w", acct.Describe(), err) }
	s, err := dial(ctx, acct, password)
	if err != nil {
		return fail(err)
	}
	defer s.close()
	ok, err := s.selectFolder(acct.Folder, true)
	if err != nil {
		return fail(err)
	}
	if !ok {
		return nil
	}
	var uids []imap.UID
	if name == "" {
		uids, err = s.search(PackHeader, "")
	} else {
		uids, err = s.find(PackHeader, packHash(name))
	}
	if err != nil {
		return fail(err)
	}
	err = s.eachMessage(uids, &imap.FetchItemBodySection{Peek: true}, maxPackMessage, func(m message) {
		if m.tooBig {
			return
		}
		if c, data, ok := readPackCopy(m.raw); ok {
			c.Saved = m.date
			f(c, data)
		}
	})
	if err != nil {
		return fail(err)
	}
	return nil
}

// readPackCopy reads a pack message: its name header must match its
// hash header, and its attachment must be a pack.
func readPackCopy(raw []byte) (PackCopy, []byte, bool) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return PackCopy{}, nil, false
	}
	name, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get(PackNameHeader))
	if err != nil || name == "" || packHash(name) != strings.TrimSpace(msg.Header.Get(PackHeader)) {
		return PackCopy{}, nil, false
	}
	ps, err := parts(raw, maxPack)
	if err != nil {
		return PackCopy{}, nil, false
	}
	for _, p := range ps {
		if !p.attachment {
			continue
		}
		pk, err := recovery.ParsePack(p.data)
		if err != nil {
			continue
		}
		return PackCopy{Name: name, Description: pk.Description, Created: pk.Created}, p.data, true
	}
	return PackCopy{}, nil, false
}

// codesComeHere reports whether a Passcrow server's record sends its codes
// to account a's own address. The pack keeps only the masked identity
// (the record's hint, "a*@e*ple.org at server"), so addresses that mask
// alike count as the same: refusing a copy is the safe mistake. A login
// that is not an address cannot be told apart and does not count.
func codesComeHere(r recovery.Record, a Account) bool {
	if !strings.Contains(a.Username, "@") {
		return false
	}
	masked, _, ok := strings.Cut(r.Hint, " at ")
	return ok && strings.EqualFold(masked, hint.Mask("email", a.Username))
}
