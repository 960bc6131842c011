package server

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// recordedEscrow is a reference client's escrow request with a real
// hashcash-12 token, and the time it was valid at.
func recordedEscrow(t *testing.T) (wire.EscrowRequest, wire.EscrowParameters, int64) {
	t.Helper()
	var req wire.EscrowRequest
	mustBeNil(t, wire.Unmarshal(readFile(t, filepath.Join(vectorsDir, "roundtrip-2of3", "02-protect-escrowrequest.req.json")), &req))
	var p wire.EscrowParameters
	mustBeNil(t, openJSON(req.ParametersKey, req.Parameters, &p))
	_, cash, _ := strings.Cut(p.Payment, ":")
	var ctr, ts int64
	fmt.Sscanf(cash, "%x-%x", &ctr, &ts)
	return req, p, ts + 1
}

// withParams re-seals the parameters of req under its own key.
func withParams(t *testing.T, req wire.EscrowRequest, p wire.EscrowParameters) *wire.EscrowRequest {
	t.Helper()
	key, err := wire.DecodeKey(req.ParametersKey)
	mustBeNil(t, err)
	req.Parameters = seal(t, key, p)
	return &req
}

func TestProcessEscrowHashcashReplayRefused(t *testing.T) {
	env := newTestEnv(t, nil)
	req, p, now := recordedEscrow(t)
	env.clock.set(now)
	ctx := context.Background()
	if _, err := env.srv.processEscrow(ctx, &req); err != nil {
		t.Fatalf("first use of the token: %v", err)
	}
	if _, err := env.srv.processEscrow(ctx, &req); !errors.Is(err, ErrPaymentSpent) {
		t.Fatalf("replayed token: %v, want ErrPaymentSpent", err)
	}
	// The same work spelt differently, or offered as the cheaper
	// hashcash-11 it also satisfies, is the same spent token.
	_, cash, _ := strings.Cut(p.Payment, ":")
	for _, tok := range []string{"hashcash-12:00" + strings.ToUpper(cash), "hashcash-11:" + cash} {
		p2 := p
		p2.Payment = tok
		p2.Expiration = now + 3600
		if _, err := env.srv.processEscrow(ctx, withParams(t, req, p2)); !errors.Is(err, ErrPaymentSpent) {
			t.Errorf("token %q: %v, want ErrPaymentSpent", tok, err)
		}
	}
	// Once its window is over the token is refused as too old.
	env.clock.advance(10 * time.Minute)
	if _, err := env.srv.processEscrow(ctx, &req); !errors.Is(err, ErrInsufficientPay) {
		t.Fatalf("stale token: %v, want ErrInsufficientPay", err)
	}
}

func TestProcessEscrowPayment(t *testing.T) {
	env := newTestEnv(t, nil)
	req, p, now := recordedEscrow(t)
	env.clock.set(now)
	ctx := context.Background()
	day := int64(86400)
	for _, tc := range []struct {
		name    string
		payment string
		exp     int64
		want    error
		wantExp int64
	}{
		{"free buys 25 hours", "free:0", now + 25*3600, nil, now + 25*3600},
		{"free within clock skew is trimmed", "free:0", now + 25*3600 + 60, nil, now + 25*3600},
		{"free for a year is underpayment", "free:0", now + 365*day, ErrInsufficientPay, 0},
		{"hashcash-12 beyond the server maximum", p.Payment, now + 400*day, ErrInsufficientPay, 0},
		{"hashcash-13 is not offered by a 366-day server", "hashcash-13:" + strings.SplitN(p.Payment, ":", 2)[1], now + 30*day, ErrInsufficientPay, 0},
		{"unknown scheme", "gold:1", now + 3600, ErrInsufficientPay, 0},
		{"no scheme", "free", now + 3600, ErrInsufficientPay, 0},
		{"expiration in the past", "free:0", now - 1, ErrExpired, 0},
		{"expiration now", "free:0", now, ErrExpired, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p2 := p
			p2.Payment, p2.Expiration = tc.payment, tc.exp
			resp, err := env.srv.processEscrow(ctx, withParams(t, req, p2))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if err == nil && resp.Expiration != tc.wantExp {
				t.Errorf("expiration %d, want %d", resp.Expiration, tc.wantExp)
			}
			if err != nil && (resp.EscrowDataID != "" || resp.Expiration != 0) {
				t.Errorf("refused escrow got id %q", resp.EscrowDataID)
			}
		})
	}
}

