package recovery

// Ephemeral recovery is tested against the reference's vectors and, for
// the whole two-round flow, against our own server over HTTP on
// 127.0.0.1 with the reference client's own escrow requests replayed.
//
// Each key derivation takes 1 GiB and seconds (minutes under -race, where
// both tests that derive skip: scripts/test.sh runs them in a pass
// without -race), so the default run derives 6 keys in all: 3 for
// "AbCd-EfGh-JkMn-PqRs" (skipped with -short) and 3 for the recorded
// user key, done by the round trip, which checks them against the vector
// too.

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

var ephemeralVectors = filepath.Join("..", "..", "shared", "vectors", "ephemeral")

const (
	recordedUserKey    = "b2EW-tknt-Ykme-dZgj"
	recordedSecret     = "ephemeral secret: 0123456789abcdef"
	recordedEscrowID   = "7d6c3771fb028e2e4da47ee344179ef2"
	recordedEscrowKey  = "m4XEGgwMNJsUfMkYpoDDNtvzrZ6l61hBlxX13dHzHuY="
	recordedPackKeyHex = "02d8b44b08c74ccbb3af4eb76eebee82c2c98d3773426372cc588b0c7d241b6d"
)

type kdfVector struct {
	UserKey   string `json:"user_key"`
	EscrowID  string `json:"ephemeral_escrow_id"`
	EscrowKey string `json:"ephemeral_escrow_key_b64"`
	PackKey   string `json:"pack_key_hex"`
}

func readKDFVectors(t *testing.T) map[string]kdfVector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "vectors", "standalone", "ephemeral-kdf.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f struct {
		Params  map[string]string `json:"params"`
		Vectors []kdfVector       `json:"vectors"`
	}
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	m := map[string]kdfVector{}
	for _, v := range f.Vectors {
		m[v.UserKey] = v
	}
	if len(m) != 2 {
		t.Fatalf("%d vectors, want 2", len(m))
	}
	return m
}

func TestEphemeralParseName(t *testing.T) {
	for _, tc := range []struct{ name, server, key string }{
		{"pc-test.local:b2EW-tknt-Ykme-dZgj", "pc-test.local", recordedUserKey},
		{" Passcrow.Mailpile.IS:b2EW-tknt-Ykme-dZgj ", "passcrow.mailpile.is", recordedUserKey},
		{"pc-test.local:b2EWtkntYkmedZgj", "pc-test.local", recordedUserKey},
		{"http://127.0.0.1:8765:b2EW-tknt-Ykme-dZgj", "http://127.0.0.1:8765", recordedUserKey},
		{"https://example.org/pc:AbCd-EfGh-JkMn-PqRs", "https://example.org/pc", "AbCd-EfGh-JkMn-PqRs"},
		{"example.org:8443:AbCd-EfGh-JkMn-PqRs", "example.org:8443", "AbCd-EfGh-JkMn-PqRs"},
	} {
		server, key, err := ParseEphemeralName(tc.name)
		if err != nil || server != tc.server || key != tc.key {
			t.Errorf("ParseEphemeralName(%q) = %q, %q, %v; want %q, %q", tc.name, server, key, err, tc.server, tc.key)
		}
	}
	for _, tc := range []struct{ name, why string }{
		{"b2EW-tknt-Ykme-dZgj", "no ':'"},
		{":b2EW-tknt-Ykme-dZgj", "no server"},
		{"pc-test.local:", "0 characters"},
		{"pc-test.local:b2EW-tknt-Ykme-dZg", "15 characters"},
		{"pc-test.local:b2EW-tknt-Ykme-dZgjj", "17 characters"},
		{"pc-test.local:b2EW-tknt-Ykme-dZg0", "no 0 or O"},
		{"pc-test.local:b2EW-tknt-Ykme-dZgl", "no 1 or l"},
		{"pc-test.local:b2EW-tknt-Ykme-dZg+", "character 16"},
		{"pc-test.local:b2E-Wtknt-Ykme-dZgj", "misplaced"},
		{"http://example.org:b2EW-tknt-Ykme-dZgj", "https"},
		{"pc test.local:b2EW-tknt-Ykme-dZgj", "pc test.local"},
	} {
		_, _, err := ParseEphemeralName(tc.name)
		if !errors.Is(err, ErrEphemeralName) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("ParseEphemeralName(%q): %v; want ErrEphemeralName saying %q", tc.name, err, tc.why)
			continue
		}
		// The user key opens the pack: never in an error message.
		if i := strings.LastIndexByte(tc.name, ':'); i >= 0 && len(tc.name)-i > 8 && strings.Contains(err.Error(), tc.name[i+1:]) {
			t.Errorf("ParseEphemeralName(%q): the error %q repeats the user key", tc.name, err)
		}
	}
}

