package mailbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"
)

// A draft is a message Passcrow saves in a mailbox: a text for the
// person who finds it, and one attachment.
type draft struct {
	acct    Account
	header  string // our X- header, marking the message as ours
	id      string // its value
	extra   [][2]string
	subject string
	body    string // plain text, '\n' line ends
	file    part
	now     time.Time
}

// A part is an attachment: its file name, media type and content.
type part struct {
	name, mediaType string
	data            []byte
	attachment      bool // marked as an attachment or named as a file
}

// randomHex is n random bytes in hex: message ids, boundaries.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// oneLine drops control characters (line ends too), so text the user
// typed cannot start a header or a line of its own.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// address is the account's own address, for From and To: the message is
// a note to oneself.
func (a Account) address() string {
	u := a.Username
	if !strings.Contains(u, "@") {
		u += "@" + a.Host
	}
	return u
}

// bytes writes the message with CRLF line ends, as IMAP wants.
func (d draft) bytes() []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	me := (&mail.Address{Name: "Passcrow", Address: oneLine(d.acct.address())}).String()
	domain := "passcrow.invalid"
	boundary := "passcrow-" + randomHex(12)
	h("Date", d.now.Format(time.RFC1123Z))
	h("From", me)
	h("To", me)
	h("Subject", mime.QEncoding.Encode("utf-8", oneLine(d.subject)))
	h("Message-ID", "<"+randomHex(16)+"@"+domain+">")
	h(d.header, d.id)
	for _, kv := range d.extra {
		h(kv[0], kv[1])
	}
	h("MIME-Version", "1.0")
	h("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": boundary}))
	b.WriteString("\r\n")
	b.WriteString("This is a message in MIME format.\r\n")

	fmt.Fprintf(&b, "\r\n--%s\r\n", boundary)
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(d.body)) // writes to a bytes.Buffer do not fail
	_ = qp.Close()

	fmt.Fprintf(&b, "\r\n--%s\r\n", boundary)
	h("Content-Type", mime.FormatMediaType(d.file.mediaType, map[string]string{"name": d.file.name}))
	h("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.file.name}))
	if shortASCIILines(d.file.data) {
		h("Content-Transfer-Encoding", "7bit")
		b.WriteString("\r\n")
		b.Write(bytes.ReplaceAll(bytes.ReplaceAll(d.file.data, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n")))
	} else {
		h("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		enc := base64.StdEncoding.EncodeToString(d.file.data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
	}
	fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	return b.Bytes()
}

// shortASCIILines tells whether data can travel as 7bit text: printable
// ASCII in lines far below mail's 998-character limit.
func shortASCIILines(data []byte) bool {
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > 200 {
			return false
		}
		for _, c := range line {
			if c < ' ' || c > '~' {
				return false
			}
		}
	}
	return true
}

// Limits on reading a message back: it comes from the server, and
// whoever can write to the mailbox.
const (
	maxParts = 32
	maxDepth = 4
)

// parts returns the leaves of a MIME message, decoded (base64 and
// quoted-printable), attachments first; each at most max bytes (longer
// ones are left out).
func parts(raw []byte, max int64) ([]part, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("the message cannot be read: %w", err)
	}
	w := walker{max: max}
	w.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0, true)
	var out []part
	for _, p := range w.leaves {
		if p.attachment {
			out = append(out, p)
		}
	}
	for _, p := range w.leaves {
		if !p.attachment {
			out = append(out, p)
		}
	}
	return out, nil
}

type walker struct {
	max    int64
	leaves []part
	seen   int
}

func (w *walker) walk(h textproto.MIMEHeader, body io.Reader, depth int, top bool) {
	if w.seen >= maxParts {
		return
	}
	w.seen++
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt, params = "text/plain", nil
	}
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= maxDepth || params["boundary"] == "" {
			return
		}
		mr := multipart.NewReader(body, params["boundary"])
		for w.seen < maxParts {
			p, err := mr.NextPart() // undoes quoted-printable itself
			if err != nil {
				return
			}
			w.walk(p.Header, p, depth+1, false)
		}
		return
	}
	name := params["name"]
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if dparams["filename"] != "" {
		name = dparams["filename"]
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips line ends
	case "quoted-printable":
		if top { // multipart.Reader has undone it in parts
			body = quotedprintable.NewReader(body)
		}
	}
	data, err := io.ReadAll(io.LimitReader(body, w.max+1))
	if err != nil || int64(len(data)) > w.max {
		return
	}
	w.leaves = append(w.leaves, part{name: name, mediaType: mt, data: data, attachment: disp == "attachment" || name != ""})
}
