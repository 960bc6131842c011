package recovery

import (
	"context"
	"errors"
	"fmt"
)

// A Gatherer is a Keeper whose fragment comes back through something the
// user provides at recovery time rather than a code the location sends:
// the login of a mailbox, the text typed from a printed sheet or a photo
// of its QR code, a file (a friend's returned mail, a fragment on a USB
// stick). Fragments gathered this way are sealed under a key kept in the
// pack (seal.go), so whatever the user provides is checked, and a wrong
// one is refused with the location named.
type Gatherer interface {
	Keeper
	// Asks says what Gather needs from the user for r.
	Asks(r Record) Ask
	// Gather gets r's fragment back with what the user provided.
	Gather(ctx context.Context, r Record, in Input) (Fragment, error)
}

// Ask says what a Gatherer needs from the user; a kind may accept
// several (a printed sheet: typed text or a photo).
type Ask uint8

const (
	// AskLogin is a username and password (a mailbox).
	AskLogin Ask = 1 << iota
	// AskText is text the user types (a printed sheet).
	AskText
	// AskFile is a file the user opens (a mail, a photo, a fragment file).
	AskFile
)

// Input is what the user provided for a Gatherer. Only the fields its
// Ask names are read.
type Input struct {
	Login    *Login
	Text     string
	File     []byte
	FileName string // for messages only
}

// A Login opens a mailbox. Programs ask for it at recovery time and keep
// it (in the OS keychain) only when the user agrees.
type Login struct {
	Username string
	Password string
}

var (
	// ErrNotGatherable means a record's kind does not take user input: its
	// fragment comes back for a code.
	ErrNotGatherable = errors.New("recovery: this location sends a code; type the code instead")
	// ErrNotThisPack means what the user provided holds no fragment of
	// this pack's locations: another pack's, or nothing at all.
	ErrNotThisPack = errors.New("recovery: this holds no fragment of this pack")
)

// Gather gets the fragment of the record with the given prefix from what
// the user provided. On error nothing is lost; try again with other input.
func (r *Recovery) Gather(ctx context.Context, prefix string, in Input) (Record, error) {
	for _, rec := range r.pack.Records {
		if rec.Prefix != prefix {
			continue
		}
		g, err := r.gatherer(rec)
		if err != nil {
			return rec, err
		}
		f, err := g.Gather(ctx, rec, in)
		if err != nil {
			return rec, fmt.Errorf("recovery: %s: %w", describe(rec), err)
		}
		r.keep(rec, f)
		return rec, nil
	}
	return Record{}, fmt.Errorf("%w: %q", ErrUnknownPrefix, prefix)
}

// GatherAny tries what the user provided on every location not yet
// gathered whose kind accepts it, and keeps the first fragment that
// opens: a friend's returned mail says nothing of which friend it is
// from, and need not. It returns the record that took it.
func (r *Recovery) GatherAny(ctx context.Context, in Input) (Record, error) {
	var errs []error
	tried := 0
	for _, rec := range r.pack.Records {
		if r.has(rec.Prefix) {
			continue
		}
		g, err := r.gatherer(rec)
		if err != nil || g.Asks(rec)&in.asks() == 0 {
			continue
		}
		tried++
		f, err := g.Gather(ctx, rec, in)
		if err == nil {
			r.keep(rec, f)
			return rec, nil
		}
		if !errors.Is(err, ErrNotThisPack) {
			errs = append(errs, fmt.Errorf("%s: %w", describe(rec), err))
		}
	}
	if tried == 0 {
		return Record{}, fmt.Errorf("%w: no location of this pack that is still needed takes this", ErrNotThisPack)
	}
	if len(errs) == 0 {
		return Record{}, ErrNotThisPack
	}
	return Record{}, errors.Join(append([]error{ErrNotThisPack}, errs...)...)
}

// asks is what kinds of input in carries.
func (in Input) asks() Ask {
	var a Ask
	if in.Login != nil {
		a |= AskLogin
	}
	if in.Text != "" {
		a |= AskText
	}
	if in.File != nil {
		a |= AskFile
	}
	return a
}

// Needs lists, for each record whose fragment is not in yet, what the
// user must do: a code (zero Ask) or provide input.
func (r *Recovery) Needs() map[string]Ask {
	out := map[string]Ask{}
	for _, rec := range r.pack.Records {
		if r.has(rec.Prefix) {
			continue
		}
		if g, err := r.gatherer(rec); err == nil {
			out[rec.Prefix] = g.Asks(rec)
		} else {
			out[rec.Prefix] = 0
		}
	}
	return out
}

func (r *Recovery) gatherer(rec Record) (Gatherer, error) {
	k, err := r.keepers.keeper(rec.Kind)
	if err != nil {
		return nil, err
	}
	g, ok := k.(Gatherer)
	if !ok {
		return nil, ErrNotGatherable
	}
	return g, nil
}

func (r *Recovery) has(prefix string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.fetched[prefix]
	return ok
}

func (r *Recovery) keep(rec Record, f Fragment) {
	r.mu.Lock()
	r.fetched[rec.Prefix] = f
	r.mu.Unlock()
}
