package mailbox

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
)

// Errors for what goes wrong with a mailbox, in words for the user; errors
// returned wrap one of them (or recovery.ErrWrongFragment) with details.
var (
	// ErrLogin means the server refused the username or password.
	ErrLogin = errors.New("the mail server refused the username or password")
	// ErrUnreachable means no IMAP conversation could be had with the
	// server: it cannot be reached, or it stopped answering.
	ErrUnreachable = errors.New("the mail server cannot be reached")
	// ErrTLS means no secure connection could be made: the certificate
	// is not trusted or not for this server, or the server offers no TLS.
	ErrTLS = errors.New("no secure connection to the mail server")
	// ErrPlainRefused means an unencrypted connection was asked for to a
	// host that is not a loopback IP address. Nothing was sent.
	ErrPlainRefused = errors.New("an unencrypted connection is allowed only to this computer (a loopback IP address such as 127.0.0.1)")
	// ErrFull means the server refused the message because the mailbox
	// is over its quota.
	ErrFull = errors.New("the mailbox is full")
	// ErrRefused means the server refused to store or change something,
	// for another reason than a full mailbox.
	ErrRefused = errors.New("the mail server refused")
	// ErrGone means the message that held the fragment is no longer in
	// its folder: deleted or moved away.
	ErrGone = errors.New("the message that holds the fragment is no longer in the mailbox: was it deleted or moved?")
	// ErrNoPack means the mailbox holds no copy of the pack asked for.
	ErrNoPack = errors.New("the mailbox holds no copy of this recovery pack")
	// ErrPackBesideFragments means SavePack was asked to keep a pack in
	// a mailbox whose fragments of that pack, or the codes for them that
	// servers send there, would be all that recovery needs besides the
	// pack: whoever reads the mailbox could recover.
	ErrPackBesideFragments = errors.New("this mailbox holds, or gets the codes for, enough fragments of the pack to recover it with the pack alone; keep the copy of the pack in another mailbox")
)

// maxServerText bounds how much of a server's own words go into an error.
const maxServerText = 200

// serverText is a server's text made safe to show: one line, no terminal
// controls, not too long.
func serverText(s string) string {
	s = termtext.Clean(s)
	if r := []rune(s); len(r) > maxServerText {
		s = string(r[:maxServerText]) + "…"
	}
	return s
}

// refused turns a server's NO or BAD answer to what was being done
// ("storing the message") into ErrFull or ErrRefused, and any other error
// (a broken connection) into ErrUnreachable. Servers that say nothing
// but "quota" in words count as full too.
func refused(what string, err error) error {
	var ie *imap.Error
	if errors.As(err, &ie) {
		text := serverText(ie.Text)
		if ie.Code == imap.ResponseCodeOverQuota || strings.Contains(strings.ToLower(ie.Text), "quota") {
			return fmt.Errorf("%w: the server refused %s: %s", ErrFull, what, text)
		}
		return fmt.Errorf("%w %s: %s", ErrRefused, what, text)
	}
	return fmt.Errorf("%w: the connection broke while %s: %v", ErrUnreachable, what, err)
}
