package verify

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// ActionVerifier is a Verifier that sends nothing itself: the user
// proves who they are on a web page, and the server returns that page's
// address as the "action-url" of its verification answer (protocol 1.0:
// "the server may ask the application to direct the user to a web-page
// to verify their identity"). Deliver picks it over Send.
type ActionVerifier interface {
	Verifier
	ActionURL(ctx context.Context, m Message) (string, error)
}

// Deliver hands m to v: an ActionVerifier gives the page the user must
// visit, any other Verifier sends the code and gives "".
func Deliver(ctx context.Context, v Verifier, m Message) (actionURL string, err error) {
	if a, ok := v.(ActionVerifier); ok {
		return a.ActionURL(ctx, m)
	}
	return "", v.Send(ctx, m)
}

// ActionURL is the operator's hook into verification: instead of sending
// the code, the server answers with an address made from Template, in
// which {token} is replaced by a sealed token (and {lang} by the
// requester's language). The operator's page opens the token with the
// shared Key (OpenActionToken, or the format below in any language),
// checks in its own way that the visitor is the identity it names (a
// login, a call, a payment), and only then shows the visitor the code,
// which they type into their Passcrow app as if it had come by mail.
//
// The token is stateless, so nothing is stored and any instance behind a
// load balancer can make one: base64url (no padding) of a 12-byte nonce
// followed by AES-256-GCM of the JSON {"kind","address","code","lang",
// "exp"} under Key, with the additional data "passcrow action-url token 1".
// Whoever asks for a verification holds the escrow key but not Key, so
// they can neither read the code out of the token nor forge one.
type ActionURL struct {
	Template string // "https://verify.example.org/passcrow?t={token}"
	Key      []byte // 32 bytes, shared with the operator's page

	// Now stamps the token's expiry; time.Now if nil.
	Now func() time.Time

	issued atomic.Int64
}

// ActionToken is what a sealed token tells the operator's page.
type ActionToken struct {
	Kind     string `json:"kind"`    // identity kind, e.g. "email"
	Address  string `json:"address"` // the identity to check the visitor against
	Code     string `json:"code"`    // to show once the visitor proved to be Address
	Language string `json:"lang"`    // for the page's words
	Expires  int64  `json:"exp"`     // Unix time after which the code is void
}

// actionAAD binds a token to its use and version.
const actionAAD = "passcrow action-url token 1"

var (
	_ ActionVerifier = (*ActionURL)(nil)
	_ StatsSource    = (*ActionURL)(nil)

	// ErrBadActionToken is returned by OpenActionToken for a token that
	// was not sealed with the key, was altered, or has expired.
	ErrBadActionToken = errors.New("invalid or expired action-url token")
)

// Validate checks the template and the key, for serve to refuse at
// start. The template must give links the Passcrow client opens: https
// with an ASCII host name and no user name, or plain http to a loopback
// IP; {token} exactly once, outside the host.
func (a *ActionURL) Validate() error {
	if len(a.Key) != 32 {
		return fmt.Errorf("action-url: the key is %d bytes, want 32", len(a.Key))
	}
	if strings.Count(a.Template, "{token}") != 1 {
		return fmt.Errorf("action-url: template %q must hold {token} once", a.Template)
	}
	sample := strings.NewReplacer("{token}", "TOKEN", "{lang}", "en").Replace(a.Template)
	if strings.ContainsAny(sample, "{}\\ ") || strings.IndexFunc(sample, isControl) >= 0 || !utf8.ValidString(sample) {
		return fmt.Errorf("action-url: template %q has a character a link cannot carry, or a placeholder other than {token} and {lang}", a.Template)
	}
	u, err := url.Parse(sample)
	if err != nil || u.Opaque != "" || u.Host == "" || u.User != nil {
		return fmt.Errorf("action-url: template %q is not a plain https://host/... URL", a.Template)
	}
	if strings.Contains(u.Host, "TOKEN") {
		return fmt.Errorf("action-url: template %q puts {token} in the host", a.Template)
	}
	for _, r := range u.Hostname() {
		if r >= utf8.RuneSelf {
			return fmt.Errorf("action-url: template %q has a non-ASCII host name; write it as xn--", a.Template)
		}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("action-url: template %q uses plain http, which clients open only to a loopback IP", a.Template)
		}
	default:
		return fmt.Errorf("action-url: template %q must start with https://", a.Template)
	}
	if len(sample) > 1024 {
		return fmt.Errorf("action-url: template %q is too long", a.Template)
	}
	return nil
}

// Send refuses: this verifier sends nothing, it gives a link (Deliver).
func (a *ActionURL) Send(context.Context, Message) error {
	return errors.New("action-url: the server must ask for a link (verify.Deliver), not a sent message")
}

// ActionURL seals m's identity and code into a token and returns the
// template with it filled in.
func (a *ActionURL) ActionURL(ctx context.Context, m Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := a.Validate(); err != nil {
		return "", err
	}
	for _, f := range []struct{ name, v string }{{"address", m.Address}, {"code", m.Code}, {"language", m.Language}} {
		if err := checkField(f.name, f.v); err != nil {
			return "", err
		}
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	tok := ActionToken{Kind: m.Kind, Address: m.Address, Code: m.Code, Language: m.Language,
		Expires: now().Add(m.Timeout).Unix()}
	plain, err := json.Marshal(tok)
	if err != nil {
		return "", err
	}
	aead, err := actionAEAD(a.Key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := aead.Seal(nonce, nonce, plain, []byte(actionAAD))
	token := base64.RawURLEncoding.EncodeToString(sealed)
	a.issued.Add(1)
	return strings.NewReplacer("{token}", token, "{lang}", url.QueryEscape(m.Language)).Replace(a.Template), nil
}

// OpenActionToken is the operator page's side: it opens a token made
// with key and refuses one that is forged, altered or past its expiry.
func OpenActionToken(key []byte, token string, now time.Time) (ActionToken, error) {
	aead, err := actionAEAD(key)
	if err != nil {
		return ActionToken{}, err
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() || len(token) > 2048 {
		return ActionToken{}, ErrBadActionToken
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(actionAAD))
	if err != nil {
		return ActionToken{}, ErrBadActionToken
	}
	var t ActionToken
	if err := json.Unmarshal(plain, &t); err != nil || now.Unix() > t.Expires {
		return ActionToken{}, ErrBadActionToken
	}
	return t, nil
}

func actionAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("action-url: the key is %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Stats counts the links given out as Sent.
func (a *ActionURL) Stats() QueueStats {
	n := a.issued.Load()
	return QueueStats{Queued: n, Sent: n}
}
