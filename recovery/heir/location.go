package heir

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hint"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// CodePrefix starts the heir's codes.
const CodePrefix = "H"

// ErrNoReleaseDelay means a server cannot keep an heir's fragment: it
// does not advertise waiting periods (a reference server, or an older
// one of ours).
var ErrNoReleaseDelay = errors.New("this server cannot keep an heir's fragment: it offers no waiting period before release (it is not a Passcrow server of ours, or an older one)")

// Options say who the heir is and how long the owner has to stop a
// release.
type Options struct {
	// Heir is the heir's identity, "email:heir@example.org": the codes
	// go there, and the heir must be able to read them.
	Heir string
	// Notify is the owner's identity, told when the heir's code is
	// verified and again before release: "email:me@example.org".
	Notify string
	// DelayDays is the waiting period: the days between the heir's
	// verified code and the release, within what the server allows.
	DelayDays int
	// Language is that of the notices to the owner; "" is English.
	Language string
	// CodeTimeout is how long each of the heir's codes works; 0 means
	// recovery.DefaultCodeTimeout.
	CodeTimeout time.Duration
}

// Location keeps a fragment for an heir on a Passcrow server of ours,
// with a copy of the pack. It is a recovery.PackCopier: Place checks the
// server and gets ready, PlaceWithPack escrows the fragment and the copy
// once the pack is finished. It is its own Keeper for Protect's rollback.
type Location struct {
	client *recovery.Client
	o      Options
	// heirKey is on the sheet; token stays in the owner's pack.
	heirKey, token []byte
	gen            int

	// Set by Place for PlaceWithPack.
	frag    recovery.Fragment
	placed  placeOptions
	maxBody int64
}

// placeOptions is what Place keeps of recovery.PlaceOptions.
type placeOptions struct {
	Description string
	Expires     time.Time
	Progress    func(recovery.Progress)
}

var (
	_ recovery.PackCopier = (*Location)(nil)
	_ recovery.Identifier = (*Location)(nil)
	_ recovery.Keeper     = (*Location)(nil)
)

// NewLocation makes an heir location on the server c talks to, with a
// new heir key: a new sheet must be printed for it.
func NewLocation(c *recovery.Client, o Options) (*Location, error) {
	k, err := newHeirKey()
	if err != nil {
		return nil, err
	}
	return newLocation(c, o, k, 0)
}

// RenewLocation makes the location that takes over from an owner's heir
// record old when the pack is renewed: the same heir, server, waiting
// period and heir key, so the printed sheet stays good, in the next
// generation of escrow (the old one is still there until the old pack
// is forgotten). c must talk to the record's server.
func RenewLocation(c *recovery.Client, old recovery.Record) (*Location, error) {
	d, err := decodeRecord(old)
	if err != nil {
		return nil, err
	}
	k, _, err := d.owner()
	if err != nil {
		return nil, err
	}
	if c.Server() != d.Server {
		return nil, fmt.Errorf("heir: renewing a record of %s with a client of %s", d.Server, c.Server())
	}
	o := Options{Heir: d.Heir, Notify: d.Notify, DelayDays: d.DelayDays, Language: d.Language}
	return newLocation(c, o, k, (d.Generation+1)%Generations)
}

func newLocation(c *recovery.Client, o Options, heirKey []byte, gen int) (*Location, error) {
	if c == nil {
		return nil, errors.New("heir location: no client")
	}
	if _, _, err := recovery.ParseIdentity(o.Heir); err != nil {
		return nil, fmt.Errorf("heir: the heir's %w", err)
	}
	if _, _, err := recovery.ParseIdentity(o.Notify); err != nil {
		return nil, fmt.Errorf("heir: the owner's %w", err)
	}
	if strings.EqualFold(o.Heir, o.Notify) {
		return nil, errors.New("heir: the heir's address is the owner's: the owner would not be told apart from the heir")
	}
	if o.DelayDays < 1 {
		return nil, fmt.Errorf("heir: a waiting period of %d days; at least 1", o.DelayDays)
	}
	token := make([]byte, ownerTokenSize)
	if _, err := rand.Read(token); err != nil {
		return nil, fmt.Errorf("heir: no randomness for the owner token: %w", err)
	}
	return &Location{client: c, o: o, heirKey: heirKey, token: token, gen: gen}, nil
}

