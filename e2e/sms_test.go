//go:build linux

package e2e_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/internal/smstest"
	"github.com/passcrow/passcrow-desktop/recovery"
)

var smsCode = regexp.MustCompile(`Passcrow code: (\S+)`)

// Phone numbers as the app takes them are protected and recovered
// through our own `passcrow serve` with its SMS verifier, against a
// stand-in for a Twilio-style gateway (there is no SMS network here).
func TestSMSProtectRecoverThroughStandInGateway(t *testing.T) {
	const account, token = "AC00e2e0000000000000000000000000e2", "e2e-stand-in-token"
	g := smstest.Start(t, account, token)
	tokenFile := filepath.Join(t.TempDir(), "sms-token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServeArgs(t, "--sms-base-url", g.URL, "--sms-account", account, "--sms-token-file", tokenFile,
		"--sms-from", "+15005550006", "--max-days", "1", "--rate-limit", "0")

	var ids []string
	for _, typed := range []string{"+354 555 1234", "+1 (555) 010-0199"} {
		id, err := state.ParseIdentity(typed)
		if err != nil {
			t.Fatalf("the app refuses %q: %v", typed, err)
		}
		ids = append(ids, id)
	}
	if ids[0] != "sms:+3545551234" {
		t.Fatalf("ParseIdentity gave %q", ids[0])
	}

	client, err := recovery.NewClient(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	client.Interval = 0
	var locs []recovery.Location
	for _, id := range ids {
		l, err := recovery.NewPasscrowLocation(client, id)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, l)
	}
	keepers := recovery.NewKeepers(&recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return client, nil }})
	secret := []byte("phone-protected wallet seed")
	pack, err := recovery.Protect(t.Context(), recovery.ProtectRequest{
		Name: "phones", Description: "wallet", Secret: secret, Policy: recovery.All(),
		Locations: locs, Expires: time.Now().Add(20 * time.Hour), Keepers: keepers,
	})
	if err != nil {
		t.Fatalf("protect: %v", err)
	}

	r := recovery.NewRecovery(pack, keepers)
	for _, c := range r.RequestCodes(t.Context(), "en") {
		if c.Err != nil {
			t.Fatalf("asking for a code: %v", c.Err)
		}
		if !strings.HasPrefix(c.Challenge.Hint, "+") || strings.Contains(c.Challenge.Hint, "5551234") {
			t.Errorf("hint %q", c.Challenge.Hint)
		}
	}
	// The "phones" read their messages off the stand-in gateway.
	codes := map[string]string{}
	for range ids {
		m := <-g.Received()
		mm := smsCode.FindStringSubmatch(m.Body)
		if mm == nil || m.From != "+15005550006" {
			t.Fatalf("message %+v carries no code", m)
		}
		codes[m.To] = mm[1]
	}
	if len(codes) != 2 || codes["+3545551234"] == "" || codes["+15550100199"] == "" {
		t.Fatalf("codes went to %v", codes)
	}
	for _, code := range codes {
		if _, err := r.SubmitCode(t.Context(), code); err != nil {
			t.Fatalf("code %s: %v", code, err)
		}
	}
	got, _, err := r.Secret()
	if err != nil || string(got) != string(secret) {
		t.Fatalf("recovered %q, %v", got, err)
	}
	secrets := []string{"5551234", "0100199", token}
	for _, c := range codes {
		secrets = append(secrets, c)
	}
	s.assertLogClean(t, secrets...)
}
