package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// verifierFlags are serve's settings for delivering codes: e-mail (an
// outbox directory or SMTP), SMS through a Twilio-style gateway, and
// action-url verification through the operator's own page.
type verifierFlags struct {
	outbox                                     *string
	smtpHost, smtpTLS, smtpUser, smtpPassFile  *string
	smtpFrom, smtpCA                           *string
	smtpPort                                   *int
	smsBase, smsAccount, smsTokenFile, smsFrom *string
	actionTemplate, actionKeyFile, actionKind  *string
	sendTimeout, sendDrain                     *time.Duration
	sendAttempts, sendQueue                    *int
}

func addVerifierFlags(fs *flag.FlagSet) *verifierFlags {
	return &verifierFlags{
		outbox:       fs.String("outbox", "", "write each verification message (e-mail, and SMS unless --sms-base-url is given) as a file into `DIR` instead of sending it (demo and tests)"),
		smtpHost:     fs.String("smtp-host", "", "send verification e-mail through this SMTP server"),
		smtpPort:     fs.Int("smtp-port", 0, "SMTP port (default: 587 for starttls, 465 for tls, 25 for none)"),
		smtpTLS:      fs.String("smtp-tls", "starttls", "SMTP security: starttls, tls (implicit) or none (loopback only)"),
		smtpUser:     fs.String("smtp-user", "", "SMTP AUTH user name"),
		smtpPassFile: fs.String("smtp-password-file", "", "read the SMTP password from `FILE` (kept off the command line)"),
		smtpFrom:     fs.String("smtp-from", "", "From: address of verification e-mail"),
		smtpCA:       fs.String("smtp-ca-file", "", "trust the PEM certificates in `FILE` for the SMTP server (default: the system's)"),

		smsBase:      fs.String("sms-base-url", "", "send codes to sms: identities through the Twilio-style gateway at `URL` (e.g. https://api.twilio.com)"),
		smsAccount:   fs.String("sms-account", "", "the gateway's account id (Twilio's AC... SID)"),
		smsTokenFile: fs.String("sms-token-file", "", "read the gateway's auth token from `FILE` (kept off the command line)"),
		smsFrom:      fs.String("sms-from", "", "the sending `NUMBER` (+15551234567) or messaging service id"),

		actionTemplate: fs.String("action-url-template", "", "instead of sending codes to --action-url-kind identities, answer with this link to your own page; {token} (and {lang}) are filled in, e.g. https://verify.example.org/passcrow?t={token}"),
		actionKeyFile:  fs.String("action-url-key-file", "", "the 32-byte key (64 hex digits) in `FILE` that your page opens the tokens with (make one: openssl rand -hex 32)"),
		actionKind:     fs.String("action-url-kind", "email", "the identity `KIND` verified through --action-url-template"),

		sendTimeout:  fs.Duration("send-timeout", verify.DefaultAttemptTimeout, "bound on one try to hand a code to the mail server or SMS gateway"),
		sendAttempts: fs.Int("send-attempts", verify.DefaultQueueAttempts, "tries per code before it is given up on (5 s apart, doubling up to 5 min)"),
		sendQueue:    fs.Int("send-queue", verify.DefaultQueueSize, "codes waiting to be sent at most; beyond, verification requests are refused until it drains"),
		sendDrain:    fs.Duration("send-drain", 20*time.Second, "at shutdown, how long to keep sending the codes still queued; the rest are dropped and logged"),
	}
}

// servedVerifiers are the verifiers serve built, and the queues to drain
// at shutdown.
type servedVerifiers struct {
	byKind map[string]verify.Verifier
	queues map[string]*verify.Queue
	drain  time.Duration
}

// operatorHosts are the hosts of the operator's own mail server and SMS
// gateway, which the log names even when an address is shaped like a
// secret (an IP literal).
func (f *verifierFlags) operatorHosts() []string {
	hosts := []string{*f.smtpHost}
	if u, err := url.Parse(*f.smsBase); err == nil {
		hosts = append(hosts, u.Hostname())
	}
	return hosts
}

