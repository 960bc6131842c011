package recovery

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxActionURLLength caps an action URL. Real verification pages fit in
// far less; a longer "URL" is a payload, not a page.
const MaxActionURLLength = 2048

// CheckActionURL decides whether the action-url a server sent with a
// verification answer may be shown as a link and opened. The server is
// not trusted: a file:, smb: or search-ms: link opened on a click can
// leak the user's Windows credentials or run a program, javascript: and
// data: links run code, and user-info ("https://bank.example@evil.example")
// or look-alike Unicode host names hide where the link goes.
//
// Accepted: an https URL with a host name written in ASCII (IDN as
// xn--), or plain http to a loopback IP literal (127.0.0.0/8, ::1) for
// servers run by the user. Refused: anything else, user-info, control
// or invisible formatting characters, spaces, backslashes, and URLs
// longer than MaxActionURLLength. The error says why in plain words.
func CheckActionURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("action link is empty")
	}
	if len(raw) > MaxActionURLLength {
		return nil, fmt.Errorf("action link is %d bytes long, more than %d", len(raw), MaxActionURLLength)
	}
	if !utf8.ValidString(raw) {
		return nil, fmt.Errorf("action link %s is not valid text", quoteShort(raw))
	}
	for _, r := range raw {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return nil, fmt.Errorf("action link %s has a control or invisible character %U", quoteShort(raw), r)
		case unicode.IsSpace(r):
			return nil, fmt.Errorf("action link %s has a space in it", quoteShort(raw))
		case r == '\\':
			// Windows and browsers read a backslash as a slash, Go does
			// not: `\\host\share` and `https://a\@b` mean different
			// places to each.
			return nil, fmt.Errorf("action link %s has a backslash in it", quoteShort(raw))
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("action link %s is not a URL", quoteShort(raw))
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("action link %s uses plain http, allowed only to 127.0.0.1 or ::1: the link must start with https://", quoteShort(raw))
		}
	case "":
		return nil, fmt.Errorf("action link %s is not a web address (https://...)", quoteShort(raw))
	default:
		return nil, fmt.Errorf("action link %s is a %q link, not a web page: only https:// links are opened", quoteShort(raw), u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("action link %s names no host", quoteShort(raw))
	}
	if u.User != nil {
		return nil, fmt.Errorf("action link %s has a user name before the host, which hides where it goes", quoteShort(raw))
	}
	for _, r := range u.Hostname() {
		if r >= utf8.RuneSelf {
			return nil, fmt.Errorf("action link %s has a host name with non-ASCII letters, which can imitate another (it must be written as xn--...)", quoteShort(raw))
		}
	}
	// Path and fragment come out of String() escaped; the query comes
	// out as sent, so escape it too: what is shown is printable ASCII.
	u.RawQuery = escapeNonASCII(u.RawQuery)
	return u, nil
}

func escapeNonASCII(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// quoteShort quotes s for an error message, cut to a length a person
// can read; s is from a server, so it is never shown whole.
func quoteShort(s string) string {
	const limit = 80
	if len(s) <= limit {
		return fmt.Sprintf("%q", s)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}

// isLoopbackHost reports whether host is a loopback IP literal. A name
// such as "localhost" is not enough: a resolver, a hosts file or a
// proxy setting can send it elsewhere, and plain http would then carry
// secrets in the clear.
func isLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
