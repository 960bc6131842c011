package server

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// The release-delay extension over real HTTP on 127.0.0.1, with the
// server's clock moved instead of waiting days. Codes and notices are
// recorded instead of mailed (noticeRecorderFake); the server, its store
// and the HTTP between are real.

// noticeRecorderFake is recordingVerifierFake that also keeps notices;
// with failNotify set, Notify fails as a refusing mail server would.
type noticeRecorderFake struct {
	*recordingVerifierFake
	mu         sync.Mutex
	notices    []verify.Notice
	failNotify error
}

func (v *noticeRecorderFake) Notify(_ context.Context, n verify.Notice) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.failNotify != nil {
		return v.failNotify
	}
	v.notices = append(v.notices, n)
	return nil
}

func (v *noticeRecorderFake) events() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, n := range v.notices {
		out = append(out, n.Event+" "+n.Address+" "+n.ReleaseAt.UTC().Format(time.RFC3339))
	}
	return out
}

func (v *noticeRecorderFake) setFail(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.failNotify = err
}

type releaseEnv struct {
	*testEnv
	notices *noticeRecorderFake
}

func newReleaseEnv(t *testing.T, mod func(*Config)) *releaseEnv {
	t.Helper()
	rec := &noticeRecorderFake{recordingVerifierFake: &recordingVerifierFake{}}
	env := newTestEnv(t, func(c *Config) {
		c.Verifiers = map[string]verify.Verifier{"email": rec}
		if mod != nil {
			mod(c)
		}
	})
	env.verifier = rec.recordingVerifierFake
	return &releaseEnv{testEnv: env, notices: rec}
}

// heirEscrow is an escrow with a waiting period, as an owner makes it.
type heirEscrow struct {
	escrowFixture
	token string // base64 owner token
}

func newOwnerToken(t testing.TB) string {
	b := make([]byte, 32)
	rand.Read(b)
	return wire.EncodeKey(b)
}

// delayedRequest builds a delayed-escrow body around a 1.0 escrow
// request for the heir with notify as the owner, paid for life (with
// hashcash beyond the free 25 hours).
func (env *releaseEnv) delayedRequest(t testing.TB, delayDays int, token, notify string, life time.Duration) ([]byte, string) {
	t.Helper()
	return env.delayedRequestID(t, delayDays, token, notify, life, "")
}