func TestProcessEscrowRefusals(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	now := env.clock.Now().Unix()
	data := wire.EscrowData{Description: "d", Secret: "s", Verify: "email:alice@example.org", Timeout: 60}
	good, _ := sealedEscrow(t, wire.EscrowParameters{Kind: "email", Expiration: now + 60}, data)

	two := good
	two.EscrowData = []string{good.EscrowData[0], good.EscrowData[0]}
	none := good
	none.EscrowData = nil
	junk := good
	junk.EscrowData = []string{"not an envelope"}
	version := good
	version.Version = "2.0"
	wrongKey := good
	wrongKey.ParametersKey = wire.EncodeKey(make([]byte, 32))
	badKey := good
	badKey.ParametersKey = "c2hvcnQ="
	sms, _ := sealedEscrow(t, wire.EscrowParameters{Kind: "sms", Expiration: now + 60}, data)
	badPrefer, _ := sealedEscrow(t, wire.EscrowParameters{Kind: "email", Expiration: now + 60, PreferID: "ABC"}, data)
	shortPrefer, _ := sealedEscrow(t, wire.EscrowParameters{Kind: "email", Expiration: now + 60, PreferID: "ab"}, data)

	for name, tc := range map[string]struct {
		req  wire.EscrowRequest
		want error
		wire string
	}{
		"two escrow-data":   {two, ErrEscrowDataCount, errStrEscrowDataCount},
		"no escrow-data":    {none, ErrEscrowDataCount, errStrEscrowDataCount},
		"junk escrow-data":  {junk, ErrBadRequest, wire.ErrBadRequest},
		"version":           {version, ErrVersion, errStrVersion},
		"wrong key":         {wrongKey, ErrWrongKey, errStrWrongKey},
		"malformed key":     {badKey, ErrBadKey, errStrBadKey},
		"unsupported kind":  {sms, ErrUnsupportedKind, "Unsupported kind of Identity: sms"},
		"upper-case prefer": {badPrefer, ErrBadID, errStrBadID},
		"short prefer":      {shortPrefer, ErrBadID, errStrBadID},
	} {
		_, err := env.srv.processEscrow(ctx, &tc.req)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
		if got := wireError(err); got != tc.wire {
			t.Errorf("%s: wire error %q, want %q", name, got, tc.wire)
		}
	}
}

func TestProcessEscrowPreferID(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.ResendInterval = -1 }) // several codes in a row
	ctx := context.Background()
	now := env.clock.Now().Unix()
	data := wire.EscrowData{Description: "d", Secret: "first", Verify: "email:alice@example.org", Timeout: 60}
	req, key := sealedEscrow(t, wire.EscrowParameters{Kind: "email", Expiration: now + 60, PreferID: "abc123"}, data)
	resp, err := env.srv.processEscrow(ctx, &req)
	mustBeNil(t, err)
	if resp.EscrowDataID != "abc123" {
		t.Fatalf("id %q, want the bare prefer-id", resp.EscrowDataID)
	}
	// Never overwritten, whoever asks.
	data.Secret = "second"
	req2, _ := sealedEscrow(t, wire.EscrowParameters{Kind: "email", Expiration: now + 120, PreferID: "abc123"}, data)
	if _, err := env.srv.processEscrow(ctx, &req2); !errors.Is(err, ErrIDTaken) {
		t.Fatalf("reused prefer-id: %v, want ErrIDTaken", err)
	}
	// Both spellings of the id find it; a wrong expiration does not.
	for id, want := range map[string]error{
		"abc123": nil, fmt.Sprintf("%x-abc123", now+60): nil,
		fmt.Sprintf("%x-abc123", now+61): ErrNoEscrow, "abc12": ErrNoEscrow, "zz-abc123": ErrBadID,
	} {
		_, err := env.srv.processVerification(ctx, &wire.VerificationRequest{
			Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: id, EscrowDataKey: key})
		if !errors.Is(err, want) {
			t.Errorf("id %q: %v, want %v", id, err, want)
		}
	}
	code := env.verifier.last(t).Code
	rec, err := env.srv.processRecovery(ctx, &wire.RecoveryRequest{
		Version: wire.Version, Verification: code, EscrowDataID: "abc123", EscrowDataKey: key})
	mustBeNil(t, err)
	if rec.EscrowSecret != "first" {
		t.Fatalf("secret %q, want the first escrow's", rec.EscrowSecret)
	}
}

