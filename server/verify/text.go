package verify

import (
	"fmt"
	"strings"
)

// texts holds the mail in each language we write. The reference server
// crashes on any other language and signs its English mail in Icelandic;
// here every text carries its own signature and unknown languages get
// English.
var texts = map[string]text{
	"en": {
		subject: "%s Verification Code",
		first:   "%s: %s",
		codeEnd: " is your verification code.",
		rest: "This code expires in %s. Don't share it with\n" +
			"anyone. If you were not expecting this verification code, please\n" +
			"ignore this message.\n",
		minutes:   plural("minute", "minutes"),
		signature: "Sent by Passcrow, an open system for recovering keys and passwords.\n",
		moreInfo:  "More information: %s\n",
	},
	"is": {
		subject: "%s: staðfestingarkóði",
		first:   "%s: %s",
		codeEnd: " er staðfestingarkóðinn þinn.",
		rest: "Kóðinn rennur út eftir %s. Ekki deila honum með\n" +
			"neinum. Ef þú áttir ekki von á þessum staðfestingarkóða skaltu\n" +
			"hunsa þessi skilaboð.\n",
		minutes:   icelandicMinutes,
		signature: "Sent af Passcrow, opnu kerfi til að endurheimta lykla og lykilorð.\n",
		moreInfo:  "Nánari upplýsingar: %s\n",
	},
}

type text struct {
	subject   string // %s = description
	first     string // %s = description, %s = code; codeEnd follows
	codeEnd   string // ends the line with the code, so ReadCode can find it
	rest      string // %s = the timeout, in words
	minutes   func(n int) string
	signature string
	moreInfo  string // %s = about URL
}

// textFor picks the text for a language tag such as "is" or "en-GB".
func textFor(language string) text {
	base, _, _ := strings.Cut(strings.ToLower(language), "-")
	base, _, _ = strings.Cut(base, "_")
	if t, ok := texts[base]; ok {
		return t
	}
	return texts["en"]
}

func plural(one, many string) func(int) string {
	return func(n int) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
}

// icelandicMinutes: after "eftir", numbers ending in 1 (but not 11) take
// the singular, "eftir 21 mínútu", the rest the plural, "eftir 30 mínútur".
func icelandicMinutes(n int) string {
	if n%10 == 1 && n%100 != 11 {
		return fmt.Sprintf("%d mínútu", n)
	}
	return fmt.Sprintf("%d mínútur", n)
}

// body is the message text, lines ending in "\n", signature included.
func (t text) body(m Message) string {
	minutes := max(1, int(m.Timeout.Minutes()))
	var b strings.Builder
	fmt.Fprintf(&b, t.first, description(m), m.Code)
	b.WriteString(t.codeEnd)
	b.WriteString("\n\n")
	fmt.Fprintf(&b, t.rest, t.minutes(minutes))
	b.WriteString("\n-- \n")
	b.WriteString(t.signature)
	if m.AboutURL != "" {
		fmt.Fprintf(&b, t.moreInfo, m.AboutURL)
	}
	return b.String()
}

func description(m Message) string {
	if m.Description == "" {
		return "Passcrow"
	}
	return m.Description
}
