package cli

import (
	"context"
	"errors"
	"net"
	"net/url"

	"github.com/passcrow/passcrow-desktop/internal/packstore"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ue usageError
	var te *untrustedError
	var se *recovery.ServerError
	// Not net.Error: syscall.Errno implements it, so every failed file
	// operation ("no such file") would count as a server problem.
	var urlErr *url.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ue), errors.As(err, &te):
		// Untrusted servers: the command as typed cannot go on; with
		// --trust-servers it can, as with any missing flag.
		return ExitUsage
	case errors.Is(err, packstore.ErrNoSuchItem):
		return ExitNotFound
	case errors.Is(err, recovery.ErrIncorrectCode), errors.Is(err, recovery.ErrNeedMoreCodes),
		errors.Is(err, recovery.ErrCodeExpired),
		errors.Is(err, recovery.ErrCodeFormat), errors.Is(err, recovery.ErrUnknownPrefix),
		errors.Is(err, recovery.ErrNotEnough), errors.Is(err, recovery.ErrNoMatch),
		errors.Is(err, recovery.ErrWrongFragment), errors.Is(err, recovery.ErrNotThisPack),
		errors.Is(err, heir.ErrReleasePending):
		return ExitIncomplete
	case errors.As(err, &se), errors.As(err, &urlErr), errors.As(err, &oe),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, errTooFewSent),
		errors.Is(err, recovery.ErrRateLimited), errors.Is(err, recovery.ErrBadResponse),
		errors.Is(err, recovery.ErrInsufficientPayment), errors.Is(err, recovery.ErrUnsupportedKind),
		errors.Is(err, recovery.ErrNoPaymentScheme), errors.Is(err, recovery.ErrInsecureServer),
		errors.Is(err, recovery.ErrPaymentTooCostly),
		errors.Is(err, mailbox.ErrLogin), errors.Is(err, mailbox.ErrUnreachable), errors.Is(err, mailbox.ErrTLS),
		errors.Is(err, mailbox.ErrFull), errors.Is(err, mailbox.ErrRefused), errors.Is(err, friend.ErrAuth), errors.Is(err, friend.ErrNoTLS):
		return ExitServer
	}
	return ExitFailure
}