func TestProcessVerification(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.ResendInterval = -1 }) // several codes in a row
	ctx := context.Background()
	f := env.escrow(t, "s3cret")
	req := func(mod func(*wire.VerificationRequest)) *wire.VerificationRequest {
		r := &wire.VerificationRequest{Version: wire.Version, Language: "en", Prefix: "2", EscrowDataID: f.id, EscrowDataKey: f.key}
		if mod != nil {
			mod(r)
		}
		return r
	}
	resp, err := env.srv.processVerification(ctx, req(nil))
	mustBeNil(t, err)
	now := env.clock.Now().Unix()
	if resp.EscrowDataID != f.id || resp.Expiration != now+1800 || resp.Hint != "a*@e*ple.org" {
		t.Errorf("response %+v", resp)
	}
	m := env.verifier.last(t)
	if m.Address != "alice@example.org" || m.Timeout != 30*time.Minute || len(m.Code) != 7 || m.Code[0] != '2' {
		t.Errorf("message %+v", m)
	}

	for name, tc := range map[string]struct {
		mod  func(*wire.VerificationRequest)
		want error
	}{
		"no language":     {func(r *wire.VerificationRequest) { r.Language = "" }, ErrBadLanguage},
		"odd language":    {func(r *wire.VerificationRequest) { r.Language = "en\r\nBcc: x" }, ErrBadLanguage},
		"long prefix":     {func(r *wire.VerificationRequest) { r.Prefix = "12" }, ErrBadPrefix},
		"space prefix":    {func(r *wire.VerificationRequest) { r.Prefix = " " }, ErrBadPrefix},
		"wrong key":       {func(r *wire.VerificationRequest) { r.EscrowDataKey = wire.EncodeKey(make([]byte, 32)) }, ErrWrongKey},
		"malformed key":   {func(r *wire.VerificationRequest) { r.EscrowDataKey = "!" }, ErrBadKey},
		"unknown id":      {func(r *wire.VerificationRequest) { r.EscrowDataID = "abcdef" }, ErrNoEscrow},
		"malformed id":    {func(r *wire.VerificationRequest) { r.EscrowDataID = "../etc/passwd" }, ErrBadID},
		"version":         {func(r *wire.VerificationRequest) { r.Version = "0.9" }, ErrVersion},
		"unknown lang ok": {func(r *wire.VerificationRequest) { r.Language = "xx"; r.Prefix = "" }, nil},
	} {
		if _, err := env.srv.processVerification(ctx, req(tc.mod)); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if m := env.verifier.last(t); m.Language != "xx" || len(m.Code) != 6 {
		t.Errorf("unknown language: message %+v", m)
	}
}

func TestProcessVerificationTimeout(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxCodeTimeout = time.Hour })
	ctx := context.Background()
	now := env.clock.Now().Unix()
	for _, tc := range []struct{ asked, want int64 }{{0, 3600}, {-5, 3600}, {600, 600}, {999999, 3600}} {
		req, key := sealedEscrow(t, wire.EscrowParameters{Kind: "email", Expiration: now + 60},
			wire.EscrowData{Secret: "s", Verify: "email:bob@example.com", Timeout: tc.asked})
		resp, err := env.srv.processEscrow(ctx, &req)
		mustBeNil(t, err)
		v, err := env.srv.processVerification(ctx, &wire.VerificationRequest{
			Version: wire.Version, Language: "en", EscrowDataID: resp.EscrowDataID, EscrowDataKey: key})
		mustBeNil(t, err)
		if v.Expiration != now+tc.want {
			t.Errorf("timeout %d asked: code lives %d s, want %d", tc.asked, v.Expiration-now, tc.want)
		}
	}
}

