package recovery

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
)

func referencePolicy(t *testing.T) wire.Policy {
	var p wire.Policy
	mustWireUnmarshal(t, []byte(capturedPolicy(t)), &p)
	return p
}

func TestChooseScheme(t *testing.T) {
	schemes := referencePolicy(t).PaymentSchemes // free 25h, hashcash-11 183d, hashcash-12 366d
	day := 24 * time.Hour
	for want, ids := range map[string][]time.Duration{
		"free":        {time.Minute, day, 25 * time.Hour},
		"hashcash-11": {25*time.Hour + time.Second, 100 * day, 183 * day},
		"hashcash-12": {183*day + time.Second, 365 * day, 366 * day},
	} {
		for _, d := range ids {
			s, err := chooseScheme("x", schemes, d, DefaultMaxHashcashBits)
			if err != nil || s.SchemeID != want {
				t.Errorf("chooseScheme(%v) = %q, %v; want %q", d, s.SchemeID, err, want)
			}
		}
	}
	_, err := chooseScheme("pc-test.local", schemes, 400*day, DefaultMaxHashcashBits)
	if !errors.Is(err, ErrNoPaymentScheme) || !strings.Contains(err.Error(), "366 days") || !strings.Contains(err.Error(), "pc-test.local") {
		t.Errorf("400 days: %v; want ErrNoPaymentScheme naming 366 days and the server", err)
	}

	// Free wins a tie; schemes we cannot pay are skipped.
	tie := []wire.PaymentScheme{
		{Scheme: "hashcash", SchemeID: "hashcash-9", HashcashBits: 9, ExpirationSeconds: 1000},
		{Scheme: "free", SchemeID: "free", ExpirationSeconds: 1000},
		{Scheme: "bitcoin", SchemeID: "btc", ExpirationSeconds: 500},
	}
	if s, _ := chooseScheme("x", tie, 400*time.Second, DefaultMaxHashcashBits); s.SchemeID != "free" {
		t.Errorf("tie chose %q, want free", s.SchemeID)
	}
	if _, err := chooseScheme("x", tie[2:], time.Second, DefaultMaxHashcashBits); !errors.Is(err, ErrNoPaymentScheme) {
		t.Errorf("no usable scheme: %v", err)
	}
}

// The free token is the reference client's, and hashcash is computed over
// the escrow-data string exactly as sent.
func TestPayTokens(t *testing.T) {
	c := testClient(t, "http://127.0.0.1:1")
	tok, err := c.pay(context.Background(), wire.PaymentScheme{Scheme: "free", SchemeID: "free"}, "data", nil)
	if err != nil || tok != "free:0" {
		t.Errorf("free token %q, %v", tok, err)
	}
	now := time.Now()
	c.Now = func() time.Time { return now }
	var calls int
	tok, err = c.pay(context.Background(), wire.PaymentScheme{Scheme: "hashcash", SchemeID: "hashcash-6", HashcashBits: 6}, "sealed+data==", func(tries, expected uint64) {
		calls++
		if expected != 64 {
			t.Errorf("expected %d tries, want 64", expected)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	id, cash, err := hashcash.ParseToken(tok)
	if err != nil || id != "hashcash-6" {
		t.Fatalf("token %q: %v", tok, err)
	}
	if err := hashcash.Verify([]byte("sealed+data=="), 6, cash, now.Add(time.Second)); err != nil {
		t.Errorf("token does not verify over the escrow data: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.pay(ctx, wire.PaymentScheme{Scheme: "hashcash", SchemeID: "hashcash-30", HashcashBits: 30}, "d", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled payment: %v", err)
	}
}

// The reference server clips an underpaid escrow silently; we notice and
// warn, and the escrow is still usable.
func TestShortExpiryWarning(t *testing.T) {
	now := time.Unix(1795460833, 0)
	granted := now.Unix() + 90000
	policy := capturedPolicy(t)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/passcrow/policy" {
			w.Write([]byte(policy))
			return
		}
		b, _ := wire.Marshal(wire.EscrowResponse{Version: "1.0", Expiration: granted, EscrowDataID: "6ce5c261-9b780db1fb0ec0ba75c65bf809d638da"})
		w.Write(b)
	}))
	defer s.Close()
	c := testClient(t, s.URL)
	c.Now = func() time.Time { return now }
	c.solve = func(context.Context, []byte, string, int, hashcash.SolveOptions) (string, error) {
		return "hashcash-12:1-1", nil
	}
	asked := now.Add(365 * 24 * time.Hour)
	res, err := c.Escrow(context.Background(), EscrowInput{Identity: "email:alice@example.org", Secret: "s", Expires: asked})
	if err != nil {
		t.Fatal(err)
	}
	if res.Warning == nil || res.Warning.Granted.Unix() != granted || !res.Warning.Asked.Equal(asked) {
		t.Fatalf("warning %+v", res.Warning)
	}
	if !strings.Contains(res.Warning.Error(), "2026-11-24") || res.Expires.Unix() != granted {
		t.Errorf("warning text %q, expires %v", res.Warning, res.Expires)
	}
}

