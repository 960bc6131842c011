package recovery

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"
)

func protectFake(t *testing.T, s *memoryStoreFake, secret []byte, pol Policy, names ...string) *Pack {
	t.Helper()
	p, err := Protect(context.Background(), ProtectRequest{
		Name: "test", Description: "a test secret", Secret: secret, Policy: pol,
		Locations: memoryLocationsFake(s, names...), Expires: time.Now().Add(365 * 24 * time.Hour),
	})
	if err != nil {
		t.Fatalf("Protect: %v", err)
	}
	return p
}

// submit requests codes and types the codes of the records at idx.
func submit(t *testing.T, r *Recovery, s *memoryStoreFake, p *Pack, idx ...int) {
	t.Helper()
	for _, res := range r.RequestCodes(context.Background(), "en") {
		if res.Err != nil {
			t.Fatalf("RequestCodes: %v", res.Err)
		}
	}
	for _, i := range idx {
		// Typed the way people type: spaced, lower case, a dash.
		c := s.code(p.Records[i])
		typed := strings.ToLower(c[:1]) + " " + c[1:4] + "-" + c[4:]
		if got, err := r.SubmitCode(context.Background(), typed); err != nil || got.Prefix != p.Records[i].Prefix {
			t.Fatalf("SubmitCode(%q) = %v, %v", typed, got.Prefix, err)
		}
	}
}

func TestProtectRecoverNofMAnyOrder(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e"}
	for _, tc := range []struct {
		pol  Policy
		need int
	}{{All(), 5}, {AnyOne(), 1}, {NofM(3), 3}, {NofM(2), 2}} {
		t.Run(tc.pol.String(), func(t *testing.T) {
			s := newMemoryStoreFake()
			secret := []byte("correct horse battery staple")
			p := protectFake(t, s, secret, tc.pol, names...)
			if p.Need() != tc.need {
				t.Fatalf("Need = %d, want %d", p.Need(), tc.need)
			}
			for round := 0; round < 5; round++ {
				order := mrand.Perm(len(names))[:tc.need]
				r := NewRecovery(p, NewKeepers(memoryKeeperFake{s}))
				submit(t, r, s, p, order[:tc.need-1]...)
				if _, _, err := r.Secret(); !errors.Is(err, ErrNeedMoreCodes) {
					t.Fatalf("Secret with %d of %d codes: %v, want ErrNeedMoreCodes", tc.need-1, tc.need, err)
				}
				submit(t, r, s, p, order[tc.need-1])
				if have, need := r.Progress(); have != need {
					t.Fatalf("Progress = %d, %d", have, need)
				}
				got, bad, err := r.Secret()
				if err != nil || bad != nil || !bytes.Equal(got, secret) {
					t.Fatalf("order %v: Secret = %q, %v, %v", order, got, bad, err)
				}
			}
		})
	}
}

func TestProtectBigSecrets(t *testing.T) {
	for _, size := range []int{64 << 10, 1 << 20} {
		s := newMemoryStoreFake()
		secret := make([]byte, size)
		rand.Read(secret)
		p := protectFake(t, s, secret, NofM(2), "a", "b", "c")
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		p2, err := ParsePack(b)
		if err != nil {
			t.Fatal(err)
		}
		r := NewRecovery(p2, NewKeepers(memoryKeeperFake{s}))
		submit(t, r, s, p2, 2, 0)
		got, _, err := r.Secret()
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("%d bytes: err %v, equal %v", size, err, bytes.Equal(got, secret))
		}
	}
}

func TestRecoveryTamperedFragmentAmongNPlusOne(t *testing.T) {
	s := newMemoryStoreFake()
	secret := []byte("s3cret")
	p := protectFake(t, s, secret, NofM(3), "a", "b", "c", "d", "e")
	s.tamper(p.Records[1])
	r := NewRecovery(p, NewKeepers(memoryKeeperFake{s}))
	submit(t, r, s, p, 4, 1, 0, 3)
	got, bad, err := r.Secret()
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Secret = %q, %v", got, err)
	}
	if bad == nil || fmt.Sprint(bad.Prefixes) != "[2]" {
		t.Fatalf("bad = %v, want prefix 2", bad)
	}

	// With exactly N and one of them wrong, it cannot tell which.
	r = NewRecovery(p, NewKeepers(memoryKeeperFake{s}))
	submit(t, r, s, p, 0, 1, 2)
	if _, _, err := r.Secret(); !errors.Is(err, ErrNoMatch) {
		t.Fatalf("Secret with a wrong fragment among exactly N: %v, want ErrNoMatch", err)
	}
}