func TestFailedSendStoresNoCode(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	f := env.escrow(t, "s3cret")
	code := env.verifyCode(t, f, "1") // an earlier, valid code
	env.clock.advance(DefaultResendInterval)
	env.verifier.fail = errRefused
	_, err := env.srv.processVerification(ctx, &wire.VerificationRequest{
		Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: f.id, EscrowDataKey: f.key})
	if !errors.Is(err, ErrSendFailed) {
		t.Fatalf("failed send: %v, want ErrSendFailed", err)
	}
	if strings.Contains(err.Error(), "alice@example.org") || !strings.Contains(err.Error(), "a*@e*ple.org") {
		t.Errorf("error names the address instead of its hint: %v", err)
	}
	// The earlier code still stands: nothing was replaced or stored.
	if rec := env.recover(t, f, code); rec.Error != "" || rec.EscrowSecret != "s3cret" {
		t.Fatalf("earlier code after a failed send: %+v", rec)
	}

	env.verifier.fail = nil
	g := env.escrow(t, "other")
	env.verifier.fail = errRefused
	if _, err := env.srv.processVerification(ctx, &wire.VerificationRequest{
		Version: wire.Version, Language: "en", EscrowDataID: g.id, EscrowDataKey: g.key}); !errors.Is(err, ErrSendFailed) {
		t.Fatal(err)
	}
	if _, err := env.srv.store.Escrow(ctx, strings.SplitN(g.id, "-", 2)[1], env.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, guess := range []string{"000000", "123456"} {
		_, err := env.srv.processRecovery(ctx, &wire.RecoveryRequest{
			Version: wire.Version, Verification: guess, EscrowDataID: g.id, EscrowDataKey: g.key})
		if !errors.Is(err, ErrNoCode) {
			t.Fatalf("recovery after failed send: %v, want ErrNoCode", err)
		}
	}
	// A failed send does not count against the resend interval.
	env.verifier.fail = nil
	if code := env.verifyCode(t, g, "2"); env.recover(t, g, code).EscrowSecret != "other" {
		t.Fatal("no working code right after a failed send")
	}
}

func TestProcessRecoveryWrongGuessesVoidCode(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	f := env.escrow(t, "s3cret")
	code := env.verifyCode(t, f, "3")
	wrong := "3" + map[bool]string{true: "111111", false: "222222"}[code[1:] != "111111"]
	rr := func(v string) error {
		_, err := env.srv.processRecovery(ctx, &wire.RecoveryRequest{
			Version: wire.Version, Verification: v, EscrowDataID: f.id, EscrowDataKey: f.key})
		return err
	}
	// Guesses without the key cost the owner nothing.
	for range 10 {
		_, err := env.srv.processRecovery(ctx, &wire.RecoveryRequest{
			Version: wire.Version, Verification: wrong, EscrowDataID: f.id, EscrowDataKey: wire.EncodeKey(make([]byte, 32))})
		if !errors.Is(err, ErrWrongKey) {
			t.Fatalf("wrong key: %v", err)
		}
	}
	for i := range maxFailures {
		if err := rr(wrong); !errors.Is(err, ErrIncorrectCode) {
			t.Fatalf("wrong guess %d: %v, want ErrIncorrectCode", i+1, err)
		}
	}
	if err := rr(code); !errors.Is(err, ErrNoCode) {
		t.Fatalf("right code after %d wrong guesses: %v, want ErrNoCode", maxFailures, err)
	}
	if got := wireError(ErrIncorrectCode); got != "Incorrect verfication code" {
		t.Errorf("wire error %q", got)
	}

	// A fresh code works, compared like the reference: trimmed, any case.
	env.clock.advance(time.Minute)
	code = env.verifyCode(t, f, "a")
	if err := rr(wrong); !errors.Is(err, ErrIncorrectCode) {
		t.Fatal(err)
	}
	if err := rr("  A" + code[1:] + "\n"); err != nil {
		t.Fatalf("right code in other case and with spaces: %v", err)
	}
	// One success voids it.
	if err := rr(code); !errors.Is(err, ErrNoCode) {
		t.Fatalf("code reused after success: %v, want ErrNoCode", err)
	}
}

func TestProcessRecoveryCodeLifetime(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.ResendInterval = -1 }) // several codes in a row
	f := env.escrow(t, "s3cret")
	first := env.verifyCode(t, f, "1")
	second := env.verifyCode(t, f, "1")
	if first != second {
		if rec := env.recover(t, f, first); rec.Error != wire.ErrIncorrectCode {
			t.Errorf("replaced code: %+v", rec)
		}
	}
	env.clock.advance(1801 * time.Second)
	if rec := env.recover(t, f, second); rec.Error != errStrNoCode {
		t.Errorf("expired code: %+v", rec)
	}
}

