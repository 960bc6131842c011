//go:build linux

// Package mailtest runs real mail servers for end-to-end tests: a
// throwaway Dovecot (IMAP with STARTTLS and implicit TLS and a quota
// for the users that want one, LMTP and, when installed, SMTP submission
// with STARTTLS and implicit TLS) and OpenSMTPD (plain SMTP, relaying into
// Dovecot's LMTP) on free loopback ports, in a temporary directory,
// stopped by PID when the test ends.
//
// A test calls Start, adds users with AddUser, sends to user@any.domain
// through SMTPAddr (or, with AUTH and TLS, SubmissionAddr or
// SubmissionsAddr, trusting CertPool), and reads the result with
// WaitForMail.
//
// OpenSMTPD keeps one queue per machine (/var/spool/smtpd), so only one
// instance can run at a time: Start holds an flock on LockPath for the
// instance's life, which serialises test processes.
package mailtest
