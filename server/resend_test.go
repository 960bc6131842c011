package server

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// askCode asks for a code over HTTP as the reference client does and
// returns the response, error field and all.
func (env *testEnv) askCode(t testing.TB, f escrowFixture) wire.VerificationResponse {
	t.Helper()
	var resp wire.VerificationResponse
	env.call(t, wire.MethodVerification, wire.VerificationRequest{
		Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: f.id, EscrowDataKey: f.key,
	}, &resp)
	return resp
}

// Anyone may escrow a victim's address for free, so without a wait
// between codes the server would mail the victim as often as asked.
func TestVerificationResendInterval(t *testing.T) {
	env := newTestEnv(t, nil)
	f := env.escrow(t, "s3cret")
	other := env.escrow(t, "other")

	if r := env.askCode(t, f); r.Error != "" {
		t.Fatalf("first code: %s", r.Error)
	}
	const errStrTooSoon = "Please wait before asking for another code"
	for range 20 {
		r := env.askCode(t, f)
		if r.Error != errStrTooSoon {
			t.Fatalf("second code at once: error %q", r.Error)
		}
		if r.Expiration != 0 || r.Hint != "" {
			t.Fatalf("refusal carries a code's details: %+v", r)
		}
	}
	if n := env.verifier.count(); n != 1 {
		t.Fatalf("%d messages sent, want 1", n)
	}
	// Other escrows are not held up.
	if r := env.askCode(t, other); r.Error != "" {
		t.Fatalf("other escrow: %s", r.Error)
	}

	// Voiding the code with wrong guesses does not reset the wait.
	code := env.verifier.msgs[0].Code
	wrong := "1" + map[bool]string{true: "111111", false: "222222"}[code[1:] != "111111"]
	for range maxFailures {
		env.recover(t, f, wrong)
	}
	if rec := env.recover(t, f, code); rec.Error != errStrNoCode {
		t.Fatalf("code not void: %+v", rec)
	}
	env.clock.advance(59 * time.Second)
	if r := env.askCode(t, f); r.Error != errStrTooSoon {
		t.Fatalf("after 59 s: error %q", r.Error)
	}
	env.clock.advance(time.Second)
	if r := env.askCode(t, f); r.Error != "" {
		t.Fatalf("after 60 s: %s", r.Error)
	}
	if rec := env.recover(t, f, env.verifier.last(t).Code); rec.Error != "" || rec.EscrowSecret != "s3cret" {
		t.Fatalf("new code: %+v", rec)
	}
	if n := env.verifier.count(); n != 3 {
		t.Fatalf("%d messages sent, want 3", n)
	}
}

// Concurrent requests cannot slip past the wait together, and the
// refusal says over HTTP when to come back.
func TestVerificationResendConcurrent(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.ResendInterval = 90 * time.Second })
	f := env.escrow(t, "s3cret")
	body, err := wire.Marshal(wire.VerificationRequest{
		Version: wire.Version, Language: "en", EscrowDataID: f.id, EscrowDataKey: f.key})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := env.http.Client().Post(env.http.URL+"/passcrow/verify", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	if n := env.verifier.count(); n != 1 {
		t.Fatalf("%d messages from 8 concurrent requests, want 1", n)
	}
	env.clock.advance(30 * time.Second)
	resp, err := env.http.Client().Post(env.http.URL+"/passcrow/verify", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After %q, want 60", got)
	}
}

func TestVerificationResendIntervalOff(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.ResendInterval = -1 })
	f := env.escrow(t, "s3cret")
	for i := range 3 {
		if r := env.askCode(t, f); r.Error != "" {
			t.Fatalf("code %d with the wait off: %s", i+1, r.Error)
		}
	}
}

// Whoever holds an escrow key (an heir's sheet) could have a code mailed
// every minute, all year: an escrow gets at most MaxCodesPerDay a day.
func TestVerificationCodesPerDay(t *testing.T) {
	env := newTestEnv(t, nil)
	f := env.escrow(t, "s3cret")
	for i := range MaxCodesPerDay {
		if r := env.askCode(t, f); r.Error != "" {
			t.Fatalf("code %d: %s", i+1, r.Error)
		}
		env.clock.advance(time.Minute)
	}
	for range 3 {
		if r := env.askCode(t, f); r.Error == "" {
			t.Fatal("a code past the day's limit was sent")
		}
		env.clock.advance(time.Hour)
	}
	if n := env.verifier.count(); n != MaxCodesPerDay {
		t.Fatalf("%d messages, want %d", n, MaxCodesPerDay)
	}
}

// A day after an escrow's first code of the day, it may have codes again;
// a failed send gives its count back.
func TestResendGateDay(t *testing.T) {
	g := newResendGate(time.Minute)
	start := time.Unix(testStart, 0)
	for i := range MaxCodesPerDay {
		undo, err := g.reserve("e", start.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatalf("code %d: %v", i+1, err)
		}
		if i == MaxCodesPerDay-1 {
			undo() // the last send failed
		}
	}
	if _, err := g.reserve("e", start.Add(time.Hour)); err != nil {
		t.Fatalf("after a failed send: %v", err)
	}
	if _, err := g.reserve("e", start.Add(2*time.Hour)); err == nil {
		t.Fatal("an eleventh code in a day")
	}
	g.prune(start.Add(24 * time.Hour))
	if _, err := g.reserve("e", start.Add(24*time.Hour)); err != nil {
		t.Fatalf("a day later: %v", err)
	}
}
