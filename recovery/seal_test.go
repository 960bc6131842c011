package recovery

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealFragmentRoundTrip(t *testing.T) {
	key, err := NewSealKey()
	if err != nil {
		t.Fatal(err)
	}
	f := Fragment(bytes.Repeat([]byte{7}, 34))
	sealed, err := SealFragment(key, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != 1+34+16 {
		t.Errorf("sealed fragment has %d bytes, want %d", len(sealed), 1+34+16)
	}
	got, err := OpenFragment(key, sealed)
	if err != nil || !bytes.Equal(got, f) {
		t.Fatalf("OpenFragment = %x, %v; want %x", got, err, f)
	}
}

func TestOpenFragmentRefusesWrongOrChanged(t *testing.T) {
	key, _ := NewSealKey()
	other, _ := NewSealKey()
	sealed, err := SealFragment(key, Fragment("fragment bytes"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		key    []byte
		sealed []byte
	}{
		"another location's key": {other, sealed},
		"a flipped bit":          {key, flip(sealed, 9)},
		"another version":        {key, append([]byte{2}, sealed[1:]...)},
		"truncated":              {key, sealed[:10]},
		"empty":                  {key, nil},
		"huge":                   {key, make([]byte, 1<<20)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := OpenFragment(c.key, c.sealed); !errors.Is(err, ErrWrongFragment) {
				t.Fatalf("err = %v, want ErrWrongFragment", err)
			}
		})
	}
	if _, err := OpenFragment(key[:5], sealed); err == nil || errors.Is(err, ErrWrongFragment) {
		t.Errorf("a short key gave %v, want a key-size error", err)
	}
}

func TestDecodeSealKey(t *testing.T) {
	k, _ := NewSealKey()
	got, err := DecodeSealKey(EncodeSealKey(k))
	if err != nil || !bytes.Equal(got, k) {
		t.Fatalf("round trip: %x, %v", got, err)
	}
	for _, bad := range []string{"", "AAAA", "not base64!", EncodeSealKey(k) + "AA=="} {
		if _, err := DecodeSealKey(bad); err == nil {
			t.Errorf("DecodeSealKey(%q) accepted", bad)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}
