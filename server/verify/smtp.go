package verify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"time"
)

// TLS modes of SMTP.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS; the default
	TLSImplicit = "tls"      // TLS from the first byte ("SMTPS", usually port 465)
	TLSNone     = "none"     // no TLS at all; only to a loopback host
)

// SMTP sends e-mail verification codes through a mail server. Its zero
// value (with Host set) speaks STARTTLS to port 587 and refuses to go on
// if the server does not offer it.
type SMTP struct {
	Host     string
	Port     int    // 0: 587 for starttls, 465 for tls, 25 for none
	TLS      string // TLSStartTLS (""), TLSImplicit or TLSNone
	Username string // AUTH PLAIN when set, only ever over TLS or to loopback
	Password string
	From     string        // the sender, e.g. "Passcrow <noreply@example.org>"; DefaultFrom if empty
	HeloName string        // the name given in EHLO; "localhost" if empty
	Timeout  time.Duration // for the whole exchange; 30 seconds if zero

	// TLSConfig, when set, is used for the TLS handshake (tests give it
	// their own root CA). ServerName defaults to Host.
	TLSConfig *tls.Config

	// Now stamps the Date header; time.Now if nil.
	Now func() time.Time
}

var _ Verifier = (*SMTP)(nil)

// ErrNoTLS is returned when TLS is required but the server offers none.
var ErrNoTLS = errors.New("smtp server does not offer STARTTLS")

// Send composes m and hands it to the mail server. The code is stored by
// the caller only if Send returns nil.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if m.Kind != "email" && m.Kind != "mailto" {
		return fmt.Errorf("%w: %q by e-mail", ErrUnsupportedKind, m.Kind)
	}
	return s.sendText(ctx, m.Address, func(now time.Time) ([]byte, error) { return Compose(m, s.From, now) })
}

// sendText hands the mail compose makes to the mail server, for to.
func (s *SMTP) sendText(ctx context.Context, to string, compose func(now time.Time) ([]byte, error)) error {
	mode, port, err := s.mode()
	if err != nil {
		return err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	text, err := compose(now())
	if err != nil {
		return err
	}
	sender, err := parseFrom(orDefault(s.From, DefaultFrom))
	if err != nil {
		return err
	}

	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := s.deliver(ctx, mode, port, sender.Address, to, text); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return fmt.Errorf("sending mail to %q via %s: %w", to, net.JoinHostPort(s.Host, strconv.Itoa(port)), err)
	}
	return nil
}

func (s *SMTP) mode() (string, int, error) {
	if s.Host == "" {
		return "", 0, errors.New("smtp: no host configured")
	}
	mode := orDefault(s.TLS, TLSStartTLS)
	port := s.Port
	switch mode {
	case TLSStartTLS:
		port = portOr(port, 587)
	case TLSImplicit:
		port = portOr(port, 465)
	case TLSNone:
		if !isLoopback(s.Host) {
			return "", 0, fmt.Errorf("smtp: TLS mode %q is only allowed for a loopback host, not %q", mode, s.Host)
		}
		port = portOr(port, 25)
	default:
		return "", 0, fmt.Errorf("smtp: unknown TLS mode %q (want starttls, tls or none)", mode)
	}
	return mode, port, nil
}

func (s *SMTP) deliver(ctx context.Context, mode string, port int, from, to string, text []byte) error {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	// net/smtp knows no context: a deadline on the connection bounds every
	// read and write, and cancelling ctx closes it.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	tlsConfig := s.tlsConfig()
	if mode == TLSImplicit {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello(orDefault(s.HeloName, "localhost")); err != nil {
		return err
	}
	if mode == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return ErrNoTLS
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return err
		}
	}
	if s.Username != "" {
		// PlainAuth itself refuses to send the password unencrypted to
		// anything but localhost.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("authenticating as %q: %w", s.Username, err)
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(text); err != nil {
		return err
	}
	if err := w.Close(); err != nil { // the server's verdict on the message
		return err
	}
	// The message is accepted: a failed QUIT must not make the caller
	// throw away a code that is already on its way.
	c.Quit()
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	var c *tls.Config
	if s.TLSConfig != nil {
		c = s.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = s.Host
	}
	return c
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func portOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
