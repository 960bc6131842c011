package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vectorDir is where the captured reference traffic lives; CI has it too.
const vectorDir = "../../../shared/vectors"

func readVector(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, rel))
	if err != nil {
		t.Fatalf("reading vector: %v", err)
	}
	return b
}

// messageFor picks the Go type for a captured file by its method and side.
func messageFor(name string) any {
	req := strings.HasSuffix(name, ".req.json")
	switch {
	case strings.Contains(name, "-policy."):
		if req {
			return &struct{}{}
		}
		return &Policy{}
	case strings.Contains(name, "-escrowrequest."):
		if req {
			return &EscrowRequest{}
		}
		return &EscrowResponse{}
	case strings.Contains(name, "-verificationrequest."):
		if req {
			return &VerificationRequest{}
		}
		return &VerificationResponse{}
	case strings.Contains(name, "-recoveryrequest."):
		if req {
			return &RecoveryRequest{}
		}
		return &RecoveryResponse{}
	case strings.Contains(name, "-deletionrequest."):
		if req {
			return &DeletionRequest{}
		}
		return &DeletionResponse{}
	}
	return nil
}

// TestVectorsRoundTrip parses every captured message strictly and checks
// that Marshal gives back the very bytes the reference sent.
func TestVectorsRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*", "[0-9]*-*.*.json"))
	if len(files) < 40 {
		t.Fatalf("found only %d vector files under %s", len(files), vectorDir)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".decrypted.json") {
			continue
		}
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			msg := messageFor(filepath.Base(f))
			if msg == nil {
				t.Fatalf("no message type for %s", f)
			}
			if err := Unmarshal(want, msg); err != nil {
				t.Fatalf("parse: %v", err)
			}
			got, err := Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("marshal differs from the reference\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

// TestDecryptedPlaintexts opens each captured escrow request with the keys
// recorded beside it and compares the plaintext bytes, then re-marshals the
// plaintext objects to the same bytes.
func TestDecryptedPlaintexts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*", "*.decrypted.json"))
	if len(files) == 0 {
		t.Fatal("no decrypted vectors")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var dec struct {
				Params    string `json:"parameters_plaintext"`
				DataKey   string `json:"escrow_data_key_b64"`
				DataPlain string `json:"escrow_data_plaintext"`
			}
			raw, _ := os.ReadFile(f)
			if err := json.Unmarshal(raw, &dec); err != nil {
				t.Fatal(err)
			}
			reqRaw, _ := os.ReadFile(strings.Replace(f, ".decrypted.json", ".req.json", 1))
			var req EscrowRequest
			if err := Unmarshal(reqRaw, &req); err != nil {
				t.Fatal(err)
			}
			pkey, err := DecodeKey(req.ParametersKey)
			if err != nil {
				t.Fatal(err)
			}
			params, err := Open(pkey, req.Parameters)
			if err != nil {
				t.Fatal(err)
			}
			if string(params) != dec.Params {
				t.Errorf("parameters: got %q want %q", params, dec.Params)
			}
			dkey, _ := DecodeKey(dec.DataKey)
			data, err := Open(dkey, req.EscrowData[0])
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != dec.DataPlain {
				t.Errorf("escrow data: got %q want %q", data, dec.DataPlain)
			}
			var p EscrowParameters
			var d EscrowData
			if err := Unmarshal(params, &p); err != nil {
				t.Fatal(err)
			}
			if err := Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				v    any
				want string
			}{{p, dec.Params}, {d, dec.DataPlain}} {
				got, _ := Marshal(c.v)
				if string(got) != c.want {
					t.Errorf("re-marshal: got %q want %q", got, c.want)
				}
			}
			if _, err := Open(pkey, req.EscrowData[0]); err != ErrDecrypt {
				t.Errorf("opening with the wrong key: got %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestAESGCMVectors(t *testing.T) {
	var v struct {
		Vectors []struct {
			Label     string `json:"label"`
			Key       string `json:"key_hex"`
			Nonce     string `json:"nonce_hex"`
			AAD       string `json:"aad_utf8"`
			Plaintext string `json:"plaintext_utf8"`
			Wire      string `json:"wire_b64"`
			Zlib      string `json:"zlib_hex"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(readVector(t, "standalone/aesgcm.json"), &v); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range v.Vectors {
		nonce, _ := hex.DecodeString(c.Nonce)
		if c.AAD != AAD || len(nonce) != NonceSize || c.Wire == "" {
			continue // contrast cases the reference never produces
		}
		key, _ := hex.DecodeString(c.Key)
		pt := []byte(c.Plaintext)
		if c.Zlib != "" {
			pt, _ = hex.DecodeString(c.Zlib)
		}
		got, err := sealWithNonce(bytes.NewReader(nonce), key, pt)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.Wire {
			t.Errorf("%s: seal got %s want %s", c.Label, got, c.Wire)
		}
		if c.Zlib != "" {
			opened, err := OpenCompressed(key, c.Wire)
			if err != nil || string(opened) != c.Plaintext {
				t.Errorf("%s: OpenCompressed = %q, %v", c.Label, opened, err)
			}
		}
		checked++
	}
	if checked < 4 {
		t.Fatalf("checked only %d aesgcm vectors", checked)
	}
}

func TestMarshalEscapesLikePython(t *testing.T) {
	got, _ := Marshal(map[string]string{"a": "þ<&>😀"})
	want := "{\n  \"a\": \"\\u00fe<&>\\ud83d\\ude00\"\n}"
	if string(got) != want {
		t.Errorf("got %s want %s", got, want)
	}
}

// Non-zero padding bits are refused, so one envelope has one spelling
// (Go's decoder skips newlines whatever the mode).
func TestOpenIsStrictBase64(t *testing.T) {
	key := make([]byte, KeySize)
	sealed, err := Seal(key, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{sealed[:len(sealed)-2] + "B="} {
		if _, err := Open(key, bad); err == nil || err == ErrDecrypt {
			t.Errorf("Open(%q) = %v, want a base64 error", bad, err)
		}
	}
	if _, err := DecodeKey(EncodeKey(key)[:43] + "B"); err == nil {
		t.Error("DecodeKey took non-canonical padding bits")
	}
}