func TestRecoveryWrongCodeLosesNothing(t *testing.T) {
	s := newMemoryStoreFake()
	p := protectFake(t, s, []byte("x"), NofM(2), "a", "b")
	r := NewRecovery(p, NewKeepers(memoryKeeperFake{s}))
	submit(t, r, s, p)
	if _, err := r.SubmitCode(context.Background(), "1000000"); !errors.Is(err, errWrongCodeFake) {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := r.SubmitCode(context.Background(), "Z123456"); !errors.Is(err, ErrUnknownPrefix) {
		t.Fatalf("unknown prefix: %v", err)
	}
	submit(t, r, s, p, 0, 1)
	if got, _, err := r.Secret(); err != nil || string(got) != "x" {
		t.Fatalf("after a wrong code: %q, %v", got, err)
	}
}

func TestRequestCodesOneDeadLocation(t *testing.T) {
	s := newMemoryStoreFake()
	p := protectFake(t, s, []byte("x"), NofM(2), "a", "b", "c")
	Forget(context.Background(), &Pack{Records: p.Records[1:2]}, NewKeepers(memoryKeeperFake{s}))
	res := NewRecovery(p, NewKeepers(memoryKeeperFake{s})).RequestCodes(context.Background(), "en")
	if len(res) != 3 || res[0].Err != nil || res[1].Err == nil || res[2].Err != nil {
		t.Fatalf("results: %+v", res)
	}
	if !strings.Contains(res[1].Err.Error(), "b (code 2") {
		t.Errorf("error does not name the location: %v", res[1].Err)
	}
}

func TestProtectRollback(t *testing.T) {
	s := newMemoryStoreFake()
	locs := memoryLocationsFake(s, "a", "b", "c", "d")
	boom := errors.New("server down")
	locs[2].(*memoryLocationFake).failPlace = boom
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Protect(ctx, ProtectRequest{
		Secret: []byte("x"), Policy: NofM(2), Locations: locs,
		Expires: time.Now().Add(time.Hour), Keepers: NewKeepers(memoryKeeperFake{s}),
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "at c") {
		t.Fatalf("Protect: %v", err)
	}
	if n := s.count(); n != 0 || len(s.deleted) != 2 {
		t.Fatalf("%d fragments left, %d deleted; want 0 and 2", n, len(s.deleted))
	}

	// Without a keeper, what stays behind is named.
	_, err = Protect(ctx, ProtectRequest{
		Secret: []byte("x"), Policy: NofM(2), Locations: locs, Expires: time.Now().Add(time.Hour),
	})
	if !errors.Is(err, ErrNoKeeper) || !strings.Contains(err.Error(), "placed at a could not be deleted") {
		t.Fatalf("Protect without keepers: %v", err)
	}
}

func TestProtectRefuses(t *testing.T) {
	s := newMemoryStoreFake()
	future := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name string
		req  ProtectRequest
		want string
	}{
		{"no locations", ProtectRequest{Secret: []byte("x"), Policy: All(), Expires: future}, "no locations"},
		{"threshold above locations", ProtectRequest{Secret: []byte("x"), Policy: NofM(3), Locations: memoryLocationsFake(s, "a", "b"), Expires: future}, "needs 3 locations but only 2"},
		{"duplicate", ProtectRequest{Secret: []byte("x"), Policy: All(), Locations: memoryLocationsFake(s, "a", "a"), Expires: future}, `"a" is chosen twice`},
		{"empty secret", ProtectRequest{Policy: All(), Locations: memoryLocationsFake(s, "a"), Expires: future}, "secret is empty"},
		{"no policy", ProtectRequest{Secret: []byte("x"), Locations: memoryLocationsFake(s, "a"), Expires: future}, "no policy"},
		{"past expiry", ProtectRequest{Secret: []byte("x"), Policy: All(), Locations: memoryLocationsFake(s, "a"), Expires: time.Now().Add(-time.Hour)}, "not in the future"},
		{"too many", ProtectRequest{Secret: []byte("x"), Policy: All(), Locations: make([]Location, 34), Expires: future}, "at most 33"},
	} {
		_, err := Protect(context.Background(), tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if s.count() != 0 {
		t.Errorf("refused requests placed %d fragments", s.count())
	}
}

func TestTamperedPack(t *testing.T) {
	s := newMemoryStoreFake()
	p := protectFake(t, s, []byte("secret"), NofM(2), "a", "b", "c")
	b, _ := p.Marshal()

	// A changed sealed secret parses but does not open.
	// Another base64 letter in a full group: still valid base64 (an XOR
	// could make '/' into ','), but different bytes.
	sealed := []byte(p.Secret)
	if sealed[40] == 'A' {
		sealed[40] = 'B'
	} else {
		sealed[40] = 'A'
	}
	tampered := bytes.Replace(b, []byte(p.Secret), sealed, 1)
	p2, err := ParsePack(tampered)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecovery(p2, NewKeepers(memoryKeeperFake{s}))
	submit(t, r, s, p2, 0, 1, 2)
	if _, _, err := r.Secret(); !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "pack may have been changed") {
		t.Fatalf("tampered secret: %v", err)
	}

	// A changed threshold is caught by the parser.
	if _, err := ParsePack(bytes.Replace(b, []byte(`"threshold": 2`), []byte(`"threshold": 3`), 1)); err == nil ||
		!strings.Contains(err.Error(), `field "policy"`) {
		t.Fatalf("tampered threshold: %v", err)
	}
}

func TestForget(t *testing.T) {
	s := newMemoryStoreFake()
	p := protectFake(t, s, []byte("x"), AnyOne(), "a", "b", "c")
	if err := Forget(context.Background(), p, Keepers{}); !errors.Is(err, ErrNoKeeper) ||
		!strings.Contains(err.Error(), "a (code 1") || !strings.Contains(err.Error(), "c (code 3") {
		t.Fatalf("Forget without keepers: %v", err)
	}
	if err := Forget(context.Background(), p, NewKeepers(memoryKeeperFake{s})); err != nil {
		t.Fatal(err)
	}
	if s.count() != 0 {
		t.Fatalf("%d fragments left", s.count())
	}
}

func TestRenew(t *testing.T) {
	s := newMemoryStoreFake()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	old, err := Protect(context.Background(), ProtectRequest{
		Name: "n", Secret: []byte("x"), Policy: NofM(2), Locations: memoryLocationsFake(s, "a", "b", "c"),
		Expires: now.Add(365 * 24 * time.Hour), Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := old.NextExpiry(); !got.Equal(now.Add(365 * 24 * time.Hour)) {
		t.Errorf("NextExpiry = %v", got)
	}
	year := 365 * 24 * time.Hour
	if old.DueForRenewal(now.Add(200*24*time.Hour), year) {
		t.Error("due 165 days before expiry")
	}
	if !old.DueForRenewal(now.Add(310*24*time.Hour), year) {
		t.Error("not due 55 days before expiry")
	}
	if !old.DueForRenewal(now.Add(31*24*time.Hour), 30*24*time.Hour) {
		t.Error("not due after the renewal interval")
	}

	now = now.Add(300 * 24 * time.Hour)
	p, err := Renew(context.Background(), old, []byte("x"), memoryLocationsFake(s, "a", "b", "d"), RenewOptions{
		Expires: now.Add(365 * 24 * time.Hour), Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Created.Equal(old.Created) || !p.Renewed.Equal(now) || p.Policy != old.Policy || p.Name != "n" || p.Secret == old.Secret {
		t.Fatalf("renewed pack: %+v", p)
	}
	if err := Forget(context.Background(), old, NewKeepers(memoryKeeperFake{s})); err != nil {
		t.Fatal(err)
	}
	r := NewRecovery(p, NewKeepers(memoryKeeperFake{s}))
	submit(t, r, s, p, 2, 1)
	if got, _, err := r.Secret(); err != nil || string(got) != "x" {
		t.Fatalf("after renew: %q, %v", got, err)
	}

	// A failing renewal returns no pack and leaves nothing behind.
	before := s.count()
	locs := memoryLocationsFake(s, "a", "b")
	locs[1].(*memoryLocationFake).failPlace = errors.New("down")
	if p2, err := Renew(context.Background(), p, []byte("x"), locs, RenewOptions{
		Expires: now.Add(time.Hour), Keepers: NewKeepers(memoryKeeperFake{s}), Now: clock,
	}); err == nil || p2 != nil {
		t.Fatalf("failing Renew: %v, %v", p2, err)
	}
	if s.count() != before {
		t.Fatalf("failing Renew left %d fragments", s.count()-before)
	}
}