// build makes the verifiers the flags ask for. SMTP and SMS go through a
// queue, so a slow mail server or gateway never holds a request open;
// the outbox writes at once (scripts read it right after a request).
func (f *verifierFlags) build(log *slog.Logger) (*servedVerifiers, error) {
	sv := &servedVerifiers{byKind: map[string]verify.Verifier{}, queues: map[string]*verify.Queue{}, drain: *f.sendDrain}
	if *f.outbox != "" && *f.smtpHost != "" {
		return nil, usagef("serve: --outbox and --smtp-host were both given: mail goes either to a folder (for tests) or to a mail server, so give one of them")
	}
	if *f.outbox == "" && *f.smtpHost == "" && *f.smsBase == "" && *f.actionTemplate == "" {
		return nil, usagef("serve: give either --outbox DIR or --smtp-host HOST (and/or --sms-base-url URL, --action-url-template URL)")
	}
	if *f.sendAttempts < 1 || *f.sendQueue < 1 || *f.sendTimeout <= 0 || *f.sendDrain < 0 {
		return nil, usagef("serve: --send-attempts and --send-queue must be at least 1, --send-timeout positive")
	}
	// Every setting is checked before any queue starts.
	type way struct {
		kind   string
		v      verify.Verifier
		queued bool
	}
	var ways []way
	if *f.outbox != "" {
		if err := os.MkdirAll(*f.outbox, 0o700); err != nil {
			return nil, fmt.Errorf("serve: outbox: %w", err)
		}
		ob := &verify.Outbox{Dir: *f.outbox}
		ways = append(ways, way{"email", ob, false})
		// Like the app's demo server, the outbox stands in for SMS too,
		// unless SMS has a way of its own.
		if *f.smsBase == "" && (*f.actionTemplate == "" || *f.actionKind != "sms") {
			ways = append(ways, way{"sms", ob, false})
		}
	}
	if *f.smtpHost != "" {
		if *f.smtpFrom == "" {
			return nil, usagef("serve: --smtp-from is needed with --smtp-host")
		}
		smtp := &verify.SMTP{Host: *f.smtpHost, Port: *f.smtpPort, TLS: *f.smtpTLS, Username: *f.smtpUser, From: *f.smtpFrom}
		if err := smtp.CheckSettings(); err != nil {
			return nil, usagef("serve: %v", err)
		}
		if err := smtpSecrets(smtp, *f.smtpPassFile, *f.smtpCA); err != nil {
			return nil, err
		}
		ways = append(ways, way{"email", smtp, true})
	}
	if *f.smsBase != "" {
		sms, err := f.sms()
		if err != nil {
			return nil, err
		}
		ways = append(ways, way{"sms", sms, true})
	}
	if *f.actionTemplate != "" {
		a, err := f.actionURL()
		if err != nil {
			return nil, err
		}
		kind := *f.actionKind
		if kind == "" || strings.Trim(kind, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return nil, usagef("serve: --action-url-kind %q must be a kind such as email or sms", kind)
		}
		ways = append(ways, way{kind, a, false})
	}
	for i, w := range ways {
		for _, o := range ways[:i] {
			if o.kind == w.kind {
				return nil, usagef("serve: two ways to verify %s identities were given; --action-url-kind picks the kind the link is for", w.kind)
			}
		}
	}
	qcfg := verify.QueueConfig{Attempts: *f.sendAttempts, Size: *f.sendQueue, AttemptTimeout: *f.sendTimeout, Logger: log}
	for _, w := range ways {
		if w.queued {
			q := verify.NewQueue(w.v, qcfg)
			sv.queues[w.kind] = q
			w.v = q
		}
		sv.byKind[w.kind] = w.v
	}
	return sv, nil
}

func (f *verifierFlags) sms() (*verify.SMS, error) {
	if *f.smsTokenFile == "" || *f.smsAccount == "" || *f.smsFrom == "" {
		return nil, usagef("serve: --sms-base-url needs --sms-account, --sms-token-file and --sms-from")
	}
	b, err := os.ReadFile(*f.smsTokenFile)
	if err != nil {
		return nil, fmt.Errorf("serve: reading --sms-token-file: %w", err)
	}
	s := &verify.SMS{BaseURL: *f.smsBase, Account: *f.smsAccount, Token: strings.TrimSpace(string(b)), From: *f.smsFrom}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return s, nil
}

func (f *verifierFlags) actionURL() (*verify.ActionURL, error) {
	if *f.actionKeyFile == "" {
		return nil, usagef("serve: --action-url-template needs --action-url-key-file")
	}
	b, err := os.ReadFile(*f.actionKeyFile)
	if err != nil {
		return nil, fmt.Errorf("serve: reading --action-url-key-file: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		// Not the file's content: it is a secret.
		return nil, fmt.Errorf("serve: --action-url-key-file %q must hold 64 hex digits (openssl rand -hex 32)", *f.actionKeyFile)
	}
	a := &verify.ActionURL{Template: *f.actionTemplate, Key: key}
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return a, nil
}

// close drains the queues, each for at most the drain time from now;
// what is left is dropped (and logged by the queue). ctx cuts it short.
func (sv *servedVerifiers) close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, sv.drain)
	defer cancel()
	var errs []error
	for kind, q := range sv.queues {
		if err := q.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", kind, err))
		}
	}
	return errors.Join(errs...)
}
