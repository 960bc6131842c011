package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

func runForget(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "forget", "NAME [--force] [--imap-password-file [ACCOUNT=]F] [--trust-servers]", &c)
	force := fs.Bool("force", false, "delete the pack even when some fragments could not be deleted")
	logins := mailboxFlags(fs)
	trust := trustFlag(fs)
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if err := logins.ready(); err != nil {
		return err
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	p, err := packstore.Load(st, name)
	switch {
	case errors.Is(err, packstore.ErrNoSuchItem):
		return err
	case err != nil && !*force:
		return fmt.Errorf("forget: %w (with --force the unreadable pack is deleted; its escrows then expire on their own)", err)
	case err != nil:
		e.notice("passcrow: the pack cannot be read, so its fragments cannot be deleted; escrows expire on their own")
	}
	// The fragments go first: the pack is what lets us find them, so it
	// is kept until they are gone (or the user says to give up on them).
	var voided []string
	if p != nil && e.willLogIn(p, logins) {
		if err := e.checkMailHosts("forget", st, p, *trust); err != nil {
			return err
		}
	}
	if p != nil {
		if left := forgetEach(context.Background(), p, e.keepers(logins)); len(left) > 0 {
			err := &leftError{name: name, left: left}
			if !*force {
				return fmt.Errorf("forget: %w", err)
			}
			e.notice("passcrow: %v; removed from this computer anyway", err)
		}
		voided = voidedByForget(p)
	}
	if err := packstore.DeletePartial(st, name); err != nil {
		e.notice("passcrow: could not remove kept codes: %v", err)
	}
	if err := packstore.DeleteSeen(st, name); err != nil {
		e.notice("passcrow: could not remove the health check's dates: %v", err)
	}
	if err := packstore.Delete(st, name); err != nil {
		return fmt.Errorf("forget: the fragments are deleted, but the pack is not: %w", err)
	}
	text := fmt.Sprintf("Forgot %q and deleted its fragments.\n", name)
	if len(voided) > 0 {
		text += "These cannot be deleted from here, but they are useless now: the keys that opened them were in the pack, which is gone.\n"
		for _, v := range voided {
			text += "  " + v + "\n"
		}
	}
	res := map[string]any{"name": name, "forgotten": true}
	if len(voided) > 0 {
		res["voided"] = voided
	}
	e.result(&c, res, text)
	return nil
}

// voidedByForget names the fragments that Forget cannot reach (a letter
// in a friend's inbox, a printed sheet): deleting the pack destroys the
// keys they are sealed under ("crypto-shredding").
func voidedByForget(p *recovery.Pack) []string {
	var out []string
	for _, r := range p.Records {
		switch r.Kind {
		case friend.Kind:
			out = append(out, termtext.Clean(r.Hint)+": the letter in your friend's inbox")
		case paper.Kind:
			s := termtext.Clean(r.Hint) + ": the printed copy"
			if f := recordFile(r); f != "" {
				s += " (its PDF file is deleted)"
			}
			out = append(out, s)
		}
	}
	return out
}

// A leftover is a fragment forget could not delete.
type leftover struct {
	where   string
	expires time.Time // zero: not known
	err     error
}

// leftError says what forget left behind, where, and until when, and
// what --force would do: the same words as the app's.
type leftError struct {
	name string
	left []leftover
}

func (e *leftError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "could not delete %d fragment(s) of %q, so it is kept here to try again later:", len(e.left), e.name)
	for _, l := range e.left {
		until := "until it expires (date not known)"
		if !l.expires.IsZero() {
			until = "until " + l.expires.UTC().Format(time.DateOnly) + " at the latest"
		}
		fmt.Fprintf(&b, "\n  %s: kept there %s (%v)", l.where, until, l.err)
	}
	b.WriteString("\nwith --force it is removed from this computer anyway: what is left is deleted by its server when it expires, and without the pack it cannot recover anything")
	return b.String()
}

func (e *leftError) Unwrap() []error {
	var out []error
	for _, l := range e.left {
		out = append(out, l.err)
	}
	return out
}

// forgetEach deletes p's fragments one place at a time, so it can say
// which were left. One already gone (the server answers "No such
// escrow") counts as deleted, so trying again finishes the job.
func forgetEach(ctx context.Context, p *recovery.Pack, ks recovery.Keepers) []leftover {
	recs := p.Records
	if p.Ephemeral != nil {
		recs = append(recs[:len(recs):len(recs)], *p.Ephemeral)
	}
	var left []leftover
	for _, r := range recs {
		err := recovery.Forget(ctx, &recovery.Pack{Records: []recovery.Record{r}}, ks)
		var se *recovery.ServerError
		if err == nil || errors.As(err, &se) && se.Status == 200 && se.Message == "No such escrow" {
			continue
		}
		l := leftover{where: termtext.Clean(r.Hint), err: err}
		if r.Expires > 0 {
			l.expires = time.Unix(r.Expires, 0)
		}
		left = append(left, l)
	}
	return left
}
