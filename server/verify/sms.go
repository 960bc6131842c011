package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SMS sends verification codes as text messages through an HTTP gateway
// that speaks Twilio's Messages API: a form POST, with the account id
// and token as Basic auth, to {BaseURL}/2010-04-01/Accounts/{Account}/Messages.json
// with To, From and Body. No SDK: that one request is the whole API.
//
// The text carries the code, its lifetime and the operator's about page,
// never the escrow's description: whoever stores an escrow chooses that
// text, and an SMS gateway would carry it to any number the operator
// pays for.
type SMS struct {
	BaseURL string // e.g. "https://api.twilio.com"; plain http only to a loopback IP
	Account string // the account id (Twilio's "AC..." SID)
	Token   string // the auth token; read from a file, never from argv
	From    string // the sending number, "+<digits>", or a messaging service's id

	// Client makes the requests; nil means one with a 30-second timeout.
	// It never follows redirects: a gateway API does not redirect, and a
	// redirect would resend the credentials or turn the POST into a GET.
	Client *http.Client
}

var (
	_ Verifier = (*SMS)(nil)
	_ Checker  = (*SMS)(nil)
)

// maxGatewayAnswer bounds what is read of a gateway's answer.
const maxGatewayAnswer = 64 << 10

// GatewayError is an SMS gateway's refusal, in Twilio's error format.
// Message has every digit replaced by '#': gateways echo the number.
type GatewayError struct {
	Status  int    // HTTP status
	Code    int    // the gateway's error code (Twilio's, e.g. 21211), 0 if none
	Message string // the gateway's words, cut short
	After   time.Duration
}

func (e *GatewayError) Error() string {
	s := fmt.Sprintf("sms gateway answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Code != 0 {
		s += fmt.Sprintf(" (error %d)", e.Code)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Permanent: a 4xx other than 429 says the request itself is wrong (a bad
// number, bad credentials), and a redirect that the base URL is; sending
// it again gets the same answer.
func (e *GatewayError) Permanent() bool {
	return e.Status < 500 && e.Status != http.StatusTooManyRequests
}

// RetryAfter is how long the gateway asked to wait, 0 if it did not say.
func (e *GatewayError) RetryAfter() time.Duration { return e.After }

// Validate checks the configuration, for serve to refuse at start.
func (s *SMS) Validate() error {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("sms: base URL %q is not a plain https://host[/path] URL", s.BaseURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("sms: base URL %q uses plain http, allowed only to a loopback IP (the token would travel in the clear)", s.BaseURL)
		}
	default:
		return fmt.Errorf("sms: base URL %q must start with https://", s.BaseURL)
	}
	if s.Account == "" || strings.Trim(s.Account, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		return fmt.Errorf("sms: account id %q must be letters and digits", s.Account)
	}
	if s.Token == "" {
		return errors.New("sms: no auth token")
	}
	if s.From == "" || strings.IndexFunc(s.From, isControl) >= 0 || len(s.From) > 64 {
		return fmt.Errorf("sms: sender %q must be a number like +15551234567 or a service id", s.From)
	}
	return nil
}

// Check says whether s could send m, without sending.
func (s *SMS) Check(m Message) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if m.Kind != "sms" && m.Kind != "tel" {
		return fmt.Errorf("%w: %q by SMS", ErrUnsupportedKind, m.Kind)
	}
	digits, ok := strings.CutPrefix(m.Address, "+")
	if !ok || len(digits) < 6 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
		return fmt.Errorf("%w: not an international phone number (+ and 6 to 15 digits)", ErrInvalidMessage)
	}
	if err := checkField("code", m.Code); err != nil || m.Code == "" || !utf8.ValidString(m.Code) || len(m.Code) > 16 {
		return fmt.Errorf("%w: bad code", ErrInvalidMessage)
	}
	return checkField("about URL", m.AboutURL)
}

// Send posts m's text to the gateway. A 2xx answer means the gateway
// took the message; a refusal is a *GatewayError.
func (s *SMS) Send(ctx context.Context, m Message) error {
	if err := s.Check(m); err != nil {
		return err
	}
	return s.post(ctx, m.Address, SMSText(m))
}

// post hands one text for to to the gateway.
func (s *SMS) post(ctx context.Context, to, text string) error {
	form := url.Values{"To": {to}, "From": {s.From}, "Body": {text}}
	endpoint := strings.TrimRight(s.BaseURL, "/") + "/2010-04-01/Accounts/" + url.PathEscape(s.Account) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("sms: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(s.Account, s.Token)
	resp, err := s.client().Do(req)
	if err != nil {
		// The URL holds nothing secret; the error may say which host.
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxGatewayAnswer))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return gatewayError(resp, raw)
}

func (s *SMS) client() *http.Client {
	c := &http.Client{Timeout: 30 * time.Second}
	if s.Client != nil {
		cc := *s.Client
		c = &cc
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// gatewayError reads Twilio's error body: {"code": 21211, "message":
// "...", "more_info": "...", "status": 400}. Any other body still gives
// the status.
func gatewayError(resp *http.Response, raw []byte) error {
	e := &GatewayError{Status: resp.StatusCode}
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Code = body.Code
		e.Message = cleanGatewayText(body.Message)
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		e.After = time.Duration(secs) * time.Second
	}
	return e
}

// cleanGatewayText makes a gateway's words safe to log and show: digits
// (the phone number) become '#', control characters go, and it is cut
// to 200 characters.
func cleanGatewayText(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 200 {
			b.WriteString("...")
			break
		}
		switch {
		case r >= '0' && r <= '9':
			r = '#'
		case isControl(r) || r == utf8.RuneError:
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// smsTexts: short enough for one message. Icelandic needs letters
// outside the GSM alphabet, so it is sent as UCS-2, where one message
// holds 70 characters: the text stays near that.
var smsTexts = map[string]struct{ code, valid, more string }{
	"en": {"Passcrow code: %s", "Valid for %s. Do not share it.", "Info: %s"},
	"is": {"Passcrow-kóði: %s", "Gildir í %s. Gefðu hann engum.", "Nánar: %s"},
}

// SMSText is the text of the SMS that carries m's code, in m's language
// (English when there is none for it).
func SMSText(m Message) string {
	base, _, _ := strings.Cut(strings.ToLower(m.Language), "-")
	base, _, _ = strings.Cut(base, "_")
	t, ok := smsTexts[base]
	if !ok {
		base, t = "en", smsTexts["en"]
	}
	minutes := max(1, int(m.Timeout.Minutes()))
	var b strings.Builder
	fmt.Fprintf(&b, t.code, m.Code)
	b.WriteString("\n")
	fmt.Fprintf(&b, t.valid, textFor(base).minutes(minutes))
	if m.AboutURL != "" {
		b.WriteString("\n")
		fmt.Fprintf(&b, t.more, m.AboutURL)
	}
	return b.String()
}
