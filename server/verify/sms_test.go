package verify_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/smstest"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "stand-in-token-0f1e2d3c"
)

func smsFor(g *smstest.Gateway) *verify.SMS {
	return &verify.SMS{BaseURL: g.URL, Account: g.Account, Token: g.Token, From: "+15005550006"}
}

func smsMessage(number, code, lang string) verify.Message {
	return verify.Message{Kind: "sms", Address: number, Language: lang, Code: code,
		Description: "Visit https://spam.example now", AboutURL: "https://passcrow.example.org/",
		Timeout: 30 * time.Minute}
}

// The gateway gets what Twilio's API wants: Basic auth, a form with To,
// From and a Body holding the code; never the escrow's description.
func TestSMSStandInGatewayGetsTwilioRequest(t *testing.T) {
	g := smstest.Start(t, testAccount, testToken)
	for _, tc := range []struct{ lang, want string }{
		{"en", "Passcrow code: 1234567\nValid for 30 minutes."},
		{"is", "Passcrow-kóði: 1234567\nGildir í 30 mínútur."},
		{"de-AT", "Passcrow code: 1234567"},
	} {
		if err := smsFor(g).Send(t.Context(), smsMessage("+3545551234", "1234567", tc.lang)); err != nil {
			t.Fatalf("%s: %v", tc.lang, err)
		}
		m := <-g.Received()
		if m.To != "+3545551234" || m.From != "+15005550006" || !strings.Contains(m.Body, tc.want) {
			t.Errorf("%s: gateway got %+v, want a body with %q", tc.lang, m, tc.want)
		}
		if strings.Contains(m.Body, "spam") || !strings.Contains(m.Body, "https://passcrow.example.org/") {
			t.Errorf("%s: body %q: the description must stay out, the about page in", tc.lang, m.Body)
		}
		if n := len([]rune(m.Body)); n > 120 {
			t.Errorf("%s: %d characters, too long for one or two messages: %q", tc.lang, n, m.Body)
		}
	}
}

// Twilio-style refusals become clear errors, permanent or worth a retry,
// with the echoed number blotted out.
func TestSMSStandInGatewayErrors(t *testing.T) {
	g := smstest.Start(t, testAccount, testToken)
	s := smsFor(g)
	for _, tc := range []struct {
		answer    smstest.Answer
		permanent bool
		want      string
		after     time.Duration
	}{
		{smstest.Answer{Status: 400, Code: 21211, Message: "The 'To' number +3545551234 is not a valid phone number."}, true,
			"sms gateway answered 400 Bad Request (error 21211): The 'To' number +########## is not a valid phone number.", 0},
		{smstest.Answer{Status: 429, Code: 20429, Message: "Too Many Requests", RetryAfter: "7"}, false, "429", 7 * time.Second},
		{smstest.Answer{Status: 503, Code: 20503, Message: "Service unavailable"}, false, "503", 0},
	} {
		g.Script(tc.answer)
		err := s.Send(t.Context(), smsMessage("+3545551234", "1234567", "en"))
		ge, ok := errors.AsType[*verify.GatewayError](err)
		if !ok {
			t.Fatalf("%d: err = %v, want a *GatewayError", tc.answer.Status, err)
		}
		if verify.Permanent(err) != tc.permanent || !strings.Contains(err.Error(), tc.want) || ge.RetryAfter() != tc.after {
			t.Errorf("%d: err = %q (permanent %v, retry after %v)", tc.answer.Status, err, verify.Permanent(err), ge.RetryAfter())
		}
		if strings.Contains(err.Error(), "5551234") {
			t.Errorf("the error echoes the number: %q", err)
		}
	}

	// Wrong credentials: the stand-in checks them as Twilio does.
	bad := smsFor(g)
	bad.Token = "wrong"
	err := bad.Send(t.Context(), smsMessage("+3545551234", "1234567", "en"))
	if ge, ok := errors.AsType[*verify.GatewayError](err); !ok || ge.Status != 401 || ge.Code != 20003 || !verify.Permanent(err) {
		t.Errorf("wrong token: %v", err)
	}
	if n := len(g.Messages()); n != 0 {
		t.Errorf("%d messages accepted, want none", n)
	}
}

// A gateway that fails for a while gets the message on a retry through
// the queue; a permanent refusal is tried once and counted as failed.
func TestSMSQueueRetriesStandInGateway(t *testing.T) {
	g := smstest.Start(t, testAccount, testToken)
	q := verify.NewQueue(smsFor(g), verify.QueueConfig{})
	ev := hook(q)
	g.Script(smstest.Answer{Status: 500, Code: 20500, Message: "Internal Server Error"})
	if err := q.Send(t.Context(), smsMessage("+3545551234", "2345678", "en")); err != nil {
		t.Fatal(err)
	}
	if e := <-ev.ch; e.Err == nil || e.Final {
		t.Fatalf("first try: %+v, want a failure worth a retry", e)
	}
	close(ev.retry)
	if e := <-ev.ch; e.Err != nil || e.Attempt != 2 {
		t.Fatalf("second try: %+v", e)
	}
	if m := <-g.Received(); !strings.Contains(m.Body, "2345678") {
		t.Errorf("body %q", m.Body)
	}

	g.Script(smstest.Answer{Status: 400, Code: 21614, Message: "'To' number +3545550000 is not a mobile number"})
	if err := q.Send(t.Context(), smsMessage("+3545550000", "3456789", "en")); err != nil {
		t.Fatal(err)
	}
	if e := <-ev.ch; e.Err == nil || !e.Final || e.Attempt != 1 {
		t.Fatalf("permanent refusal: %+v", e)
	}
	if err := q.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := q.Stats(); s.Sent != 1 || s.Failed != 1 || s.Retries != 1 || s.Queued != 2 {
		t.Errorf("stats: %+v", s)
	}
	if n := g.Requests(); n != 3 {
		t.Errorf("gateway saw %d requests, want 3", n)
	}
}

