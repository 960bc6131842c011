package papercode

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readVectors returns the fields of every line of a testdata file that is
// neither blank nor a # comment.
func readVectors(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines = append(lines, strings.Fields(line))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatalf("no vectors in %s", name)
	}
	return lines
}

// codex32Data returns the values of the characters after "ms1".
func codex32Data(t *testing.T, s string) []uint8 {
	t.Helper()
	rest, ok := strings.CutPrefix(strings.ToUpper(s), "MS1")
	if !ok {
		t.Fatalf("%q does not start with ms1", s)
	}
	data := make([]uint8, len(rest))
	for i := range len(rest) {
		v := charValue[rest[i]]
		if v < 0 {
			t.Fatalf("%q: %q is not a bech32 character", s, rest[i])
		}
		data[i] = uint8(v)
	}
	return data
}

func codex32Code(t *testing.T, n int) *bchCode {
	t.Helper()
	switch {
	case n <= shortCode.length:
		return shortCode
	case n >= 96:
		return longCode
	}
	t.Fatalf("no codex32 checksum for %d characters", n)
	return nil
}

// TestBIP93Vectors checks our checksum arithmetic against codex32's own
// strings, and that our locator finds typos put into them.
func TestBIP93Vectors(t *testing.T) {
	for _, v := range readVectors(t, "bip93.txt") {
		if len(v) != 2 {
			t.Fatalf("bad line %q", v)
		}
		data := codex32Data(t, v[1])
		code := codex32Code(t, len(data))
		valid := code.syndrome(nil, data) == residue{}
		switch v[0] {
		case "valid":
			if !valid {
				t.Errorf("%s: checksum fails", v[1])
				continue
			}
			// The checksum we compute for its data is the one it carries.
			body := data[:len(data)-code.checkLen]
			if got := code.checksum(nil, body); !bytes.Equal(got, data[len(body):]) {
				t.Errorf("%s: checksum %v, want %v", v[1], got, data[len(body):])
			}
			// Four typos spread over the string are found where they are.
			bad := append([]uint8(nil), data...)
			want := []int{0, len(data) / 3, len(data) / 2, len(data) - 1}
			for _, i := range want {
				bad[i] ^= 7
			}
			got := code.locate(nil, bad, code.syndrome(nil, bad))
			if !equalInts(got, want) {
				t.Errorf("%s: located %v, want %v", v[1], got, want)
			}
		case "invalid":
			if valid {
				t.Errorf("%s: checksum passes", v[1])
			}
		default:
			t.Fatalf("bad line %q", v)
		}
	}
}

// TestVectors pins our own format: payloads and their codes, and what
// Decode says about damaged ones. They were made by this package; other
// implementations (a phone app, a printed-sheet checker) should match them.
func TestVectors(t *testing.T) {
	for _, v := range readVectors(t, "vectors.txt") {
		switch v[0] {
		case "code": // code <payload hex> <code>
			p, err := hex.DecodeString(v[1])
			if err != nil || len(v) != 3 {
				t.Fatalf("bad line %q", v)
			}
			if got := Encode(p); got != v[2] {
				t.Errorf("Encode(%s) = %s, want %s", v[1], got, v[2])
			}
			if got, err := Decode(v[2]); err != nil || !bytes.Equal(got, p) {
				t.Errorf("Decode(%s) = %x, %v", v[2], got, err)
			}
		case "typo": // typo <text> <positions, comma-separated>
			var want []int
			for f := range strings.SplitSeq(v[2], ",") {
				n, err := strconv.Atoi(f)
				if err != nil {
					t.Fatalf("bad line %q", v)
				}
				want = append(want, n)
			}
			_, err := Decode(v[1])
			te, ok := err.(*TypoError)
			if !ok || !equalInts(te.Positions, want) {
				t.Errorf("Decode(%s) = %v, want typos at %v", v[1], err, want)
			}
		default:
			t.Fatalf("bad line %q", v)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
