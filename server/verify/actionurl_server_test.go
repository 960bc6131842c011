package verify_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// Through our own server: the verification answer carries the link, our
// client passes it on, the operator's example page shows the code to
// the right visitor, and the code recovers the fragment.
func TestActionURLThroughServerAndExampleHook(t *testing.T) {
	key := newKey()
	hook := httptest.NewServer(exampleHook(key))
	t.Cleanup(hook.Close)
	a := &verify.ActionURL{Template: hook.URL + "/passcrow?t={token}", Key: key}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": a},
		MaxExpiration: 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })

	c, err := recovery.NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	esc, err := c.Escrow(t.Context(), recovery.EscrowInput{
		Identity: "email:alice@example.org", Secret: "fragment-7", Expires: time.Now().Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Verify(t.Context(), esc.ID, esc.Key, "3", "en")
	if err != nil {
		t.Fatal(err)
	}
	if res.ActionURL == "" || res.ActionURLRefused != "" || !strings.HasPrefix(res.ActionURL, hook.URL+"/passcrow?t=") {
		t.Fatalf("verification answer: link %q, refused %q", res.ActionURL, res.ActionURLRefused)
	}
	if status, _, err := visit(res.ActionURL, "mallory@example.net"); err != nil || status != http.StatusForbidden {
		t.Errorf("someone else visiting: %d %v", status, err)
	}
	status, page, err := visit(res.ActionURL, "alice@example.org")
	if err != nil || status != http.StatusOK {
		t.Fatalf("visit: %d %v", status, err)
	}
	code, ok := strings.CutPrefix(strings.TrimSpace(page), "Your Passcrow code: ")
	if !ok || !strings.HasPrefix(code, "3") {
		t.Fatalf("page %q", page)
	}
	secret, err := c.Recover(t.Context(), esc.ID, esc.Key, code)
	if err != nil || secret != "fragment-7" {
		t.Fatalf("recover: %q, %v", secret, err)
	}
}