func TestProcessDeletion(t *testing.T) {
	// The reference's keyless deletion, which an operator may allow
	// (TestKeylessDeletion has the default).
	env := newTestEnv(t, func(c *Config) { c.AllowKeylessDelete = true })
	ctx := context.Background()
	del := func(id, key string) error {
		_, err := env.srv.processDeletion(ctx, &wire.DeletionRequest{Version: wire.Version, EscrowDataID: id, EscrowDataKey: key})
		return err
	}
	exists := func(f escrowFixture) bool {
		_, err := env.srv.lookup(ctx, f.id, env.clock.Now())
		return err == nil
	}
	f := env.escrow(t, "a")
	g := env.escrow(t, "b")
	mustBeNil(t, del("0123456789abcdef", ""))
	if err := del("not/an/id", ""); !errors.Is(err, ErrBadID) {
		t.Errorf("malformed id: %v", err)
	}
	// With our key extension, the key must open the escrow.
	if err := del(f.id, g.key); !errors.Is(err, ErrWrongKey) || !exists(f) {
		t.Fatalf("deletion with the wrong key: %v, exists %v", err, exists(f))
	}
	if err := del(f.id, f.key); err != nil || exists(f) {
		t.Fatalf("deletion with the key: %v, exists %v", err, exists(f))
	}
	// A full id with another expiration names another escrow.
	_, bare, _ := strings.Cut(g.id, "-")
	mustBeNil(t, del(fmt.Sprintf("%x-%s", g.exp+1, bare), ""))
	if !exists(g) {
		t.Fatal("deleted by an id with the wrong expiration")
	}
	// Without a key, as the reference client asks, by the bare id.
	if err := del(bare, ""); err != nil || exists(g) {
		t.Fatalf("deletion by bare id: %v, exists %v", err, exists(g))
	}
}

// TestProcessEscrowTokenStaysSpentWhenCreateFails: the token is spent
// before the escrow is made; when making it then fails (here another
// client takes the prefer-id in between, as can happen for real), the
// token stays spent and a replay is refused.
func TestProcessEscrowTokenStaysSpentWhenCreateFails(t *testing.T) {
	for name, open := range storeBackends {
		t.Run(name, func(t *testing.T) {
			store := &racedIDStore{Store: open(t), id: "0123456789abcdef"}
			env := newTestEnv(t, func(c *Config) { c.Store = store })
			t.Cleanup(func() { mustBeNil(t, store.Close()) })
			req, p, now := recordedEscrow(t)
			env.clock.set(now)
			ctx := context.Background()
			p.PreferID = store.id
			if _, err := env.srv.processEscrow(ctx, withParams(t, req, p)); !errors.Is(err, ErrIDTaken) {
				t.Fatalf("raced prefer-id: %v, want ErrIDTaken", err)
			}
			p.PreferID = "fedcba9876543210"
			if _, err := env.srv.processEscrow(ctx, withParams(t, req, p)); !errors.Is(err, ErrPaymentSpent) {
				t.Fatalf("token replayed after a failed create: %v, want ErrPaymentSpent", err)
			}
		})
	}
}

// racedIDStore is a real store on which another client creates the
// escrow id just as a token is spent: the window between the server's
// prefer-id check and its CreateEscrow.
type racedIDStore struct {
	Store
	id string
}

func (s *racedIDStore) SpendToken(ctx context.Context, token string, until int64, now time.Time) error {
	if err := s.Store.CreateEscrow(ctx, Escrow{ID: s.id, Kind: "email", Data: "other", Expiration: now.Unix() + 60}, now); err != nil {
		return err
	}
	return s.Store.SpendToken(ctx, token, until, now)
}
