package cli

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/termtext"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// sentCode is what verify and recover-ephemeral report about one code a
// location sent. Everything in it that a server chose is cleaned for the
// terminal, for the text and the JSON alike: a script may print a field.
type sentCode struct {
	Prefix    string `json:"prefix"`
	Hint      string `json:"hint,omitempty"`
	ActionURL string `json:"action_url,omitempty"`
	// ActionURLRefused says why a link the server sent is not shown.
	ActionURLRefused string `json:"action_url_refused,omitempty"`
	Expires          string `json:"expires,omitempty"`
	Error            string `json:"error,omitempty"`
}

// sentFrom reads a challenge. The library passes on only action links
// that pass recovery.CheckActionURL; they are checked here again, so the
// CLI never prints a link to a file share, a script or a look-alike host
// whatever the keeper did.
func sentFrom(ch recovery.Challenge) sentCode {
	s := sentCode{Prefix: ch.Prefix, Hint: termtext.Clean(ch.Hint)}
	if ch.ActionURLRefused != "" {
		s.ActionURLRefused = refusedLink(ch.ActionURLRefused)
	}
	if ch.ActionURL != "" {
		if u, err := recovery.CheckActionURL(ch.ActionURL); err != nil {
			s.ActionURLRefused = refusedLink("the server sent a link that was not shown: " + err.Error())
		} else {
			s.ActionURL = termtext.Clean(u.String())
		}
	}
	if !ch.Expires.IsZero() {
		s.Expires = ch.Expires.Local().Format(time.RFC3339)
	}
	return s
}

// quotedLink is how recovery's refusals quote the link they refused.
var quotedLink = regexp.MustCompile(`action link "(?:[^"\\]|\\.)*"(?:\.\.\.)?`)

// refusedLink words why a link is not shown, without the link: many
// terminals turn any "file://" or "smb://" in their text into something
// to click, which is what refusing the link is meant to prevent.
func refusedLink(why string) string {
	return termtext.Clean(quotedLink.ReplaceAllLiteralString(why, "action link (not shown)"))
}

// text is the line (or two) for people.
func (s sentCode) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s  code sent to %s", s.Prefix, s.Hint)
	if s.ActionURL != "" {
		fmt.Fprintf(&b, " (visit %s)", s.ActionURL)
	}
	b.WriteString("\n")
	if s.ActionURLRefused != "" {
		fmt.Fprintf(&b, "     %s\n", s.ActionURLRefused)
	}
	return b.String()
}