// Kind is "heir".
func (l *Location) Kind() string { return Kind }

// Identity is the heir and the server, unmasked.
func (l *Location) Identity() string {
	return "heir " + strings.ToLower(l.o.Heir) + " via " + l.client.Server()
}

// Describe says "heir h*@e*ple.org via passcrow.example.org, after 30 days".
func (l *Location) Describe() string {
	return fmt.Sprintf("heir %s via %s, after %s", l.heirHint(), l.client.Host(), dayWord(l.o.DelayDays))
}

func (l *Location) heirHint() string {
	kind, addr, _ := strings.Cut(l.o.Heir, ":")
	return hint.Mask(kind, addr)
}

func dayWord(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// Sheet is what the inheritance sheet of this location holds.
func (l *Location) Sheet() Sheet { return Sheet{Server: l.client.Server(), key: l.heirKey} }

// Place checks that the server keeps heirs' fragments with this waiting
// period and that the fragment outlives it, and gets ready: the
// fragment goes to the server with the pack, in PlaceWithPack.
func (l *Location) Place(ctx context.Context, f recovery.Fragment, o recovery.PlaceOptions) (recovery.Record, error) {
	if len(f) == 0 {
		return recovery.Record{}, errors.New("heir location: empty fragment")
	}
	ext, err := l.client.Extensions(ctx)
	if err != nil {
		return recovery.Record{}, err
	}
	rd := ext.ReleaseDelay
	if !slices.Contains(ext.Extensions, wire.ExtReleaseDelay) || rd == nil {
		return recovery.Record{}, fmt.Errorf("passcrow server %s: %w", l.client.Server(), ErrNoReleaseDelay)
	}
	if l.o.DelayDays < rd.MinDays || l.o.DelayDays > rd.MaxDays {
		return recovery.Record{}, fmt.Errorf("passcrow server %s keeps waiting periods of %d to %d days, not %d", l.client.Server(), rd.MinDays, rd.MaxDays, l.o.DelayDays)
	}
	// The heir must be able to claim, and wait, while the escrow lasts.
	if min := l.client.Now().Add(time.Duration(l.o.DelayDays+1) * 24 * time.Hour); o.Expires.Before(min) {
		return recovery.Record{}, fmt.Errorf("the fragments expire on %s, before the heir could wait %s: choose a later expiry or a shorter wait",
			o.Expires.Format(time.DateOnly), dayWord(l.o.DelayDays))
	}
	pol, err := l.client.Policy(ctx)
	if err != nil {
		return recovery.Record{}, err
	}
	notifyKind, _, _ := strings.Cut(l.o.Notify, ":")
	if !slices.Contains(pol.Kinds, notifyKind) {
		return recovery.Record{}, fmt.Errorf("passcrow server %s cannot tell the owner by %q (it reaches %q)", l.client.Server(), notifyKind, pol.Kinds)
	}
	l.frag = slices.Clone(f) // Protect wipes f when it returns
	l.placed = placeOptions{Description: o.Description, Expires: o.Expires, Progress: o.Progress}
	l.maxBody = rd.MaxRequestBytes
	data, err := l.ownerData().raw()
	if err != nil {
		return recovery.Record{}, err
	}
	return recovery.Record{
		Kind:    Kind,
		Prefix:  o.Prefix,
		Hint:    l.hint(),
		Expires: o.Expires.Unix(),
		Data:    data,
	}, nil
}

func (l *Location) hint() string {
	return fmt.Sprintf("heir %s at %s, after %s", l.heirHint(), l.client.Host(), dayWord(l.o.DelayDays))
}

func (l *Location) ownerData() recordData {
	return recordData{
		Server:     l.client.Server(),
		Generation: l.gen,
		Heir:       l.o.Heir,
		Notify:     l.o.Notify,
		DelayDays:  l.o.DelayDays,
		Language:   l.o.Language,
		HeirKey:    base64.StdEncoding.EncodeToString(l.heirKey),
		OwnerToken: wire.EncodeKey(l.token),
	}
}

// PlaceWithPack escrows the heir's fragment with a copy of p (made for
// the heir: no owner token, no heir key, the fragment in the heir's own
// record), sealed under a key the server never sees, together with the
// waiting period, in one request.
func (l *Location) PlaceWithPack(ctx context.Context, p *recovery.Pack, r recovery.Record) (recovery.Record, error) {
	if l.frag == nil {
		return recovery.Record{}, errors.New("heir location: PlaceWithPack before Place")
	}
	defer func() { clear(l.frag); l.frag = nil }()
	ref, err := derive(l.heirKey, l.gen)
	if err != nil {
		return recovery.Record{}, err
	}
	copied, err := heirCopy(p, r.Prefix, l.frag)
	if err != nil {
		return recovery.Record{}, err
	}
	sealed, err := wire.SealCompressed(ref.packKey, copied)
	if err != nil {
		return recovery.Record{}, err
	}
	wrap := func(body []byte) ([]byte, error) {
		return wire.Marshal(wire.DelayedEscrowRequest{
			Version:       wire.ExtVersion,
			EscrowRequest: body,
			DelayDays:     l.o.DelayDays,
			OwnerToken:    wire.EncodeKey(l.token),
			OwnerLanguage: l.o.Language,
		})
	}
	where := l.Describe()
	in := recovery.EscrowInput{
		Identity:    l.o.Heir,
		Secret:      sealed,
		Description: l.placed.Description,
		Expires:     l.placed.Expires,
		Timeout:     l.o.CodeTimeout,
		Notify:      l.o.Notify,
		PreferID:    ref.id,
		Key:         ref.key,
		Via:         &recovery.EscrowVia{Method: wire.MethodDelayedEscrow, Wrap: wrap, MaxRequestBytes: l.maxBody},
	}
	if pr := l.placed.Progress; pr != nil {
		in.Progress = func(tries, expected uint64) {
			// As recovery's Passcrow locations: the chance of a stamp by now.
			pr(recovery.Progress{Location: where, Stage: "paying", Fraction: 1 - math.Exp(-float64(tries)/float64(expected))})
		}
	}
	res, err := l.client.Escrow(ctx, in)
	if se, ok := errors.AsType[*recovery.ServerError](err); ok && se.Message == idTaken && l.gen != 0 {
		return recovery.Record{}, fmt.Errorf("passcrow server %s: %w", l.client.Server(), ErrSheetUsed)
	}
	if err != nil {
		return recovery.Record{}, err
	}
	r.Expires = res.Expires.Unix()
	return r, nil
}

// idTaken is our server's answer to an escrow id in use.
const idTaken = "Escrow ID already in use"

// ErrSheetUsed means a renewal found the heir's next escrow taken. Its
// id comes from the sheet's key alone, and the owner never made it: so
// someone who has read the sheet has, and may be able to show the heir
// an escrow of their own. Stop using that sheet.
var ErrSheetUsed = errors.New("the heir's next escrow is already taken, by someone who has read the inheritance sheet: remove the heir and add them again to print a new sheet, and keep it safer")

// Delete removes what this location placed, for Protect's rollback.
func (l *Location) Delete(ctx context.Context, r recovery.Record) error {
	k := &Keeper{Client: func(string) (*recovery.Client, error) { return l.client, nil }}
	return k.Delete(ctx, r)
}
