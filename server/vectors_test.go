package server

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// TestReplayReferenceClient sends every request the reference client made
// in the captured sessions, byte for byte, to our server, in order:
// protect, verify, recover, delete. Time and the random escrow ids are set
// to what the reference server had, so every response must equal the
// recorded one byte for byte; only the verification codes differ (they are
// random), so the recovery requests carry the codes our verifier got, and
// the first 12 digits of an escrow id we draw are the time (drawnID).
func TestReplayReferenceClient(t *testing.T) {
	for _, dir := range []string{"roundtrip-2of3", "ephemeral"} {
		t.Run(dir, func(t *testing.T) { replayVectors(t, filepath.Join(vectorsDir, dir)) })
	}
}

type exchange struct {
	FilePrefix string  `json:"file_prefix"`
	TS         float64 `json:"ts"`
}

func replayVectors(t *testing.T, dir string) {
	var log struct{ Exchanges []exchange }
	readJSONFile(t, filepath.Join(dir, "exchanges.json"), &log)
	if len(log.Exchanges) == 0 {
		t.Fatal("no exchanges recorded")
	}

	// The reference's random ids, in the order it made them, so ours match.
	rnd := &servertest.QueuedRand{}
	for _, ex := range log.Exchanges {
		if !strings.HasSuffix(ex.FilePrefix, "-escrowrequest") {
			continue
		}
		var dec struct {
			Params string `json:"parameters_plaintext"`
			ID     string `json:"escrow_data_id"`
		}
		readJSONFile(t, filepath.Join(dir, ex.FilePrefix+".decrypted.json"), &dec)
		if strings.Contains(dec.Params, "prefer-id") {
			continue // no random id is drawn
		}
		_, bare, _ := strings.Cut(dec.ID, "-")
		b, err := hex.DecodeString(bare)
		mustBeNil(t, err)
		rnd.Queue(b)
	}
	// The reference client deletes without the key, which an operator
	// may allow (TestKeylessDeletion has the default, which refuses).
	env := newTestEnv(t, func(c *Config) { c.Rand = rnd; c.AllowKeylessDelete = true })

	codes := map[string]string{} // escrow-data-id -> code our verifier sent
	var sent int
	// Our drawn ids start with the time (newEscrowID) where the
	// reference's are random; the rest is the reference's randomness.
	// Later requests name ours, and responses are compared with ours put
	// back to the reference's.
	var toOurs, toTheirs []string
	for _, ex := range log.Exchanges {
		_, method, _ := strings.Cut(ex.FilePrefix[3:], "-")
		method = method[strings.LastIndexByte(method, '-')+1:]
		req := readFile(t, filepath.Join(dir, ex.FilePrefix+".req.json"))
		want := readFile(t, filepath.Join(dir, ex.FilePrefix+".resp.json"))
		env.clock.set(int64(ex.TS)) // the reference server's clock at that request
		req = []byte(strings.NewReplacer(toOurs...).Replace(string(req)))

		if method == wire.MethodRecovery {
			var rr wire.RecoveryRequest
			mustBeNil(t, wire.Unmarshal(req, &rr))
			code, ok := codes[rr.EscrowDataID]
			if !ok {
				t.Fatalf("%s: no code was sent for %s", ex.FilePrefix, rr.EscrowDataID)
			}
			req = bytes.Replace(req, []byte(`"`+rr.Verification+`"`), []byte(`"`+code+`"`), 1)
		}

		status, got := env.post(t, method, req)
		if status != http.StatusOK {
			t.Fatalf("%s: HTTP %d: %s", ex.FilePrefix, status, got)
		}
		if method == wire.MethodEscrow {
			ours, theirs := drawnID(t, got, want, env.clock.Now())
			if ours != theirs {
				toOurs, toTheirs = append(toOurs, theirs, ours), append(toTheirs, ours, theirs)
			}
		}
		got = []byte(strings.NewReplacer(toTheirs...).Replace(string(got)))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: response differs from the reference's\n got: %s\nwant: %s", ex.FilePrefix, got, want)
		}
		checkParsesAsReference(t, method, got)

		if method == wire.MethodVerification {
			var vr wire.VerificationRequest
			mustBeNil(t, wire.Unmarshal(req, &vr))
			if env.verifier.count() != sent+1 {
				t.Fatalf("%s: %d messages sent, want %d", ex.FilePrefix, env.verifier.count(), sent+1)
			}
			sent++
			m := env.verifier.last(t)
			if !strings.HasPrefix(m.Code, vr.Prefix) || len(m.Code) != len(vr.Prefix)+6 {
				t.Errorf("%s: code %q does not have prefix %q and six digits", ex.FilePrefix, m.Code, vr.Prefix)
			}
			if m.Kind != "email" || m.Language != "en" || m.Timeout.Seconds() != 1800 ||
				!strings.HasPrefix(m.Description, "pcpeer") || m.AboutURL != "https://passcrow.example.org/" {
				t.Errorf("%s: message %+v", ex.FilePrefix, m)
			}
			codes[vr.EscrowDataID] = m.Code
		}
	}

	// Everything was deleted: the ids are gone.
	for id := range codes {
		var resp wire.VerificationResponse
		env.call(t, wire.MethodVerification, wire.VerificationRequest{
			Version: wire.Version, Language: "en", EscrowDataID: id,
			EscrowDataKey: "m4XEGgwMNJsUfMkYpoDDNtvzrZ6l61hBlxX13dHzHuY=",
		}, &resp)
		if resp.Error != errStrNoEscrow {
			t.Errorf("after deletion, %s: error %q, want %q", id, resp.Error, errStrNoEscrow)
		}
	}
}

