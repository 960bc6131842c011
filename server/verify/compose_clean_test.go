package verify

import (
	"mime"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Anyone may escrow a fragment naming anyone's address, with a
// description of their choosing: the mail the operator's domain sends
// must carry no link and no markup from it.
func TestCleanDescription(t *testing.T) {
	for in, want := range map[string]string{
		"Password manager":                         "Password manager",
		"Mum's laptop, v2.0 (old)":                 "Mum's laptop, v2.0 old",
		"Bitcoin wallet: e.g. the blue one":        "Bitcoin wallet: e.g. the blue one",
		"Lykilorð – „heimabanki“":                  "Lykilorð – „heimabanki“",
		"Locked! Go to https://evil.example/login": "Locked! Go to",
		"see HTTP://EVIL.example?x=1 now":          "see now",
		"see www.evil.example now":                 "see now",
		"see evil.example/login now":               "see now",
		"see evil.co.uk now":                       "see now",
		"see xn--80ak6aa92e.com now":               "see now",
		"see еvil。example now":                     "see now",
		"write to boss@evil.example now":           "write to now",
		"mailto:boss@evil.example":                 "",
		"call tel:+15551234":                       "call",
		"javascript:alert(1)":                      "",
		"<a href=\"x\">Click</a> here":             "Click here",
		"<b>Bank</b>":                              "Bank",
		"[Bank](https://evil.example)":             "Bank",
		"![img](x) gone":                           "img gone",
		"**urgent** `code` {x}":                    "urgent code x",
		"many   spaces\u00a0here":                  "many spaces here",
	} {
		if got := CleanDescription(in); got != want {
			t.Errorf("CleanDescription(%q) = %q, want %q", in, got, want)
		}
	}
}

// alreadyClean lets through only what the whole cleaning gives back
// unchanged.
func TestAlreadyClean(t *testing.T) {
	for _, in := range []string{"", "Password manager", "Bitcoin wallet", "a", " a", "a ", "a  b",
		"a\tb", "v2.0", "e:g", "x@y", "<b>", "[x]", "a_b", "a/b", "a*b", "tel+15551234", "www2 x",
		"Lykilorð", "see еvil。example", "a\x7fb", "a\u00a0b", "Mum's laptop, v2 old!"} {
		if alreadyClean(in) && cleanFully(in) != in {
			t.Errorf("alreadyClean(%q) but cleaning gives %q", in, cleanFully(in))
		}
	}
	for _, in := range []string{"Password manager", "Bitcoin wallet #2", "Mum's laptop, v2 old!", ""} {
		if !alreadyClean(in) {
			t.Errorf("%q is clean, yet takes the long way", in)
		}
	}
}

func FuzzAlreadyClean(f *testing.F) {
	f.Add("Password manager")
	f.Add("see www.evil.example now")
	f.Fuzz(func(t *testing.T, in string) {
		if alreadyClean(in) && cleanFully(in) != in {
			t.Errorf("alreadyClean(%q) but cleaning gives %q", in, cleanFully(in))
		}
	})
}

// linkish finds anything a mail program could make a link of.
var linkish = regexp.MustCompile(`(?i)://|www\.|evil|\.example|@.*example|<|>|\[|\]`)

func TestComposeCarriesNoLinkFromDescription(t *testing.T) {
	hostile := `Account locked! <a href="https://evil.example/x">Unlock</a> at www.evil.example or evil.example/login, mail help@evil.example [here](https://evil.example)`
	m := testMessage("en")
	m.Description = hostile
	text, err := Compose(m, "Passcrow <noreply@passcrow.example.org>", testTime)
	if err != nil {
		t.Fatal(err)
	}
	msg, body := parse(t, text)
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	// The about URL of the operator is the one link the mail may carry.
	body = strings.ReplaceAll(body, m.AboutURL, "")
	for where, s := range map[string]string{"subject": subject, "body": body} {
		if loc := linkish.FindStringIndex(s); loc != nil {
			t.Errorf("%s carries %q from the description:\n%s", where, s[loc[0]:loc[1]], s)
		}
	}
	if !strings.Contains(body, "Account locked! Unlock at or") {
		t.Errorf("the description's words are gone too:\n%s", body)
	}
	if code, ok := ReadCode(string(text)); !ok || code != m.Code {
		t.Errorf("code %q, %v", code, ok)
	}

	n := Notice{Kind: "email", Address: "owner@example.org", Language: "en", Event: NoticeClaimStarted,
		Description: hostile, Claimant: "h***@example.org", ReleaseAt: testTime.Add(72 * time.Hour)}
	text, err = ComposeNotice(n, "", testTime)
	if err != nil {
		t.Fatal(err)
	}
	msg, body = parse(t, text)
	body = strings.ReplaceAll(body, n.Claimant, "") // the server's own mask of the heir's address
	subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	for where, s := range map[string]string{"notice subject": subject, "notice body": body} {
		if loc := linkish.FindStringIndex(s); loc != nil {
			t.Errorf("%s carries %q from the description:\n%s", where, s[loc[0]:loc[1]], s)
		}
	}
}
