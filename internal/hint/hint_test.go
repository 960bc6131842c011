package hint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

const vectors = "../../../shared/vectors"

// TestHintVectors checks every hint the reference server gave, matched to
// its address through the mails it sent (same order as the requests).
func TestHintVectors(t *testing.T) {
	for _, run := range []string{"roundtrip-2of3", "ephemeral"} {
		t.Run(run, func(t *testing.T) {
			resps, err := filepath.Glob(filepath.Join(vectors, run, "0[5-8]-*verificationrequest.resp.json"))
			if err != nil || len(resps) != 3 {
				t.Fatalf("want 3 verification responses, got %d (%v)", len(resps), err)
			}
			var mails []struct{ Verify string }
			readJSON(t, filepath.Join(vectors, run, "verification-codes.json"), &mails)
			if len(mails) != len(resps) {
				t.Fatalf("%d mails for %d responses", len(mails), len(resps))
			}
			for i, resp := range resps {
				var r struct{ Hint string }
				readJSON(t, resp, &r)
				kind, addr, _ := strings.Cut(mails[i].Verify, ":")
				if got := Mask(kind, addr); got != r.Hint {
					t.Errorf("%s: Mask(%q, %q) = %q, reference says %q", filepath.Base(resp), kind, addr, got, r.Hint)
				}
			}
		})
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestHintExamples(t *testing.T) {
	for _, tc := range []struct{ kind, addr, want string }{
		{"email", "alice@example.org", "a*@e*ple.org"},
		{"email", "jonathan@example.org", "jo*@e*ple.org"},
		{"email", "bjarni@gmail.com", "bj*@gmail.com"}, // the reference names big providers
		{"email", "a@gmail.com", "*@gmail.com"},
		{"email", "a@b", "*@*"},
		{"email", "ab@cd", "a*@c*"},
		{"email", "ab@cde", "a*@c*e"},
		{"email", "@example.org", "*@e*ple.org"},
		{"email", "alice@", "a*@*"},
		{"email", "", "*"},
		{"email", "no-at-sign", "no-*"},
		{"email", "þóra@ísland.is", "þ*@í*and.is"},
		{"email", "mailto:alice@example.org", "a*@e*ple.org"},
		{"sms", "+3545551267", "+354*****67"},
		{"sms", "+354 555-1267", "+354*****67"},
		{"sms", "5551267", "5****67"},
		{"sms", "+12", "+*2"},
		{"sms", "", "*"},
		{"sms", "call me", "ca*"},
		{"tel", "+44 20 7946 0958", "+442*******58"},
	} {
		if got := Mask(tc.kind, tc.addr); got != tc.want {
			t.Errorf("Mask(%q, %q) = %q, want %q", tc.kind, tc.addr, got, tc.want)
		}
	}
}

// FuzzHint: no input panics, and a hint never shows every character.
func FuzzHint(f *testing.F) {
	for _, s := range []string{"alice@example.org", "a@b", "@", "", "+1", "x@gmail.com", "\xff@\xfe", "ü@ð"} {
		f.Add("email", s)
		f.Add("sms", s)
	}
	f.Fuzz(func(t *testing.T, kind, addr string) {
		h := Mask(kind, addr)
		if !strings.Contains(h, "*") {
			t.Fatalf("Mask(%q, %q) = %q has no mask", kind, addr, h)
		}
		if utf8.ValidString(addr) && !utf8.ValidString(h) {
			t.Fatalf("Mask(%q, %q) = %q is not UTF-8", kind, addr, h)
		}
		if !utf8.ValidString(addr) {
			return // Hint shows U+FFFD for bad bytes: nothing to count
		}
		// Count what Hint keeps, leaving out the mask and the "@" an
		// e-mail hint always has.
		shown, all := strings.ReplaceAll(h, "*", ""), addr
		if kind == "email" || kind == "mailto" {
			shown, all = strings.ReplaceAll(shown, "@", ""), strings.ReplaceAll(all, "@", "")
		}
		if all != "" && utf8.RuneCountInString(shown) >= utf8.RuneCountInString(all) {
			t.Fatalf("Mask(%q, %q) = %q shows the whole address", kind, addr, h)
		}
	})
}
