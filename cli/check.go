package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// The health check asks each location whether it still holds its
// fragment, without taking it out or sending a code (recovery.Checker),
// and keeps the date each was last seen in the store (packstore.Seen).

// Health states of a location.
const (
	statePresent   = "present"   // the location holds the fragment
	stateMissing   = "missing"   // the location answered: it is gone
	stateUnchecked = "unchecked" // it cannot be asked (paper, a friend, a 1.0 server, no password)
	stateError     = "error"     // it could not be asked now (unreachable, refused)
)

type healthInfo struct {
	Prefix   string `json:"prefix"`
	Kind     string `json:"kind"`
	Hint     string `json:"hint"`
	State    string `json:"state"`
	Detail   string `json:"detail,omitempty"`
	Expires  string `json:"expires,omitempty"`
	LastSeen string `json:"last_seen,omitempty"`
}

// errMissing means a location no longer holds its fragment (exit 1).
var errMissing = errors.New("no longer hold their fragment")

func runCheck(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "check", "NAME [--imap-password-file [ACCOUNT=]F] [--trust-servers]", &c)
	logins := mailboxFlags(fs)
	trust := trustFlag(fs)
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if err := logins.ready(); err != nil {
		return err
	}
	st, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	// The check sends each escrow's id and key to its server, as forget
	// would: only to servers the user chose.
	if err := e.checkServers("check", st, p, *trust); err != nil {
		return err
	}
	if e.willLogIn(p, logins) {
		if err := e.checkMailHosts("check", st, p, *trust); err != nil {
			return err
		}
	}
	ks := e.keepers(logins)
	now := time.Now()
	seen, err := packstore.LastSeen(st, name, p)
	if err != nil {
		e.notice("passcrow: %v", err)
	}
	ctx := context.Background()
	var results []packstore.CheckResult
	var out []healthInfo
	var firstErr error
	up := map[string]bool{}
	missing := 0
	for _, r := range p.Records {
		h := checkOne(ctx, ks, r)
		switch h.State {
		case statePresent:
			results = append(results, packstore.CheckResult{Prefix: r.Prefix, Present: true})
			up[r.Prefix] = true
		case stateMissing:
			results = append(results, packstore.CheckResult{Prefix: r.Prefix, Present: false})
			missing++
		case stateError:
			if firstErr == nil {
				firstErr = h.err
			}
			up[r.Prefix] = true // not known to be gone
		default:
			up[r.Prefix] = true
		}
		info := h.healthInfo
		if s, ok := seen[r.Prefix]; ok && !s.Seen.IsZero() {
			info.LastSeen = dateOf(s.Seen)
		}
		if h.State == statePresent {
			info.LastSeen = dateOf(now)
		}
		out = append(out, info)
	}
	if err := packstore.RecordChecks(st, name, p, results, now); err != nil {
		e.notice("passcrow: could not keep the dates of this check: %v", err)
	}
	var text strings.Builder
	for _, h := range out {
		fmt.Fprintf(&text, "  %s  %s: %s", h.Prefix, h.Hint, h.State)
		if h.Detail != "" {
			fmt.Fprintf(&text, ": %s", h.Detail)
		}
		if h.LastSeen != "" {
			fmt.Fprintf(&text, " (last seen %s)", h.LastSeen)
		} else if h.State != statePresent {
			text.WriteString(" (never seen by a check)")
		}
		text.WriteString("\n")
	}
	res := map[string]any{"name": name, "locations": out, "missing": missing}
	switch {
	case missing > 0:
		err = fmt.Errorf("check: %d of %d locations %w", missing, len(p.Records), errMissing)
		if !enoughFrom(p, up) {
			err = fmt.Errorf("%w, and the others are not enough to recover: protect %s again now (passcrow protect %s --force ...)", err, name, name)
		} else {
			err = fmt.Errorf("%w; the others are still enough, but protect %s again soon", err, name)
		}
	case firstErr != nil:
		err = fmt.Errorf("check: some locations could not be asked: %w", firstErr)
	}
	if err != nil && c.json {
		res["error"], res["exit"] = termtext.CleanLines(err.Error()), exitCode(err)
		err = reportedError{err}
	}
	e.result(&c, res, text.String())
	return err
}

// checked is one location's health and, for stateError, why.
type checked struct {
	healthInfo
	err error
}

func checkOne(ctx context.Context, ks recovery.Keepers, r recovery.Record) checked {
	h := checked{healthInfo: healthInfo{Prefix: r.Prefix, Kind: termtext.Clean(r.Kind), Hint: termtext.Clean(r.Hint)}}
	if r.Expires > 0 {
		h.Expires = dateOf(time.Unix(r.Expires, 0))
	}
	k, ok := ks[r.Kind]
	if !ok {
		h.State, h.Detail = stateUnchecked, "this program does not know this kind of location"
		return h
	}
	ck, ok := k.(recovery.Checker)
	if !ok {
		h.State = stateUnchecked
		switch r.Kind {
		case paper.Kind:
			h.Detail = "a printed sheet cannot be checked from here: make sure it is still where you keep it"
		case friend.Kind:
			h.Detail = "a friend's inbox cannot be checked from here: ask your friend whether they still have the letter"
		default:
			h.Detail = "this kind of location cannot be checked"
		}
		return h
	}
	res, err := ck.Check(ctx, r, recovery.Input{})
	switch {
	case errors.Is(err, recovery.ErrCannotCheck):
		h.State, h.Detail = stateUnchecked, err.Error()
		if !res.Expires.IsZero() {
			h.Detail += "; the pack says it lasts until " + dateOf(res.Expires)
		}
	case r.Kind == media.Kind && errors.Is(err, fs.ErrNotExist):
		h.State, h.Detail = stateUnchecked, "not checked: "+termtext.Clean(err.Error())
	case errors.Is(err, errNoMailboxPassword):
		h.State, h.Detail = stateUnchecked, "not checked: give its password with --imap-password-file, or run at a terminal to be asked"
	case err != nil:
		h.State, h.Detail, h.err = stateError, termtext.CleanLines(err.Error()), err
	case res.Present:
		h.State, h.Detail = statePresent, termtext.Clean(res.Detail)
		if !res.Expires.IsZero() {
			h.Expires = dateOf(res.Expires)
		}
	default:
		h.State, h.Detail = stateMissing, termtext.Clean(res.Detail)
	}
	return h
}
