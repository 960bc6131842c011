package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// secEnv is a server of ours behind a real HTTP listener on 127.0.0.1
// whose verifier is a real one, verify.Outbox, writing every mail (codes
// and notices) into a directory, and which can be stopped and started
// again on the same data dir, as an operator restarts it.
type secEnv struct {
	t     *testing.T
	clock *testClock
	box   string // the outbox directory
	cfg   Config
	srv   *Server
	http  *httptest.Server
}

// newSecEnv starts a server; dataDir "" keeps everything in memory.
func newSecEnv(t *testing.T, dataDir string, mod func(*Config)) *secEnv {
	t.Helper()
	env := &secEnv{t: t, clock: newTestClock(testStart), box: t.TempDir()}
	env.cfg = Config{
		DataDir:       dataDir,
		Verifiers:     map[string]verify.Verifier{"email": &verify.Outbox{Dir: env.box, From: "Passcrow <noreply@passcrow.example.org>"}},
		CountryCode:   "IS",
		AboutURL:      "https://passcrow.example.org/",
		Now:           env.clock.Now,
		SweepInterval: -1,
		Logger:        testLogger(t),
	}
	if mod != nil {
		mod(&env.cfg)
	}
	env.start()
	t.Cleanup(env.stop)
	return env
}

func (env *secEnv) start() {
	env.t.Helper()
	srv, err := New(env.cfg)
	if err != nil {
		env.t.Fatal(err)
	}
	env.srv, env.http = srv, httptest.NewServer(srv)
}

func (env *secEnv) stop() {
	if env.srv == nil {
		return
	}
	env.http.Close()
	if err := env.srv.Close(); err != nil {
		env.t.Error(err)
	}
	env.srv, env.http = nil, nil
}

func (env *secEnv) restart() {
	env.t.Helper()
	env.stop()
	env.start()
}

// call posts req as a client would, parses the answer strictly into resp
// and returns the answer's headers.
func (env *secEnv) call(method string, req, resp any) http.Header {
	env.t.Helper()
	body, err := wire.Marshal(req)
	mustBeNil(env.t, err)
	r, err := env.http.Client().Post(env.http.URL+"/passcrow/"+method, "application/json", bytes.NewReader(body))
	mustBeNil(env.t, err)
	defer r.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(r.Body)
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/json" {
		env.t.Fatalf("%s: HTTP %d %s: %s", method, r.StatusCode, r.Header.Get("Content-Type"), b.Bytes())
	}
	if err := wire.Unmarshal(b.Bytes(), resp); err != nil {
		env.t.Fatalf("%s: answer does not parse as protocol 1.0: %v\n%s", method, err, b.Bytes())
	}
	return r.Header
}

// escrow stores a fragment whose codes go to verifyID, with notify as
// the owner's identity ("" for none), for life (hashcash-paid).
func (env *secEnv) escrow(verifyID, notify, desc string, life time.Duration) escrowFixture {
	env.t.Helper()
	pkey, dkey := make([]byte, 32), make([]byte, 32)
	rand.Read(pkey)
	rand.Read(dkey)
	data := seal(env.t, dkey, wire.EscrowData{Description: desc, Secret: "s3cret", Verify: verifyID, Timeout: 1800, Notify: notify})
	pay := "free:0"
	if life > freeExpiration {
		var err error
		pay, err = hashcash.Solve(context.Background(), []byte(data), "hashcash-12", 12, hashcash.SolveOptions{Now: env.clock.Now})
		mustBeNil(env.t, err)
	}
	params := wire.EscrowParameters{Kind: "email", Expiration: env.clock.Now().Add(life).Unix(), Payment: pay}
	var made wire.EscrowResponse
	env.call(wire.MethodEscrow, wire.EscrowRequest{
		Version: wire.Version, Parameters: seal(env.t, pkey, params), ParametersKey: wire.EncodeKey(pkey), EscrowData: []string{data},
	}, &made)
	if made.Error != "" {
		env.t.Fatalf("escrow: %s", made.Error)
	}
	return escrowFixture{id: made.EscrowDataID, key: wire.EncodeKey(dkey), secret: "s3cret", exp: made.Expiration}
}

// askCode asks for a code for f and returns the code as mailed, or the
// server's error and its Retry-After.
func (env *secEnv) askCode(f escrowFixture) (code, errStr, retryAfter string) {
	env.t.Helper()
	before := len(env.mails())
	var resp wire.VerificationResponse
	h := env.call(wire.MethodVerification, wire.VerificationRequest{
		Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: f.id, EscrowDataKey: f.key,
	}, &resp)
	if resp.Error != "" {
		return "", resp.Error, h.Get("Retry-After")
	}
	for _, m := range env.mails()[before:] {
		if m.code != "" {
			return m.code, "", ""
		}
	}
	env.t.Fatal("a code was said to be sent, but none is in the outbox")
	return "", "", ""
}

// recover tries code on f: "released: <secret>" or the server's error.
func (env *secEnv) recover(f escrowFixture, code string) (result, retryAfter string) {
	env.t.Helper()
	var resp wire.RecoveryResponse
	h := env.call(wire.MethodRecovery, wire.RecoveryRequest{
		Version: wire.Version, Verification: code, EscrowDataID: f.id, EscrowDataKey: f.key,
	}, &resp)
	if resp.Error == "" {
		return "released: " + resp.EscrowSecret, ""
	}
	return resp.Error, h.Get("Retry-After")
}

// outMail is one mail in the outbox.
type outMail struct {
	to    string
	event string // a notice's event, or ""
	code  string // a code mail's code, or ""
	text  string
}

// mails reads the outbox in the order the mails were written.
func (env *secEnv) mails() []outMail {
	env.t.Helper()
	entries, err := os.ReadDir(env.box)
	mustBeNil(env.t, err)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	var out []outMail
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(env.box, n))
		mustBeNil(env.t, err)
		m, err := mail.ReadMessage(bytes.NewReader(b))
		mustBeNil(env.t, err)
		om := outMail{to: m.Header.Get("To"), text: string(b)}
		om.event, _ = verify.ReadNotice(string(b))
		om.code, _ = verify.ReadCode(string(b))
		out = append(out, om)
	}
	return out
}

// notices lists the events of the notices sent to address.
func (env *secEnv) notices(address string) []string {
	var evs []string
	for _, m := range env.mails() {
		if m.event != "" && m.to == address {
			evs = append(evs, m.event)
		}
	}
	return evs
}

// wrongFor is a code that is surely not code.
func wrongFor(code string) string {
	if strings.HasSuffix(code, "000000") {
		return code[:len(code)-6] + "000001"
	}
	return code[:len(code)-6] + "000000"
}
