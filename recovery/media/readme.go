package media

import (
	"fmt"
	"strings"
)

// fragmentMarker starts every fragment file, in every language, so the
// README is removed only when no fragment file is left beside it.
const fragmentMarker = "Passcrow recovery fragment"

type texts struct {
	fileLine string // the fragment file's second line
	readme   string // README.txt; its first line is its title
}

var languages = map[string]texts{"": english, "en": english, "is": icelandic}

func textsFor(lang string) (texts, error) {
	t, ok := languages[strings.ToLower(lang)]
	if !ok {
		return texts{}, fmt.Errorf("media: no text in language %q (there is %q and %q)", lang, "en", "is")
	}
	return t, nil
}

// isOurReadme tells whether b is a README this package wrote, in any
// language: only those are ever reused or removed.
func isOurReadme(b []byte) bool {
	first, _, _ := strings.Cut(string(b), "\n")
	for _, t := range languages {
		if title, _, _ := strings.Cut(t.readme, "\n"); first == title {
			return true
		}
	}
	return false
}

var english = texts{
	fileLine: "Keep this file as it is. README.txt beside it says what it is.",
	readme: `About the Passcrow files in this folder
=======================================

The files whose first line says "Passcrow recovery fragment" were made
by Passcrow, a program that helps its owner get back a secret (such as
a password) that might one day be lost. Each holds one piece of the way
back. Please keep them, and keep this stick or disk somewhere safe,
apart from the computer.

Each piece is locked. On its own it is useless, to the owner and to
anyone who finds it, and it tells nothing about the secret. Only the
owner's recovery pack can unlock it, and only together with pieces kept
elsewhere. When the owner stops using it, the key is destroyed and the
file becomes useless for good; it may then be deleted.

To use a piece: start recovery in Passcrow, and open the file when
Passcrow asks for it. On another computer this stick may show up under
another name; that does not matter.

Do not change the files: a changed piece does not work.
`,
}

var icelandic = texts{
	fileLine: "Geymdu þessa skrá óbreytta. README.txt við hliðina segir hvað hún er.",
	readme: `Um Passcrow-skrárnar í þessari möppu
====================================

Skrárnar sem byrja á línunni "Passcrow recovery fragment" bjó forritið
Passcrow til. Það hjálpar eiganda sínum að endurheimta leyndarmál (til
dæmis lykilorð) ef það glatast. Í hverri skrá er eitt brot af leiðinni
til baka. Vinsamlegast geymdu þær, og geymdu þennan kubb eða disk á
öruggum stað, fjarri tölvunni.

Hvert brot er læst. Eitt og sér er það gagnslaust, eigandanum og
hverjum sem finnur það, og það segir ekkert um leyndarmálið. Aðeins
endurheimtarpakki eigandans getur opnað það, og aðeins ásamt brotum
sem eru geymd annars staðar. Þegar eigandinn hættir að nota það er
lyklinum eytt og skráin verður gagnslaus fyrir fullt og allt; þá má
eyða henni.

Til að nota brot: byrjaðu endurheimt í Passcrow og opnaðu skrána þegar
Passcrow biður um hana. Í annarri tölvu getur kubburinn birst undir
öðru nafni; það skiptir engu máli.

Ekki breyta skránum: breytt brot virkar ekki.
`,
}
