package recovery

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/hint"
)

// ParseIdentity checks an identity a Passcrow server is to verify and
// returns its kind and address. Accepted: "email:<address>" (one plain
// address, no display name) and "sms:+<digits>".
func ParseIdentity(identity string) (kind, address string, err error) {
	kind, address, ok := strings.Cut(identity, ":")
	if !ok {
		return "", "", fmt.Errorf("identity %q has no kind: write email:<address> or sms:+<number>", identity)
	}
	switch kind {
	case "email":
		a, err := mail.ParseAddress(address)
		if err != nil || a.Name != "" || a.Address != address {
			return "", "", fmt.Errorf("identity %q: %q is not a plain e-mail address", identity, address)
		}
		local, domain, _ := strings.Cut(address, "@")
		if local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(address, " \t\r\n") {
			return "", "", fmt.Errorf("identity %q: %q is not a plain e-mail address", identity, address)
		}
	case "sms":
		digits, ok := strings.CutPrefix(address, "+")
		if !ok || len(digits) < 6 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
			return "", "", fmt.Errorf("identity %q: want sms:+ and the international number, 6 to 15 digits", identity)
		}
	default:
		return "", "", fmt.Errorf("identity %q: unknown kind %q (email or sms)", identity, kind)
	}
	return kind, address, nil
}

// identityHint hides most of an address the way the reference server's
// hints do ("alice@example.org" -> "a*@e*ple.org"), so a user can
// recognise it on a screen that others may see.
func identityHint(kind, address string) string { return hint.Mask(kind, address) }

// describeIdentity words where a code goes: "e-mail a*@e*ple.org".
func describeIdentity(kind, address string) string {
	switch kind {
	case "email":
		return "e-mail " + identityHint(kind, address)
	case "sms":
		return "SMS " + identityHint(kind, address)
	}
	return kind
}