func TestEphemeralKDFVector(t *testing.T) {
	if testing.Short() || raceDetector {
		// scripts/test.sh runs it in a pass without -race.
		t.Skip("3 scrypt derivations of 1 GiB each (minutes under -race); the round trip checks the other vector")
	}
	v := readKDFVectors(t)["AbCd-EfGh-JkMn-PqRs"]
	start := time.Now()
	k, err := DeriveEphemeral(v.UserKey)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("3 derivations took %v", time.Since(start))
	checkKDFVector(t, v, k)
}

func checkKDFVector(t *testing.T, v kdfVector, k *EphemeralKeys) {
	t.Helper()
	if k.EscrowID != v.EscrowID {
		t.Errorf("%s: escrow id %s, want %s", v.UserKey, k.EscrowID, v.EscrowID)
	}
	if got := wire.EncodeKey(k.EscrowKey); got != v.EscrowKey {
		t.Errorf("%s: escrow key %s, want %s", v.UserKey, got, v.EscrowKey)
	}
	if got := hex.EncodeToString(k.PackKey); got != v.PackKey {
		t.Errorf("%s: pack key %s, want %s", v.UserKey, got, v.PackKey)
	}
}

func readEphemeralVector(t *testing.T, name string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ephemeralVectors, name))
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return b
}

// The escrow-secret the reference server sent in round 1 opens with the
// vector's pack key and is the pack the reference client escrowed.
func TestEphemeralOpenRecordedPack(t *testing.T) {
	var resp wire.RecoveryResponse
	readEphemeralVector(t, "06-eph-recover-recoveryrequest.resp.json", &resp)
	var dec struct {
		PackPlaintext string `json:"pack_plaintext"`
	}
	readEphemeralVector(t, "04-protect-escrowrequest.decrypted.json", &dec)
	packKey, _ := hex.DecodeString(recordedPackKeyHex)
	escrowKey, _ := wire.DecodeKey(recordedEscrowKey)

	plain, err := wire.OpenCompressed(packKey, resp.EscrowSecret)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != dec.PackPlaintext {
		t.Fatalf("decrypted pack differs from the recorded plaintext:\n%s", plain)
	}

	p, err := openEphemeralPack(packKey, resp.EscrowSecret, "pc-test.local", recordedEscrowID, escrowKey)
	if err != nil {
		t.Fatal(err)
	}
	checkRecoveredPack(t, p, "pc-test.local")

	// Another key, or a damaged pack, is an error, not a garbled pack.
	wrong := bytes.Clone(packKey)
	wrong[0] ^= 1
	if _, err := openEphemeralPack(wrong, resp.EscrowSecret, "pc-test.local", recordedEscrowID, escrowKey); err == nil {
		t.Error("a wrong pack key opened the pack")
	}
	sealed, _ := wire.SealCompressed(packKey, []byte(`{"name": "x"}`))
	if _, err := openEphemeralPack(packKey, sealed, "pc-test.local", recordedEscrowID, escrowKey); err == nil || !strings.Contains(err.Error(), "reference pack") {
		t.Errorf("a pack that is not a pack: %v", err)
	}
}

