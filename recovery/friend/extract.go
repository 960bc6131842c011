package friend

import (
	"bytes"
	"errors"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Limits on what the user imports, which may be any file at all: a mail
// with photos is tens of megabytes; nesting and part counts bound the
// work a hostile message can cause.
const (
	maxInput = 32 << 20
	maxDepth = 8
	maxParts = 256
	maxTexts = 64 // each is searched for up to 16 codes (OpenFromText)
)

// errTooLarge says a file is too large to be a returned fragment.
var errTooLarge = errors.New("this file is too large to be a mail with a fragment")

// places lists every text in what the user provided that may hold a
// sealed fragment: the typed text, each part of the file read as a mail,
// into forwarded messages (message/rfc822) and attached .eml files, or
// the file as it is when it is not a mail (a bare attachment). Not a
// mail's raw text: its headers and base64 can hold "PC1" by chance, and
// a damaged-looking code there would hide "not this pack's". Quoted lines ("> ") are also given unquoted, and HTML as text,
// so a fragment a friend pasted into a reply is found too.
func places(in recovery.Input) ([]string, error) {
	if len(in.File) > maxInput || len(in.Text) > maxInput {
		return nil, errTooLarge
	}
	c := collector{seen: map[string]bool{}}
	if in.Text != "" {
		c.add(in.Text)
	}
	if in.File != nil && !c.message(in.File, 0) {
		c.add(string(in.File))
	}
	return c.out, nil
}

type collector struct {
	out   []string
	seen  map[string]bool
	parts int
}

// add keeps s, and s unquoted, when either may hold a fragment.
func (c *collector) add(s string) {
	for _, t := range []string{s, unquote(s)} {
		if !c.seen[t] && len(c.out) < maxTexts && mayHold(t) {
			c.seen[t] = true
			c.out = append(c.out, t)
		}
	}
}

// message reads raw as a mail, when it is one, and says whether it was.
func (c *collector) message(raw []byte, depth int) bool {
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil || (err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
		return false
	}
	if !isMail(e.Header) {
		return false
	}
	c.entity(e, depth)
	return true
}

// isMail tells a mail's header from a text file whose first lines
// happen to have colons ("Code: PC1 ..."), which is searched whole.
func isMail(h message.Header) bool {
	for _, k := range []string{"From", "Content-Type", "MIME-Version", "Date", "Subject", "Received", "Message-ID"} {
		if h.Has(k) {
			return true
		}
	}
	return false
}

func (c *collector) entity(e *message.Entity, depth int) {
	if depth > maxDepth || c.parts >= maxParts {
		return
	}
	c.parts++
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if p == nil || (err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
				return // io.EOF, or a broken part: what was read stays
			}
			c.entity(p, depth+1)
			if c.parts >= maxParts {
				return
			}
		}
	}
	body, err := io.ReadAll(io.LimitReader(e.Body, maxInput))
	if err != nil && len(body) == 0 {
		return
	}
	mt, _, _ := e.Header.ContentType()
	switch {
	case strings.HasPrefix(mt, "message/") || looksLikeMail(body):
		// A forwarded mail, or an .eml attached as a file: read as a
		// mail, not as text (see places).
		if c.message(body, depth+1) {
			return
		}
	case mt == "text/html":
		c.add(htmlText(string(body)))
		return
	}
	c.add(string(body))
}

var mailHeader = regexp.MustCompile(`(?im)^(content-type|mime-version|from|subject):`)

// looksLikeMail tells whether a part's body starts like a mail, so an
// attached .eml sent as application/octet-stream is read as one.
func looksLikeMail(b []byte) bool {
	head := b[:min(len(b), 4096)]
	return mailHeader.Match(head) && !mayHold(string(head))
}

var quotes = regexp.MustCompile(`(?m)^[ \t]*(?:[>|][ \t]*)+`)

// htmlText is the text of an HTML part, enough to find a fragment in:
// tags become spaces, script and style elements go whole, entities
// become characters. It is one pass over s: a regular expression for
// "<script ...</script>" must look to the end of s at every "<script"
// that has no end, and a mail of such tags took hours.
func htmlText(s string) string {
	lower := asciiLower(s)
	var b strings.Builder
	noEnd := map[string]bool{} // elements with no end tag from here on
	noGT := false              // no '>' from here on
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 || noGT {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		if name := rawTextElement(lower[i+1:]); name != "" && !noEnd[name] {
			if k := strings.Index(lower[i:], "</"+name); k >= 0 {
				i += k
				if gt := strings.IndexByte(s[i:], '>'); gt >= 0 {
					i += gt + 1
				} else {
					i = len(s)
				}
				b.WriteByte(' ')
				continue
			}
			noEnd[name] = true
		}
		k := strings.IndexByte(s[i:], '>')
		if k < 0 {
			noGT = true
			continue
		}
		b.WriteByte(' ')
		i += k + 1
	}
	return html.UnescapeString(b.String())
}

// rawTextElement is "script" or "style" when s starts with that name as
// a whole word, else "".
func rawTextElement(s string) string {
	for _, name := range []string{"script", "style"} {
		if rest, ok := strings.CutPrefix(s, name); ok && (rest == "" || !isWordByte(rest[0])) {
			return name
		}
	}
	return ""
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// asciiLower lowers ASCII letters only, so byte offsets stay those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// unquote takes the quote marks off every line ("> > text" is "text").
func unquote(s string) string {
	return quotes.ReplaceAllString(s, "")
}
