// Package hint masks an identity so that a person can tell which of their
// addresses or phones is meant while a reader learns little about it. The
// server puts it in its verification response and the client shows it for
// the locations of a pack, so both say the same thing.
package hint

import "strings"

// Mask masks an address for the verification response, so the user can
// tell which of their identities got the code while the server's answer
// reveals little about it. E-mail hints follow the reference server
// exactly for ordinary addresses ("alice@example.org" -> "a*@e*ple.org");
// phone numbers keep their country code and last two digits
// ("+3545551267" -> "+354*****67"). At least one character of every
// address stays hidden, however short or odd it is.
func Mask(kind, address string) string {
	switch kind {
	case "email", "mailto":
		return emailHint(address)
	case "sms", "tel":
		return phoneHint(address)
	}
	return prefixHint(address)
}

// openDomains have so many users that naming them gives nothing away and
// helps the user recognise the address (as the reference does).
var openDomains = map[string]bool{"gmail.com": true, "hotmail.com": true}

func emailHint(address string) string {
	user, domain, ok := strings.Cut(address, "@")
	if !ok {
		return prefixHint(address)
	}
	if i := strings.LastIndexByte(user, ':'); i >= 0 { // a stray "mailto:"
		user = user[i+1:]
	}
	if openDomains[strings.ToLower(domain)] {
		return prefixHint(user) + "@" + domain
	}
	d := []rune(domain)
	n := len(d)
	if n < 2 {
		return prefixHint(user) + "@*"
	}
	// The reference keeps the first character and the last
	// ceil(2(n-1)/3); never so many that nothing is hidden.
	keep := min((2*(n-1)+2)/3, n-2)
	return prefixHint(user) + "@" + string(d[:1]) + "*" + string(d[n-keep:])
}

// prefixHint keeps the first third (at least one character, as the
// reference does for the user part) but never the whole string.
func prefixHint(s string) string {
	r := []rune(s)
	k := min(max(1, len(r)/3), len(r)-1)
	if k < 0 {
		k = 0
	}
	return string(r[:k]) + "*"
}

func phoneHint(number string) string {
	var plus bool
	var digits []rune
	for i, r := range strings.TrimSpace(number) {
		switch {
		case r == '+' && i == 0:
			plus = true
		case r >= '0' && r <= '9':
			digits = append(digits, r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return prefixHint(number)
		}
	}
	// Show up to three leading digits (the country code after a "+") and
	// the last two, but never more than half of the number.
	n := len(digits)
	if n == 0 {
		return prefixHint(number)
	}
	head, tail := 3, 2
	for head+tail > n/2 && head > 0 {
		head--
	}
	for head+tail > n/2 && tail > 0 {
		tail--
	}
	var b strings.Builder
	if plus {
		b.WriteByte('+')
	}
	b.WriteString(string(digits[:head]))
	b.WriteString(strings.Repeat("*", max(1, n-head-tail)))
	b.WriteString(string(digits[n-tail:]))
	return b.String()
}
