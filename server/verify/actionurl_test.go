package verify_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// exampleHook is the operator's side of action-url verification: it
// opens the token with the shared key, checks that the visitor is the
// identity the token names, and only then shows the code. Here the
// check is the header a login in front of the page would set; a real
// page checks in its own way (a login, a call, a payment).
func exampleHook(key []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := verify.OpenActionToken(key, r.URL.Query().Get("t"), time.Now())
		if err != nil {
			http.Error(w, "This link is not valid or has expired.", http.StatusForbidden)
			return
		}
		if !strings.EqualFold(r.Header.Get("X-Logged-In-As"), tok.Address) {
			http.Error(w, "Please log in as the address this recovery is for.", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, "Your Passcrow code: %s\n", tok.Code)
	})
}

// visit opens link as a browser of someone logged in as who.
func visit(link, who string) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		return 0, "", err
	}
	if who != "" {
		req.Header.Set("X-Logged-In-As", who)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func newKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// An operator's page on loopback shows the code to the identity the
// token names, and to no one else.
func ExampleOpenActionToken() {
	key := newKey() // the operator keeps it in a file both read
	hook := httptest.NewServer(exampleHook(key))
	defer hook.Close()

	a := &verify.ActionURL{Template: hook.URL + "/passcrow?t={token}", Key: key}
	link, err := a.ActionURL(context.Background(), verify.Message{
		Kind: "email", Address: "alice@example.org", Language: "en", Code: "1234567", Timeout: 30 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	_, page, _ := visit(link, "alice@example.org")
	fmt.Print(page)
	status, _, _ := visit(link, "mallory@example.net")
	fmt.Println(status)
	// Output:
	// Your Passcrow code: 1234567
	// 403
}

// The links the verifier makes are ones our client accepts and passes
// on, for https and for loopback.
func TestActionURLClientAcceptsLinks(t *testing.T) {
	m := verify.Message{Kind: "email", Address: "alice@example.org", Language: "pt-BR", Code: "A123456", Timeout: time.Hour}
	for _, tmpl := range []string{
		"https://verify.example.org/passcrow?t={token}",
		"https://verify.example.org/{lang}/check/{token}",
		"https://xn--bcher-kva.example:8443/p?lang={lang}&t={token}",
		"http://127.0.0.1:8080/passcrow?t={token}",
		"http://[::1]:8080/passcrow/{token}",
	} {
		a := &verify.ActionURL{Template: tmpl, Key: newKey()}
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", tmpl, err)
			continue
		}
		link, err := a.ActionURL(t.Context(), m)
		if err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		u, err := recovery.CheckActionURL(link)
		if err != nil {
			t.Errorf("%s: the client refuses %q: %v", tmpl, link, err)
			continue
		}
		if u.String() != link {
			t.Errorf("%s: the client shows %q for %q", tmpl, u, link)
		}
		if len(link) > 400 {
			t.Errorf("%s: link of %d bytes", tmpl, len(link))
		}
	}
}

// Templates whose links the client would refuse, or that would put the
// token where it does not belong, are refused at start.
func TestActionURLRefusesBadTemplates(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"https://verify.example.org/passcrow", "{token} once"},
		{"https://verify.example.org/{token}/{token}", "{token} once"},
		{"http://verify.example.org/?t={token}", "plain http"},
		{"http://localhost:8080/?t={token}", "plain http"},
		{"javascript:alert(1)//{token}", "not a plain"},
		{"https://user@verify.example.org/?t={token}", "not a plain"},
		{"https://{token}.example.org/", "in the host"},
		{"https://bücher.example/?t={token}", "non-ASCII host"},
		{"https://verify.example.org/?t={token}&x={code}", "placeholder"},
		{"https://verify.example.org/ ?t={token}", "character"},
	} {
		a := &verify.ActionURL{Template: tc.tmpl, Key: newKey()}
		if err := a.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.tmpl, err, tc.want)
		}
	}
	a := &verify.ActionURL{Template: "https://verify.example.org/?t={token}", Key: make([]byte, 16)}
	if err := a.Validate(); err == nil {
		t.Error("a 16-byte key was taken")
	}
}

// A token cannot be read or forged without the key, altered, or used
// after the code's time is up.
func TestActionTokenRefusesForgedAlteredExpired(t *testing.T) {
	key := newKey()
	now := time.Unix(1_800_000_000, 0)
	a := &verify.ActionURL{Template: "https://v.example.org/?t={token}", Key: key, Now: func() time.Time { return now }}
	link, err := a.ActionURL(t.Context(), verify.Message{Kind: "sms", Address: "+3545551234", Language: "is", Code: "1987654", Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(link, "https://v.example.org/?t=")
	if strings.Contains(link, "1987654") || strings.Contains(link, "5551234") {
		t.Fatalf("the link shows the code or the number: %s", link)
	}
	tok, err := verify.OpenActionToken(key, token, now.Add(10*time.Minute))
	if err != nil || tok.Code != "1987654" || tok.Address != "+3545551234" || tok.Kind != "sms" || tok.Language != "is" {
		t.Fatalf("open: %+v, %v", tok, err)
	}
	if _, err := verify.OpenActionToken(key, token, now.Add(10*time.Minute+time.Second)); !errors.Is(err, verify.ErrBadActionToken) {
		t.Errorf("expired: %v", err)
	}
	if _, err := verify.OpenActionToken(newKey(), token, now); !errors.Is(err, verify.ErrBadActionToken) {
		t.Errorf("other key: %v", err)
	}
	flipped := []byte(token)
	i := len(flipped) / 2
	if flipped[i] == 'A' {
		flipped[i] = 'B'
	} else {
		flipped[i] = 'A'
	}
	for _, bad := range []string{string(flipped), token[:len(token)-4], "", "!!!!", strings.Repeat("A", 5000)} {
		if _, err := verify.OpenActionToken(key, bad, now); !errors.Is(err, verify.ErrBadActionToken) {
			t.Errorf("%.20q: %v", bad, err)
		}
	}
	if err := a.Send(t.Context(), verify.Message{}); err == nil {
		t.Error("Send did not refuse")
	}
	if s := a.Stats(); s.Sent != 1 {
		t.Errorf("stats: %+v", s)
	}
}
