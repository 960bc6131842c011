//go:build linux

// Package e2e holds the end-to-end tests of issue 2, and nothing else: a
// real `passcrow serve` process sends verification codes as real e-mail
// through Dovecot's submission service (STARTTLS or implicit TLS, with
// AUTH) and OpenSMTPD into Dovecot mailboxes; the tests read the codes
// back over IMAP and drive the command line (protect, verify, recover,
// forget) as a user would.
//
// The mail servers are started on 127.0.0.1 and stopped by PID by
// internal/mailtest, which skips the tests when dovecot or smtpd is not
// installed. Run with:
//
//	go test -race ./e2e/
package e2e
