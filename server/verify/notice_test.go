package verify

import (
	"context"
	"errors"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testNotice(lang, event string) Notice {
	return Notice{
		Kind: "email", Address: "owner@example.org", Language: lang, Event: event,
		Description: "Family photos", Claimant: "h*@e*ple.org",
		ReleaseAt: testTime.Add(7 * 24 * time.Hour), AboutURL: "https://passcrow.example.org/",
	}
}

func TestComposeNotice(t *testing.T) {
	for _, tc := range []struct {
		lang, event, subject string
		want                 []string
	}{
		{"en", NoticeClaimStarted, "Your heir has started to recover “Family photos”",
			[]string{"h*@e*ple.org", "30 November 2026 at 19:07 UTC", "open Passcrow on your computer", "Sent by Passcrow"}},
		{"en", NoticeReleaseSoon, "Reminder: “Family photos” will be released to your heir on 30 November 2026 at 19:07 UTC",
			[]string{"stop it now"}},
		{"en", NoticeReleased, "“Family photos” was released to your heir", []string{"was released to them on 30 November 2026"}},
		{"is", NoticeClaimStarted, "Erfinginn þinn er byrjaður að endurheimta „Family photos“",
			[]string{"30. nóvember 2026 kl. 19:07 UTC", "Sent af Passcrow"}},
		{"de", NoticeReleased, "“Family photos” was released to your heir", []string{"Sent by Passcrow"}},
		{"en", NoticeRecoveryStarted, "Someone has asked for a code to recover “Family photos”",
			[]string{"sent to h*@e*ple.org and can be used until 30 November 2026 at 19:07 UTC", "If this was you"}},
		{"en", NoticeLockedOut, "Too many wrong codes were tried for “Family photos”",
			[]string{"until 30 November 2026 at 19:07 UTC", "twice as long", "guessing codes"}},
		{"is", NoticeRecoveryStarted, "Einhver hefur beðið um kóða til að endurheimta „Family photos“",
			[]string{"gildir til 30. nóvember 2026 kl. 19:07 UTC"}},
		{"is", NoticeLockedOut, "Of margir rangir kóðar voru reyndir fyrir „Family photos“",
			[]string{"fyrr en 30. nóvember 2026 kl. 19:07 UTC"}},
	} {
		text, err := ComposeNotice(testNotice(tc.lang, tc.event), "Passcrow Test <noreply@pcpeer.invalid>", testTime)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.lang, tc.event, err)
		}
		msg, body := parse(t, text)
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || subject != tc.subject {
			t.Errorf("%s %s: subject %q (%v), want %q", tc.lang, tc.event, subject, err, tc.subject)
		}
		if got := msg.Header.Get(NoticeHeader); got != tc.event {
			t.Errorf("%s: %s %q", tc.event, NoticeHeader, got)
		}
		for _, s := range tc.want {
			if !strings.Contains(strings.ReplaceAll(body, "\r\n", " "), s) {
				t.Errorf("%s %s: body lacks %q:\n%s", tc.lang, tc.event, s, body)
			}
		}
		for line := range strings.Lines(body) {
			if n := len([]rune(strings.TrimRight(line, "\r\n"))); n > 76 {
				t.Errorf("%s %s: line of %d characters: %q", tc.lang, tc.event, n, line)
			}
		}
		if ev, ok := ReadNotice(string(text)); !ok || ev != tc.event {
			t.Errorf("ReadNotice = %q, %v", ev, ok)
		}
		if _, ok := ReadCode(string(text)); ok {
			t.Errorf("%s: a notice read as a code", tc.event)
		}
	}
}

func TestComposeNoticeRefuses(t *testing.T) {
	for name, mod := range map[string]func(*Notice){
		"unknown event":          func(n *Notice) { n.Event = "party" },
		"header injection":       func(n *Notice) { n.Description = "x\r\nBcc: eve@example.org" },
		"display name address":   func(n *Notice) { n.Address = "Eve <eve@example.org>" },
		"no time of release":     func(n *Notice) { n.ReleaseAt = time.Time{} },
		"control in the claimer": func(n *Notice) { n.Claimant = "h\x1b[31m" },
	} {
		n := testNotice("en", NoticeClaimStarted)
		mod(&n)
		if _, err := ComposeNotice(n, "", testTime); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestOutboxNotify(t *testing.T) {
	dir := t.TempDir()
	o := &Outbox{Dir: dir}
	if err := o.Notify(context.Background(), testNotice("en", NoticeReleaseSoon)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	b, _ := os.ReadFile(files[0])
	if ev, ok := ReadNotice(string(b)); !ok || ev != NoticeReleaseSoon {
		t.Fatalf("ReadNotice = %q, %v", ev, ok)
	}
}
