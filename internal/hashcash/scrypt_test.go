package hashcash

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"golang.org/x/crypto/scrypt"
)

// TestScryptMatchesXCrypto checks the specialised scrypt against the general
// one on random passwords of every length around the HMAC block size and
// beyond it (long passwords are hashed into the HMAC key).
func TestScryptMatchesXCrypto(t *testing.T) {
	for _, m := range usableMixers() {
		t.Run(m.name, func(t *testing.T) { testScryptMatchesXCrypto(t, m) })
	}
	if !slices.Contains(usableMixers(), defaultMixer) {
		t.Errorf("Digest uses %s, which is not tested", defaultMixer.name)
	}
}

func testScryptMatchesXCrypto(t *testing.T, m *mixer) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := newScrypter(m)
	for n := range 300 {
		l := n
		if n >= 200 {
			l = rng.IntN(5000)
		}
		pw := make([]byte, l)
		for i := range pw {
			pw[i] = byte(rng.Uint32())
		}
		want, err := scrypt.Key(pw, nil, scryptN, scryptR, 1, keyLen)
		if err != nil {
			t.Fatal(err)
		}
		got := s.key(pw)
		if !bytes.Equal(got[:], want) {
			t.Fatalf("password length %d: got %x, want %x", l, got, want)
		}
	}
}

var benchPassword = []byte("pcpeer hashcash vector776553f100pcpeer hashcash vector")

func BenchmarkScryptXCrypto(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		scrypt.Key(benchPassword, nil, scryptN, scryptR, 1, keyLen)
	}
}

func BenchmarkScrypt(b *testing.B) {
	for _, m := range usableMixers() {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			s := newScrypter(m)
			for b.Loop() {
				s.key(benchPassword)
			}
		})
	}
}

func BenchmarkDigest(b *testing.B) {
	b.ReportAllocs()
	data := []byte("pcpeer hashcash vector")
	var c uint64
	for b.Loop() {
		c++
		Digest(data, c, 1700000000)
	}
}
