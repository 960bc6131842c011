package verify

import (
	"fmt"
	"strings"
	"time"
)

// noticeTexts hold the notices in each language we write, for an owner
// who may not remember setting up an heir: what happened, when the
// release comes, what to do if it is expected and if it is not. {desc}
// is the escrow's description, {who} the masked identity that proved
// itself, {date} the time of release. Unknown languages get English.
var noticeTexts = map[string]noticeText{
	"en": {
		events: map[string]noticeEvent{
			NoticeClaimStarted: {
				subject: "Your heir has started to recover “{desc}”",
				paras: []string{
					"Someone has used the inheritance sheet you made for “{desc}” and proved with a code that they can read the mail sent to {who}.",
					"Unless you stop it, what they need to unlock “{desc}” will be released to them on {date}.",
					"If this is expected, you need not do anything.",
					"If it is not, stop it before then: open Passcrow on your computer, where this recovery is shown with a button to stop it. Stopping it keeps your sheet and your heir as they are; to make the sheet useless, remove the heir in Passcrow.",
					"You will be told again shortly before the release.",
				},
			},
			NoticeReleaseSoon: {
				subject: "Reminder: “{desc}” will be released to your heir on {date}",
				paras: []string{
					"Someone who has the inheritance sheet you made for “{desc}”, and the mail sent to {who}, is waiting for its release. Unless you stop it, it will be released to them on {date}.",
					"If this is expected, you need not do anything.",
					"If it is not, stop it now: open Passcrow on your computer, where this recovery is shown with a button to stop it.",
				},
			},
			NoticeReleased: {
				subject: "“{desc}” was released to your heir",
				paras: []string{
					"The waiting period you chose is over, and what your heir ({who}) needs to unlock “{desc}” was released to them on {date}.",
					"If this was not expected, what “{desc}” protects should be protected anew: change the password or key it guards, then set up recovery again in Passcrow.",
				},
			},
			NoticeRecoveryStarted: {
				subject: "Someone has asked for a code to recover “{desc}”",
				paras: []string{
					"Someone has asked this Passcrow server for a code to recover “{desc}”. The code was sent to {who} and can be used until {date}.",
					"If this was you, you need not do anything.",
					"If it was not, someone has your recovery pack or a part of it. They still need the code sent to {who}, so keep that safe. To make what they hold useless, open Passcrow on your computer, set up recovery for “{desc}” anew and delete the old one.",
				},
			},
			NoticeLockedOut: {
				subject: "Too many wrong codes were tried for “{desc}”",
				paras: []string{
					"Too many wrong codes were tried to recover “{desc}” from this Passcrow server, so it takes no code, right or wrong, until {date}. Each time this happens, the wait is twice as long.",
					"If this was you, wait until then and ask for a new code; it will be sent to {who}.",
					"If it was not, someone has your recovery pack or a part of it and is guessing codes. To make what they hold useless, open Passcrow on your computer, set up recovery for “{desc}” anew and delete the old one.",
				},
			},
		},
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		dateFmt: func(t noticeText, d time.Time) string {
			return fmt.Sprintf("%d %s %d at %02d:%02d UTC", d.Day(), t.months[d.Month()-1], d.Year(), d.Hour(), d.Minute())
		},
	},
	"is": {
		events: map[string]noticeEvent{
			NoticeClaimStarted: {
				subject: "Erfinginn þinn er byrjaður að endurheimta „{desc}“",
				paras: []string{
					"Einhver hefur notað erfðablaðið sem þú gerðir fyrir „{desc}“ og sannað með kóða að hann hefur aðgang að netfanginu {who}.",
					"Nema þú stöðvir það fær hann afhent {date} það sem þarf til að opna „{desc}“.",
					"Ef þú áttir von á þessu þarftu ekkert að gera.",
					"Ef ekki, stöðvaðu það fyrir þann tíma: opnaðu Passcrow í tölvunni þinni, þar sem þessi endurheimt birtist með hnappi til að stöðva hana. Blaðið og erfinginn haldast óbreytt; til að gera blaðið ónothæft skaltu fjarlægja erfingjann í Passcrow.",
					"Þú færð aðra tilkynningu skömmu fyrir afhendinguna.",
				},
			},
			NoticeReleaseSoon: {
				subject: "Áminning: „{desc}“ verður afhent erfingja þínum {date}",
				paras: []string{
					"Einhver sem hefur erfðablaðið sem þú gerðir fyrir „{desc}“, og aðgang að netfanginu {who}, bíður afhendingar. Nema þú stöðvir það verður það afhent {date}.",
					"Ef þú áttir von á þessu þarftu ekkert að gera.",
					"Ef ekki, stöðvaðu það núna: opnaðu Passcrow í tölvunni þinni, þar sem þessi endurheimt birtist með hnappi til að stöðva hana.",
				},
			},
			NoticeReleased: {
				subject: "„{desc}“ var afhent erfingja þínum",
				paras: []string{
					"Biðtíminn sem þú valdir er liðinn og erfinginn þinn ({who}) fékk {date} það sem þarf til að opna „{desc}“.",
					"Ef þú áttir ekki von á þessu ætti að vernda „{desc}“ upp á nýtt: skiptu um lykilorðið eða lykilinn sem það geymir og settu endurheimt upp aftur í Passcrow.",
				},
			},
			NoticeRecoveryStarted: {
				subject: "Einhver hefur beðið um kóða til að endurheimta „{desc}“",
				paras: []string{
					"Einhver hefur beðið þennan Passcrow-þjón um kóða til að endurheimta „{desc}“. Kóðinn var sendur á {who} og gildir til {date}.",
					"Ef þetta varst þú þarftu ekkert að gera.",
					"Ef ekki, þá hefur einhver endurheimtarpakkann þinn eða hluta hans. Hann þarf enn kóðann sem var sendur á {who}, svo gættu hans vel. Til að gera það sem hann hefur ónothæft skaltu opna Passcrow í tölvunni þinni, setja endurheimt fyrir „{desc}“ upp á nýtt og eyða þeirri gömlu.",
				},
			},
			NoticeLockedOut: {
				subject: "Of margir rangir kóðar voru reyndir fyrir „{desc}“",
				paras: []string{
					"Of margir rangir kóðar voru reyndir til að endurheimta „{desc}“ af þessum Passcrow-þjóni, svo hann tekur ekki við neinum kóða, réttum eða röngum, fyrr en {date}. Í hvert sinn sem þetta gerist tvöfaldast biðin.",
					"Ef þetta varst þú skaltu bíða til þess tíma og biðja um nýjan kóða; hann verður sendur á {who}.",
					"Ef ekki, þá hefur einhver endurheimtarpakkann þinn eða hluta hans og er að giska á kóða. Til að gera það sem hann hefur ónothæft skaltu opna Passcrow í tölvunni þinni, setja endurheimt fyrir „{desc}“ upp á nýtt og eyða þeirri gömlu.",
				},
			},
		},
		months: [12]string{"janúar", "febrúar", "mars", "apríl", "maí", "júní", "júlí", "ágúst", "september", "október", "nóvember", "desember"},
		dateFmt: func(t noticeText, d time.Time) string {
			return fmt.Sprintf("%d. %s %d kl. %02d:%02d UTC", d.Day(), t.months[d.Month()-1], d.Year(), d.Hour(), d.Minute())
		},
	},
}

type noticeText struct {
	events  map[string]noticeEvent
	months  [12]string
	dateFmt func(t noticeText, d time.Time) string
}

type noticeEvent struct {
	subject string
	paras   []string // each becomes a paragraph, followed by an empty line
}

// date writes a time of release in UTC: the server knows no time zone of
// the owner's.
func (t noticeText) date(d time.Time) string { return t.dateFmt(t, d.UTC()) }

func noticeTextFor(language string) noticeText {
	base, _, _ := strings.Cut(strings.ToLower(language), "-")
	base, _, _ = strings.Cut(base, "_")
	if t, ok := noticeTexts[base]; ok {
		return t
	}
	return noticeTexts["en"]
}
