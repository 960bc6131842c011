package friend

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// attachmentType is the attachment's media type. Not text/plain: mail
// programs show text attachments inline, and some quote what they show
// in a reply. The file is still plain text for whoever opens it.
const attachmentType = "application/octet-stream"

// compose writes the mail to the friend: the letter as the body and the
// sealed fragment, with the letter's short note above it, as the only
// attachment.
func compose(from, to *mail.Address, l letter, file string, sealed string, now time.Time) ([]byte, error) {
	var h mail.Header
	h.SetDate(now)
	h.SetAddressList("From", []*mail.Address{from})
	h.SetAddressList("To", []*mail.Address{to})
	h.SetSubject(l.Subject)
	_, domain, _ := strings.Cut(from.Address, "@")
	if err := h.GenerateMessageIDWithHostname(domain); err != nil {
		return nil, err
	}
	h.Set("MIME-Version", "1.0")

	var buf bytes.Buffer
	w, err := mail.CreateWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	var th mail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, err := w.CreateSingleInline(th)
	if err != nil {
		return nil, err
	}
	if _, err := tw.Write([]byte(crlf(l.Body))); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	var ah mail.AttachmentHeader
	ah.SetContentType(attachmentType, nil)
	ah.SetFilename(file)
	aw, err := w.CreateAttachment(ah)
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintf(aw, "%s\r\n%s\r\n", crlf(l.File), crlf(sealed)); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