// checkRecoveredPack compares a pack recovered from the ephemeral escrow
// with the pack the reference client saved locally: the same records and
// fragments, and an Ephemeral record that deletes the escrow it came from.
func checkRecoveredPack(t *testing.T, p *Pack, server string) {
	t.Helper()
	local, err := ImportReferencePack(readEphemeralVector(t, "local-pack-ephemeral-both.passcrow", nil))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "pcpeer-ephemeral" || p.Need() != 1 || len(p.Records) != 2 {
		t.Errorf("pack %q needs %d of %d records; want pcpeer-ephemeral, 1 of 2", p.Name, p.Need(), len(p.Records))
	}
	if p.Ephemeral == nil {
		t.Fatal("no Ephemeral record")
	}
	var d PasscrowRecordData
	if err := json.Unmarshal(p.Ephemeral.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Server != server || d.EscrowDataID != recordedEscrowID || d.EscrowKey != recordedEscrowKey || p.Ephemeral.Kind != KindPasscrow {
		t.Errorf("ephemeral record %+v: %s", *p.Ephemeral, p.Ephemeral.Data)
	}
	a, b := *p, *local
	a.Ephemeral, b.Ephemeral = nil, nil
	ma, err := a.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	mb, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ma, mb) {
		t.Errorf("recovered pack differs from the locally saved one:\n%s\nwant:\n%s", ma, mb)
	}
	if _, err := p.Marshal(); err != nil {
		t.Errorf("the recovered pack does not marshal: %v", err)
	}
}

