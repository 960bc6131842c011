package friend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLS modes of an Account.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS; the default
	TLSImplicit = "tls"      // TLS from the first byte ("SMTPS", usually port 465)
	TLSNone     = "none"     // no TLS at all: only to a loopback IP address
)

// An Account is the user's own mail account, through which fragments go
// to friends by SMTP submission. Submission saves no copy in Sent or
// Drafts, though some providers file one in Sent on their own.
type Account struct {
	Host string
	Port int    // 0: 587 for starttls, 465 for tls, 25 for none
	TLS  string // TLSStartTLS (""), TLSImplicit or TLSNone
	// Username and Password log in with AUTH PLAIN, which only ever runs
	// over TLS or to a loopback IP address.
	Username string
	Password string
	// From is the user's address as friends know it, with a name:
	// "Alice Smith <alice@example.org>". The letter names the owner by it.
	From     string
	HeloName string        // the name given in EHLO; "localhost" if empty
	Timeout  time.Duration // for the whole exchange; 1 minute if zero

	// TLSConfig, when set, is used for the TLS handshake (tests give it
	// their own root CA). ServerName defaults to Host.
	TLSConfig *tls.Config
	// Now stamps the Date header; time.Now if nil.
	Now func() time.Time
}

// ErrNoTLS means the account asks for STARTTLS but the server offers none.
var ErrNoTLS = errors.New("the mail server does not offer STARTTLS")

// ErrAuth means the mail server refused the username and password.
var ErrAuth = errors.New("the mail server refused the username or password")

func (a *Account) mode() (string, int, error) {
	if a.Host == "" {
		return "", 0, errors.New("the mail account has no server")
	}
	mode := a.TLS
	if mode == "" {
		mode = TLSStartTLS
	}
	port := a.Port
	def := 0
	switch mode {
	case TLSStartTLS:
		def = 587
	case TLSImplicit:
		def = 465
	case TLSNone:
		// Not "localhost": a name can resolve elsewhere.
		ip, err := netip.ParseAddr(a.Host)
		if err != nil || !ip.IsLoopback() {
			return "", 0, fmt.Errorf("mail without TLS is only allowed to a loopback IP address, not %q", a.Host)
		}
		def = 25
	default:
		return "", 0, fmt.Errorf("unknown TLS mode %q (want %q, %q or %q)", mode, TLSStartTLS, TLSImplicit, TLSNone)
	}
	if port == 0 {
		port = def
	}
	if port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("port %d is not a port", port)
	}
	return mode, port, nil
}

func (a *Account) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// send hands msg for to to the mail server. Once it returns nil the
// server has accepted the message; before that, nothing was sent.
func (a *Account) send(ctx context.Context, from, to string, msg io.Reader) error {
	mode, port, err := a.mode()
	if err != nil {
		return err
	}
	timeout := a.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(a.Host, strconv.Itoa(port))
	if err := a.deliver(ctx, mode, addr, from, to, msg); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return fmt.Errorf("sending through %s: %w", addr, err)
	}
	return nil
}

func (a *Account) deliver(ctx context.Context, mode, addr, from, to string, msg io.Reader) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	// go-smtp knows no context: a deadline on the connection bounds every
	// read and write, and cancelling ctx closes it.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	cfg := a.tlsConfig()
	if mode == TLSImplicit {
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
		conn = tc
	}
	helo := a.HeloName
	if helo == "" {
		helo = "localhost"
	}
	var c *smtp.Client
	if mode == TLSStartTLS {
		// go-smtp upgrades only inside NewClientStartTLS, whose first EHLO
		// says "localhost"; ours follows over TLS.
		c, err = smtp.NewClientStartTLS(conn, cfg)
		if err != nil {
			return noTLS(err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if err := c.Hello(helo); err != nil {
		return err
	}
	if a.Username != "" {
		if !c.SupportsAuth(sasl.Plain) {
			return fmt.Errorf("the mail server does not offer AUTH PLAIN for %q", a.Username)
		}
		if err := c.Auth(sasl.NewPlainClient("", a.Username, a.Password)); err != nil {
			var se *smtp.SMTPError
			if errors.As(err, &se) && (se.Code == 535 || se.Code == 534) {
				return fmt.Errorf("%w (%q): %w", ErrAuth, a.Username, err)
			}
			return fmt.Errorf("logging in as %q: %w", a.Username, err)
		}
	}
	if err := c.SendMail(from, []string{to}, msg); err != nil {
		return err
	}
	// The message is accepted: a failed QUIT must not make the caller
	// think it was not sent.
	_ = c.Quit()
	return nil
}

// noTLS names go-smtp's refusal to go on without STARTTLS (it has no
// sentinel for it: a plain error that is neither the server's answer nor
// the network's) as ErrNoTLS.
func noTLS(err error) error {
	var se *smtp.SMTPError
	var ne net.Error
	var te *tls.CertificateVerificationError
	if !errors.As(err, &se) && !errors.As(err, &ne) && !errors.As(err, &te) && strings.Contains(err.Error(), "STARTTLS") {
		return ErrNoTLS
	}
	return err
}

func (a *Account) tlsConfig() *tls.Config {
	var c *tls.Config
	if a.TLSConfig != nil {
		c = a.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = a.Host
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}