func TestEscrowRefusesBadInputEarly(t *testing.T) {
	c := testClient(t, "http://127.0.0.1:1") // nothing listens: no request may be needed
	c.Attempts = 1
	future := time.Now().Add(time.Hour)
	for name, in := range map[string]EscrowInput{
		"no kind":      {Identity: "alice@example.org", Secret: "s", Expires: future},
		"empty secret": {Identity: "email:alice@example.org", Expires: future},
		"past":         {Identity: "email:alice@example.org", Secret: "s", Expires: time.Now().Add(-time.Hour)},
		"bad prefer":   {Identity: "email:alice@example.org", Secret: "s", Expires: future, PreferID: "XYZ"},
	} {
		if _, err := c.Escrow(context.Background(), in); err == nil || strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("%s: %v, want an input error before any request", name, err)
		}
	}
}

// Schemes over the hashcash limit are not paid: a cheaper scheme that
// also covers the time wins even if it keeps data longer, and when none
// does, the error says what was asked and what the limit is.
func TestChooseSchemeHashcashLimit(t *testing.T) {
	day := 24 * time.Hour
	schemes := []wire.PaymentScheme{
		{Scheme: "free", SchemeID: "free", ExpirationSeconds: 90000},
		{Scheme: "hashcash", SchemeID: "hashcash-26", HashcashBits: 26, ExpirationSeconds: 183 * 86400},
		{Scheme: "hashcash", SchemeID: "hashcash-24", HashcashBits: 24, ExpirationSeconds: 366 * 86400},
		{Scheme: "hashcash", SchemeID: "hashcash-12", HashcashBits: 12, ExpirationSeconds: 500 * 86400},
	}
	if s, err := chooseScheme("x", schemes, 100*day, DefaultMaxHashcashBits); err != nil || s.SchemeID != "hashcash-12" {
		t.Errorf("100 days under the limit: %q, %v; want hashcash-12", s.SchemeID, err)
	}
	if s, err := chooseScheme("x", schemes, 100*day, 30); err != nil || s.SchemeID != "hashcash-26" {
		t.Errorf("100 days, limit raised to 30: %q, %v; want hashcash-26 as the reference would", s.SchemeID, err)
	}
	if s, err := chooseScheme("x", schemes, time.Hour, 0); err != nil || s.SchemeID != "free" {
		t.Errorf("an hour: %q, %v; want free whatever the limit", s.SchemeID, err)
	}
	_, err := chooseScheme("pc.example", schemes[:3], 100*day, DefaultMaxHashcashBits)
	var pe *PaymentTooCostlyError
	if !errors.Is(err, ErrPaymentTooCostly) || !errors.As(err, &pe) || pe.Bits != 24 || pe.Limit != 20 || pe.Server != "pc.example" {
		t.Fatalf("only 24 and 26 bits on offer: %v, want ErrPaymentTooCostly naming 24 bits (the fewest) and limit 20", err)
	}
	// The estimate is the expected tries times one try's cost here.
	if want := time.Duration(1<<24) * tryCost(); pe.Estimate != want {
		t.Errorf("estimate %v, want %v", pe.Estimate, want)
	}
	if _, err := chooseScheme("x", schemes[:3], 400*day, DefaultMaxHashcashBits); !errors.Is(err, ErrNoPaymentScheme) {
		t.Errorf("longer than any scheme: %v, want ErrNoPaymentScheme", err)
	}
}

func TestClientMaxBits(t *testing.T) {
	c := testClient(t, "http://127.0.0.1:1")
	for set, want := range map[int]int{0: DefaultMaxHashcashBits, -3: DefaultMaxHashcashBits, 11: 11, 24: 24, 99: hashcash.MaxBits} {
		c.MaxHashcashBits = set
		if got := c.maxBits(); got != want {
			t.Errorf("MaxHashcashBits %d: limit %d, want %d", set, got, want)
		}
	}
}

func TestRoughly(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                   "less than a minute",
		40 * time.Second:    "less than a minute",
		90 * time.Second:    "90 seconds",
		5 * time.Minute:     "5 minutes",
		3 * time.Hour:       "3 hours",
		12 * 24 * time.Hour: "12 days",
	} {
		if got := roughly(d); got != want {
			t.Errorf("roughly(%v) = %q, want %q", d, got, want)
		}
	}
}
