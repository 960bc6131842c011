package verify

import (
	"errors"
	"net/textproto"
	"regexp"
	"strings"
)

// Permanent reports whether err means that trying the same message again
// cannot help: a message refused before sending, a mail server's 5xx
// reply (bad recipient, failed login), an SMS gateway's 4xx answer other
// than "too many requests". Everything else (a refused connection, a
// timeout, a 4xx mail reply, a 5xx gateway answer) is worth another try.
func Permanent(err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrInvalidMessage), errors.Is(err, ErrUnsupportedKind), errors.Is(err, ErrNoTLS):
		return true
	}
	if te, ok := errors.AsType[*textproto.Error](err); ok {
		return te.Code >= 500
	}
	if p, ok := errors.AsType[interface {
		error
		Permanent() bool
	}](err); ok {
		return p.Permanent()
	}
	return false
}

var (
	mailLike   = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)
	longNumber = regexp.MustCompile(`\+?[0-9]{5,}`)
)

// SafeError is err's text fit for a log: the recipient's address, in any
// letter case, anything else shaped like an e-mail address, and long
// numbers (phone numbers) are blotted out. A mail server's reply may echo
// the address in a case of its own, and a gateway's may echo the number.
func SafeError(err error, address string) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if address != "" {
		s = replaceFold(s, address, "<recipient>")
	}
	s = mailLike.ReplaceAllString(s, "<address>")
	return longNumber.ReplaceAllString(s, "<number>")
}

// replaceFold replaces every match of old in s, ignoring letter case.
func replaceFold(s, old, repl string) string {
	var b strings.Builder
	for {
		i := indexFold(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s = s[i+len(old):]
	}
}

func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