func (env *releaseEnv) delayedRequestID(t testing.TB, delayDays int, token, notify string, life time.Duration, preferID string) ([]byte, string) {
	t.Helper()
	pkey, dkey := make([]byte, 32), make([]byte, 32)
	rand.Read(pkey)
	rand.Read(dkey)
	data := seal(t, dkey, wire.EscrowData{Description: "Family photos", Secret: "the pack", Verify: "email:heir@example.org", Timeout: 1800, Notify: notify})
	pay := "free:0"
	if life > freeExpiration {
		var err error
		pay, err = hashcash.Solve(context.Background(), []byte(data), "hashcash-11", 11, hashcash.SolveOptions{Now: env.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
	}
	params := wire.EscrowParameters{Kind: "email", Expiration: env.clock.Now().Add(life).Unix(), Payment: pay, PreferID: preferID}
	inner, err := wire.Marshal(wire.EscrowRequest{
		Version: wire.Version, Parameters: seal(t, pkey, params), ParametersKey: wire.EncodeKey(pkey), EscrowData: []string{data},
	})
	if err != nil {
		t.Fatal(err)
	}
	body, err := wire.Marshal(wire.DelayedEscrowRequest{
		Version: wire.ExtVersion, EscrowRequest: inner, DelayDays: delayDays,
		OwnerToken: token, OwnerLanguage: "en",
	})
	if err != nil {
		t.Fatal(err)
	}
	return body, wire.EncodeKey(dkey)
}

// delayedEscrow makes an escrow with a waiting period through the
// extension's request; one longer-lived than the free 25 hours is put in
// the store directly, with what that request would store, as hashcash
// for months of storage takes seconds per escrow (the request with
// hashcash is TestDelayedEscrowPaid's).
func (env *releaseEnv) delayedEscrow(t testing.TB, delayDays int, life time.Duration) heirEscrow {
	t.Helper()
	token := newOwnerToken(t)
	if life > freeExpiration {
		dkey := make([]byte, 32)
		rand.Read(dkey)
		id, _ := randomHex(rand.Reader, 16)
		e := Escrow{ID: id, Kind: "email", Expiration: env.clock.Now().Add(life).Unix(),
			Data: seal(t, dkey, wire.EscrowData{Description: "Family photos", Secret: "the pack", Verify: "email:heir@example.org", Timeout: 1800, Notify: "email:owner@example.org"})}
		hash, err := ownerHash(token)
		if err != nil {
			t.Fatal(err)
		}
		err = env.srv.store.(ReleaseStore).CreateDelayedEscrow(context.Background(), e,
			Release{Expiration: e.Expiration, DelayDays: delayDays, OwnerHash: hash, Language: "en"}, env.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return heirEscrow{escrowFixture{id: fullID(e), key: wire.EncodeKey(dkey), secret: "the pack", exp: e.Expiration}, token}
	}
	body, key := env.delayedRequest(t, delayDays, token, "email:owner@example.org", life)
	var resp wire.EscrowResponse
	env.callRaw(t, wire.MethodDelayedEscrow, body, &resp)
	if resp.Error != "" {
		t.Fatalf("delayed escrow: %s", resp.Error)
	}
	return heirEscrow{escrowFixture{id: resp.EscrowDataID, key: key, secret: "the pack", exp: resp.Expiration}, token}
}

func (env *releaseEnv) callRaw(t testing.TB, method string, body []byte, resp any) {
	t.Helper()
	status, b := env.post(t, method, body)
	if status != http.StatusOK {
		t.Fatalf("%s: HTTP %d: %s", method, status, b)
	}
	if err := wire.Unmarshal(b, resp); err != nil {
		t.Fatalf("%s: response does not parse: %v\n%s", method, err, b)
	}
}

// claim asks for a code and tries it, as the heir does; it returns the
// recovery answer.
func (env *releaseEnv) claim(t testing.TB, h heirEscrow) wire.RecoveryResponse {
	t.Helper()
	env.clock.advance(2 * time.Minute) // past the resend interval
	return env.recover(t, h.escrowFixture, env.verifyCode(t, h.escrowFixture, "H"))
}

func pendingUntil(t testing.TB, resp wire.RecoveryResponse) time.Time {
	t.Helper()
	rest, ok := strings.CutPrefix(resp.Error, wire.ErrReleasePendingP)
	if !ok || resp.EscrowSecret != "" {
		t.Fatalf("want a pending release, got %+v", resp)
	}
	at, err := time.Parse(time.RFC3339, rest)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func (env *releaseEnv) status(t testing.TB, refs ...wire.EscrowRef) []wire.ReleaseStatus {
	t.Helper()
	var resp wire.ReleaseStatusResponse
	body, _ := wire.Marshal(wire.ReleaseStatusRequest{Version: wire.ExtVersion, Escrows: refs})
	env.callRaw(t, wire.MethodReleaseStatus, body, &resp)
	if resp.Error != "" {
		t.Fatalf("status: %s", resp.Error)
	}
	return resp.Escrows
}

func (env *releaseEnv) owner(t testing.TB, method, id, token string) wire.OwnerResponse {
	t.Helper()
	var resp wire.OwnerResponse
	body, _ := wire.Marshal(wire.OwnerRequest{Version: wire.ExtVersion, EscrowDataID: id, OwnerToken: token})
	env.callRaw(t, method, body, &resp)
	return resp
}

func TestExtensionsAdvertised(t *testing.T) {
	env := newReleaseEnv(t, nil)
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		status, b := env.do(t, m, "/passcrow/extensions", []byte("{}"))
		var ext wire.Extensions
		if err := wire.Unmarshal(b, &ext); err != nil || status != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s: %v", m, status, b, err)
		}
		if len(ext.Extensions) != 1 || ext.Extensions[0] != wire.ExtReleaseDelay || ext.ReleaseDelay == nil ||
			ext.ReleaseDelay.MinDays != 1 || ext.ReleaseDelay.MaxDays != 90 {
			t.Fatalf("%s: %s", m, b)
		}
	}
	// The policy, a 1.0 answer, stays as the reference's.
	_, b := env.post(t, wire.MethodPolicy, []byte("{}"))
	if strings.Contains(string(b), "release") || strings.Contains(string(b), "extension") {
		t.Fatalf("the policy names an extension: %s", b)
	}
}

func TestExtensionsOffAnswersAsReference(t *testing.T) {
	env := newReleaseEnv(t, func(c *Config) { c.NoExtensions = true })
	status, b := env.post(t, "extensions", []byte("{}"))
	if status != http.StatusOK || string(b) != `{
  "error": "Unsupported: extensions"
}` {
		t.Fatalf("HTTP %d %s", status, b)
	}
	body, _ := env.delayedRequest(t, 7, newOwnerToken(t), "email:owner@example.org", 24*time.Hour)
	if status, b := env.post(t, wire.MethodDelayedEscrow, body); status != http.StatusNotFound {
		t.Fatalf("delayed escrow with extensions off: HTTP %d %s", status, b)
	}
}

// TestReleaseAfterWait is the whole life of an heir's escrow: the first
// verified code starts the wait and tells the owner, codes during the
// wait are refused with the time of release, the owner is reminded, the
// owner cancels, a new claim tells the owner again, and after the wait a
// new code releases the secret.
func TestReleaseAfterWait(t *testing.T) {
	env := newReleaseEnv(t, nil)
	h := env.delayedEscrow(t, 7, 30*24*time.Hour)
	start := env.clock.Now()

	// Before any claim: status shows the waiting period, nothing pending.
	st := env.status(t, wire.EscrowRef{EscrowDataID: h.id, EscrowDataKey: h.key})
	if !st[0].Found || st[0].DelayDays != 7 || st[0].ClaimedAt != 0 {
		t.Fatalf("status before the claim: %+v", st)
	}

	resp := env.claim(t, h)
	claimed := start.Add(2 * time.Minute)
	want := claimed.Add(7 * 24 * time.Hour)
	if at := pendingUntil(t, resp); !at.Equal(want) {
		t.Fatalf("pending until %v, want %v", at, want)
	}
	if ev := env.notices.events(); len(ev) != 1 || ev[0] != "claim-started owner@example.org "+want.UTC().Format(time.RFC3339) {
		t.Fatalf("notices after the claim: %q", ev)
	}

	// Six days on: refused with the same time, and no new notice.
	env.clock.advance(6 * 24 * time.Hour)
	if at := pendingUntil(t, env.claim(t, h)); !at.Equal(want) {
		t.Fatalf("pending until %v, want %v", at, want)
	}
	if n := len(env.notices.events()); n != 1 {
		t.Fatalf("%d notices", n)
	}
	// A day before release the sweep reminds the owner, once.
	env.srv.Sweep(context.Background())
	env.srv.Sweep(context.Background())
	if ev := env.notices.events(); len(ev) != 2 || !strings.HasPrefix(ev[1], "release-soon owner@example.org ") {
		t.Fatalf("notices after the sweep: %q", ev)
	}

	// The owner cancels: the next code starts a new wait and tells the
	// owner again. The escrow stays.
	if r := env.owner(t, wire.MethodReleaseCancel, h.id, h.token); r.Error != "" || !r.Cancelled {
		t.Fatalf("cancel: %+v", r)
	}
	env.clock.advance(2 * 24 * time.Hour) // past the first time of release
	resp = env.claim(t, h)
	want2 := env.clock.Now().Add(7 * 24 * time.Hour)
	if at := pendingUntil(t, resp); !at.Equal(want2) {
		t.Fatalf("after a cancel: pending until %v, want %v", at, want2)
	}
	if ev := env.notices.events(); len(ev) != 3 || !strings.HasPrefix(ev[2], "claim-started ") {
		t.Fatalf("notices after the second claim: %q", ev)
	}

	// After the wait (and the reminder) a new code releases the secret.
	env.clock.advance(6*24*time.Hour + time.Hour)
	env.srv.Sweep(context.Background())
	env.clock.advance(24 * time.Hour)
	resp = env.claim(t, h)
	if resp.Error != "" || resp.EscrowSecret != "the pack" {
		t.Fatalf("after the wait: %+v", resp)
	}
	ev := env.notices.events()
	if len(ev) != 5 || !strings.HasPrefix(ev[3], "release-soon ") || !strings.HasPrefix(ev[4], "released ") {
		t.Fatalf("notices: %q", ev)
	}
	st = env.status(t, wire.EscrowRef{EscrowDataID: h.id, EscrowDataKey: h.key})
	if st[0].ReleasedAt == 0 || st[0].RemindedAt == 0 {
		t.Fatalf("status after release: %+v", st)
	}
	// Released stays released: another code gets the secret again.
	if resp := env.claim(t, h); resp.EscrowSecret != "the pack" {
		t.Fatalf("second release: %+v", resp)
	}
}

// TestHeirCannotShortenOrCancel: the heir holds the escrow key (it is on
// the sheet), but neither it nor a made-up owner token deletes the
// escrow, cancels its claim or makes a second escrow under its id.
func TestHeirCannotShortenOrCancel(t *testing.T) {
	env := newReleaseEnv(t, nil)
	h := env.delayedEscrow(t, 30, 31*24*time.Hour)
	pendingUntil(t, env.claim(t, h))

	var del wire.DeletionResponse
	env.call(t, wire.MethodDeletion, wire.DeletionRequest{Version: wire.Version, EscrowDataID: h.id, EscrowDataKey: h.key}, &del)
	if del.Error != wire.ErrReleaseOwned {
		t.Fatalf("1.0 deletion with the key: %+v", del)
	}
	env.call(t, wire.MethodDeletion, wire.DeletionRequest{Version: wire.Version, EscrowDataID: h.id}, &del)
	if del.Error != wireError(ErrKeylessDelete) {
		t.Fatalf("1.0 deletion without a key: %+v", del)
	}
	for _, m := range []string{wire.MethodReleaseCancel, wire.MethodReleaseDelete} {
		if r := env.owner(t, m, h.id, newOwnerToken(t)); r.Error != wire.ErrOwnerToken {
			t.Fatalf("%s with a made-up token: %+v", m, r)
		}
		// The escrow key is no owner token either.
		if r := env.owner(t, m, h.id, h.key); r.Error != wire.ErrOwnerToken {
			t.Fatalf("%s with the escrow key: %+v", m, r)
		}
	}
	// Asking for the same id anew, with a shorter wait, is refused.
	_, bare, _ := strings.Cut(h.id, "-")
	body, _ := env.delayedRequestID(t, 1, newOwnerToken(t), "email:heir@example.org", freeExpiration, bare)
	var er wire.EscrowResponse
	env.callRaw(t, wire.MethodDelayedEscrow, body, &er)
	if er.Error != "Escrow ID already in use" {
		t.Fatalf("a second escrow under the id: %+v", er)
	}
	st := env.status(t, wire.EscrowRef{EscrowDataID: h.id, EscrowDataKey: h.key})
	if st[0].DelayDays != 30 || st[0].ClaimedAt == 0 {
		t.Fatalf("status: %+v", st)
	}
	// The owner deletes it; then it is gone for everyone.
	if r := env.owner(t, wire.MethodReleaseDelete, h.id, h.token); r.Error != "" {
		t.Fatalf("owner delete: %+v", r)
	}
	if st := env.status(t, wire.EscrowRef{EscrowDataID: h.id, EscrowDataKey: h.key}); st[0].Found {
		t.Fatalf("status after delete: %+v", st)
	}
	if r := env.owner(t, wire.MethodReleaseDelete, h.id, h.token); r.Error != "" {
		t.Fatalf("deleting again: %+v", r)
	}
}

// TestDelayedEscrowPaid: a delayed escrow for longer than the free tier
// is paid with hashcash inside the 1.0 request, as any escrow.
func TestDelayedEscrowPaid(t *testing.T) {
	env := newReleaseEnv(t, nil)
	body, key := env.delayedRequest(t, 30, newOwnerToken(t), "email:owner@example.org", 40*24*time.Hour)
	var resp wire.EscrowResponse
	env.callRaw(t, wire.MethodDelayedEscrow, body, &resp)
	if resp.Error != "" || resp.Expiration != env.clock.Now().Add(40*24*time.Hour).Unix() {
		t.Fatalf("paid delayed escrow: %+v", resp)
	}
	st := env.status(t, wire.EscrowRef{EscrowDataID: resp.EscrowDataID, EscrowDataKey: key})
	if !st[0].Found || st[0].DelayDays != 30 {
		t.Fatalf("status: %+v", st)
	}
	// The same token again buys nothing.
	var again wire.EscrowResponse
	env.callRaw(t, wire.MethodDelayedEscrow, body, &again)
	if again.Error != "Payment already used" {
		t.Fatalf("replayed payment: %+v", again)
	}
}

func TestDelayedEscrowRefusals(t *testing.T) {
	env := newReleaseEnv(t, nil)
	cases := []struct {
		name  string
		days  int
		token string
		life  time.Duration
		want  string
	}{
		{"delay too short", 0, newOwnerToken(t), 24 * time.Hour, "Release delay out of range"},
		{"delay too long", 91, newOwnerToken(t), 24 * time.Hour, "Release delay out of range"},
		{"escrow dies first", 2, newOwnerToken(t), freeExpiration, "The escrow would expire before its waiting period ends"},
		{"short token", 1, wire.EncodeKey([]byte("short")), 24 * time.Hour, wire.ErrBadRequest},
		{"no token", 1, "", 24 * time.Hour, wire.ErrBadRequest},
	}
	for _, tc := range cases {
		body, key := env.delayedRequest(t, tc.days, tc.token, "email:owner@example.org", tc.life)
		var resp wire.EscrowResponse
		env.callRaw(t, wire.MethodDelayedEscrow, body, &resp)
		if resp.Error != tc.want {
			t.Errorf("%s: %+v, want %q", tc.name, resp, tc.want)
		}
		_ = key
	}
	if n := len(env.srv.store.(*MemoryStore).escrows); n != 0 {
		t.Fatalf("%d escrows stored by refused requests", n)
	}
	// More escrows than one status request may ask about.
	refs := make([]wire.EscrowRef, maxStatusEscrows+1)
	var resp wire.ReleaseStatusResponse
	body, _ := wire.Marshal(wire.ReleaseStatusRequest{Version: wire.ExtVersion, Escrows: refs})
	env.callRaw(t, wire.MethodReleaseStatus, body, &resp)
	if resp.Error == "" {
		t.Fatal("33 escrows in one status request accepted")
	}
}

// TestClaimNeedsTheOwnerTold: no notice, no waiting period, no release.
func TestClaimNeedsTheOwnerTold(t *testing.T) {
	env := newReleaseEnv(t, nil)

	// An escrow without a notify identity is never released.
	token := newOwnerToken(t)
	body, key := env.delayedRequest(t, 1, token, "", freeExpiration)
	var er wire.EscrowResponse
	env.callRaw(t, wire.MethodDelayedEscrow, body, &er)
	silent := heirEscrow{escrowFixture{id: er.EscrowDataID, key: key}, token}
	for range 2 {
		if resp := env.claim(t, silent); resp.Error != "The owner cannot be told, so nothing is released" {
			t.Fatalf("claim without notify: %+v", resp)
		}
		env.clock.advance(time.Hour)
	}

	// A mail server that refuses the notice: the claim does not start.
	h := env.delayedEscrow(t, 1, 5*24*time.Hour)
	env.notices.setFail(errRefused)
	if resp := env.claim(t, h); resp.Error != "Could not tell the owner; please try again later" {
		t.Fatalf("claim with the notice refused: %+v", resp)
	}
	if st := env.status(t, wire.EscrowRef{EscrowDataID: h.id, EscrowDataKey: h.key}); st[0].ClaimedAt != 0 {
		t.Fatalf("a claim started without a notice: %+v", st)
	}
	env.notices.setFail(nil)
	want := env.clock.Now().Add(2 * time.Minute).Add(24 * time.Hour)
	if at := pendingUntil(t, env.claim(t, h)); !at.Equal(want) {
		t.Fatalf("pending until %v, want %v", at, want)
	}

	// The reminder cannot go out (mail down for the whole wait): the
	// release waits until half a day after it finally did.
	env.notices.setFail(errRefused)
	env.clock.advance(25 * time.Hour)
	env.srv.Sweep(context.Background())
	if resp := env.claim(t, h); resp.Error != "Could not tell the owner; please try again later" {
		t.Fatalf("release without a reminder: %+v", resp)
	}
	env.notices.setFail(nil)
	resp := env.claim(t, h)
	if at := pendingUntil(t, resp); !at.Equal(env.clock.Now().Add(12 * time.Hour)) {
		t.Fatalf("after a late reminder: pending until %v, want %v", at, env.clock.Now().Add(12*time.Hour))
	}
	env.clock.advance(12 * time.Hour)
	if resp := env.claim(t, h); resp.EscrowSecret != "the pack" {
		t.Fatalf("after the late reminder's lead: %+v", resp)
	}
}

// TestReleaseSurvivesRestart: with the bbolt store, a pending release,
// its time and its reminder survive a restart, and a waiting period is
// dropped once its escrow expires.
func TestReleaseSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	rec := &noticeRecorderFake{recordingVerifierFake: &recordingVerifierFake{}}
	clock := newTestClock(testStart)
	start := func() *releaseEnv {
		env := newTestEnv(t, func(c *Config) {
			c.DataDir = dir
			c.Now = clock.Now
			c.Verifiers = map[string]verify.Verifier{"email": rec}
		})
		env.clock = clock
		env.verifier = rec.recordingVerifierFake
		return &releaseEnv{testEnv: env, notices: rec}
	}
	env := start()
	h := env.delayedEscrow(t, 1, freeExpiration)
	want := pendingUntil(t, env.claim(t, h))
	env.http.Close()
	if err := env.srv.Close(); err != nil {
		t.Fatal(err)
	}

	env = start()
	if at := pendingUntil(t, env.claim(t, h)); !at.Equal(want) {
		t.Fatalf("after a restart: pending until %v, want %v", at, want)
	}
	clock.set(want.Add(-12 * time.Hour).Unix()) // the reminder is due
	env.srv.Sweep(context.Background())
	if ev := rec.events(); len(ev) != 2 || !strings.HasPrefix(ev[1], "release-soon ") {
		t.Fatalf("notices: %q", ev)
	}
	// Someone who is not the owner deletes nothing, even after a restart.
	if r := env.owner(t, wire.MethodReleaseDelete, h.id, newOwnerToken(t)); r.Error != wire.ErrOwnerToken {
		t.Fatalf("delete with a made-up token: %+v", r)
	}
	clock.set(want.Unix() + 60)
	if resp := env.claim(t, h); resp.EscrowSecret != "the pack" {
		t.Fatalf("after the wait: %+v", resp)
	}

	// Past the escrow's expiration the sweep drops escrow and release.
	clock.set(h.exp + 1)
	env.srv.Sweep(context.Background())
	rels, err := env.srv.store.(ReleaseStore).ReleasesAfter(context.Background(), "", 10)
	if err != nil || len(rels) != 0 {
		t.Fatalf("releases after expiry: %v %v", rels, err)
	}
}

// TestStaleReleaseDoesNotBindNewEscrow: a plain 1.0 escrow made under an
// id whose old delayed escrow expired is neither delayed nor guarded, and
// the stale release is never taken for the new one's.
func TestStaleReleaseDoesNotBindNewEscrow(t *testing.T) {
	env := newReleaseEnv(t, nil)
	h := env.delayedEscrow(t, 1, freeExpiration)
	env.clock.set(h.exp + 1) // expired, not swept
	now := env.clock.Now().Unix()
	_, bare, _ := strings.Cut(h.id, "-")
	req, key := sealedEscrow(t,
		wire.EscrowParameters{Kind: "email", Expiration: now + 3600, PreferID: bare},
		wire.EscrowData{Description: "plain", Secret: "plain secret", Verify: "email:alice@example.org", Timeout: 1800})
	var resp wire.EscrowResponse
	env.call(t, wire.MethodEscrow, req, &resp)
	if resp.Error != "" {
		t.Fatal(resp.Error)
	}
	plain := escrowFixture{id: bare, key: key}
	if got := env.recover(t, plain, env.verifyCode(t, plain, "1")); got.EscrowSecret != "plain secret" {
		t.Fatalf("plain escrow under an old id: %+v", got)
	}
	env.srv.Sweep(context.Background())
	if _, err := env.srv.store.(ReleaseStore).Release(context.Background(), h.id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stale release kept: %v", err)
	}
}
