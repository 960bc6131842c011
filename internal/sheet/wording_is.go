package sheet

import (
	"fmt"
	"time"
)

// wordingIS is the Icelandic text of the sheets. Names are not declined, so
// every sentence keeps {owner} and {heir} in the nominative (as the subject,
// or after "Eigandi:"); a reviewer changing a sentence must keep it so.
// The button names in „quotes“ must match the app's Icelandic labels.
var wordingIS = wording{
	theOwner: "eigandinn",

	printed:     "Prentað {date}",
	validUntil:  "Gildir til {date}",
	noExpiry:    "Gildir á meðan eigandinn endurnýjar það í Passcrow",
	page:        "Síða {n} af {total}",
	scanCaption: "Skannaðu með Passcrow-forritinu",

	fragHeader:    "PASSCROW · ENDURHEIMTARBLAÐ",
	fragTitle:     "Endurheimtarblað fyrir „{title}“",
	fragOwner:     "Eigandi: {owner}",
	typeCaption:   "Eða sláðu inn þennan texta:",
	typeHint:      "Forritið bendir á innsláttarvillur.",
	whatHeading:   "Hvað er þetta?",
	whatText:      "Þetta blað er einn hluti af endurheimtarlyklinum fyrir „{title}“. Eitt og sér segir það ekkert: það gagnast aðeins með hinum hlutunum, í Passcrow-forritinu.",
	whatTextOwner: "Þetta blað er einn hluti af endurheimtarlyklinum fyrir „{title}“, sem {owner} á. Eitt og sér segir það ekkert: það gagnast aðeins með hinum hlutunum, í Passcrow-forritinu.",
	whenText:      "Ef {owner} gleymir lykilorðinu eða týnir tölvunni biður Passcrow-forritið um þetta blað til að endurheimta „{title}“.",
	howHeading:    "Svona er það notað",
	howSteps: []string{
		"Opnaðu Passcrow-forritið og veldu „Ég er með endurheimtarblað“.",
		"Taktu mynd af ferningslaga kóðanum hér fyrir ofan (eða skannaðu blaðið) og opnaðu myndina í forritinu, eða sláðu inn stafina og tölustafina við hliðina á honum.",
		"Fylgdu skrefunum í forritinu.",
	},
	safeHeading:  "Geymdu það á öruggum stað",
	safeText:     "Geymdu blaðið þar sem aðrir sjá það ekki, til dæmis með vegabréfinu eða öðrum mikilvægum skjölum. Ekki deila því, ekki birta mynd af því og ekki henda því meðan það er í gildi. Ef það týnist eða einhver annar gæti hafa séð það þarf að búa til ný blöð í Passcrow (það getur {owner} gert).",
	validText:    "Blaðið gildir til {date}. Áður en að því kemur minnir Passcrow á að prenta nýtt blað; eyddu þá þessu (tættu það eða brenndu).",
	validForever: "Blaðið rennur ekki út. Þegar nýtt blað kemur í stað þess skaltu eyða þessu (tæta það eða brenna).",
	whereHeading: "Hvar hlutarnir eru geymdir",

	inhHeader:     "PASSCROW · FYRIR ERFINGJA",
	inhTitle:      "Svona endurheimtir þú „{title}“",
	inhFor:        "Viðtakandi: {heir}",
	inhIntro:      "{Owner} lét þig fá þetta blað. Með því getur þú opnað „{title}“ ef {owner} getur það ekki lengur.",
	inhNoPrior:    "Þú þarft ekki að þekkja Passcrow fyrir fram. Fylgdu þessum skrefum í tölvu:",
	inhStepsHead:  "Hvað á að gera",
	inhInstall:    "Settu upp Passcrow-forritið af {url}.",
	inhOpen:       "Opnaðu það og veldu „Ég er með endurheimtarblað“.",
	inhScan:       "Taktu mynd af ferningslaga kóðanum á þessu blaði (eða skannaðu blaðið) og opnaðu myndina í forritinu, eða sláðu inn textann við hliðina á kóðanum nákvæmlega eins og hann er prentaður.",
	inhMail:       "Passcrow sendir kóða í tölvupósti á netfangið þitt, {address}. Sláðu þann kóða inn í forritið.",
	inhMailNoAddr: "Passcrow sendir kóða á netfangið þitt. Sláðu þann kóða inn í forritið.",
	inhWait:       "Bíddu í {days}. {Owner} fær strax að vita af þessu og getur stöðvað endurheimtina á meðan; það er vörn ef blaðið er misnotað. Veldu svo „Ég er með endurheimtarblað“ aftur: nýr kóði opnar „{title}“.",
	inhPieces:     "Ef forritið biður um fleiri hluta lykilsins eru þeir geymdir hér:",
	keyCaption:    "Lykillinn þinn (sláðu hann inn nákvæmlega ef ekki er hægt að skanna):",
	inhSafeText:   "Geymdu blaðið þar sem aðrir sjá það ekki, til dæmis með erfðaskrá eða öðrum mikilvægum skjölum. Hver sem hefur blaðið getur hafið endurheimt, en aðeins þú færð kóðann í tölvupósti og {owner} fær að vita af því. Ef {owner} lætur þig fá nýrra blað skaltu eyða þessu.",

	months: [12]string{"janúar", "febrúar", "mars", "apríl", "maí", "júní", "júlí", "ágúst", "september", "október", "nóvember", "desember"},
	date: func(w *wording, t time.Time) string {
		return fmt.Sprintf("%d. %s %d", t.Day(), w.months[t.Month()-1], t.Year())
	},
	// 1, 21, 31… dag; 11 and the rest daga.
	days: func(n int) string {
		if n%10 == 1 && n%100 != 11 {
			return fmt.Sprintf("%d dag", n)
		}
		return fmt.Sprintf("%d daga", n)
	},
}
