package recovery

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const vectors = "../../shared/vectors"

func readVector(t testing.TB, name string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectors, name))
	if err != nil {
		t.Fatalf("vector: %v", err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("vector %s: %v", name, err)
		}
	}
	return b
}

type shamirVectors struct {
	Vectors []struct {
		SecretHex  string   `json:"secret_hex"`
		Threshold  int      `json:"threshold"`
		Shares     []string `json:"shares"`
		Recoveries []struct {
			Shares    []string `json:"shares"`
			SecretHex string   `json:"secret_hex"`
		} `json:"recoveries"`
		Under *struct {
			Shares    []string `json:"shares"`
			PythonHex string   `json:"python_returns_hex"`
		} `json:"under_threshold_example"`
		AESKeyHex string `json:"aes_key_hex"`
	} `json:"vectors"`
	KeyInt struct {
		Examples []struct {
			KeyHex     string `json:"key_hex"`
			IntHex     string `json:"int_hex"`
			FromIntHex string `json:"from_int_hex"`
		} `json:"examples"`
	} `json:"key_int_conversion"`
}

func combineHex(t *testing.T, shares []string) string {
	t.Helper()
	var ps []primeShare
	for _, s := range shares {
		p, err := parsePrimeShare(s)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	n, err := primeCombine(ps)
	if err != nil {
		t.Fatal(err)
	}
	return n.Text(16)
}

func TestPrimeShamirVectors(t *testing.T) {
	var v shamirVectors
	readVector(t, "standalone/shamir.json", &v)
	checked := 0
	for i, vec := range v.Vectors {
		for _, r := range vec.Recoveries {
			if got := combineHex(t, r.Shares); got != r.SecretHex {
				t.Errorf("vector %d: %v gives %s, want %s", i, r.Shares, got, r.SecretHex)
			}
			checked++
		}
		if vec.Under != nil {
			got := combineHex(t, vec.Under.Shares)
			if got != vec.Under.PythonHex || got == vec.SecretHex {
				t.Errorf("vector %d under threshold: %s, python %s", i, got, vec.Under.PythonHex)
			}
			checked++
		}
		if vec.AESKeyHex != "" {
			n, _ := new(big.Int).SetString(combineHex(t, vec.Shares), 16)
			key, err := keyFromInt(n)
			if err != nil || hex.EncodeToString(key) != vec.AESKeyHex {
				t.Errorf("vector %d: key %x, %v", i, key, err)
			}
			checked++
		}
	}
	for _, ex := range v.KeyInt.Examples {
		key, _ := hex.DecodeString(ex.KeyHex)
		n := intFromKey(key)
		if n.Text(16) != ex.IntHex {
			t.Errorf("intFromKey(%s) = %s", ex.KeyHex, n.Text(16))
		}
		// We pad back to 32 bytes, unlike python's from_int_hex.
		if back, err := keyFromInt(n); err != nil || hex.EncodeToString(back) != ex.KeyHex {
			t.Errorf("keyFromInt(%s) = %x, %v", ex.IntHex, back, err)
		}
		checked++
	}
	if checked < 12 {
		t.Fatalf("only %d vectors checked", checked)
	}
	big33 := new(big.Int).Lsh(big.NewInt(1), 256)
	if _, err := keyFromInt(big33); err == nil {
		t.Error("a 33-byte key integer was accepted")
	}
}

func TestParsePrimeShareRejects(t *testing.T) {
	for _, s := range []string{"", "1", "-1", "1-", "0-5", "x-1", "1-+5", "1- 5", "2-" + strings.Repeat("f", 200)} {
		if _, err := parsePrimeShare(s); err == nil {
			t.Errorf("parsePrimeShare(%q) accepted", s)
		}
	}
}

// The pass criterion: the reference's 2-of-3 pack opens with the shares
// the servers returned.
func TestImportReferencePackRoundtrip2of3(t *testing.T) {
	var sum struct {
		Secret      string   `json:"secret_utf8"`
		FromServers []string `json:"shares_from_servers"`
	}
	readVector(t, "roundtrip-2of3/summary.json", &sum)
	p, err := ImportReferencePack(readVector(t, "roundtrip-2of3/recovery-pack.passcrow", nil))
	if err != nil {
		t.Fatal(err)
	}
	if p.Scheme != SchemeP521 || p.Threshold != 3 || p.Need() != 2 || len(p.Records) != 3 || p.Policy != NofM(2) || p.Ephemeral != nil {
		t.Fatalf("imported: %+v", p)
	}
	var d PasscrowRecordData
	if err := json.Unmarshal(p.Records[1].Data, &d); err != nil {
		t.Fatal(err)
	}
	want := PasscrowRecordData{Server: "pc-test.local", EscrowDataID: "6ce5c262-e6c48dd5d3df07f28e485e023f2db3b5",
		EscrowKey: "D6kBinH1O9HdihwV9sqALvkjg9svu6dnDnVUzxiDsAc=", Kind: "email", Encoding: FragmentEncodingText}
	if d != want || p.Records[1].Prefix != "2" || p.Records[1].Expires != 1826996834 || p.Records[1].Hint != "email at pc-test.local" {
		t.Fatalf("record 1: %+v %+v", p.Records[1], d)
	}

	// Shares x=2 and x=3 came from bob and carol: records 2 and 3.
	got, bad, err := Combine(p, map[string]Fragment{"2": Fragment(sum.FromServers[0]), "3": Fragment(sum.FromServers[1])})
	if err != nil || bad != nil || string(got) != sum.Secret {
		t.Fatalf("Combine = %q, %v, %v", got, bad, err)
	}
	// One share is not enough, and says so.
	if _, _, err := Combine(p, map[string]Fragment{"2": Fragment(sum.FromServers[0])}); err == nil {
		t.Fatal("one share opened a 2-of-3 pack")
	}
	// A server sending a wrong share among three is named.
	wrong := "1-" + strings.Repeat("ab", 30)
	got, bad, err = Combine(p, map[string]Fragment{"1": Fragment(wrong), "2": Fragment(sum.FromServers[0]), "3": Fragment(sum.FromServers[1])})
	if err != nil || string(got) != sum.Secret || bad == nil || bad.Prefixes[0] != "1" {
		t.Fatalf("with a wrong share: %q, %v, %v", got, bad, err)
	}

	// Our format keeps it whole.
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	p2, err := ParsePack(b)
	if err != nil {
		t.Fatal(err)
	}
	if b2, _ := p2.Marshal(); string(b2) != string(b) {
		t.Fatalf("marshal of the parsed import differs:\n%s\n%s", b, b2)
	}
}

func TestImportReferencePackEphemeral(t *testing.T) {
	for _, name := range []string{"local-pack-ephemeral-both.passcrow", "recovered-ephemeral-pack.passcrow"} {
		p, err := ImportReferencePack(readVector(t, "ephemeral/"+name, nil))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(p.Records) != 2 || p.Records[0].Prefix != "1" || p.Records[1].Prefix != "2" ||
			p.Threshold != 3 || p.Need() != 1 || p.Policy != AnyOne() {
			t.Fatalf("%s: %+v", name, p)
		}
		hasEph := name == "local-pack-ephemeral-both.passcrow"
		if (p.Ephemeral != nil) != hasEph {
			t.Fatalf("%s: ephemeral record %+v", name, p.Ephemeral)
		}
		if hasEph && !strings.Contains(string(p.Ephemeral.Data), `"escrow-data-id":"7d6c3771fb028e2e4da47ee344179ef2"`) {
			t.Fatalf("%s: ephemeral record %s", name, p.Ephemeral.Data)
		}
		if _, err := p.Marshal(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func TestImportReferencePackRejects(t *testing.T) {
	good := string(readVector(t, "roundtrip-2of3/recovery-pack.passcrow", nil))
	for name, bad := range map[string]string{
		"unknown field": strings.Replace(good, `"name"`, `"nam"`, 1),
		"bad share":     strings.Replace(good, `"4-13eb`, `"4-zz`, 1),
		"bad key":       strings.Replace(good, `f9aCeYKG`, `f9aC!YKG`, 1),
		"not json":      good[:100],
	} {
		if _, err := ImportReferencePack([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParsePack([]byte(good)); err == nil || !strings.Contains(err.Error(), "import it") {
		t.Errorf("ParsePack of a reference pack: %v", err)
	}
}
