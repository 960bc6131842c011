package verify

import (
	"fmt"
	"time"
)

var _ Checker = (*SMTP)(nil)

// Check says whether s could send m at all, without connecting: the
// configuration, the kind of identity, and the mail Compose would make.
// A Queue calls it so that such a message is refused to the requester
// at once instead of failing in the background.
func (s *SMTP) Check(m Message) error {
	if m.Kind != "email" && m.Kind != "mailto" {
		return fmt.Errorf("%w: %q by e-mail", ErrUnsupportedKind, m.Kind)
	}
	if _, _, err := s.mode(); err != nil {
		return err
	}
	_, err := Compose(m, s.From, time.Now())
	return err
}

// CheckSettings says whether s's settings could send any mail, without
// connecting: a server checks them at start (and --check-config does),
// so a setting that would fail every send is not found by the first
// user who asks for a code.
func (s *SMTP) CheckSettings() error {
	if _, _, err := s.mode(); err != nil {
		return err
	}
	_, err := parseFrom(orDefault(s.From, DefaultFrom))
	return err
}
