package mailbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/idna"

	"github.com/passcrow/passcrow-desktop/internal/hint"
)

// Security is how the connection to the IMAP server is protected.
type Security string

const (
	// TLS is implicit TLS from the first byte ("IMAPS", port 993).
	TLS Security = "tls"
	// StartTLS upgrades a plain connection with STARTTLS (port 143)
	// before anything else is sent; a server that cannot is refused.
	StartTLS Security = "starttls"
	// Plain is no encryption at all, allowed only to a loopback IP
	// address (a local bridge or test server).
	Plain Security = "plain"
)

// AuthMethod is how to log in.
type AuthMethod string

const (
	// AuthAuto uses AUTHENTICATE PLAIN when the server offers it, else LOGIN.
	AuthAuto AuthMethod = ""
	// AuthPlain is AUTHENTICATE PLAIN (RFC 4616).
	AuthPlain AuthMethod = "plain"
	// AuthLogin is the IMAP LOGIN command.
	AuthLogin AuthMethod = "login"
)

// DefaultFolder is where fragments and packs go unless the user names
// another folder.
const DefaultFolder = "Passcrow Recovery"

// An Account is an IMAP mailbox of the user's. Its password is not part
// of it: it is given when the mailbox is used.
type Account struct {
	Host     string
	Port     int // 0: 993 for TLS, 143 otherwise
	Security Security
	Username string
	// Folder holds Passcrow's messages; "" means DefaultFolder. It is
	// created when missing.
	Folder string
	Auth   AuthMethod
	// TLSConfig, when not nil, is the base of the TLS configuration
	// (programs and tests that trust a private CA set RootCAs). The
	// server name is always Host, and certificates are always checked.
	TLSConfig *tls.Config
}

// normalized checks a and fills in its defaults.
func (a Account) normalized() (Account, error) {
	a.Host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(a.Host), "["), "]")
	if a.Host == "" {
		return a, errors.New("mailbox: no server name")
	}
	if !validHost(a.Host) {
		return a, fmt.Errorf("mailbox: %q is not a server name", a.Host)
	}
	// A name is used, and shown, in ASCII ("xn--"): the user types a
	// password for this server, and "imap.gmаil.com" with a Cyrillic
	// "а" from a planted pack must not pass for Gmail's.
	if net.ParseIP(a.Host) == nil {
		ascii, err := idna.Lookup.ToASCII(a.Host)
		if err != nil {
			return a, fmt.Errorf("mailbox: %q is not a server name", a.Host)
		}
		a.Host = ascii
	}
	switch a.Security {
	case TLS, StartTLS, Plain:
	case "":
		return a, errors.New("mailbox: no connection security (tls, starttls or plain)")
	default:
		return a, fmt.Errorf("mailbox: unknown connection security %q (want tls, starttls or plain)", a.Security)
	}
	if a.Port == 0 {
		a.Port = 143
		if a.Security == TLS {
			a.Port = 993
		}
	}
	if a.Port < 1 || a.Port > 65535 {
		return a, fmt.Errorf("mailbox: port %d is not between 1 and 65535", a.Port)
	}
	if a.Username == "" || hasControl(a.Username) {
		return a, fmt.Errorf("mailbox: %q is not a username", a.Username)
	}
	if a.Folder == "" {
		a.Folder = DefaultFolder
	}
	if hasControl(a.Folder) || strings.ContainsAny(a.Folder, "*%") || strings.EqualFold(a.Folder, "INBOX") {
		// Wildcards would make LIST match other folders; the INBOX is
		// not a folder of Passcrow's own, and an empty one is deleted
		// after a failed placement.
		return a, fmt.Errorf("mailbox: %q cannot be Passcrow's folder", a.Folder)
	}
	switch a.Auth {
	case AuthAuto, AuthPlain, AuthLogin:
	default:
		return a, fmt.Errorf("mailbox: unknown login method %q (want plain or login)", a.Auth)
	}
	return a, nil
}

// validHost accepts DNS names and IP literals, nothing that could mean
// something else in an address ("host:port", "user@host", spaces).
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, r := range h {
		if !(r == '.' || r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return !strings.HasPrefix(h, "-") && !strings.HasPrefix(h, ".")
}

// hasControl tells of control characters, and of the bidi controls that
// would reorder how a prompt shows the server's name after a username.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) >= 0
}

// loopbackIP tells whether host is an IP literal of this computer. Names
// such as "localhost" do not count: a resolver could send them anywhere.
func loopbackIP(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (a Account) addr() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// mask is the username as a hint shows it ("a*@e*ple.org").
func (a Account) mask() string { return hint.Mask("email", a.Username) }

// Describe says "mailbox a*@e*ple.org at imap.example.org", masked like
// every location's description.
func (a Account) Describe() string {
	return "mailbox " + a.mask() + " at " + strings.ToLower(a.Host)
}

// Identity names the account and folder exactly: two locations with the
// same Identity are the same place.
func (a Account) Identity() string {
	return "imap:" + strings.ToLower(a.Host) + "\x00" + a.Username + "\x00" + a.Folder
}

// sameMailbox tells whether a and b log in to the same mailbox, whatever
// their folders and ports: the same server and username (in any case,
// as most servers take it).
func (a Account) sameMailbox(b Account) bool {
	return strings.EqualFold(a.Host, b.Host) && strings.EqualFold(a.Username, b.Username)
}
