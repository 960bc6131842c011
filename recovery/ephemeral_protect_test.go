package recovery

// ProtectEphemeral is tested both ways without the reference client,
// which does not run here:
//
//   - against the reference: given the reference's random draws, it
//     sends the very requests the reference client sent in the recorded
//     ephemeral session (vectors/ephemeral 01-04), byte for byte, and
//     keeps the very pack it saved;
//   - for the reference: what it escrows on our real server comes back
//     through EphemeralRecovery from the recovery name, reads under the
//     reference's strict key sets (refpack_strict_test.go) and opens the
//     reference's way as well as ours.
//
// Neither derives keys: 1 GiB of scrypt takes from 3 s to over a minute
// under -race. Both use the recorded user key, whose keys the vectors
// give and TestEphemeralRoundTripOurServer derives for real.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// recordedKeys are the keys of recordedUserKey, from the vectors.
func recordedKeys(t *testing.T) *EphemeralKeys {
	t.Helper()
	v := readKDFVectors(t)[recordedUserKey]
	id, err := hex.DecodeString(v.EscrowID)
	if err != nil || len(id) != 16 {
		t.Fatalf("escrow id %q", v.EscrowID)
	}
	ek, err := wire.DecodeKey(v.EscrowKey)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := hex.DecodeString(v.PackKey)
	if err != nil {
		t.Fatal(err)
	}
	return &EphemeralKeys{EscrowID: v.EscrowID, EscrowKey: ek, PackKey: pk}
}

// knownDerivation stands in for the key derivation of the recorded user
// key only, and fails the test for any other.
func knownDerivation(t *testing.T) func(context.Context, string) (*EphemeralKeys, error) {
	keys := recordedKeys(t)
	return func(_ context.Context, uk string) (*EphemeralKeys, error) {
		if uk != recordedUserKey {
			t.Errorf("derivation asked for another user key than the one drawn")
			return nil, errors.New("unknown user key")
		}
		// Copies: ProtectEphemeral wipes the keys it was given.
		return &EphemeralKeys{EscrowID: keys.EscrowID, EscrowKey: bytes.Clone(keys.EscrowKey), PackKey: bytes.Clone(keys.PackKey)}, nil
	}
}

// userKeyDraw is 32 bytes whose base64 starts with the recorded user
// key's 16 characters, so the reference's filter keeps exactly them.
func userKeyDraw(t *testing.T) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(recordedUserKey, "-", "") + strings.Repeat("A", 27) + "=")
	if err != nil || len(b) != 32 {
		t.Fatalf("user key draw: %d bytes, %v", len(b), err)
	}
	return b
}

// rewriteTransport sends https://<host>/... to a server on loopback,
// as the recording's urlopen_func sent https://pc-test.local there: it
// stands in for DNS and TLS only.
type rewriteTransport struct{ to *url.URL }

func (rt rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.to.Scheme, rt.to.Host, ""
	return http.DefaultTransport.RoundTrip(r)
}

// The reference's draws in the recorded session, read back from what it
// sent and saved.
type recordedDraws struct {
	key, secretNonce, a1, a2, packNonce []byte
	zlib                                []byte // the reference's deflate of the pack
	packPlain                           []byte
	stamps                              []string // hashcash tokens, 02-04
	stampTS                             []int64
	client                              []byte // escrow keys and nonces, in draw order
}

