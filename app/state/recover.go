package state

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// What a typed code can meet, for the screens to explain in plain words.
var (
	ErrWrongCode     = recovery.ErrIncorrectCode // the server refused it
	ErrCodeVoid      = recovery.ErrCodeExpired   // no code pending: ask for a new one
	ErrNotACode      = recovery.ErrCodeFormat    // not a letter and six digits
	ErrUnknownPrefix = recovery.ErrUnknownPrefix // no location has its letter
	ErrNoMatch       = recovery.ErrNoMatch       // the fragments do not open the secret
	ErrTooSoon       = recovery.ErrTooSoon       // a code went out moments ago: wait a minute
	// ErrAlreadyReceived means that location's fragment is already in:
	// its code was used, so the server would refuse it.
	ErrAlreadyReceived = errors.New("the code for that location was already received")
)

// A Recovery is one recovery in progress.
type Recovery struct {
	Name       string
	Challenges []Challenge
	Need       int
	now        func() time.Time
	resent     map[string]Challenge // the newest code asked for, by prefix (under mu)
	rec        *recovery.Recovery
	records    []recovery.Record
	lang       string

	mu       sync.Mutex
	received map[string]bool // by prefix
	opened   func()          // the secret came back: the pack works (stale.go)
}

// A Challenge says where one code went. ActionURL is a page the server
// asks the user to visit first (checked again by ActionLink before it is
// shown); LinkRefused says the server sent a link that was dropped as
// unsafe to open.
type Challenge struct {
	Prefix, Hint, ActionURL string
	LinkRefused             bool
	Err                     error
	// Sent is when the code was asked for; Expires when it stops
	// working: the server's word, else the protocol's default after
	// Sent (the mail says so too).
	Sent, Expires time.Time
}

// StartRecovery asks every location of the item to send its code, in the
// app's language.
func (s *State) StartRecovery(ctx context.Context, name string) (*Recovery, error) {
	p, err := s.loadPack(name)
	if err != nil {
		return nil, err
	}
	r := &Recovery{Name: name, Need: p.Need(), rec: recovery.NewRecovery(p, keepers()),
		records: p.Records, lang: s.codeLanguage(), received: map[string]bool{},
		opened: func() { s.markWorking(name) }}
	if r.lang == "" {
		r.lang = "en"
	}
	// An heir's copy of a pack holds the heir's fragment: it is in at once.
	for _, rec := range p.Records {
		if rec.Kind == KindHeir {
			if _, err := r.rec.Gather(ctx, rec.Prefix, recovery.Input{}); err == nil {
				r.markReceived(rec.Prefix)
			}
		}
	}
	r.now, r.resent = s.now, map[string]Challenge{}
	for _, c := range r.rec.RequestCodesSpread(ctx, r.lang, spreadFor(recovery.PackServers(p)), s.spreadWaitProgress) { // tor.go
		r.Challenges = append(r.Challenges, challengeOf(c.Record, c.Challenge, c.Err, r.now()))
	}
	if ctx.Err() != nil {
		return nil, ErrCanceled
	}
	if !slices.ContainsFunc(r.Challenges, func(c Challenge) bool { return c.Err == nil }) && len(r.Challenges) > 0 && len(r.Gathers()) == 0 {
		return r, fmt.Errorf("no server could send a code: %w", r.Challenges[0].Err)
	}
	return r, nil
}

func challengeOf(rec recovery.Record, c recovery.Challenge, err error, sent time.Time) Challenge {
	ch := Challenge{Prefix: rec.Prefix, Hint: rec.Hint, Err: err}
	if err == nil {
		ch.Sent, ch.Expires = sent, c.Expires
		if ch.Expires.IsZero() || !ch.Expires.After(sent) {
			ch.Expires = sent.Add(recovery.DefaultCodeTimeout)
		}
		ch.ActionURL = c.ActionURL
		ch.LinkRefused = c.ActionURLRefused != ""
		if c.Hint != "" {
			ch.Hint = c.Hint
		}
	}
	return ch
}

