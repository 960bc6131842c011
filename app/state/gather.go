package state

import (
	"context"
	"errors"
	"slices"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// Kinds of location, as the screens tell them apart to say what to do.
const (
	KindPaper   = paper.Kind
	KindMedia   = media.Kind
	KindMailbox = mailbox.Kind
	KindFriend  = friend.Kind
	KindHeir    = heir.Kind
)

// MaxGatherFile is the most of a file a location's fragment is looked
// for in: a photo of a sheet, a friend's mail, a fragment file.
const MaxGatherFile = 8 << 20

// A Gather is one location whose fragment comes back through what the
// user provides rather than a code: a printed sheet (Text or File), a
// file on a USB stick (File), a mailbox (Login). Friends' letters are
// one Gather for all friends (Prefix ""), since a returned letter does
// not say whose it is.
type Gather struct {
	Prefix string
	Kind   string
	Hint   string // where it is, as the pack says ("Sheet 1 of 2")
	Text   bool   // typed text is accepted
	File   bool   // a file is accepted
	Login  bool   // a mailbox's password is needed
	// Mailbox is the account a Login opens: Host, and User masked for
	// display. Empty unless Login.
	MailboxHost, MailboxUser string
	// Unchosen says the user never chose MailboxHost as a mail server of
	// theirs: the pack may come from someone who wants the password.
	Unchosen bool
	// Friends is how many friends' letters the pack has (Kind friend).
	Friends int
}

// GatherInput is what the user gave for a Gather.
type GatherInput struct {
	Text     string
	File     []byte
	FileName string
	Password string
	// KeepPassword keeps Password in the OS keychain, only when the
	// user ticked the box.
	KeepPassword bool
}

// Gathers lists the locations whose fragment the user must provide and
// has not yet; friends' letters come last, as one.
func (r *Recovery) Gathers() []Gather {
	return r.gathers(nil)
}

// GathersFor is Gathers with whether s's user chose each mail server.
func (r *Recovery) GathersFor(s *State) []Gather { return r.gathers(s) }

func (r *Recovery) gathers(s *State) []Gather {
	needs := r.rec.Needs()
	var out []Gather
	friends := 0
	for _, rec := range r.records {
		ask, open := needs[rec.Prefix]
		if !open || ask == 0 {
			continue
		}
		if rec.Kind == friend.Kind {
			friends++
			continue
		}
		g := Gather{Prefix: rec.Prefix, Kind: rec.Kind, Hint: rec.Hint,
			Text: ask&recovery.AskText != 0, File: ask&recovery.AskFile != 0, Login: ask&recovery.AskLogin != 0}
		if g.Login {
			if a, err := mailbox.RecordAccount(rec); err == nil {
				g.MailboxHost, g.MailboxUser = a.Host, MaskedUser(a.Username)
				g.Unchosen = s != nil && !s.chosenMailServer(a.Host)
			}
		}
		out = append(out, g)
	}
	if friends > 0 {
		out = append(out, Gather{Kind: friend.Kind, Text: true, File: true, Friends: friends})
	}
	return out
}

// GatherFrom gives one location (by prefix; "" for a friend's letter,
// which is tried on every friend) what the user provided. It returns
// the prefix that took it. An error names the location; nothing is lost
// by one, and a typo's places are in its *papercode.TypoError.
func (r *Recovery) GatherFrom(ctx context.Context, s *State, prefix string, in GatherInput) (string, error) {
	ri := recovery.Input{Text: in.Text, File: in.File, FileName: in.FileName}
	if prefix == "" {
		rec, err := r.rec.GatherAny(ctx, ri)
		if err != nil {
			return "", canceled(ctx, err)
		}
		r.markReceived(rec.Prefix)
		return rec.Prefix, nil
	}
	i := slices.IndexFunc(r.records, func(rec recovery.Record) bool { return rec.Prefix == prefix })
	if i < 0 {
		return "", ErrUnknownPrefix
	}
	rec := r.records[i]
	if rec.Kind == mailbox.Kind {
		if in.Password == "" {
			// The keychain, when the user let it keep the password.
			if l, err := s.keptLogin(rec); err == nil && l != nil {
				ri.Login = l
			} else {
				return "", ErrNeedPassword
			}
		} else {
			ri.Login = &recovery.Login{Password: in.Password}
		}
	}
	if _, err := r.rec.Gather(ctx, prefix, ri); err != nil {
		return prefix, canceled(ctx, err)
	}
	r.markReceived(prefix)
	if rec.Kind == mailbox.Kind && in.Password != "" {
		if in.KeepPassword {
			return prefix, s.keepLogin(rec, in.Password)
		}
	}
	return prefix, nil
}

// ErrNeedPassword means a mailbox's password is needed and none is kept.
var ErrNeedPassword = errors.New("the mailbox's password is needed")

// TypoPlaces are where a typed sheet's text has typos: (group, place in
// the group) pairs, 1-based, as printed in groups of four; nil when err
// is not about typos.
func TypoPlaces(err error) [][2]int {
	var te *papercode.TypoError
	var ce *papercode.CharacterError
	var pos []int
	switch {
	case errors.As(err, &te):
		pos = te.Positions
	case errors.As(err, &ce):
		pos = ce.Positions
	default:
		return nil
	}
	out := make([][2]int, len(pos))
	for i, p := range pos {
		g, n := papercode.GroupOf(p)
		out[i] = [2]int{g, n}
	}
	return out
}

func (r *Recovery) markReceived(prefix string) {
	r.mu.Lock()
	r.received[prefix] = true
	r.mu.Unlock()
}

// Group is how far one group of a grouped pack is.
type Group struct {
	Name             string
	Have, Need, Size int
}

// Groups says how far each group is; nil for a flat pack.
func (r *Recovery) Groups() []Group {
	gs, _ := r.rec.Groups()
	var out []Group
	for _, g := range gs {
		out = append(out, Group{Name: g.Name, Have: g.Have, Need: g.Need, Size: g.Size})
	}
	return out
}

// Progress is how many fragments are in and how many are needed.
func (r *Recovery) Progress() (got, need int) { return r.rec.Progress() }
