package verify

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Events a Notice tells an escrow's owner about: an escrow with a waiting
// period (an heir's) had its code verified, so its release is under way;
// the release is near; the escrow was released. Of any escrow: a code
// was sent to recover it; too many wrong codes were tried, so it takes
// none for a while. Each mail says which in its NoticeHeader, so a mail
// program can sort them.
const (
	NoticeClaimStarted    = "claim-started"
	NoticeReleaseSoon     = "release-soon"
	NoticeReleased        = "released"
	NoticeRecoveryStarted = "recovery-started"
	NoticeLockedOut       = "locked-out"
)

// NoticeHeader names the event of a notice mail.
const NoticeHeader = "X-Passcrow-Notice"

// Notice tells the owner of an escrow (its "notify" identity) that its
// release is under way, or that someone is recovering it or guessing its
// codes. It carries no code: it asks nothing of the owner but to act in
// the app if it is not expected.
type Notice struct {
	Kind        string // identity kind of the owner, e.g. "email"
	Address     string // the owner's address
	Language    string // the owner's language, e.g. "en" or "is"
	Event       string // NoticeClaimStarted, NoticeReleaseSoon or NoticeReleased
	Description string // what the escrow protects, chosen by its owner
	Claimant    string // the masked identity whose code was verified, or sent
	// ReleaseAt is the time the event names: of release; for
	// NoticeRecoveryStarted, when the code expires; for
	// NoticeLockedOut, when the escrow takes codes again.
	ReleaseAt time.Time
	AboutURL  string
}

// A Notifier delivers Notices. Verifiers that can reach the owner's kind
// of identity implement it too; a server tells owners only through them.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

var (
	_ Notifier = (*SMTP)(nil)
	_ Notifier = (*Outbox)(nil)
)

// Notify composes n and hands it to the mail server.
func (s *SMTP) Notify(ctx context.Context, n Notice) error {
	if n.Kind != "email" && n.Kind != "mailto" {
		return fmt.Errorf("%w: %q by e-mail", ErrUnsupportedKind, n.Kind)
	}
	return s.sendText(ctx, n.Address, func(now time.Time) ([]byte, error) { return ComposeNotice(n, s.From, now) })
}

// Notify writes n to a new file in o.Dir, as Send does.
func (o *Outbox) Notify(ctx context.Context, n Notice) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now()
	text, err := ComposeNotice(n, o.From, now)
	if err != nil {
		return err
	}
	return o.write(now, text)
}

// ComposeNotice returns the full text of the mail that carries n, in n's
// language, sent by from at now.
func ComposeNotice(n Notice, from string, now time.Time) ([]byte, error) {
	if err := checkNotice(n); err != nil {
		return nil, err
	}
	if from == "" {
		from = DefaultFrom
	}
	sender, err := parseFrom(from)
	if err != nil {
		return nil, err
	}
	t := noticeTextFor(n.Language)
	ev := t.events[n.Event]
	desc := CleanDescription(n.Description)
	if desc == "" {
		desc = "Passcrow"
	}
	fill := strings.NewReplacer("{desc}", desc, "{who}", n.Claimant, "{date}", t.date(n.ReleaseAt)).Replace
	var b strings.Builder
	for _, p := range ev.paras {
		b.WriteString(wrap(fill(p), 72))
		b.WriteString("\n")
	}
	b.WriteString("-- \n")
	b.WriteString(textFor(n.Language).signature)
	if n.AboutURL != "" {
		fmt.Fprintf(&b, textFor(n.Language).moreInfo, n.AboutURL)
	}
	return mailText(n.Address, sender, fill(ev.subject), b.String(), now, [2]string{NoticeHeader, n.Event}), nil
}

// checkNotice refuses what would break the mail or its headers.
func checkNotice(n Notice) error {
	for _, f := range []struct{ name, v string }{
		{"address", n.Address}, {"description", n.Description}, {"language", n.Language},
		{"claimant", n.Claimant}, {"about URL", n.AboutURL}, {"event", n.Event},
	} {
		if err := checkField(f.name, f.v); err != nil {
			return err
		}
	}
	if _, ok := noticeTexts["en"].events[n.Event]; !ok {
		return fmt.Errorf("%w: unknown event %q", ErrInvalidMessage, n.Event)
	}
	if len(n.Description) > maxDescription {
		return fmt.Errorf("%w: description is %d bytes long, over %d", ErrInvalidMessage, len(n.Description), maxDescription)
	}
	if n.ReleaseAt.IsZero() {
		return fmt.Errorf("%w: no time of release", ErrInvalidMessage)
	}
	if n.Kind == "email" || n.Kind == "mailto" {
		if _, err := parseAddress(n.Address); err != nil {
			return err
		}
	}
	if strings.TrimSpace(n.Address) == "" {
		return fmt.Errorf("%w: empty address", ErrInvalidMessage)
	}
	return nil
}

// wrap breaks a paragraph into lines of at most width characters where
// it can, each ending in "\n".
func wrap(p string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(p) {
		n := len([]rune(w))
		if i > 0 {
			if line+1+n > width {
				b.WriteString("\n")
				line = 0
			} else {
				b.WriteString(" ")
				line++
			}
		}
		b.WriteString(w)
		line += n
	}
	b.WriteString("\n")
	return b.String()
}

// ReadNotice says which event a mail made by ComposeNotice tells of, for
// tests and the demo mailbox.
func ReadNotice(text string) (event string, ok bool) {
	msg, err := mail.ReadMessage(strings.NewReader(text))
	if err != nil {
		return "", false
	}
	ev := msg.Header.Get(NoticeHeader)
	_, ok = noticeTexts["en"].events[ev]
	return ev, ok
}
