package recovery

import (
	"context"
	"time"
)

// A Checker is an optional Keeper extension: it tells whether a placed
// fragment is still where the pack says, without taking it out, for the
// health check (passcrow check NAME, the app's overview). Kinds that need
// the user's input to look (a mailbox login) take it in in; kinds that
// cannot look at all (paper, a friend's inbox) do not implement Checker.
type Checker interface {
	Check(ctx context.Context, r Record, in Input) (Health, error)
}

// Health is what a check found. An error from Check means the check
// could not be made (a dead server, a wrong password), not that the
// fragment is gone: that is Present false.
type Health struct {
	Present bool
	// Expires is when the location will forget the fragment, when it says.
	Expires time.Time
	// Detail says in plain words what was found, for the user.
	Detail string
}
