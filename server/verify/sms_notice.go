package verify

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

var _ Notifier = (*SMS)(nil)

// smsNotices are the owner's notices as SMS: short, with no description
// (chosen by whoever stored the escrow) and no link but the operator's
// about page. {who} is the masked identity, {date} the time the event
// names (UTC).
var smsNotices = map[string]map[string]string{
	"en": {
		NoticeClaimStarted:    "Passcrow: your heir ({who}) started a claim. It is released {date} unless you stop it in the Passcrow app.",
		NoticeReleaseSoon:     "Passcrow: a claim by your heir ({who}) is released {date} unless you stop it in the Passcrow app.",
		NoticeReleased:        "Passcrow: a fragment was released to your heir ({who}) on {date}.",
		NoticeRecoveryStarted: "Passcrow: someone asked for a code to recover a fragment; it went to {who}. Not you? Set up recovery anew in the Passcrow app.",
		NoticeLockedOut:       "Passcrow: too many wrong codes were tried to recover a fragment of yours. It takes none until {date}.",
	},
	"is": {
		NoticeClaimStarted:    "Passcrow: erfingi þinn ({who}) hóf endurheimt. Brotið verður afhent {date} nema þú stöðvir það í Passcrow.",
		NoticeReleaseSoon:     "Passcrow: brotið verður afhent erfingja þínum ({who}) {date} nema þú stöðvir það í Passcrow.",
		NoticeReleased:        "Passcrow: brot var afhent erfingja þínum ({who}) {date}.",
		NoticeRecoveryStarted: "Passcrow: beðið var um kóða til að endurheimta brot; hann var sendur á {who}. Ekki þú? Settu endurheimt upp á nýtt í Passcrow.",
		NoticeLockedOut:       "Passcrow: of margir rangir kóðar voru reyndir á brot í þinni vörslu. Það tekur ekki við kóðum fyrr en {date}.",
	},
}

// CheckNotice says whether s could send n, without sending.
func (s *SMS) CheckNotice(n Notice) error {
	m := Message{Kind: n.Kind, Address: n.Address, Code: "-", AboutURL: n.AboutURL}
	if err := s.Check(m); err != nil {
		return err
	}
	if _, ok := smsNotices["en"][n.Event]; !ok {
		return fmt.Errorf("%w: unknown event %q", ErrInvalidMessage, n.Event)
	}
	return checkField("claimant", n.Claimant)
}

// Notify sends n as an SMS, for owners whose notify identity is a phone.
func (s *SMS) Notify(ctx context.Context, n Notice) error {
	if err := s.CheckNotice(n); err != nil {
		return err
	}
	return s.post(ctx, n.Address, SMSNoticeText(n))
}

// SMSNoticeText is the text of the SMS that carries n.
func SMSNoticeText(n Notice) string {
	base, _, _ := strings.Cut(strings.ToLower(n.Language), "-")
	base, _, _ = strings.Cut(base, "_")
	texts, ok := smsNotices[base]
	if !ok {
		texts = smsNotices["en"]
	}
	date := n.ReleaseAt.UTC().Format("2006-01-02 15:04 UTC")
	if n.ReleaseAt.IsZero() {
		date = "-"
	}
	who := n.Claimant
	if who == "" {
		who = "?"
	}
	t := strings.NewReplacer("{who}", who, "{date}", date).Replace(texts[n.Event])
	if n.AboutURL != "" {
		if u, err := url.Parse(n.AboutURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			t += "\n" + n.AboutURL
		}
	}
	return t
}
