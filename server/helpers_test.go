package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// vectorsDir holds the traffic captured from the reference implementation.
const vectorsDir = "../../shared/vectors"

// recordingVerifierFake stands in for the delivery channel only (no mail
// server is involved): it keeps every message, so a test can read the code
// a user would have received. With fail set, Send fails as a mail server
// that refuses the message would.
type recordingVerifierFake struct {
	mu   sync.Mutex
	msgs []verify.Message
	fail error
}

func (v *recordingVerifierFake) Send(_ context.Context, m verify.Message) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.fail != nil {
		return v.fail
	}
	v.msgs = append(v.msgs, m)
	return nil
}

func (v *recordingVerifierFake) last(t testing.TB) verify.Message {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.msgs) == 0 {
		t.Fatal("no verification message was sent")
	}
	return v.msgs[len(v.msgs)-1]
}

func (v *recordingVerifierFake) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.msgs)
}

// testClock is a settable Config.Now.
type testClock struct{ unix atomic.Int64 }

func newTestClock(unix int64) *testClock {
	c := &testClock{}
	c.unix.Store(unix)
	return c
}

func (c *testClock) Now() time.Time          { return time.Unix(c.unix.Load(), 0) }
func (c *testClock) set(unix int64)          { c.unix.Store(unix) }
func (c *testClock) advance(d time.Duration) { c.unix.Add(int64(d / time.Second)) }

// testEnv is a server of ours behind a real HTTP listener on 127.0.0.1.
type testEnv struct {
	srv      *Server
	http     *httptest.Server
	clock    *testClock
	verifier *recordingVerifierFake
}

const testStart = 1795460833 // the clock of the recorded vectors

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newTestEnv starts a server; change cfg before it starts with mod.
func newTestEnv(t testing.TB, mod func(*Config)) *testEnv {
	t.Helper()
	env := &testEnv{clock: newTestClock(testStart), verifier: &recordingVerifierFake{}}
	cfg := Config{
		Verifiers:     map[string]verify.Verifier{"email": env.verifier},
		CountryCode:   "IS",
		AboutURL:      "https://passcrow.example.org/",
		Now:           env.clock.Now,
		SweepInterval: -1,
		Logger:        testLogger(t),
		// Every escrow here mails alice@example.org: the per-address
		// limit is tested with its defaults in sendlimit_test.go.
		MaxSendsPerHour: -1,
		MaxSendsPerDay:  -1,
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	env.srv = srv
	env.http = httptest.NewServer(srv)
	t.Cleanup(func() {
		env.http.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return env
}

// post sends body to /passcrow/<method> and returns status and body,
// insisting the answer is JSON.
func (env *testEnv) post(t testing.TB, method string, body []byte) (int, []byte) {
	t.Helper()
	return env.do(t, http.MethodPost, "/passcrow/"+method, body)
}

func (env *testEnv) do(t testing.TB, httpMethod, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(httpMethod, env.http.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := env.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: Content-Type %q, body %q", httpMethod, path, ct, b)
	}
	return resp.StatusCode, b
}

// call posts req as the Python client would and parses the answer strictly
// into resp.
func (env *testEnv) call(t testing.TB, method string, req, resp any) {
	t.Helper()
	body, err := wire.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	status, b := env.post(t, method, body)
	if status != http.StatusOK {
		t.Fatalf("%s: HTTP %d: %s", method, status, b)
	}
	if err := wire.Unmarshal(b, resp); err != nil {
		t.Fatalf("%s: response does not parse: %v\n%s", method, err, b)
	}
}

// escrowFixture is one fragment a test client escrowed.
type escrowFixture struct {
	id     string
	key    string // base64 escrow-data key
	secret string
	exp    int64
}

// sealedEscrow builds an escrow request as the reference client does.
func sealedEscrow(t testing.TB, params wire.EscrowParameters, data wire.EscrowData) (wire.EscrowRequest, string) {
	t.Helper()
	pkey, dkey := make([]byte, 32), make([]byte, 32)
	rand.Read(pkey)
	rand.Read(dkey)
	sealedData := seal(t, dkey, data)
	if params.Payment == "" {
		params.Payment = "free:0"
	}
	return wire.EscrowRequest{
		Version:       wire.Version,
		Parameters:    seal(t, pkey, params),
		ParametersKey: wire.EncodeKey(pkey),
		EscrowData:    []string{sealedData},
	}, wire.EncodeKey(dkey)
}

func seal(t testing.TB, key []byte, v any) string {
	t.Helper()
	pt, err := wire.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	s, err := wire.Seal(key, pt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// escrow stores a fragment for alice with a free payment.
func (env *testEnv) escrow(t testing.TB, secret string) escrowFixture {
	t.Helper()
	now := env.clock.Now().Unix()
	req, key := sealedEscrow(t,
		wire.EscrowParameters{Kind: "email", Expiration: now + 3600},
		wire.EscrowData{Description: "test", Secret: secret, Verify: "email:alice@example.org", Timeout: 1800})
	var resp wire.EscrowResponse
	env.call(t, wire.MethodEscrow, req, &resp)
	if resp.Error != "" {
		t.Fatalf("escrow: %s", resp.Error)
	}
	return escrowFixture{id: resp.EscrowDataID, key: key, secret: secret, exp: resp.Expiration}
}

// verifyCode asks for a code and returns the one the verifier got.
func (env *testEnv) verifyCode(t testing.TB, f escrowFixture, prefix string) string {
	t.Helper()
	var resp wire.VerificationResponse
	env.call(t, wire.MethodVerification, wire.VerificationRequest{
		Version: wire.Version, Language: "en", Prefix: prefix, EscrowDataID: f.id, EscrowDataKey: f.key,
	}, &resp)
	if resp.Error != "" {
		t.Fatalf("verification: %s", resp.Error)
	}
	return env.verifier.last(t).Code
}

func (env *testEnv) recover(t testing.TB, f escrowFixture, code string) wire.RecoveryResponse {
	t.Helper()
	var resp wire.RecoveryResponse
	env.call(t, wire.MethodRecovery, wire.RecoveryRequest{
		Version: wire.Version, Verification: code, EscrowDataID: f.id, EscrowDataKey: f.key,
	}, &resp)
	return resp
}

func mustBeNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var errRefused = errors.New("550 mailbox unavailable: alice@example.org")