func readRecordedDraws(t *testing.T) recordedDraws {
	t.Helper()
	var d recordedDraws
	type decrypted struct {
		Params      string `json:"parameters_plaintext"`
		ParamsNonce string `json:"parameters_nonce_hex"`
		DataKey     string `json:"escrow_data_key_b64"`
		DataNonce   string `json:"escrow_data_nonce_hex"`
		Data        string `json:"escrow_data_plaintext"`
		Hashcash    struct {
			Counter uint64 `json:"counter"`
			TS      int64  `json:"ts"`
		} `json:"hashcash"`
		PackNonce string `json:"pack_nonce_hex"`
		PackPlain string `json:"pack_plaintext"`
	}
	var shares []string
	for _, n := range []string{"02", "03", "04"} {
		var dec decrypted
		readEphemeralVector(t, n+"-protect-escrowrequest.decrypted.json", &dec)
		var req wire.EscrowRequest
		mustWireUnmarshal(t, readEphemeralVector(t, n+"-protect-escrowrequest.req.json", nil), &req)
		var params wire.EscrowParameters
		var data wire.EscrowData
		mustWireUnmarshal(t, []byte(dec.Params), &params)
		mustWireUnmarshal(t, []byte(dec.Data), &data)
		pkey, _ := wire.DecodeKey(req.ParametersKey)
		dnonce, _ := hex.DecodeString(dec.DataNonce)
		pnonce, _ := hex.DecodeString(dec.ParamsNonce)
		if n != "04" { // the pack's escrow key is derived, not drawn
			dkey, _ := wire.DecodeKey(dec.DataKey)
			d.client = append(d.client, dkey...)
			shares = append(shares, data.Secret)
		} else {
			d.packNonce, _ = hex.DecodeString(dec.PackNonce)
			d.packPlain = []byte(dec.PackPlain)
			pk, _ := hex.DecodeString(recordedPackKeyHex)
			var err error
			if d.zlib, err = wire.Open(pk, data.Secret); err != nil {
				t.Fatal(err)
			}
		}
		d.client = slices.Concat(d.client, dnonce, pkey, pnonce)
		d.stamps = append(d.stamps, params.Payment)
		d.stampTS = append(d.stampTS, dec.Hashcash.TS)
	}

	var local struct {
		Secret string   `json:"secret"`
		Shares []string `json:"shares"`
	}
	readEphemeralVector(t, "local-pack-ephemeral-both.passcrow", &local)
	raw, _ := base64.StdEncoding.DecodeString(local.Secret)
	d.secretNonce = raw[:wire.NonceSize]

	// The Recovery Key from all four points, then the polynomial
	// f(x) = K + a1·x + a2·x² from f(1) and f(2).
	shares = append(shares, local.Shares...)
	var ps []primeShare
	for _, s := range shares {
		p, err := parsePrimeShare(s)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	k, err := primeCombine(ps)
	if err != nil {
		t.Fatal(err)
	}
	if d.key, err = keyFromInt(k); err != nil || d.key[0] == 0 {
		t.Fatalf("recorded key %x: %v", d.key, err)
	}
	mod := func(x *big.Int) *big.Int { return x.Mod(x, prime521) }
	f1 := mod(new(big.Int).Sub(ps[0].y, k))
	f2 := mod(new(big.Int).Sub(ps[1].y, k))
	a2 := mod(new(big.Int).Mul(mod(new(big.Int).Sub(f2, new(big.Int).Lsh(f1, 1))), new(big.Int).ModInverse(big.NewInt(2), prime521)))
	a1 := mod(new(big.Int).Sub(f1, a2))
	d.a1 = a1.FillBytes(make([]byte, primeFieldBytes))
	d.a2 = a2.FillBytes(make([]byte, primeFieldBytes))
	return d
}

// TestProtectEphemeralReplaysReference makes the recorded ephemeral
// protect again: the same inputs, the reference's random draws (user key,
// Recovery Key, polynomial, escrow keys, nonces), its clock and its
// hashcash stamps, against the captured responses (the replay server of
// client_replay_test.go). Every request must be the reference's, byte
// for byte, and the local pack the file the reference saved.
//
// One thing is not ours: the deflate of the pack. C zlib and Go's
// compress/flate make different valid streams of the same bytes (666
// and 676 bytes here), so the test hands ProtectEphemeral the
// reference's stream, only after checking that the bytes to compress
// are the reference's pack byte for byte. The hashcash stamps are the
// recorded ones too (the reference's search ran on a moving clock); each
// is checked to be valid for the escrow data we made.
func TestProtectEphemeralReplaysReference(t *testing.T) {
	draws := readRecordedDraws(t)
	xs := loadExchanges(t, "ephemeral")[:4]
	var clock atomic.Int64
	clock.Store(1795460852) // the pack's created-ts
	now := func() time.Time { return time.Unix(clock.Load(), 0) }

	// The replay server moves the clock as the recording's did: each
	// request arrives, then the next escrow starts at its stamp's time.
	rs := &replayServer{t: t, xs: xs}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		i := rs.next
		rs.mu.Unlock()
		if i < len(draws.stampTS) {
			clock.Store(draws.stampTS[i])
		}
		rs.serve(w, r)
	}))
	t.Cleanup(rs.Close)
	to, _ := url.Parse(rs.URL)

	c, err := NewClient("pc-test.local")
	if err != nil {
		t.Fatal(err)
	}
	c.HTTP.Transport = rewriteTransport{to}
	c.Interval, c.Attempts, c.Now = 0, 1, now
	clientRand := bytes.NewReader(draws.client)
	c.Rand = clientRand
	var stamp atomic.Int32
	c.solve = func(_ context.Context, data []byte, schemeID string, bits int, _ hashcash.SolveOptions) (string, error) {
		i := int(stamp.Add(1)) - 1
		if i >= len(draws.stamps) {
			t.Fatalf("paid %d times", i+1)
		}
		scheme, cash, _ := strings.Cut(draws.stamps[i], ":")
		if scheme != schemeID || bits != 12 {
			t.Errorf("escrow %d: asked to pay %s with %d bits, the reference paid %s", i, schemeID, bits, draws.stamps[i])
		}
		if err := hashcash.Verify(data, bits, cash, time.Unix(draws.stampTS[i]+1, 0)); err != nil {
			t.Errorf("escrow %d: the reference's stamp does not pay for our escrow data: %v", i, err)
		}
		return draws.stamps[i], nil
	}
	loc := func(id string) *PasscrowLocation {
		l, err := NewPasscrowLocation(c, id)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	reqRand := bytes.NewReader(slices.Concat(userKeyDraw(t), draws.key, draws.secretNonce, draws.a1, draws.a2, draws.packNonce))
	res, err := ProtectEphemeral(context.Background(), EphemeralRequest{
		Name:            "pcpeer-ephemeral",
		Description:     "pcpeer eph",
		PackDescription: "pcpeer ephemeral pack",
		Secret:          []byte(recordedSecret),
		PackHolder:      loc("email:alice@example.org"),
		Holders:         []*PasscrowLocation{loc("email:bob@example.com"), loc("email:carol@mail.example.net")},
		// The reference's 2/3 over three identities, one kept for the
		// pack: round(2·2/3) = 1 of the other two.
		Policy:     AnyOne(),
		Keep:       365 * 24 * time.Hour,
		Now:        now,
		Rand:       reqRand,
		deriveKeys: knownDerivation(t),
		compress: func(pt []byte) ([]byte, error) {
			if !bytes.Equal(pt, draws.packPlain) {
				t.Errorf("the pack to escrow is not the reference's:\n%s\nwant\n%s", pt, draws.packPlain)
				return zlibBest(pt)
			}
			return draws.zlib, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	if len(rs.got) != len(xs) {
		t.Fatalf("%d requests, the reference sent %d", len(rs.got), len(xs))
	}
	for i, x := range xs {
		sameBytes(t, x.name, rs.body(i), x.req)
	}
	if res.RecoveryName != "pc-test.local:"+recordedUserKey || !res.ReferenceClientCanRecover {
		t.Errorf("recovery name %q (reference can recover: %v)", res.RecoveryName, res.ReferenceClientCanRecover)
	}
	sameBytes(t, "local pack", res.reference, readEphemeralVector(t, "local-pack-ephemeral-both.passcrow", nil))
	want, err := ImportReferencePack(readEphemeralVector(t, "local-pack-ephemeral-both.passcrow", nil))
	if err != nil {
		t.Fatal(err)
	}
	gotPack, err := res.Pack.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	wantPack, _ := want.Marshal()
	sameBytes(t, "our pack", gotPack, wantPack)
	if reqRand.Len() != 0 || clientRand.Len() != 0 || stamp.Load() != 3 {
		t.Errorf("left over: %d + %d random bytes, %d of 3 stamps used", reqRand.Len(), clientRand.Len(), stamp.Load())
	}
}

// ephemeralServer starts our Passcrow server on 127.0.0.1, as a user's
// would be, with a recorder in place of the mail. The log keeps the
// escrow ids it granted and those it was asked to delete; its skew
// moves the server's clock (a second code for the same escrow comes
// only after a minute).
func ephemeralServer(t *testing.T) (*httptest.Server, *servertest.Recorder, *escrowLog) {
	t.Helper()
	rec := &servertest.Recorder{}
	log := &escrowLog{}
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": rec},
		AboutURL:      "https://passcrow.example.org/",
		SweepInterval: -1,
		Now:           func() time.Time { return time.Now().Add(time.Duration(log.skew.Load())) },
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rw := httptest.NewRecorder()
		srv.ServeHTTP(rw, r)
		var resp wire.EscrowResponse
		var del wire.DeletionRequest
		switch r.URL.Path {
		case "/passcrow/escrowrequest":
			if json.Unmarshal(rw.Body.Bytes(), &resp) == nil && resp.EscrowDataID != "" {
				log.add(&log.escrowed, resp.EscrowDataID)
			}
		case "/passcrow/deletionrequest":
			if json.Unmarshal(body, &del) == nil {
				log.add(&log.deleted, del.EscrowDataID)
			}
		}
		for k, v := range rw.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.Code)
		w.Write(rw.Body.Bytes())
	}))
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return hs, rec, log
}

