package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

var rpcMethods = []string{wire.MethodEscrow, wire.MethodVerification, wire.MethodRecovery, wire.MethodDeletion}

func TestHTTPOversizedBody(t *testing.T) {
	env := newTestEnv(t, nil)
	big := bytes.Repeat([]byte(" "), DefaultMaxRequestBytes+1)
	for _, m := range append(rpcMethods, wire.MethodPolicy) {
		status, got := env.post(t, m, big)
		if status != http.StatusOK || string(got) != `{
  "error": "Request too large"
}` {
			t.Errorf("%s with Content-Length: HTTP %d %s", m, status, got)
		}
		// Without Content-Length (chunked), the limit holds while reading.
		req, err := http.NewRequest(http.MethodPost, env.http.URL+"/passcrow/"+m, io.MultiReader(bytes.NewReader(big)))
		mustBeNil(t, err)
		req.ContentLength = -1
		resp, err := env.http.Client().Do(req)
		mustBeNil(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(b, []byte(wire.ErrRequestTooLarge)) {
			t.Errorf("%s chunked: HTTP %d %s", m, resp.StatusCode, b)
		}
	}
}

func TestHTTPNotJSON(t *testing.T) {
	env := newTestEnv(t, nil)
	for _, m := range rpcMethods {
		for _, body := range []string{"", "not json", "[1,2]", `{"passcrow-deletion-request": "1.0"} trailing`, "{\"x\": \xff}", "null"} {
			status, got := env.post(t, m, []byte(body))
			if status != http.StatusOK || !bytes.Contains(got, []byte(`"error": "`)) || !bytes.Contains(got, []byte(`": "1.0"`)) {
				t.Errorf("%s %q: HTTP %d %s", m, body, status, got)
			}
		}
	}
	// Keys the method does not know are refused (the reference's whitelist).
	_, got := env.post(t, wire.MethodDeletion, []byte(`{"passcrow-deletion-request": "1.0", "escrow-data-id": "abc", "evil": 1}`))
	if !bytes.Contains(got, []byte(wire.ErrBadRequest)) {
		t.Errorf("unknown key: %s", got)
	}
	status, got := env.post(t, wire.MethodPolicy, []byte("not json"))
	if status != http.StatusOK || !bytes.Contains(got, []byte(wire.ErrBadRequest)) {
		t.Errorf("policy with junk: HTTP %d %s", status, got)
	}
}

func TestHTTPRoutes(t *testing.T) {
	env := newTestEnv(t, nil)
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"POST", "/passcrow/stats", 200, `"start-ts": `},
		{"POST", "/passcrow/nonsense", 200, `"error": "Unsupported: nonsense"`},
		{"GET", "/passcrow/escrowrequest", 405, errStrMethod},
		{"GET", "/passcrow/recover", 405, errStrMethod},
		{"PUT", "/passcrow/policy", 405, errStrMethod},
		{"GET", "/elsewhere", 404, errStrNotFound},
		{"POST", "/", 404, errStrNotFound},
		{"GET", "/passcrow/policy", 200, `"passcrow-versions"`},
	} {
		status, got := env.do(t, tc.method, tc.path, nil)
		if status != tc.status || !strings.Contains(string(got), tc.body) {
			t.Errorf("%s %s: HTTP %d %s, want %d with %q", tc.method, tc.path, status, got, tc.status, tc.body)
		}
	}
	// The root sends people to the about page, as the reference does.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(env.http.URL + "/")
	mustBeNil(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://passcrow.example.org/" {
		t.Errorf("GET /: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestHTTPAliasesAndUnderscores runs a whole round through the documented
// aliases, spelling keys with '_' as the reference also accepts.
func TestHTTPAliasesAndUnderscores(t *testing.T) {
	env := newTestEnv(t, nil)
	now := env.clock.Now().Unix()
	req, key := sealedEscrow(t, wire.EscrowParameters{Kind: "email", Expiration: now + 60},
		wire.EscrowData{Secret: "via aliases", Verify: "email:carol@mail.example.net", Timeout: 60})
	body, _ := wire.Marshal(req)
	_, got := env.post(t, "protect", body)
	var er wire.EscrowResponse
	mustBeNil(t, wire.Unmarshal(got, &er))
	if er.Error != "" {
		t.Fatal(er.Error)
	}
	_, got = env.post(t, "verify", []byte(`{"passcrow_verification_request": "1.0", "language": "en", "prefix": "",
		"escrow_data_id": "`+er.EscrowDataID+`", "escrow_data_key": "`+key+`"}`))
	var vr wire.VerificationResponse
	mustBeNil(t, wire.Unmarshal(got, &vr))
	if vr.Error != "" || vr.Hint != "c*@m*xample.net" {
		t.Fatalf("verify: %s", got)
	}
	code := env.verifier.last(t).Code
	_, got = env.post(t, "recover", []byte(`{"passcrow-recovery-request": "1.0", "verification": "`+code+`",
		"escrow_data_id": "`+er.EscrowDataID+`", "escrow-data-key": "`+key+`"}`))
	var rr wire.RecoveryResponse
	mustBeNil(t, wire.Unmarshal(got, &rr))
	if rr.EscrowSecret != "via aliases" {
		t.Fatalf("recover: %s", got)
	}
	_, got = env.post(t, "delete", []byte(`{"passcrow-deletion-request": "1.0", "escrow-data-id": "`+er.EscrowDataID+`", "escrow_data_key": "`+key+`"}`))
	if string(got) != "{\n  \"passcrow-deletion-response\": \"1.0\"\n}" {
		t.Fatalf("delete: %s", got)
	}
	// The same key in both spellings is ambiguous and refused.
	_, got = env.post(t, "delete", []byte(`{"passcrow-deletion-request": "1.0", "escrow-data-id": "abc", "escrow_data_id": "def"}`))
	if !bytes.Contains(got, []byte(wire.ErrBadRequest)) {
		t.Fatalf("duplicate key: %s", got)
	}
}

func TestHTTPRateLimit(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.RateLimit = 1; c.RateBurst = 2 })
	var statuses []int
	for range 3 {
		status, got := env.do(t, http.MethodGet, "/passcrow/policy", nil)
		statuses = append(statuses, status)
		if status == http.StatusTooManyRequests && !bytes.Contains(got, []byte(`"error": "Sorry, rate limited."`)) {
			t.Errorf("rate limited body %s", got)
		}
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != http.StatusTooManyRequests {
		t.Fatalf("statuses %v, want 200 200 429", statuses)
	}
	env.clock.advance(time.Second) // one more token
	if status, _ := env.do(t, http.MethodGet, "/passcrow/policy", nil); status != 200 {
		t.Fatalf("after a second: HTTP %d", status)
	}
}

// TestOutboxDelivery runs a round with the real outbox verifier: the code
// is read from the mail file as a user would read it.
func TestOutboxDelivery(t *testing.T) {
	dir := t.TempDir()
	env := newTestEnv(t, func(c *Config) {
		c.Verifiers = map[string]verify.Verifier{"email": &verify.Outbox{Dir: dir}}
	})
	f := env.escrow(t, "from the outbox")
	var vr wire.VerificationResponse
	env.call(t, wire.MethodVerification, wire.VerificationRequest{
		Version: wire.Version, Language: "is", Prefix: "K", EscrowDataID: f.id, EscrowDataKey: f.key}, &vr)
	if vr.Error != "" {
		t.Fatal(vr.Error)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	mustBeNil(t, err)
	if len(files) != 1 {
		t.Fatalf("%d mails in the outbox, want 1", len(files))
	}
	mail, err := os.ReadFile(files[0])
	mustBeNil(t, err)
	code := regexp.MustCompile(`\bK[0-9]{6}\b`).Find(mail)
	if code == nil {
		t.Fatalf("no code in the mail:\n%s", mail)
	}
	if rec := env.recover(t, f, string(code)); rec.EscrowSecret != "from the outbox" {
		t.Fatalf("recovery: %+v", rec)
	}
}

func TestListenAndServeShutsDown(t *testing.T) {
	env := newTestEnv(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, env.srv) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/passcrow/policy")
	mustBeNil(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		mustBeNil(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/passcrow/policy"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}