// A redirect is not followed: it would carry the token elsewhere.
func TestSMSStandInGatewayRedirectNotFollowed(t *testing.T) {
	g := smstest.Start(t, testAccount, testToken)
	g.Script(smstest.Answer{Status: http.StatusTemporaryRedirect, Location: g.URL + "/2010-04-01/Accounts/" + testAccount + "/Messages.json"})
	err := smsFor(g).Send(t.Context(), smsMessage("+3545551234", "1234567", "en"))
	if ge, ok := errors.AsType[*verify.GatewayError](err); !ok || ge.Status != http.StatusTemporaryRedirect {
		t.Errorf("redirect: %v", err)
	}
	if n := g.Requests(); n != 1 || len(g.Messages()) != 0 {
		t.Errorf("%d requests, %d messages: the redirect was followed", n, len(g.Messages()))
	}
}

func TestSMSRefusesBadConfigAndMessages(t *testing.T) {
	good := verify.SMS{BaseURL: "https://api.twilio.com", Account: testAccount, Token: testToken, From: "+15005550006"}
	for _, tc := range []struct {
		edit func(*verify.SMS)
		want string
	}{
		{func(s *verify.SMS) { s.BaseURL = "http://api.twilio.com" }, "plain http"},
		{func(s *verify.SMS) { s.BaseURL = "http://localhost:8080" }, "plain http"},
		{func(s *verify.SMS) { s.BaseURL = "https://user:pw@api.twilio.com" }, "not a plain"},
		{func(s *verify.SMS) { s.BaseURL = "ftp://api.twilio.com" }, "https://"},
		{func(s *verify.SMS) { s.Account = "AC1/../../x" }, "letters and digits"},
		{func(s *verify.SMS) { s.Token = "" }, "no auth token"},
		{func(s *verify.SMS) { s.From = "" }, "sender"},
	} {
		s := good
		tc.edit(&s)
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", s, err, tc.want)
		}
	}
	if err := good.Validate(); err != nil {
		t.Errorf("good config: %v", err)
	}
	for _, m := range []verify.Message{
		smsMessage("3545551234", "1234567", "en"),
		smsMessage("+354 555 1234", "1234567", "en"),
		smsMessage("+35455512345678901", "1234567", "en"),
		smsMessage("+3545551234", "12\n34567", "en"),
	} {
		if err := good.Send(context.Background(), m); !errors.Is(err, verify.ErrInvalidMessage) {
			t.Errorf("%q %q: %v, want ErrInvalidMessage", m.Address, m.Code, err)
		}
	}
	m := smsMessage("alice@example.org", "1234567", "en")
	m.Kind = "email"
	if err := good.Check(m); !errors.Is(err, verify.ErrUnsupportedKind) {
		t.Errorf("e-mail by SMS: %v", err)
	}
}

// An owner whose notify identity is a phone is told by SMS, through the
// queue; the escrow's description stays out of it.
func TestSMSNoticeThroughQueueStandInGateway(t *testing.T) {
	g := smstest.Start(t, testAccount, testToken)
	q := verify.NewQueue(smsFor(g), verify.QueueConfig{})
	t.Cleanup(func() { q.Close(context.Background()) })
	n := verify.Notice{Kind: "sms", Address: "+3545559876", Language: "is", Event: verify.NoticeRecoveryStarted,
		Description: "Visit https://spam.example", Claimant: "a*@e*ple.org",
		ReleaseAt: time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC), AboutURL: "https://passcrow.example.org/"}
	if err := q.Notify(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	m := <-g.Received()
	if m.To != "+3545559876" || !strings.Contains(m.Body, "beðið var um kóða") || !strings.Contains(m.Body, "a*@e*ple.org") ||
		strings.Contains(m.Body, "spam") {
		t.Errorf("notice SMS %+v", m)
	}
	n.Language, n.Event = "en", verify.NoticeLockedOut
	if got := verify.SMSNoticeText(n); !strings.Contains(got, "until 2026-12-02 09:30 UTC") {
		t.Errorf("locked-out text %q", got)
	}
	bad := n
	bad.Event = "party"
	if err := q.Notify(t.Context(), bad); !errors.Is(err, verify.ErrInvalidMessage) {
		t.Errorf("unknown event: %v", err)
	}
	bad = n
	bad.Address = "alice@example.org"
	if err := q.Notify(t.Context(), bad); !errors.Is(err, verify.ErrInvalidMessage) {
		t.Errorf("not a number: %v", err)
	}
	if s := q.Stats(); s.Queued != 1 {
		t.Errorf("stats %+v", s)
	}
}
