package cli

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/passcrow/passcrow-desktop/recovery/diversity"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

func init() {
	locationKinds["imap"] = locationKind{
		about:  "a message in a mailbox of yours: survives a lost computer; recovery needs the mailbox's password",
		syntax: "imap=USER@HOST[:PORT][,security=tls|starttls|plain][,folder=F][,password-file=F][,ca-file=F][,auth=plain|login]",
		plan:   planIMAP,
	}
}

// imapAccount reads USER@HOST[:PORT] and the connection's options, as
// --location imap=... and --imap take them. The user may be an address
// itself ("me@example.org@imap.example.org"): the last @ ends it.
func imapAccount(s *locSpec) (mailbox.Account, error) {
	at := strings.LastIndexByte(s.value, '@')
	if at <= 0 || at == len(s.value)-1 {
		return mailbox.Account{}, usagef("%q: write the mailbox as USER@HOST or USER@HOST:PORT", s.value)
	}
	user, hostport := s.value[:at], s.value[at+1:]
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return mailbox.Account{}, usagef("%q: %v", s.value, err)
	}
	if u, ok, err := s.opt("user"); err != nil {
		return mailbox.Account{}, err
	} else if ok {
		user = u
	}
	def := "tls"
	if port == 143 {
		def = "starttls"
	}
	sec, err := s.choice("security", def, "tls", "starttls", "plain")
	if err != nil {
		return mailbox.Account{}, err
	}
	folder, err := s.optOr("folder", "")
	if err != nil {
		return mailbox.Account{}, err
	}
	auth, err := s.choice("auth", "auto", "auto", "plain", "login")
	if err != nil {
		return mailbox.Account{}, err
	}
	if auth == "auto" {
		auth = ""
	}
	ca, err := s.optOr("ca-file", "")
	if err != nil {
		return mailbox.Account{}, err
	}
	cfg, err := tlsFromCAFile(ca)
	if err != nil {
		return mailbox.Account{}, fmt.Errorf("%q: ca-file: %w", s.value, err)
	}
	return mailbox.Account{
		Host: host, Port: port, Security: mailbox.Security(sec), Username: user,
		Folder: folder, Auth: mailbox.AuthMethod(auth), TLSConfig: cfg,
	}, nil
}

// splitHostPort reads HOST, HOST:PORT, [IPV6] or [IPV6]:PORT; port 0
// when none is given.
func splitHostPort(hp string) (string, int, error) {
	if hp == "" {
		return "", 0, fmt.Errorf("no server name")
	}
	if !strings.Contains(hp, ":") || (strings.HasPrefix(hp, "[") && strings.HasSuffix(hp, "]")) {
		return strings.Trim(hp, "[]"), 0, nil
	}
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		return "", 0, fmt.Errorf("%q is not HOST or HOST:PORT", hp)
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, fmt.Errorf("port %q is not a number from 1 to 65535", p)
	}
	return h, n, nil
}

func planIMAP(e *env, s *locSpec, pc *planContext) (*planned, error) {
	acct, err := imapAccount(s)
	if err != nil {
		return nil, err
	}
	pw, err := e.password(s, fmt.Sprintf("Password of the mailbox %s at %s: ", acct.Username, acct.Host))
	if err != nil {
		return nil, err
	}
	pc.logins.remember(acct, pw)
	if ca, _, _ := s.opt("ca-file"); ca != "" {
		pc.logins.caFiles = append(pc.logins.caFiles, ca)
	}
	l, err := mailbox.NewLocation(acct, pw)
	if err != nil {
		return nil, usagef("--location imap=%s: %v", s.value, err)
	}
	names := []string{acct.Host}
	if strings.Contains(acct.Username, "@") {
		names = append(names, acct.Username)
	}
	label := fmt.Sprintf("mailbox %s at %s", acct.Username, acct.Host)
	return &planned{
		loc:    l,
		label:  label,
		places: []diversity.Place{{Label: label, Names: names}},
	}, nil
}
