package recovery

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

func TestParseIdentity(t *testing.T) {
	for _, ok := range []string{"email:alice@example.org", "email:a.b+c@mail.example.net", "sms:+3545885522"} {
		if _, _, err := ParseIdentity(ok); err != nil {
			t.Errorf("ParseIdentity(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{
		"alice@example.org", "email:", "email:alice", "email:Alice <alice@example.org>",
		"email:<alice@example.org>", "email:alice@example.org, bob@example.org", "email:alice@localhost",
		"sms:3545885522", "sms:+354-588", "sms:+12", "mailto:alice@example.org", ":x",
	} {
		_, _, err := ParseIdentity(bad)
		if err == nil {
			t.Errorf("ParseIdentity(%q) accepted", bad)
		} else if !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseIdentity(%q): error %q does not quote the input", bad, err)
		}
	}
}

// The hints match the ones the reference server sent in the capture.
func TestIdentityHintLikeReference(t *testing.T) {
	dir := filepath.Join(vectorsDir, "roundtrip-2of3")
	for file, addr := range map[string]string{
		"05-verify-verificationrequest.resp.json": "alice@example.org",
		"06-verify-verificationrequest.resp.json": "bob@example.com",
		"07-verify-verificationrequest.resp.json": "carol@mail.example.net",
	} {
		var r wire.VerificationResponse
		mustWireUnmarshal(t, mustReadFile(t, filepath.Join(dir, file)), &r)
		if got := identityHint("email", addr); got != r.Hint {
			t.Errorf("hint of %s = %q, the reference says %q", addr, got, r.Hint)
		}
	}
	// Short addresses never show in full (the reference's "x*@y*.z" does).
	for addr, want := range map[string]string{"joe@gmail.com": "j*@gmail.com", "x@y.z": "*@y*z", "ab@c": "a*@*"} {
		if got := identityHint("email", addr); got != want {
			t.Errorf("hint of %s = %q, want %q", addr, got, want)
		}
	}
	// The same hint the server sends, so overview and recovery agree.
	if got := identityHint("sms", "+3545885522"); got != "+354*****22" {
		t.Errorf("sms hint %q", got)
	}
}

func TestPasscrowLocationDescribe(t *testing.T) {
	c, err := NewClient("passcrow.example.org")
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewPasscrowLocation(c, "email:alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if l.Kind() != "passcrow" || l.Describe() != "e-mail a*@e*ple.org via passcrow.example.org" {
		t.Errorf("Kind %q, Describe %q", l.Kind(), l.Describe())
	}
	if _, err := NewPasscrowLocation(c, "email:bad"); err == nil {
		t.Error("bad identity accepted")
	}
}

// The keeper reads records imported from reference packs: bare host name
// (meaning https), "text" encoding.
func TestPasscrowKeeperReadsReferenceRecords(t *testing.T) {
	pack := mustReadFile(t, filepath.Join(vectorsDir, "roundtrip-2of3", "recovery-pack.passcrow"))
	p, err := ImportReferencePack(pack)
	if err != nil {
		t.Fatal(err)
	}
	k := &PasscrowKeeper{}
	n := 0
	for _, r := range p.Records {
		if r.Kind != KindPasscrow {
			continue
		}
		n++
		c, d, key, err := k.open(r)
		if err != nil {
			t.Fatal(err)
		}
		if c.Server() != "pc-test.local" || c.base.String() != "https://pc-test.local" || len(key) != 32 || d.Encoding != FragmentEncodingText {
			t.Errorf("record %s: client %q %q, encoding %q", r.Prefix, c.Server(), c.base, d.Encoding)
		}
	}
	if n != 3 {
		t.Errorf("%d passcrow records, want 3", n)
	}
}

// Masked descriptions can coincide; the locations are still different,
// and the same address on the same server is still refused.
func TestProtectTellsLookAlikeIdentitiesApart(t *testing.T) {
	c, err := NewClient("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := NewPasscrowLocation(c, "email:a@example.org")
	b, _ := NewPasscrowLocation(c, "email:b@example.org")
	again, _ := NewPasscrowLocation(c, "email:A@example.org")
	if a.Describe() != b.Describe() {
		t.Fatalf("the test needs look-alike hints: %q, %q", a.Describe(), b.Describe())
	}
	if a.Identity() == b.Identity() {
		t.Fatalf("different addresses share an identity: %q", a.Identity())
	}
	_, err = Protect(context.Background(), ProtectRequest{
		Secret: []byte("s"), Policy: AnyOne(), Locations: []Location{a, again},
		Expires: time.Now().Add(time.Hour),
	})
	if err == nil || !strings.Contains(err.Error(), "chosen twice") {
		t.Fatalf("the same address twice: %v", err)
	}
}
