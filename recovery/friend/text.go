package friend

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// letter is what a friend reads: the subject and body of the mail, and
// the lines at the top of the attached file (which may travel alone).
type letter struct {
	Subject string
	Body    string
	File    string
}

// letterFor writes the letter in lang ("" or "en", "is"). owner is the
// name the friend knows the owner by, friend the friend's name or "".
// The Icelandic text keeps both names in the nominative, the only case
// a name can be put in without knowing how it declines.
func letterFor(lang, owner, ownerAddress, friend, file string) (letter, error) {
	t, ok := letters[strings.ToLower(lang)]
	if !ok {
		return letter{}, fmt.Errorf("no letter in language %q (there is %q and %q)", lang, "en", "is")
	}
	r := strings.NewReplacer("{OWNER}", owner, "{ADDRESS}", ownerAddress, "{FILE}", file, "{GREETING}", greeting(t.greet, friend))
	return letter{Subject: r.Replace(t.subject), Body: wrap(r.Replace(t.body)), File: wrap(r.Replace(t.file))}, nil
}

// lineWidth is where wrap breaks lines: plain-text mail's customary 72.
const lineWidth = 72

// wrap refills each paragraph (lines between blank lines) to lineWidth
// after the names are in, so a long name does not leave ragged lines.
func wrap(s string) string {
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		var lines []string
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > lineWidth:
				lines = append(lines, line)
				line = w
			default:
				line += " " + w
			}
		}
		out = append(out, strings.Join(append(lines, line), "\n"))
	}
	return strings.Join(out, "\n\n") + "\n"
}

func greeting(greet, name string) string {
	if name == "" {
		return greet + ","
	}
	return greet + " " + name + ","
}

type letterText struct{ greet, subject, body, file string }

var letters = map[string]letterText{"": english, "en": english, "is": icelandic}

var english = letterText{
	greet:   "Hello",
	subject: "{OWNER} asks you to keep this safe (Passcrow recovery)",
	body: `{GREETING}

{OWNER} asked the Passcrow program to send you this message. The
attached file, {FILE}, holds one piece of a way for {OWNER} to get back
something important (such as a password) that might one day be lost.

What to do now: keep this message, that is all. Please do not delete it.
If you have an earlier message like this from {OWNER}, keep that one too;
whichever is still in use will work.

Later, if {OWNER} asks you for it: send this message back (forward it
with its attachment), or send the attached file.

Why this is safe: the piece is locked. On its own it is useless, to you
and to anyone who might get it, and it tells nothing about the secret.
Only the recovery pack that {OWNER} keeps can unlock it, and only
together with pieces that others keep. When {OWNER} stops using it, that
key is destroyed and this piece becomes useless for good; you may then
delete this message.

If someone else asks you for it, or a request seems odd, first make sure
in person or by phone that {OWNER} really asked.

Sent with Passcrow from {ADDRESS}.
`,
	file: `Passcrow recovery piece kept for {OWNER} <{ADDRESS}>.
It is locked and useless on its own. If {OWNER} asks for it, send this
file back. Do not change it: a changed piece will not work.
`,
}

var icelandic = letterText{
	greet:   "Halló",
	subject: "{OWNER} biður þig um að geyma þetta (endurheimt með Passcrow)",
	body: `{GREETING}

{OWNER} bað forritið Passcrow að senda þér þetta bréf. Í viðhengdu
skránni, {FILE}, er eitt brot af leið sem {OWNER} getur notað til að
endurheimta eitthvað mikilvægt (til dæmis lykilorð) ef það glatast.

Hvað átt þú að gera núna? Geyma þetta bréf, ekkert annað. Vinsamlegast
eyddu því ekki. Ef {OWNER} hefur áður sent þér bréf af þessu tagi,
geymdu það líka; það sem er enn í notkun virkar.

Ef {OWNER} biður þig síðar um það: sendu bréfið til baka (áframsendu það
með viðhenginu) eða sendu viðhengdu skrána.

Af hverju þetta er öruggt: brotið er læst. Eitt og sér er það gagnslaust,
þér og hverjum sem kemst yfir það, og það segir ekkert um leyndarmálið.
Aðeins endurheimtarpakkinn sem {OWNER} geymir getur opnað það, og aðeins
ásamt brotum sem aðrir geyma. Þegar {OWNER} hættir að nota það er
lyklinum eytt og brotið verður gagnslaust fyrir fullt og allt; þá máttu
eyða bréfinu.

Ef einhver annar biður um brotið, eða beiðnin virðist undarleg, skaltu
fyrst ganga úr skugga um, augliti til auglitis eða í síma, að {OWNER}
hafi raunverulega beðið um það.

Sent með Passcrow frá {ADDRESS}.
`,
	file: `Endurheimtarbrot frá Passcrow. Eigandi: {OWNER} <{ADDRESS}>. Það er
læst og gagnslaust eitt og sér. Ef {OWNER} biður um það, sendu þessa
skrá til baka. Ekki breyta henni: breytt brot virkar ekki.
`,
}