// drawnID returns the escrow ids of our response and the reference's.
// An id the server drew must be the reference's but for its first 6
// bytes, which are the time in milliseconds.
func drawnID(t *testing.T, got, want []byte, now time.Time) (ours, theirs string) {
	t.Helper()
	var g, w wire.EscrowResponse
	mustBeNil(t, wire.Unmarshal(got, &g))
	mustBeNil(t, wire.Unmarshal(want, &w))
	if g.EscrowDataID == w.EscrowDataID {
		return g.EscrowDataID, w.EscrowDataID // a prefer-id
	}
	exp, bare, _ := strings.Cut(w.EscrowDataID, "-")
	ms := fmt.Sprintf("%012x", now.UnixMilli())
	if len(bare) != 32 || g.EscrowDataID != exp+"-"+ms+bare[12:] {
		t.Fatalf("escrow id %q; want the reference's %q with %s for its first 12 digits", g.EscrowDataID, w.EscrowDataID, ms)
	}
	return g.EscrowDataID, w.EscrowDataID
}

// checkParsesAsReference parses a response strictly into its type, as the
// reference client's whitelists would, and checks its version key.
func checkParsesAsReference(t *testing.T, method string, body []byte) {
	t.Helper()
	var version, errStr string
	var err error
	switch method {
	case wire.MethodPolicy:
		var r wire.Policy
		err = wire.Unmarshal(body, &r)
		if len(r.Versions) == 1 {
			version = r.Versions[0]
		}
		errStr = r.Error
	case wire.MethodEscrow:
		var r wire.EscrowResponse
		err, version, errStr = wire.Unmarshal(body, &r), r.Version, r.Error
	case wire.MethodVerification:
		var r wire.VerificationResponse
		err, version, errStr = wire.Unmarshal(body, &r), r.Version, r.Error
	case wire.MethodRecovery:
		var r wire.RecoveryResponse
		err, version, errStr = wire.Unmarshal(body, &r), r.Version, r.Error
	case wire.MethodDeletion:
		var r wire.DeletionResponse
		err, version, errStr = wire.Unmarshal(body, &r), r.Version, r.Error
	default:
		t.Fatalf("unknown method %q", method)
	}
	if err != nil {
		t.Errorf("%s response does not parse: %v", method, err)
	}
	if version != wire.Version {
		t.Errorf("%s response has version %q", method, version)
	}
	if errStr != "" {
		t.Errorf("%s response is an error: %q", method, errStr)
	}
}

// TestPolicyMatchesReference: a 366-day server publishes exactly the
// reference's policy, over GET and over POST with the client's "{}".
func TestPolicyMatchesReference(t *testing.T) {
	env := newTestEnv(t, nil)
	want := readFile(t, filepath.Join(vectorsDir, "roundtrip-2of3", "01-protect-policy.resp.json"))
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		for _, body := range []string{"", "{}"} {
			status, got := env.do(t, m, "/passcrow/policy", []byte(body))
			if status != http.StatusOK || !bytes.Equal(got, want) {
				t.Errorf("%s policy with body %q: HTTP %d\n%s", m, body, status, got)
			}
		}
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readJSONFile(t testing.TB, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(readFile(t, path), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
