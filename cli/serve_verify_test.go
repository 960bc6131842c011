package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// serve builds a verifier for every kind the flags name, reads the SMS
// token and the action-url key from files, and refuses what would fail
// later, before serving.
func TestServeVerifierFlags(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	token := write("sms-token", "stand-in-token\n")
	key := write("action-key", strings.Repeat("ab", 32)+"\n")
	shortKey := write("short-key", "abcd\n")
	noEnv := func(string) string { return "" }
	base := []string{"serve", "--data", filepath.Join(dir, "data"), "--check-config", "--json"}
	sms := []string{"--sms-base-url", "https://api.twilio.com", "--sms-account", "AC0123", "--sms-token-file", token, "--sms-from", "+15005550006"}
	action := []string{"--action-url-template", "https://verify.example.org/passcrow?t={token}", "--action-url-key-file", key}

	for _, tc := range []struct {
		args  [][]string
		kinds []string
	}{
		{[][]string{{"--outbox", filepath.Join(dir, "outbox")}, sms}, []string{"email", "sms"}},
		{[][]string{sms}, []string{"sms"}},
		{[][]string{{"--outbox", filepath.Join(dir, "outbox")}}, []string{"email", "sms"}},
		{[][]string{action}, []string{"email"}},
		{[][]string{{"--outbox", filepath.Join(dir, "outbox")}, action, {"--action-url-kind", "sms"}}, []string{"email", "sms"}},
	} {
		args := slices.Concat(append([][]string{base}, tc.args...)...)
		code, out, errs := runCLI(context.Background(), noEnv, args...)
		if code != ExitOK {
			t.Errorf("%v: exit %d: %s", args[len(base):], code, errs)
			continue
		}
		var got struct{ Kinds []string }
		if err := json.Unmarshal([]byte(out), &got); err != nil || !slices.Equal(got.Kinds, tc.kinds) {
			t.Errorf("%v: kinds %v (%v), want %v", args[len(base):], got.Kinds, err, tc.kinds)
		}
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sms-base-url", "https://api.twilio.com"}, "needs --sms-account, --sms-token-file and --sms-from"},
		{slices.Concat(sms, []string{"--sms-base-url", "http://gateway.example.org"}), "plain http"},
		{slices.Concat(sms, []string{"--sms-token-file", filepath.Join(dir, "missing")}), "reading --sms-token-file"},
		{[]string{"--action-url-template", "https://verify.example.org/?t={token}"}, "needs --action-url-key-file"},
		{slices.Concat(action, []string{"--action-url-key-file", shortKey}), "must hold 64 hex digits"},
		{slices.Concat(action, []string{"--action-url-template", "https://verify.example.org/"}), "{token} once"},
		{slices.Concat(action, []string{"--outbox", filepath.Join(dir, "outbox")}), "two ways to verify email identities"},
		{slices.Concat(action, []string{"--action-url-kind", "Bad Kind"}), "must be a kind"},
		{[]string{"--outbox", filepath.Join(dir, "outbox"), "--send-attempts", "0"}, "--send-attempts"},
	} {
		code, out, errs := runCLI(context.Background(), noEnv, append(base, tc.args...)...)
		// With --json the error is in the JSON on stdout.
		if code == ExitOK || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q stderr %q; want %q", tc.args, code, out, errs, tc.want)
		}
		if strings.Contains(out+errs, "stand-in-token") || strings.Contains(out+errs, "abab") {
			t.Errorf("%v: a secret in the error: %s", tc.args, errs)
		}
	}
}