// TestEphemeralRoundTripOurServer stores, on our server, exactly what the
// reference client escrowed in ephemeral mode (its requests 02-04 byte
// for byte), then recovers from the recovery name alone: round 1 brings
// the pack back, round 2 the secret; Forget then deletes all three.
func TestEphemeralRoundTripOurServer(t *testing.T) {
	if raceDetector {
		// Six minutes under -race; scripts/test.sh runs it without.
		t.Skip("3 scrypt derivations of 1 GiB each take minutes under -race")
	}
	var clock atomic.Int64
	rnd := &servertest.QueuedRand{}
	for _, n := range []string{"02", "03"} {
		var dec struct {
			ID string `json:"escrow_data_id"`
		}
		readEphemeralVector(t, n+"-protect-escrowrequest.decrypted.json", &dec)
		_, bare, _ := strings.Cut(dec.ID, "-")
		b, err := hex.DecodeString(bare)
		if err != nil {
			t.Fatal(err)
		}
		rnd.Queue(b)
	}
	rec := &servertest.Recorder{}
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": rec},
		AboutURL:      "https://passcrow.example.org/",
		Now:           func() time.Time { return time.Unix(clock.Load(), 0) },
		Rand:          rnd,
		ReferenceIDs:  true, // request 04's pack names the ids of 02 and 03
		SweepInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})

	for _, n := range []string{"02", "03", "04"} {
		var dec struct {
			Hashcash struct{ TS int64 } `json:"hashcash"`
		}
		readEphemeralVector(t, n+"-protect-escrowrequest.decrypted.json", &dec)
		clock.Store(dec.Hashcash.TS + 1) // inside the stamp's window
		req := readEphemeralVector(t, n+"-protect-escrowrequest.req.json", nil)
		want := readEphemeralVector(t, n+"-protect-escrowrequest.resp.json", nil)
		resp, err := http.Post(hs.URL+"/passcrow/escrowrequest", "application/json", bytes.NewReader(req))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, want) {
			t.Fatalf("escrow request %s: our server answered\n%s\nwant\n%s", n, got, want)
		}
	}

	// Round 1, from the recovery name alone.
	ctx := context.Background()
	name := hs.URL + ":" + recordedUserKey
	e, err := NewEphemeralRecovery(name)
	if err != nil {
		t.Fatal(err)
	}
	if e.Server() != hs.URL {
		t.Errorf("Server() = %q, want %q", e.Server(), hs.URL)
	}
	e.Client.Interval = 0 // our server runs without a rate limit here
	var mu sync.Mutex
	var fractions []float64
	e.Progress = func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Stage == "deriving key" {
			fractions = append(fractions, p.Fraction)
		}
	}
	start := time.Now()
	ch, err := e.RequestCode(ctx, "en")
	if err != nil {
		t.Fatalf("request code: %v", err)
	}
	t.Logf("2 derivations and the request took %v", time.Since(start))
	if ch.Prefix != "1" || ch.Hint != "a*@e*ple.org" || ch.Expires.IsZero() {
		t.Errorf("challenge %+v", ch)
	}
	code := rec.CodeFor(t, "alice@example.org")
	if !strings.HasPrefix(code, "1") {
		t.Errorf("round-1 code %q does not start with 1", code)
	}

	// A code of the wrong form never reaches the server; a wrong code
	// is refused and the right one still works.
	if _, err := e.Finish(ctx, "2"+code[1:]); !errors.Is(err, ErrUnknownPrefix) {
		t.Errorf("a code with prefix 2: %v, want ErrUnknownPrefix", err)
	}
	wrong := code[:len(code)-1] + string('0'+(code[len(code)-1]-'0'+1)%10)
	start = time.Now()
	if _, err := e.Finish(ctx, wrong); !errors.Is(err, ErrIncorrectCode) {
		t.Fatalf("a wrong code: %v, want ErrIncorrectCode", err)
	}
	t.Logf("the third derivation and a refused code took %v", time.Since(start))
	p, err := e.Finish(ctx, " "+strings.ToLower(code)+" ")
	if err != nil {
		t.Fatalf("finish: %v", err)
	}
	checkRecoveredPack(t, p, hs.URL)

	// The keys derived on the way are the vector's, each derived once.
	v := readKDFVectors(t)[recordedUserKey]
	checkKDFVector(t, v, &EphemeralKeys{EscrowID: hex.EncodeToString(e.keys[0][:16]), EscrowKey: e.keys[1], PackKey: e.keys[2]})
	mu.Lock()
	if len(fractions) != 3 || fractions[2] != 1 {
		t.Errorf("derivation progress %v, want 3 reports ending at 1", fractions)
	}
	mu.Unlock()

	// Round 2: the recovered pack is an ordinary one. Its records name
	// the reference's server "pc-test.local", which is ours here.
	c := e.Client
	keepers := NewKeepers(&PasscrowKeeper{Client: func(server string) (*Client, error) {
		if server != "pc-test.local" && server != hs.URL {
			t.Errorf("keeper asked for server %q", server)
		}
		return c, nil
	}})
	r := NewRecovery(p, keepers)
	for _, res := range r.RequestCodes(ctx, "en") {
		if res.Err != nil {
			t.Fatalf("round 2, %s: %v", res.Record.Prefix, res.Err)
		}
	}
	if _, err := r.SubmitCode(ctx, rec.CodeFor(t, "bob@example.com")); err != nil {
		t.Fatalf("round 2: %v", err)
	}
	secret, bad, err := r.Secret()
	if err != nil || bad != nil {
		t.Fatalf("secret: %v, %v", err, bad)
	}
	if string(secret) != recordedSecret {
		t.Fatalf("secret %q, want %q", secret, recordedSecret)
	}

	// Forget deletes the escrowed pack too: no code can be sent for it.
	if err := Forget(ctx, p, keepers); err != nil {
		t.Fatalf("forget: %v", err)
	}
	if _, err := e.RequestCode(ctx, "en"); err == nil {
		t.Error("a code was sent for the escrowed pack after Forget")
	}
}

// A code that cannot be a round-1 code is refused before the slow key
// derivation and before any server is asked.
func TestEphemeralFinishRefusesBadCodesOffline(t *testing.T) {
	e, err := NewEphemeralRecovery("pc-test.local:" + recordedUserKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"", "1234", "1abcdef", "A123456"} {
		_, err := e.Finish(context.Background(), code)
		if !errors.Is(err, ErrCodeFormat) && !errors.Is(err, ErrUnknownPrefix) {
			t.Errorf("Finish(%q): %v, want a code error", code, err)
		}
	}
	if len(e.keys) != 0 {
		t.Error("keys were derived for a code that cannot be right")
	}
}
