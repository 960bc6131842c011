package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// dialTimeout bounds the TCP connection; go-imap bounds each answer.
const dialTimeout = 30 * time.Second

// A session is one logged-in IMAP connection. go-imap knows no context,
// so the connection is closed when ctx ends, which ends every call.
type session struct {
	ctx  context.Context
	acct Account
	c    *imapclient.Client
	stop func() bool
	// budget bounds what the server may send (budget.go).
	budget *budgetConn
}

// dial connects to a's server, checks its certificate and logs in.
func dial(ctx context.Context, a Account, password string) (*session, error) {
	a, err := a.normalized()
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, errors.New("mailbox: no password")
	}
	if strings.ContainsRune(password, 0) {
		return nil, errors.New("mailbox: a password cannot hold a NUL character")
	}
	if a.Security == Plain && !loopbackIP(a.Host) {
		return nil, fmt.Errorf("%w: %q", ErrPlainRefused, a.Host)
	}
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", a.addr())
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, a.addr(), err)
	}
	s := &session{ctx: ctx, acct: a, stop: context.AfterFunc(ctx, func() { conn.Close() }), budget: newBudgetConn(conn)}
	if err := s.open(s.budget, password); err != nil {
		s.stop()
		conn.Close()
		if s.c != nil {
			s.c.Close()
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return s, nil
}

func (s *session) tlsConfig() *tls.Config {
	cfg := &tls.Config{}
	if s.acct.TLSConfig != nil {
		cfg = s.acct.TLSConfig.Clone()
	}
	cfg.ServerName = s.acct.Host
	cfg.InsecureSkipVerify = false
	cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
	return cfg
}

func (s *session) open(conn net.Conn, password string) error {
	switch s.acct.Security {
	case TLS:
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(s.ctx); err != nil {
			return fmt.Errorf("%w: %s: %s", ErrTLS, s.acct.addr(), serverText(err.Error()))
		}
		s.c = imapclient.New(tc, nil)
	case StartTLS:
		c, err := imapclient.NewStartTLS(conn, &imapclient.Options{TLSConfig: s.tlsConfig()})
		if err != nil {
			var ie *imap.Error
			if errors.As(err, &ie) {
				return fmt.Errorf("%w: %s offers no STARTTLS: %s", ErrTLS, s.acct.addr(), serverText(ie.Text))
			}
			return fmt.Errorf("%w: %s: %s", ErrTLS, s.acct.addr(), serverText(err.Error()))
		}
		s.c = c
	case Plain:
		s.c = imapclient.New(conn, nil)
	}
	if err := s.c.WaitGreeting(); err != nil {
		return fmt.Errorf("%w: %s does not answer as an IMAP server: %s", ErrUnreachable, s.acct.addr(), serverText(err.Error()))
	}
	return s.login(password)
}

func (s *session) login(password string) error {
	caps := s.c.Caps()
	method := s.acct.Auth
	if method == AuthAuto {
		method = AuthLogin
		if slices.Contains(caps.AuthMechanisms(), "PLAIN") {
			method = AuthPlain
		}
	}
	var err error
	switch method {
	case AuthPlain:
		err = s.c.Authenticate(sasl.NewPlainClient("", s.acct.Username, password))
	default:
		if caps.Has(imap.CapLoginDisabled) {
			return fmt.Errorf("%w: the server allows no LOGIN on this connection", ErrLogin)
		}
		err = s.c.Login(s.acct.Username, password).Wait()
	}
	if err == nil {
		return nil
	}
	var ie *imap.Error
	if !errors.As(err, &ie) {
		return fmt.Errorf("%w: the connection broke while logging in: %v", ErrUnreachable, err)
	}
	if ie.Code == imap.ResponseCodeUnavailable {
		return fmt.Errorf("%w: the server cannot log you in now: %s", ErrUnreachable, serverText(ie.Text))
	}
	return fmt.Errorf("%w: %s", ErrLogin, serverText(ie.Text))
}

// fail is err, or the context's error when that is why err happened.
func (s *session) fail(err error) error {
	if err != nil && s.ctx.Err() != nil {
		return s.ctx.Err()
	}
	return err
}

// close logs out politely and drops the connection.
func (s *session) close() {
	_ = s.c.Logout().Wait()
	_ = s.c.Close()
	s.stop()
}