// ResendCode asks the one location with this prefix for a new code, as
// when too many wrong tries voided the old one. The other locations'
// codes stay valid.
func (r *Recovery) ResendCode(ctx context.Context, prefix string) (Challenge, error) {
	i := slices.IndexFunc(r.records, func(rec recovery.Record) bool { return rec.Prefix == prefix })
	if i < 0 {
		return Challenge{}, fmt.Errorf("%w: %q", ErrUnknownPrefix, prefix)
	}
	rec := r.records[i]
	k, ok := keepers()[rec.Kind].(recovery.CodeKeeper)
	if !ok {
		return Challenge{}, fmt.Errorf("%w: %q", recovery.ErrNoKeeper, rec.Kind)
	}
	c, err := k.Challenge(ctx, rec, r.lang)
	if err != nil {
		return challengeOf(rec, c, err, r.now()), canceled(ctx, err)
	}
	ch := challengeOf(rec, c, nil, r.now())
	r.mu.Lock()
	r.resent[prefix] = ch
	r.mu.Unlock()
	return ch, nil
}

// Sent is where each code went, the newest of each location (after
// ResendCode), with whether its fragment is in already.
func (r *Recovery) Sent() (sent []Challenge, received map[string]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	received = map[string]bool{}
	for _, c := range r.Challenges {
		if n, ok := r.resent[c.Prefix]; ok {
			c = n
		}
		sent = append(sent, c)
		received[c.Prefix] = r.received[c.Prefix]
	}
	return sent, received
}

// CodesOut are the codes sent for this recovery that still work at now:
// not received yet, not expired. A new recovery of the item would void
// them, so the app asks first.
func (r *Recovery) CodesOut(now time.Time) []Challenge {
	sent, received := r.Sent()
	var out []Challenge
	for _, c := range sent {
		if c.Err == nil && !received[c.Prefix] && now.Before(c.Expires) {
			out = append(out, c)
		}
	}
	return out
}

// Submit routes a code by its prefix and fetches that location's
// fragment. It returns the prefix (when the code had a known one), and
// how many fragments are in hand and needed.
func (r *Recovery) Submit(ctx context.Context, code string) (prefix string, got, need int, err error) {
	i, _, err := recovery.RouteCode(r.records, code)
	if err == nil {
		prefix = r.records[i].Prefix
		r.mu.Lock()
		done := r.received[prefix]
		r.mu.Unlock()
		if done {
			err = ErrAlreadyReceived
		} else if _, err = r.rec.SubmitCode(ctx, code); err == nil {
			r.mu.Lock()
			r.received[prefix] = true
			r.mu.Unlock()
		}
	}
	got, need = r.rec.Progress()
	return prefix, got, need, canceled(ctx, err)
}

// Enough reports whether enough fragments are in hand to try Secret.
func (r *Recovery) Enough() bool {
	got, need := r.rec.Progress()
	return got >= need
}

// Secret opens the secret with the fragments in hand. wrong names, by
// their hints, the locations that sent back a fragment which does not fit
// the others; it may come with the secret (enough good ones were in hand)
// or with an error (type a code from another location).
func (r *Recovery) Secret() (secret []byte, wrong []Challenge, err error) {
	secret, bad, err := r.rec.Secret()
	if bad != nil {
		for _, p := range bad.Prefixes {
			if i := slices.IndexFunc(r.records, func(rec recovery.Record) bool { return rec.Prefix == p }); i >= 0 {
				wrong = append(wrong, Challenge{Prefix: p, Hint: r.records[i].Hint})
			}
		}
	}
	if err != nil {
		// The error repeats what wrong says; keep the sentinel only.
		if errors.Is(err, ErrNoMatch) {
			return nil, wrong, ErrNoMatch
		}
		return nil, wrong, err
	}
	if r.opened != nil {
		r.opened()
	}
	return secret, wrong, nil
}
