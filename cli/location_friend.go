package cli

import (
	"fmt"
	"net/mail"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery/diversity"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
)

func init() {
	locationKinds["friend"] = locationKind{
		about: "a letter to a friend, sent through your mail account: survives a lost computer and lost accounts; " +
			"recovery needs the friend to send it back",
		syntax: "friend=ADDR,smtp=HOST[:PORT],from=ADDR[,name=NAME][,owner=NAME][,tls=starttls|tls|none][,user=U][,password-file=F][,ca-file=F][,no-auth]",
		plan:   planFriend,
	}
}

// smtpTimeout bounds one letter's sending.
const smtpTimeout = time.Minute

func planFriend(e *env, s *locSpec, pc *planContext) (*planned, error) {
	to, err := mail.ParseAddress(s.value)
	if err != nil || to.Name != "" {
		return nil, usagef("--location friend=%s: not a plain e-mail address (give the name with name=)", s.value)
	}
	if name, ok, err := s.opt("name"); err != nil {
		return nil, err
	} else if ok {
		to.Name = name
	}
	smtpAt, ok, err := s.opt("smtp")
	if err != nil {
		return nil, err
	}
	fromAddr, okFrom, err := s.opt("from")
	if err != nil {
		return nil, err
	}
	if !ok || !okFrom {
		return nil, usagef("--location friend=%s: give your mail account to send the letter through: smtp=HOST[:PORT],from=YOUR-ADDRESS", s.value)
	}
	from, err := mail.ParseAddress(fromAddr)
	if err != nil || from.Name != "" {
		return nil, usagef("--location friend=%s: from=%s is not a plain e-mail address (give your name with owner=)", s.value, fromAddr)
	}
	owner, err := s.optOr("owner", "")
	if err != nil {
		return nil, err
	}
	from.Name = owner
	host, port, err := splitHostPort(smtpAt)
	if err != nil {
		return nil, usagef("--location friend=%s: smtp=%s: %v", s.value, smtpAt, err)
	}
	def := friend.TLSStartTLS
	if port == 465 {
		def = friend.TLSImplicit
	}
	mode, err := s.choice("tls", def, friend.TLSStartTLS, friend.TLSImplicit, friend.TLSNone)
	if err != nil {
		return nil, err
	}
	user, err := s.optOr("user", from.Address)
	if err != nil {
		return nil, err
	}
	noAuth, err := s.flag("no-auth")
	if err != nil {
		return nil, err
	}
	ca, err := s.optOr("ca-file", "")
	if err != nil {
		return nil, err
	}
	cfg, err := tlsFromCAFile(ca)
	if err != nil {
		return nil, fmt.Errorf("--location friend=%s: ca-file: %w", s.value, err)
	}
	lang, err := s.choice("lang", pc.lang, "en", "is")
	if err != nil {
		return nil, err
	}
	acct := &friend.Account{Host: host, Port: port, TLS: mode, From: from.String(), TLSConfig: cfg, Timeout: smtpTimeout}
	if !noAuth {
		// Several friends are usually written to through one account:
		// its password is asked once.
		key := fmt.Sprintf("%s:%d\x00%s", host, port, user)
		pw, ok := pc.accounts[key]
		if !ok {
			if pw, err = e.password(s, fmt.Sprintf("Password of your mail account %s at %s (to send the letter): ", user, host)); err != nil {
				return nil, err
			}
			pc.accounts[key] = pw
		} else if _, _, err := s.opt("password-file"); err != nil {
			return nil, err
		}
		acct.Username, acct.Password = user, pw
	} else if _, _, err := s.opt("password-file"); err != nil {
		return nil, err
	}
	l := &friend.Location{Account: acct, To: to.String(), Owner: owner, Language: lang}
	label := "your friend " + to.String()
	return &planned{
		loc:    l,
		label:  label,
		places: []diversity.Place{{Label: "friend " + to.Address, Names: []string{to.Address}}},
		finish: func(all []*planned) {
			// "a friend (fragment 2 of 3)": the pack names no friend, so
			// the user counts them at recovery by these numbers.
			n, mine := 0, 0
			for _, p := range all {
				if _, ok := p.loc.(*friend.Location); ok {
					n++
					if p.loc == l {
						mine = n
					}
				}
			}
			l.Number, l.Count = mine, n
		},
	}, nil
}
