package verify

import (
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

var testTime = time.Date(2026, 11, 23, 19, 7, 18, 0, time.UTC)

func testMessage(lang string) Message {
	return Message{
		Kind: "email", Address: "alice@example.org", Language: lang,
		Code: "1111487", Description: "pcpeer test",
		AboutURL: "https://passcrow.example.org/", Timeout: 30 * time.Minute,
	}
}

// parse checks the line endings and decodes a composed mail as a mail reader would.
func parse(t *testing.T, text []byte) (*mail.Message, string) {
	t.Helper()
	for line := range strings.Lines(string(text)) {
		if !strings.HasSuffix(line, "\r\n") || strings.Count(line, "\n") != 1 {
			t.Fatalf("line %q does not end in CRLF", line)
		}
		if len(line) > 998 {
			t.Fatalf("line of %d bytes", len(line))
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	return msg, decodedBody(t, msg)
}

func decodedBody(t *testing.T, msg *mail.Message) string {
	t.Helper()
	if got := msg.Header.Get("Content-Transfer-Encoding"); got != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", got)
	}
	b := new(strings.Builder)
	if _, err := io.Copy(b, quotedprintable.NewReader(msg.Body)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestComposeLanguages(t *testing.T) {
	for _, tc := range []struct {
		lang, subject string
		want, never   []string
	}{
		{"en", "pcpeer test Verification Code",
			[]string{"pcpeer test: 1111487 is your verification code.\r\n",
				"This code expires in 30 minutes.",
				"\r\n-- \r\nSent by Passcrow, an open system for recovering keys and passwords.\r\n" +
					"More information: https://passcrow.example.org/\r\n"},
			[]string{"Sent af", "Nánari", "kerfi"}},
		{"is", "pcpeer test: staðfestingarkóði",
			[]string{"pcpeer test: 1111487 er staðfestingarkóðinn þinn.\r\n",
				"Kóðinn rennur út eftir 30 mínútur.",
				"\r\n-- \r\nSent af Passcrow, opnu kerfi til að endurheimta lykla og lykilorð.\r\n" +
					"Nánari upplýsingar: https://passcrow.example.org/\r\n"},
			[]string{"Sent by", "More information", "expires"}},
		{"is-IS", "pcpeer test: staðfestingarkóði", []string{"er staðfestingarkóðinn þinn."}, []string{"Sent by"}},
		{"de", "pcpeer test Verification Code", []string{"is your verification code."}, []string{"Sent af"}},
		{"", "pcpeer test Verification Code", []string{"is your verification code."}, []string{"Sent af"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			text, err := Compose(testMessage(tc.lang), "Passcrow Test <noreply@pcpeer.invalid>", testTime)
			if err != nil {
				t.Fatal(err)
			}
			msg, body := parse(t, text)
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || subject != tc.subject {
				t.Errorf("subject %q (%v), want %q", subject, err, tc.subject)
			}
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tc.never {
				if strings.Contains(body, s) {
					t.Errorf("body has %q:\n%s", s, body)
				}
			}
			if code, ok := ReadCode(string(text)); !ok || code != "1111487" {
				t.Errorf("ReadCode = %q, %v", code, ok)
			}
		})
	}
}

func TestComposeHeaders(t *testing.T) {
	m := testMessage("is")
	m.Description = "Lykilorð: Þórðar" // ": " as in the code line
	text, err := Compose(m, "Passcrow Þjónn <noreply@pcpeer.invalid>", testTime)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := parse(t, text)
	h := msg.Header
	for k, want := range map[string]string{
		"To":           "alice@example.org",
		"Date":         "Mon, 23 Nov 2026 19:07:18 +0000",
		"MIME-Version": "1.0",
		"Content-Type": "text/plain; charset=utf-8",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@pcpeer.invalid>") {
		t.Errorf("Message-Id %q", id)
	}
	for _, k := range []string{"Subject", "From"} {
		if raw := h.Get(k); !strings.Contains(raw, "=?utf-8?") || strings.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
			t.Errorf("%s %q is not RFC 2047 encoded", k, raw)
		}
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Passcrow Þjónn" || from[0].Address != "noreply@pcpeer.invalid" {
		t.Errorf("From %v (%v)", from, err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if subject != "Lykilorð: Þórðar: staðfestingarkóði" {
		t.Errorf("subject %q", subject)
	}
	if code, ok := ReadCode(string(text)); !ok || code != "1111487" {
		t.Errorf("ReadCode = %q, %v", code, ok)
	}
}

func TestComposeMinutes(t *testing.T) {
	for _, tc := range []struct {
		lang string
		tmo  time.Duration
		want string
	}{
		{"en", time.Minute, "expires in 1 minute."},
		{"en", 90 * time.Second, "expires in 1 minute."},
		{"en", 10 * time.Second, "expires in 1 minute."},
		{"en", 2 * time.Hour, "expires in 120 minutes."},
		{"is", time.Minute, "eftir 1 mínútu."},
		{"is", 21 * time.Minute, "eftir 21 mínútu."},
		{"is", 11 * time.Minute, "eftir 11 mínútur."},
		{"is", 30 * time.Minute, "eftir 30 mínútur."},
	} {
		m := testMessage(tc.lang)
		m.Timeout = tc.tmo
		text, err := Compose(m, "", testTime)
		if err != nil {
			t.Fatal(err)
		}
		if _, body := parse(t, text); !strings.Contains(body, tc.want) {
			t.Errorf("%s %v: body lacks %q:\n%s", tc.lang, tc.tmo, tc.want, body)
		}
	}
}

// A description or address from a request must never add headers.
func TestComposeRefusesInjection(t *testing.T) {
	for name, edit := range map[string]func(*Message){
		"address CRLF":     func(m *Message) { m.Address = "alice@example.org\r\nBcc: eve@example.net" },
		"address LF":       func(m *Message) { m.Address = "alice@example.org\nBcc: eve@example.net" },
		"address list":     func(m *Message) { m.Address = "alice@example.org, eve@example.net" },
		"address name":     func(m *Message) { m.Address = "Alice <alice@example.org>" },
		"address bare":     func(m *Message) { m.Address = "alice" },
		"description CRLF": func(m *Message) { m.Description = "x\r\nBcc: eve@example.net" },
		"description CR":   func(m *Message) { m.Description = "x\rBcc: eve@example.net" },
		"description NEL":  func(m *Message) { m.Description = "x\u0085Bcc: eve@example.net" },
		"description long": func(m *Message) { m.Description = strings.Repeat("x", 600) },
		"about URL LF":     func(m *Message) { m.AboutURL = "https://x/\nBcc: eve@example.net" },
		"language LF":      func(m *Message) { m.Language = "en\nBcc: eve@example.net" },
		"code LF":          func(m *Message) { m.Code = "123\n456" },
		"code empty":       func(m *Message) { m.Code = "" },
		"sms empty":        func(m *Message) { m.Kind, m.Address = "sms", "" },
	} {
		m := testMessage("en")
		edit(&m)
		_, err := Compose(m, "", testTime)
		if !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("%s: err = %v, want ErrInvalidMessage", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "1111487") {
			t.Errorf("%s: error %q reveals the code", name, err)
		}
	}
	if _, err := Compose(testMessage("en"), "Passcrow <a@b>\r\nBcc: eve@example.net", testTime); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("from with CRLF: err = %v", err)
	}
}

func TestReadCodeForeign(t *testing.T) {
	for _, text := range []string{
		"", "not a mail", "Subject: x\r\n\r\nYour code is 123456\r\n",
		"Subject: x\r\n\r\nno colon 123 is your verification code.\r\n",
	} {
		if code, ok := ReadCode(text); ok {
			t.Errorf("ReadCode(%q) = %q, true", text, code)
		}
	}
}
