package verify

import (
	"regexp"
	"strings"
)

// The description of an escrow is chosen by whoever made it, and anyone
// may make an escrow naming anyone's address: left as it is, a mail from
// the operator's domain would carry a stranger's link ("your account is
// locked, see evil.example/login"). So mail carries no link and no markup
// from it: addresses of any kind are dropped, HTML tags and Markdown link
// syntax go, and the characters that make markup are left out. What
// remains is a few plain words, which is all a description needs to say
// ("Password manager", "Bitcoin wallet").
var (
	reTag    = regexp.MustCompile(`<[^<>]*>`)
	reMdLink = regexp.MustCompile(`!?\[([^\[\]]*)\]\([^()]*\)`)
	reScheme = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]*://[^\s]*`)
	reOpaque = regexp.MustCompile(`(?i)\b(mailto|tel|sms|callto|facetime|skype|sip|xmpp|geo|magnet|bitcoin|javascript|vbscript|data|file|news):[^\s]+`)
	reWWW    = regexp.MustCompile(`(?i)\bwww\d{0,3}\.[^\s]*`)
	reEmail  = regexp.MustCompile(`[^\s@]+@[^\s@]+`)
	// A host name such as evil.example, which many mail programs turn
	// into a link: labels joined by dots (also the ideographic ones IDNA
	// reads as dots), the last of two letters or more.
	reHostLike = regexp.MustCompile(`[\p{L}\p{N}_\-]+([.。．｡][\p{L}\p{N}_\-]+)*[.。．｡]\p{L}{2,}[^\s]*`)
)

// markupChars make markup or links in some mail programs; none is needed
// to name what a fragment protects.
const markupChars = "<>[]{}()`*_|\\/"

// CleanDescription returns desc without links or markup, its words
// separated by single spaces. Verifiers put only this into a message;
// the server cleans the description before handing it over, too.
func CleanDescription(desc string) string {
	if alreadyClean(desc) {
		return desc // the common case, without seven regexp passes
	}
	return cleanFully(desc)
}

// cleanFully is CleanDescription without its short way.
func cleanFully(desc string) string {
	s := reTag.ReplaceAllString(desc, " ")
	s = reMdLink.ReplaceAllString(s, "$1")
	s = reScheme.ReplaceAllString(s, " ")
	s = reOpaque.ReplaceAllString(s, " ")
	s = reWWW.ReplaceAllString(s, " ")
	s = reEmail.ReplaceAllString(s, " ")
	s = reHostLike.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(markupChars, r) || isControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// alreadyClean reports whether CleanDescription would give desc back as
// it is: printable ASCII words split by single spaces, without markup
// characters or any character a pattern above needs ('<' for a tag, '['
// for a Markdown link, ':' for a scheme, '@' for an address, '.' for a
// host name; the ideographic dots are not ASCII).
func alreadyClean(desc string) bool {
	space := true // no space may lead
	for i := 0; i < len(desc); i++ {
		c := desc[i]
		if c < 0x20 || c > 0x7e || strings.IndexByte(markupChars+":@.", c) >= 0 {
			return false
		}
		if c == ' ' && space {
			return false
		}
		space = c == ' '
	}
	return !space || desc == ""
}
