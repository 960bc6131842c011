package sheet

import (
	"fmt"
	"time"
)

// wordingEN is the English text of the sheets. Written for someone who has
// never heard of Passcrow: short sentences, no jargon. The button names in
// “quotes” must match the app's English labels.
var wordingEN = wording{
	theOwner: "the owner",

	printed:     "Printed {date}",
	validUntil:  "Valid until {date}",
	noExpiry:    "Valid while the owner keeps it renewed in Passcrow",
	page:        "Page {n} of {total}",
	scanCaption: "Scan this with the Passcrow app",

	fragHeader:    "PASSCROW RECOVERY SHEET",
	fragTitle:     "Recovery sheet for “{title}”",
	fragOwner:     "Belongs to {owner}",
	typeCaption:   "Or type this text:",
	typeHint:      "The app points out typing mistakes.",
	whatHeading:   "What is this?",
	whatText:      "This sheet is one piece of the recovery key for “{title}”. On its own it reveals nothing: it only helps together with the other pieces, in the Passcrow app.",
	whatTextOwner: "This sheet is one piece of the recovery key for “{title}”, which belongs to {owner}. On its own it reveals nothing: it only helps together with the other pieces, in the Passcrow app.",
	whenText:      "If {owner} forgets the password or loses the computer, the Passcrow app will ask for this sheet to get “{title}” back.",
	howHeading:    "How to use it",
	howSteps: []string{
		"Open the Passcrow app and choose “I have a recovery sheet”.",
		"Take a photo of the square code above (or scan the sheet) and open the picture in the app, or type the letters and digits printed next to it.",
		"Follow the steps in the app.",
	},
	safeHeading:  "Keep it safe and private",
	safeText:     "Keep this sheet where others cannot see it, for example with your passport or other important papers. Do not share it, post a photo of it, or throw it away while it is valid. If it is lost or someone else may have seen it, make new sheets in Passcrow (or tell {owner}).",
	validText:    "This sheet is valid until {date}. Before then Passcrow will remind {owner} to print a new one; after that, destroy this one (shred or burn it).",
	validForever: "This sheet does not expire. When a new sheet replaces it, destroy this one (shred or burn it).",
	whereHeading: "Where the pieces are kept",

	inhHeader:     "PASSCROW · FOR AN HEIR",
	inhTitle:      "How to recover “{title}”",
	inhFor:        "For {heir}",
	inhIntro:      "This sheet is from {Owner}. With it you can unlock “{title}” if {owner} can no longer do it.",
	inhNoPrior:    "You do not need to know Passcrow beforehand. Follow these steps on a computer:",
	inhStepsHead:  "What to do",
	inhInstall:    "Install the Passcrow app from {url}.",
	inhOpen:       "Open it and choose “I have a recovery sheet”.",
	inhScan:       "Take a photo of the square code on this sheet (or scan the sheet) and open the picture in the app, or type the text next to the code exactly as printed.",
	inhMail:       "Passcrow sends a code by e-mail to your address, {address}. Type that code into the app.",
	inhMailNoAddr: "Passcrow sends a code to your e-mail address. Type that code into the app.",
	inhWait:       "Wait {days}. {Owner} is told at once and can stop the recovery during that time; this protects {owner} if the sheet is misused. Then choose “I have a recovery sheet” again: a new code unlocks “{title}”.",
	inhPieces:     "If the app asks for more pieces of the key, they are kept here:",
	keyCaption:    "Your key (type it exactly if you cannot scan):",
	inhSafeText:   "Keep this sheet where others cannot see it, for example with a will or other important papers. Anyone who has it can start a recovery, but only you receive the code by e-mail, and {owner} is told. If {owner} gives you a newer sheet, destroy this one.",

	months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	date: func(w *wording, t time.Time) string {
		return fmt.Sprintf("%d %s %d", t.Day(), w.months[t.Month()-1], t.Year())
	},
	days: func(n int) string {
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	},
}
