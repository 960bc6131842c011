package server

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

const sendLimitPrefix = "Too many codes sent to this address"

// Escrows are free and each names an address of its maker's choosing:
// many escrows naming one victim, in any spelling of the address, must
// still get at most 6 codes an hour and 20 a day to that address, and a
// restart of the server must not start the count afresh. The store
// keeps only a keyed hash of the address.
func TestSendLimitPerRecipient(t *testing.T) {
	dir := t.TempDir()
	env := newSecEnv(t, dir, nil)
	spellings := []string{"victim@example.org", "Victim@Example.ORG", "victim+1@example.org", "VICTIM+news@EXAMPLE.org"}
	var escrows []escrowFixture
	for i := range 30 {
		escrows = append(escrows, env.escrow("email:"+spellings[i%len(spellings)], "", "Bank", freeExpiration))
	}
	bob := env.escrow("email:bob@example.org", "", "Bank", freeExpiration)

	perHour := []int{}
	for hour := range 5 {
		sent := 0
		for _, f := range escrows {
			_, e, ra := env.askCode(f)
			switch {
			case e == "":
				sent++
			case !strings.HasPrefix(e, sendLimitPrefix) || ra == "":
				t.Fatalf("hour %d: refused with %q (Retry-After %q)", hour, e, ra)
			}
		}
		perHour = append(perHour, sent)
		if hour == 1 {
			env.restart()
		}
		env.clock.advance(time.Hour)
	}
	if want := []int{6, 6, 6, 2, 0}; !equalInts(perHour, want) {
		t.Fatalf("codes sent per hour %v, want %v", perHour, want)
	}
	// Another address is not held up by the victim's limit.
	if _, e, _ := env.askCode(bob); e != "" {
		t.Fatalf("bob: %q", e)
	}
	// A day after the first code, the victim may have codes again.
	env.clock.advance(19 * time.Hour)
	if _, e, _ := env.askCode(escrows[0]); e != "" {
		t.Fatalf("the next day: %q", e)
	}

	victim := 0
	for _, m := range env.mails() {
		if strings.Contains(strings.ToLower(m.to), "victim") {
			victim++
		}
	}
	if victim != 21 {
		t.Fatalf("%d mails to the victim, want 20 in a day and one the next", victim)
	}
	env.stop()
	db, err := os.ReadFile(filepath.Join(dir, DBName))
	mustBeNil(t, err)
	if bytes.Contains(bytes.ToLower(db), []byte("victim")) {
		t.Fatal("the store holds the address")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Spellings that reach one mailbox count as one recipient; others not.
func TestNormalAddress(t *testing.T) {
	same := [][2]string{
		{"Alice@Example.org", "alice@example.org"},
		{"alice+tag@example.org", "alice@example.org"},
		{"alice@example.org.", "alice@example.org"},
		{"a.l.i.c.e@googlemail.com", "alice@gmail.com"},
		{" alice@example.org ", "alice@example.org"},
	}
	for _, p := range same {
		if a, b := normalAddress("email", p[0]), normalAddress("mailto", p[1]); a != b {
			t.Errorf("%q and %q are %q and %q", p[0], p[1], a, b)
		}
	}
	if normalAddress("email", "a.lice@example.org") == normalAddress("email", "alice@example.org") {
		t.Error("dots count outside Gmail")
	}
	if a, b := normalAddress("sms", "+354 555-1234"), normalAddress("sms", "3545551234"); a != b {
		t.Errorf("phone numbers %q and %q", a, b)
	}
}

// The escrow's notify identity hears when a code is sent to recover it;
// it counts against the send limit like any address, and an identity
// that is also the verify identity gets the code mail only.
func TestNotifyOwnerOfRecovery(t *testing.T) {
	env := newSecEnv(t, "", nil)
	f := env.escrow("email:alice@example.org", "email:owner@example.org", `Photos <a href="https://evil.example">here</a>`, 24*time.Hour)
	code, e, _ := env.askCode(f)
	if e != "" {
		t.Fatal(e)
	}
	var notice *outMail
	for _, m := range env.mails() {
		if m.to == "owner@example.org" {
			notice = &m
		}
	}
	if notice == nil || notice.event != verify.NoticeRecoveryStarted {
		t.Fatalf("the owner got %+v", notice)
	}
	body := strings.ReplaceAll(notice.text, "=\r\n", "")
	if strings.Contains(body, code[1:]) || strings.Contains(body, "evil") || strings.Contains(body, "alice@") {
		t.Fatalf("the notice carries the code, a link or the full address:\n%s", notice.text)
	}

	self := env.escrow("email:carol@example.org", "email:Carol@Example.org", "x", 24*time.Hour)
	none := env.escrow("email:dave@example.org", "", "x", 24*time.Hour)
	for _, g := range []escrowFixture{self, none} {
		if _, e, _ := env.askCode(g); e != "" {
			t.Fatal(e)
		}
	}
	for _, who := range []string{"Carol@Example.org", "carol@example.org", "dave@example.org"} {
		if n := env.notices(who); len(n) != 0 {
			t.Fatalf("%s got notices %v", who, n)
		}
	}

	// Seven escrows naming one owner: seven codes, but six notices an hour.
	for i := range 7 {
		g := env.escrow("email:heir"+string(rune('a'+i))+"@example.org", "email:busy@example.org", "x", 24*time.Hour)
		if _, e, _ := env.askCode(g); e != "" {
			t.Fatalf("code %d: %q", i+1, e)
		}
	}
	if n := env.notices("busy@example.org"); len(n) != DefaultMaxSendsPerHour {
		t.Fatalf("the owner of 7 escrows got %d notices in an hour", len(n))
	}
}
