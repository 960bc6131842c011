package mailbox

import (
	"encoding/base64"
	"fmt"
	"time"
)

// The messages speak to whoever opens them, most likely the user some
// years later, in plain words: what this is, why it matters, and not to
// delete it. English for now: the library has no translations. Each
// paragraph is one line (quoted-printable keeps it one), so mail
// programs wrap it to the window whatever the names in it.

const fragmentFile = "passcrow-fragment.txt"

func fragmentDraft(a Account, id, sealed, description string, now time.Time) draft {
	what := "your secret"
	if d := oneLine(description); d != "" {
		what = `"` + d + `"`
	}
	return draft{
		acct:    a,
		header:  FragmentHeader,
		id:      id,
		subject: "Passcrow recovery fragment for " + what + ": please keep this message",
		body: fmt.Sprintf(`This message was saved here by Passcrow, at your request, to help you recover %s if you ever forget its password.

The attached file, %s, holds one fragment of your Recovery Key. It is sealed: on its own it is useless to anyone, your mail provider included. Only with your Recovery Pack and enough other fragments does it open your secret.

Please do not delete this message, and leave it in the folder "%s": Passcrow looks for it there when you recover.

When you no longer need it, tell Passcrow to forget %s: it deletes this message itself.
`, what, fragmentFile, a.Folder, what),
		file: part{name: fragmentFile, mediaType: "text/plain", data: []byte(sealed + "\n")},
		now:  now,
	}
}

const packFile = "passcrow-recovery-pack.json"

func packDraft(a Account, hash, name string, pack []byte, now time.Time) draft {
	what := `"` + oneLine(name) + `"`
	return draft{
		acct:    a,
		header:  PackHeader,
		id:      hash,
		extra:   [][2]string{{PackNameHeader, encodeWord(name)}},
		subject: "Passcrow Recovery Pack for " + what + ": please keep this message",
		body: fmt.Sprintf(`This message holds a copy of your Passcrow Recovery Pack for %s, saved here so that losing your computer does not lose your way back to your secret.

If your computer is lost or replaced: install Passcrow, choose "Restore from my mailbox" and log in to this mailbox. Passcrow finds this message and brings the pack back.

The pack alone cannot open your secret: recovering it still needs the codes or fragments from your other recovery locations.

Please do not delete this message. When Passcrow saves a newer copy, it replaces this one.
`, what),
		file: part{name: packFile, mediaType: "application/json", data: pack},
		now:  now,
	}
}

// encodeWord writes s as one RFC 2047 encoded word, always, so that any
// name (one that looks like an encoded word too) reads back the same.
func encodeWord(s string) string {
	return "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}
