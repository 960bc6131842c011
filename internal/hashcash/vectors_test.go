package hashcash

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const vectorsDir = "../../../shared/vectors"

// readJSON decodes a vector file into v, failing on fields v does not name
// so that a changed vector format is noticed.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type standaloneFile struct {
	Rule    string `json:"rule"`
	Vectors []struct {
		Label         string `json:"label"`
		Data          string `json:"data_utf8"`
		Bits          int    `json:"bits"`
		Counter       uint64 `json:"counter"`
		TS            int64  `json:"ts"`
		Token         string `json:"token"`
		ScryptInput   string `json:"scrypt_input_utf8"`
		ScryptOutput  string `json:"scrypt_output_hex"`
		Valid         bool   `json:"valid"`
		Now           int64  `json:"server_accepts_at_now"`
		ServerAccepts bool   `json:"server_accepts"`
	} `json:"vectors"`
	TimeWindow struct {
		Data  string `json:"data_utf8"`
		Bits  int    `json:"bits"`
		Token string `json:"token"`
		Cases []struct {
			Now        int64 `json:"now"`
			TS         int64 `json:"ts"`
			NowMinusTS int64 `json:"now_minus_ts"`
			Accepted   bool  `json:"accepted"`
		} `json:"cases"`
	} `json:"time_window"`
}

func TestStandaloneVectors(t *testing.T) {
	var f standaloneFile
	readJSON(t, filepath.Join(vectorsDir, "standalone", "hashcash.json"), &f)
	if len(f.Vectors) < 20 {
		t.Fatalf("only %d vectors", len(f.Vectors))
	}
	var traps, spellings int
	for i, v := range f.Vectors {
		t.Run(fmt.Sprintf("%02d %s", i, v.Label), func(t *testing.T) {
			scheme, cash, err := ParseToken(v.Token)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("hashcash-%d", v.Bits); scheme != want {
				t.Errorf("scheme %q, want %q", scheme, want)
			}
			counter, ts, err := ParseCash(cash)
			if err != nil || counter != v.Counter || ts != v.TS {
				t.Fatalf("ParseCash(%q) = %d, %d, %v; want %d, %d", cash, counter, ts, err, v.Counter, v.TS)
			}
			if v.ScryptInput != "" {
				if got := appendPassword(nil, []byte(v.Data), counter, ts); string(got) != v.ScryptInput {
					t.Errorf("password %q, want %q", got, v.ScryptInput)
				}
			}
			d := Digest([]byte(v.Data), counter, ts)
			if v.ScryptOutput != "" {
				if got := hex.EncodeToString(d[:]); got != v.ScryptOutput {
					t.Errorf("digest %s, want %s", got, v.ScryptOutput)
				}
			}
			if got := enoughWork(d, v.Bits); got != v.Valid {
				t.Errorf("enoughWork = %v, want %v", got, v.Valid)
			}
			err = Verify([]byte(v.Data), v.Bits, cash, time.Unix(v.Now, 0))
			switch {
			case v.ServerAccepts && err != nil:
				t.Errorf("Verify: %v, want acceptance", err)
			case !v.ServerAccepts && !errors.Is(err, ErrInsufficientWork):
				t.Errorf("Verify: %v, want ErrInsufficientWork", err)
			}
		})
		if strings.HasPrefix(v.Label, "TRAP") {
			traps++
		}
		if strings.HasPrefix(v.Label, "token spelling") {
			spellings++
		}
	}
	if traps == 0 || spellings == 0 {
		t.Errorf("%d TRAP and %d spelling vectors; the file should have both", traps, spellings)
	}

	w := f.TimeWindow
	scheme, cash, err := ParseToken(w.Token)
	if err != nil || scheme != fmt.Sprintf("hashcash-%d", w.Bits) {
		t.Fatalf("ParseToken(%q) = %q, %q, %v", w.Token, scheme, cash, err)
	}
	for _, c := range w.Cases {
		t.Run(fmt.Sprintf("window now-ts=%d", c.NowMinusTS), func(t *testing.T) {
			if _, ts, _ := ParseCash(cash); ts != c.TS || c.Now-c.TS != c.NowMinusTS {
				t.Fatalf("case does not fit the token's ts %d", ts)
			}
			err := Verify([]byte(w.Data), w.Bits, cash, time.Unix(c.Now, 0))
			switch {
			case c.Accepted && err != nil:
				t.Errorf("Verify: %v, want acceptance", err)
			case !c.Accepted && !errors.Is(err, ErrExpired):
				t.Errorf("Verify: %v, want ErrExpired", err)
			}
		})
	}
}

// TestRecordedEscrowRequests checks the tokens the reference client paid
// with in the captured escrow requests.
func TestRecordedEscrowRequests(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(vectorsDir, "*", "0?-protect-escrowrequest.decrypted.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found %d recorded escrow requests, want at least 6", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			var dec struct {
				Parameters string `json:"parameters_plaintext"`
				Hashcash   struct {
					Bits         int    `json:"bits"`
					Counter      uint64 `json:"counter"`
					TS           int64  `json:"ts"`
					ScryptOutput string `json:"scrypt_output_hex"`
					LowBitsZero  bool   `json:"low_bits_zero"`
				} `json:"hashcash"`
			}
			if err := json.Unmarshal(mustRead(t, path), &dec); err != nil {
				t.Fatal(err)
			}
			var params struct {
				Payment string `json:"payment"`
			}
			if err := json.Unmarshal([]byte(dec.Parameters), &params); err != nil {
				t.Fatal(err)
			}
			var req struct {
				EscrowData []string `json:"escrow-data"`
			}
			if err := json.Unmarshal(mustRead(t, strings.TrimSuffix(path, ".decrypted.json")+".req.json"), &req); err != nil {
				t.Fatal(err)
			}
			if len(req.EscrowData) == 0 {
				t.Fatal("no escrow-data")
			}
			data := []byte(strings.Join(req.EscrowData, ""))

			h := dec.Hashcash
			scheme, cash, err := ParseToken(params.Payment)
			if err != nil {
				t.Fatal(err)
			}
			if scheme != fmt.Sprintf("hashcash-%d", h.Bits) {
				t.Errorf("scheme %q for %d bits", scheme, h.Bits)
			}
			if counter, ts, err := ParseCash(cash); err != nil || counter != h.Counter || ts != h.TS {
				t.Errorf("ParseCash(%q) = %d, %d, %v; want %d, %d", cash, counter, ts, err, h.Counter, h.TS)
			}
			d := Digest(data, h.Counter, h.TS)
			if got := hex.EncodeToString(d[:]); got != h.ScryptOutput {
				t.Errorf("digest %s, want %s", got, h.ScryptOutput)
			}
			if !h.LowBitsZero {
				t.Error("vector says the token is not valid")
			}
			if err := Verify(data, h.Bits, cash, time.Unix(h.TS+1, 0)); err != nil {
				t.Errorf("Verify(%q): %v", params.Payment, err)
			}
			// The token pays for this data only (the other data was
			// checked once: it misses by chance, deterministically).
			if err := Verify(append([]byte("x"), data...), h.Bits, cash, time.Unix(h.TS+1, 0)); !errors.Is(err, ErrInsufficientWork) {
				t.Errorf("Verify with other data: %v, want ErrInsufficientWork", err)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