type escrowLog struct {
	skew              atomic.Int64 // nanoseconds
	mu                sync.Mutex
	escrowed, deleted []string
}

func (l *escrowLog) add(to *[]string, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	*to = append(*to, id)
}

func (l *escrowLog) ids() (escrowed, deleted []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.escrowed), slices.Clone(l.deleted)
}

// TestProtectEphemeralRecoveredFromName protects with our real servers
// (the pack and one share on the first, a share on the second), then
// recovers from the recovery name alone as the reference client would:
// round 1 fetches the pack, which must read under the reference's key
// sets and carry no trace of the user key; round 2 opens the secret both
// through our Recovery and the reference's way. Forget then leaves
// nothing on either server.
func TestProtectEphemeralRecoveredFromName(t *testing.T) {
	hs1, rec1, log1 := ephemeralServer(t)
	hs2, rec2, log2 := ephemeralServer(t)
	c1, c2 := testClient(t, hs1.URL), testClient(t, hs2.URL)
	loc := func(c *Client, id string) *PasscrowLocation {
		l, err := NewPasscrowLocation(c, id)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	rnd := &servertest.QueuedRand{}
	rnd.Queue(userKeyDraw(t))
	var mu sync.Mutex
	var stages []string
	secret := []byte("our secret for the reference: þíð")
	ctx := context.Background()
	res, err := ProtectEphemeral(ctx, EphemeralRequest{
		Name:        "wallet",
		Description: "My wallet",
		Secret:      secret,
		PackHolder:  loc(c1, "email:alice@example.org"),
		Holders:     []*PasscrowLocation{loc(c1, "email:bob@example.com"), loc(c2, "email:carol@example.net")},
		Policy:      NofM(2),
		Keep:        24 * time.Hour, // the free tier: no hashcash
		Rand:        rnd,
		Progress: func(p Progress) {
			mu.Lock()
			defer mu.Unlock()
			stages = append(stages, p.Stage)
		},
		deriveKeys: knownDerivation(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.RecoveryName != hs1.URL+":"+recordedUserKey || res.ReferenceClientCanRecover {
		t.Errorf("recovery name %q, reference can recover %v (its servers are URLs here)", res.RecoveryName, res.ReferenceClientCanRecover)
	}
	if p := res.Pack; p.Ephemeral == nil || len(p.Records) != 2 || p.Need() != 2 || len(p.Fragments) != 1 || p.Scheme != SchemeP521 {
		t.Fatalf("pack: %d records, needs %d, %d own fragments, ephemeral %v", len(p.Records), p.Need(), len(p.Fragments), p.Ephemeral)
	}
	mu.Lock()
	if !slices.Contains(stages, "placing the pack") || !slices.Contains(stages, "done") {
		t.Errorf("progress stages %q", stages)
	}
	mu.Unlock()
	ours, err := res.Pack.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ours, []byte(recordedUserKey)) {
		t.Error("our pack holds the user key")
	}
	// The local copy in the reference's form reads under its rules too.
	if _, err := checkReferencePackStrict(hostForm(res.reference, hs1.URL, hs2.URL), false); err != nil {
		t.Errorf("local copy, reference form: %v", err)
	}

	// Round 1 from the name alone. The keys of the recorded user key are
	// the vector's (derived for real by TestEphemeralRoundTripOurServer).
	e, err := NewEphemeralRecovery(res.RecoveryName)
	if err != nil {
		t.Fatal(err)
	}
	e.Client.Interval = 0
	k := recordedKeys(t)
	id, _ := hex.DecodeString(k.EscrowID)
	e.keys = [][]byte{id, k.EscrowKey, k.PackKey}
	ch, err := e.RequestCode(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Prefix != "1" || ch.Hint != "a*@e*ple.org" {
		t.Errorf("round 1 challenge %+v", ch)
	}
	code := rec1.CodeFor(t, "alice@example.org")
	p, err := e.Finish(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	a, b := *p, *res.Pack
	a.Ephemeral, b.Ephemeral = nil, nil
	ma, _ := a.Marshal()
	mb, _ := b.Marshal()
	sameBytes(t, "recovered pack", ma, mb)

	// The escrowed pack itself, under the reference's rules (our server
	// spends a code on use: a new one). Its servers are URLs here, which
	// the reference cannot reach: named as bare host names for the check.
	log1.skew.Store(int64(2 * time.Minute))
	if _, err := e.RequestCode(ctx, "en"); err != nil {
		t.Fatal(err)
	}
	sealed, err := e.Client.Recover(ctx, k.EscrowID, k.EscrowKey, rec1.CodeFor(t, "alice@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := wire.OpenCompressed(k.PackKey, sealed)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(plain, []byte(recordedUserKey)) {
		t.Error("the escrowed pack holds the user key")
	}
	rp, err := checkReferencePackStrict(hostForm(plain, hs1.URL, hs2.URL), true)
	if err != nil {
		t.Fatalf("the escrowed pack, read as the reference reads it: %v\n%s", err, plain)
	}
	if got := topKeys(t, plain); !slices.Equal(got, []string{"name", "created-ts", "description", "secret", "min-shares", "shares", "escrow"}) {
		t.Errorf("escrowed pack keys %q, not the reference's order", got)
	}

	// Round 2: carol's and bob's codes (prefixes 2 and 1, as the
	// reference would give them).
	keepers := NewKeepers(&PasscrowKeeper{Client: func(server string) (*Client, error) {
		switch server {
		case hs1.URL:
			return c1, nil
		case hs2.URL:
			return c2, nil
		}
		t.Errorf("keeper asked for %q", server)
		return nil, errors.New("unknown server")
	}})
	r := NewRecovery(p, keepers)
	for _, res := range r.RequestCodes(ctx, "en") {
		if res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	bobCode, carolCode := rec1.CodeFor(t, "bob@example.com"), rec2.CodeFor(t, "carol@example.net")
	if bobCode[:1] != "1" || carolCode[:1] != "2" {
		t.Errorf("round 2 codes start with %q and %q, want 1 and 2", bobCode[:1], carolCode[:1])
	}
	for _, c := range []string{carolCode, bobCode} {
		if _, err := r.SubmitCode(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, bad, err := r.Secret()
	if err != nil || bad != nil || !bytes.Equal(got, secret) {
		t.Fatalf("secret %q, %v, %v", got, bad, err)
	}

	// The reference's way, with fresh codes: the escrow-secrets as they
	// come back, the pack's shares, its int-to-key conversion and blob.
	log1.skew.Store(int64(4 * time.Minute))
	log2.skew.Store(int64(2 * time.Minute))
	for _, res := range NewRecovery(p, keepers).RequestCodes(ctx, "en") {
		if res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	bobCode, carolCode = rec1.CodeFor(t, "bob@example.com"), rec2.CodeFor(t, "carol@example.net")
	var escrowed []string
	for i, rec := range rp.shareRecords() {
		resp := rec["response"].(map[string]any)
		key, _ := wire.DecodeKey(rec["recovery-key"].(string))
		c, code := c1, bobCode
		if i == 1 {
			c, code = c2, carolCode
		}
		s, err := c.Recover(ctx, resp["escrow-data-id"].(string), key, code)
		if err != nil {
			t.Fatal(err)
		}
		escrowed = append(escrowed, s)
	}
	if got, err := referenceRecover(rp, escrowed); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("the reference's recovery: %q, %v", got, err)
	}
	if _, err := referenceRecover(rp, escrowed[:1]); err == nil {
		t.Error("the reference's recovery worked with one code of two")
	}

	// Forget deletes the shares and the escrowed pack.
	if err := Forget(ctx, res.Pack, keepers); err != nil {
		t.Fatal(err)
	}
	if _, err := e.RequestCode(ctx, "en"); err == nil {
		t.Error("the escrowed pack is still there after Forget")
	}
	for _, res := range NewRecovery(p, keepers).RequestCodes(ctx, "en") {
		if res.Err == nil {
			t.Errorf("record %s still there after Forget", res.Record.Prefix)
		}
	}
}

// hostForm names our test servers as the reference names servers, by
// bare host name (it reaches https://<name>/passcrow/, which a test
// server on a loopback port is not).
func hostForm(pack []byte, urls ...string) []byte {
	for i, u := range urls {
		pack = bytes.ReplaceAll(pack, []byte(`"`+u+`"`), []byte(`"server`+string(rune('1'+i))+`.example"`))
	}
	return pack
}

// A failed pack escrow leaves no share behind, and the bad requests
// fail before any server is asked or any key derived.
func TestProtectEphemeralRollsBackAndRefuses(t *testing.T) {
	hs, rec, log := ephemeralServer(t)
	c := testClient(t, hs.URL)
	loc := func(id string) *PasscrowLocation {
		l, err := NewPasscrowLocation(c, id)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	alice, bob, carol := loc("email:alice@example.org"), loc("email:bob@example.com"), loc("email:carol@example.net")
	derived := 0
	base := EphemeralRequest{
		Name: "w", Description: "w", Secret: []byte("s"), PackHolder: alice,
		Holders: []*PasscrowLocation{bob, carol}, Policy: AnyOne(), Keep: time.Hour,
		deriveKeys: func(context.Context, string) (*EphemeralKeys, error) {
			derived++
			return &EphemeralKeys{EscrowID: "ab", EscrowKey: make([]byte, 32), PackKey: make([]byte, 32)}, nil
		},
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(*EphemeralRequest)
		want string
	}{
		{"no holder", func(r *EphemeralRequest) { r.Holders = nil }, "at least one identity must keep a share"},
		{"pack holder with a share", func(r *EphemeralRequest) { r.Holders = []*PasscrowLocation{bob, loc("email:Alice@example.org")} }, "chosen twice"},
		{"policy", func(r *EphemeralRequest) { r.Policy = NofM(3) }, "needs 3 locations but only 2"},
		{"kind", func(r *EphemeralRequest) { r.Holders = []*PasscrowLocation{bob, loc("sms:+3545885522")} }, "sms"},
		{"too long", func(r *EphemeralRequest) { r.Keep = 10000 * 24 * time.Hour }, "keeps data at most"},
	} {
		req := base
		tc.edit(&req)
		if _, err := ProtectEphemeral(ctx, req); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if derived != 0 || rec.Count() != 0 {
		t.Errorf("refused requests derived %d times", derived)
	}

	// The escrow id "ab" is too short for a prefer-id: the pack's escrow
	// fails after both shares were placed, and both are deleted.
	_, err := ProtectEphemeral(ctx, base)
	if err == nil || !strings.Contains(err.Error(), "escrowing the pack") {
		t.Fatalf("want the pack escrow to fail: %v", err)
	}
	if derived != 1 {
		t.Errorf("derived %d times", derived)
	}
	escrowed, deleted := log.ids()
	if len(escrowed) != 2 || !slices.Equal(escrowed, deleted) {
		t.Errorf("escrowed %q, deleted %q: want both shares deleted", escrowed, deleted)
	}
}
