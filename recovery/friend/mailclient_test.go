//go:build linux

package friend_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
)

// What a friend's mail program does with our letter, done here by hand
// the way Thunderbird and Gmail do it; the mail itself goes through the
// real OpenSMTPD and Dovecot.

// letterParts splits a delivered letter into its headers, its body text
// and its one attachment.
type letterParts struct {
	subject, body    string
	file             string // the attachment's name
	attachment       []byte
	attachmentType   string
	attachmentIsAtt  bool // Content-Disposition: attachment
	inlineParts      int
	attachmentsCount int
}

func readLetter(t *testing.T, raw string) letterParts {
	t.Helper()
	r, err := mail.CreateReader(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("reading the letter: %v", err)
	}
	var l letterParts
	l.subject, _ = r.Header.Subject()
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			l.inlineParts++
			l.body += string(b)
		case *mail.AttachmentHeader:
			l.attachmentsCount++
			l.file, _ = h.Filename()
			l.attachment = b
			l.attachmentType, _, _ = h.ContentType()
			disp, _, _ := h.ContentDisposition()
			l.attachmentIsAtt = disp == "attachment"
		}
	}
	return l
}

// forwardAsAttachment is "Forward as attachment": the whole letter as a
// message/rfc822 part, as Thunderbird and Gmail send it.
func forwardAsAttachment(t *testing.T, from, to, id, original string) []byte {
	t.Helper()
	var h mail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*mail.Address{{Address: from}})
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetSubject("Fwd: the thing you asked for")
	h.SetMessageID(id)
	var buf bytes.Buffer
	w, err := mail.CreateWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	var th mail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, _ := w.CreateSingleInline(th)
	io.WriteString(tw, "Here it is, as you asked.\r\n")
	tw.Close()
	var ah mail.AttachmentHeader
	ah.SetContentType("message/rfc822", nil)
	ah.SetFilename("Please keep this.eml")
	ah.Set("Content-Transfer-Encoding", "7bit") // RFC 2046: never base64
	aw, err := w.CreateAttachment(ah)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(aw, original)
	aw.Close()
	w.Close()
	return buf.Bytes()
}

// forwardInline is the ordinary "Forward": the letter's text quoted in a
// new body under a "Forwarded message" block, and its attachment
// attached again, here as text/plain in quoted-printable (Gmail guesses
// a type from the .txt name and re-encodes).
func forwardInline(t *testing.T, from, to, id string, l letterParts) []byte {
	t.Helper()
	var h mail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*mail.Address{{Address: from}})
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetSubject("Fwd: " + l.subject)
	h.SetMessageID(id)
	var buf bytes.Buffer
	w, err := mail.CreateWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	var th mail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, _ := w.CreateSingleInline(th)
	fmt.Fprintf(tw, "\r\n---------- Forwarded message ---------\r\nSubject: %s\r\n\r\n%s", l.subject, strings.ReplaceAll(l.body, "\n", "\r\n"))
	tw.Close()
	var ah mail.AttachmentHeader
	ah.SetContentType("text/plain", map[string]string{"charset": "us-ascii", "name": l.file})
	ah.SetFilename(l.file)
	ah.Set("Content-Transfer-Encoding", "quoted-printable")
	aw, err := w.CreateAttachment(ah)
	if err != nil {
		t.Fatal(err)
	}
	aw.Write(l.attachment)
	aw.Close()
	w.Close()
	return buf.Bytes()
}

// sendAndReceive sends msg from a friend through OpenSMTPD to user and
// returns it as read back from user's INBOX over IMAP: what the user
// saves as a .eml file.
func sendAndReceive(t *testing.T, ctx context.Context, m *mailtest.Mail, from, user, password, id string, msg []byte) []byte {
	t.Helper()
	// The friend's own provider is OpenSMTPD's plain test port.
	c, err := smtp.Dial(m.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(from, []string{user + "@mail.example.org"}, bytes.NewReader(msg)); err != nil {
		t.Fatalf("sending the forward: %v", err)
	}
	c.Quit()
	text, err := m.WaitForMail(ctx, user, password, func(text string) bool { return strings.Contains(text, id) })
	if err != nil {
		t.Fatal(err)
	}
	return []byte(text)
}

// bodyOf is a message's first text part.
func bodyOf(t *testing.T, raw []byte) string {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out string
	e.Walk(func(_ []int, p *message.Entity, err error) error {
		if mt, _, _ := p.Header.ContentType(); mt == "text/plain" && out == "" {
			b, _ := io.ReadAll(p.Body)
			out = string(b)
		}
		return nil
	})
	return out
}
