package verify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// DefaultFrom is the sender when a Verifier has none configured.
const DefaultFrom = "Passcrow <noreply@localhost>"

// maxDescription keeps the Subject header well under the 998-byte line
// limit of RFC 5322.
const maxDescription = 512

// Compose returns the full RFC 5322 text (CRLF line endings) of the mail
// that carries m's code, in m's language, sent by from at now. The body is
// quoted-printable UTF-8, so any description survives any relay.
func Compose(m Message, from string, now time.Time) ([]byte, error) {
	if err := checkMessage(m); err != nil {
		return nil, err
	}
	m.Description = CleanDescription(m.Description)
	if from == "" {
		from = DefaultFrom
	}
	sender, err := parseFrom(from)
	if err != nil {
		return nil, err
	}
	t := textFor(m.Language)
	return mailText(m.Address, sender, fmt.Sprintf(t.subject, description(m)), t.body(m), now), nil
}

// mailText is the full text of a plain-text mail: the headers, then body
// (lines ending in "\n") as quoted-printable UTF-8. extra headers go
// after the standard ones; their values must be plain ASCII.
func mailText(to string, sender *mail.Address, subject, body string, now time.Time, extra ...[2]string) []byte {
	var qpBody bytes.Buffer
	qp := quotedprintable.NewWriter(&qpBody)
	io.WriteString(qp, body)
	qp.Close()

	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("To", to)
	header("From", sender.String())
	header("Subject", encodeHeader(subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-Id", messageID(sender.Address, now))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies, please
	for _, h := range extra {
		header(h[0], h[1])
	}
	b.WriteString("\r\n")
	b.Write(qpBody.Bytes())
	return b.Bytes()
}

// checkMessage refuses what would break the mail or its headers. The code
// itself never appears in an error: it is a secret.
func checkMessage(m Message) error {
	for _, f := range []struct{ name, v string }{
		{"address", m.Address}, {"description", m.Description},
		{"language", m.Language}, {"about URL", m.AboutURL},
	} {
		if err := checkField(f.name, f.v); err != nil {
			return err
		}
	}
	if m.Code == "" || strings.IndexFunc(m.Code, isControl) >= 0 || strings.Contains(m.Code, " ") {
		return fmt.Errorf("%w: the code is empty or not printable", ErrInvalidMessage)
	}
	if len(m.Description) > maxDescription {
		return fmt.Errorf("%w: description is %d bytes long, over %d", ErrInvalidMessage, len(m.Description), maxDescription)
	}
	if m.Kind == "email" || m.Kind == "mailto" {
		_, err := parseAddress(m.Address)
		return err
	}
	if strings.TrimSpace(m.Address) == "" {
		return fmt.Errorf("%w: empty address", ErrInvalidMessage)
	}
	return nil
}

// parseAddress accepts a bare addr-spec only: no display name, no
// comments, nothing that a later header or SMTP command could trip over.
func parseAddress(s string) (*mail.Address, error) {
	if err := checkField("address", s); err != nil {
		return nil, err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.ContainsAny(s, "<> ,;\"") {
		return nil, fmt.Errorf("%w: %q is not a plain e-mail address", ErrInvalidMessage, s)
	}
	return a, nil
}

func parseFrom(s string) (*mail.Address, error) {
	if err := checkField("from", s); err != nil {
		return nil, err
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%w: sender %q: %w", ErrInvalidMessage, s, err)
	}
	return a, nil
}

// encodeHeader uses RFC 2047 only when the value is not plain ASCII, and
// folds between encoded words so no line grows past the limits.
func encodeHeader(v string) string {
	enc := mime.QEncoding.Encode("utf-8", v)
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

func messageID(sender string, now time.Time) string {
	domain := "localhost"
	if i := strings.LastIndexByte(sender, '@'); i >= 0 && i < len(sender)-1 {
		domain = sender[i+1:]
	}
	var r [12]byte
	rand.Read(r[:])
	return fmt.Sprintf("<%d.%s@%s>", now.Unix(), hex.EncodeToString(r[:]), domain)
}

// ReadCode finds the verification code in the text of a mail made by
// Compose, whatever its language or transfer encoding, with CRLF or LF line
// endings. It is for tests and the demo mailbox.
func ReadCode(text string) (string, bool) {
	msg, err := mail.ReadMessage(strings.NewReader(text))
	if err != nil {
		return "", false
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return "", false
	}
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimRight(line, "\r\n")
		for _, t := range texts {
			rest, ok := strings.CutSuffix(line, t.codeEnd)
			if !ok {
				continue
			}
			// The description may hold ": " too; the code never does.
			if i := strings.LastIndex(rest, ": "); i >= 0 && i+2 < len(rest) {
				return rest[i+2:], true
			}
		}
	}
	return "", false
}
