package papercode

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
)

// trialCount is how many random error patterns TestLocateTrials tries for
// each number of errors: PAPERCODE_TRIALS, or 2,000 (200 under -race).
func trialCount(t testing.TB) int {
	s := os.Getenv("PAPERCODE_TRIALS")
	if s == "" {
		return underRace(2000)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("PAPERCODE_TRIALS=%q is not a positive number", s)
	}
	return n
}

// TestLocateTrials puts k = 1…8 wrong characters (distinct places, each a
// different character than before) into codes of random payloads of
// random length, and checks what Decode says. Up to 4 typos must be
// reported at exactly their places, every time. From 5 to 8 the text must
// never decode; a BCH decoder may then point at the wrong places (the text
// is within 4 of another valid code), which must stay rare: the rate is
// logged. With PAPERCODE_TRIALS=100000 this is the full measurement.
func TestLocateTrials(t *testing.T) {
	trials := trialCount(t)
	seed := uint64(93)
	if s := os.Getenv("PAPERCODE_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 1023))
	t.Logf("seed %d, %d trials for each k; payloads of 1 to %d bytes", seed, trials, MaxPayload)
	for k := 1; k <= 8; k++ {
		var exact, detected, mislocated, unlocated, other int
		for range trials {
			p := make([]byte, 1+rng.IntN(MaxPayload))
			for i := range p {
				p[i] = byte(rng.Uint32())
			}
			s := []byte(Encode(p))
			places := rng.Perm(len(s) - len(Prefix))[:k]
			for i := range places {
				places[i] += len(Prefix)
				v := charValue[s[places[i]]]
				s[places[i]] = alphabet[(int(v)+1+rng.IntN(31))%32]
			}
			slices.Sort(places)

			got, err := Decode(string(s))
			if err == nil {
				t.Fatalf("k=%d: %s decoded to %x (payload %x)", k, s, got, p)
			}
			detected++
			var te *TypoError
			switch {
			case errors.As(err, &te) && slices.Equal(te.Positions, places):
				exact++
			case errors.As(err, &te):
				mislocated++
				t.Logf("k=%d: %d bytes, typos at %v, reported at %v", k, len(p), places, te.Positions)
				if k <= maxErrors {
					t.Fatalf("k=%d: %s: typos at %v, want %v", k, s, te.Positions, places)
				}
			case errors.Is(err, ErrChecksum):
				unlocated++
				if k <= maxErrors {
					t.Fatalf("k=%d: %s: %v, want typos at %v", k, s, err, places)
				}
			default:
				// Not possible with the length unchanged and every
				// character in the alphabet, unless a single slip
				// explains the text: counted, and never a payload.
				other++
				if k <= maxErrors {
					t.Fatalf("k=%d: %s: %v, want typos at %v", k, s, err, places)
				}
			}
		}
		t.Logf("k=%d: %d trials, %d located exactly, %d detected, %d mislocated (%.4f%%), %d unlocated, %d other",
			k, trials, exact, detected, mislocated, 100*float64(mislocated)/float64(trials), unlocated, other)
		if k <= maxErrors && exact != trials || detected != trials {
			t.Errorf("k=%d: %d of %d located exactly, %d detected", k, exact, trials, detected)
		}
	}
}

// TestLocateEveryPlace puts one and then two wrong characters in every
// place of the longest short and the longest long code.
func TestLocateEveryPlace(t *testing.T) {
	for _, n := range []int{1, ShortMax, MaxPayload} {
		p := bytes.Repeat([]byte{0xa5}, n)
		s := Encode(p)
		for i := len(Prefix); i < len(s); i++ {
			for _, j := range []int{i, len(Prefix) + (i*7)%(len(s)-len(Prefix))} {
				b := []byte(s)
				b[i] = alphabet[(charValue[b[i]]+3)%32]
				b[j] = alphabet[(charValue[b[j]]+9)%32]
				want := []int{min(i, j), max(i, j)}
				if i == j {
					want = want[:1]
				}
				_, err := Decode(string(b))
				var te *TypoError
				if !errors.As(err, &te) || !slices.Equal(te.Positions, want) {
					t.Fatalf("%d bytes, typos at %v: %v", n, want, err)
				}
			}
		}
	}
}

func benchmarkDecode(b *testing.B, n int, typos ...int) {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i * 29)
	}
	s := []byte(Encode(p))
	for _, i := range typos {
		s[i] = alphabet[(charValue[s[i]]+1)%32]
	}
	typed := Group(string(s))
	b.ReportAllocs()
	for b.Loop() {
		_, err := Decode(typed)
		if (err == nil) != (len(typos) == 0) {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode50(b *testing.B) {
	p := make([]byte, 50)
	b.ReportAllocs()
	for b.Loop() {
		Encode(p)
	}
}

func BenchmarkDecode50Valid(b *testing.B)     { benchmarkDecode(b, 50) }
func BenchmarkDecode50OneTypo(b *testing.B)   { benchmarkDecode(b, 50, 40) }
func BenchmarkDecode50FourTypos(b *testing.B) { benchmarkDecode(b, 50, 3, 30, 60, 95) }
func BenchmarkDecode68FourTypos(b *testing.B) { benchmarkDecode(b, 68, 3, 30, 60, 126) }

// Eight typos: location fails, then every slip is tried, the slowest path.
func BenchmarkDecode50EightTypos(b *testing.B) {
	benchmarkDecode(b, 50, 3, 10, 20, 30, 40, 50, 60, 95)
}

func BenchmarkDecode50Missing(b *testing.B) {
	p := make([]byte, 50)
	for i := range p {
		p[i] = byte(i * 29)
	}
	s := Encode(p)
	typed := s[:40] + s[41:]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(typed); !errors.Is(err, ErrLength) {
			b.Fatal(err)
		}
	}
}
