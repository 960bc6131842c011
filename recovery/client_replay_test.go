package recovery

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// vectorsDir holds traffic captured between the reference client and
// server (see its README.txt).
const vectorsDir = "../../shared/vectors"

// exchange is one captured request/response pair.
type exchange struct {
	dir    string // "roundtrip-2of3"
	name   string // "02-protect-escrowrequest"
	method string // "escrowrequest"
	req    []byte
	resp   []byte
}

func loadExchanges(t *testing.T, dir string) []exchange {
	t.Helper()
	reqs, _ := filepath.Glob(filepath.Join(vectorsDir, dir, "[0-9][0-9]-*.req.json"))
	if len(reqs) < 10 {
		t.Fatalf("found %d captured requests in %s/%s", len(reqs), vectorsDir, dir)
	}
	slices.Sort(reqs)
	var xs []exchange
	for _, f := range reqs {
		name := strings.TrimSuffix(filepath.Base(f), ".req.json")
		x := exchange{dir: dir, name: name, method: name[strings.LastIndex(name, "-")+1:]}
		x.req = mustReadFile(t, f)
		x.resp = mustReadFile(t, strings.TrimSuffix(f, ".req.json")+".resp.json")
		xs = append(xs, x)
	}
	return xs
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replayServer answers with the captured reference responses byte for
// byte, in capture order, on 127.0.0.1: a replay of real traffic, not a
// server of its own. It records the bodies it receives and fails the test
// when a request comes out of order.
type replayServer struct {
	*httptest.Server
	t  *testing.T
	xs []exchange

	mu   sync.Mutex
	next int
	got  [][]byte
}

func newReplayServer(t *testing.T, xs []exchange) *replayServer {
	rs := &replayServer{t: t, xs: xs}
	rs.Server = httptest.NewServer(http.HandlerFunc(rs.serve))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *replayServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.next >= len(rs.xs) {
		rs.t.Errorf("replay: request %s beyond the capture", r.URL.Path)
		http.Error(w, "beyond capture", http.StatusGone)
		return
	}
	x := rs.xs[rs.next]
	if r.Method != http.MethodPost || r.URL.Path != "/passcrow/"+x.method {
		rs.t.Errorf("replay: got %s %s, the capture has POST /passcrow/%s next", r.Method, r.URL.Path, x.method)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		rs.t.Errorf("replay: Content-Type %q", ct)
	}
	rs.next++
	rs.got = append(rs.got, body)
	w.Header().Set("Content-Type", "application/json")
	w.Write(x.resp)
}

// body returns the i-th request body received.
func (rs *replayServer) body(i int) []byte {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if i >= len(rs.got) {
		rs.t.Fatalf("replay: only %d requests arrived, want #%d", len(rs.got), i+1)
	}
	return rs.got[i]
}

// testClient makes a client for a test server of ours: no rate limit,
// quick retries.
func testClient(t *testing.T, url string) *Client {
	t.Helper()
	c, err := NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	c.Backoff = time.Millisecond
	c.Timeout = 5 * time.Second
	return c
}

// topKeys lists the keys of a JSON object in the order they appear.
func topKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", b)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

type decryptedEscrow struct {
	Params      string `json:"parameters_plaintext"`
	ParamsNonce string `json:"parameters_nonce_hex"`
	DataKey     string `json:"escrow_data_key_b64"`
	Data        string `json:"escrow_data_plaintext"`
	DataNonce   string `json:"escrow_data_nonce_hex"`
}

// TestReplayReferenceSessions drives our client through each captured
// session with the same inputs the reference client had, against the
// captured responses. Requests without encryption must come out byte for
// byte as the reference sent them; so must escrow requests, given the
// reference's keys and nonces, and they must decrypt to the very
// plaintext bytes. Every captured
// response goes through the client's answer handling.
func TestReplayReferenceSessions(t *testing.T) {
	for _, dir := range []string{"roundtrip-2of3", "ephemeral"} {
		t.Run(dir, func(t *testing.T) {
			xs := loadExchanges(t, dir)
			rs := newReplayServer(t, xs)
			c := testClient(t, rs.URL)
			ctx := context.Background()
			for i, x := range xs {
				switch x.method {
				case wire.MethodPolicy:
					p, err := c.Policy(ctx)
					if err != nil {
						t.Fatalf("%s: %v", x.name, err)
					}
					if p.MaxExpirationSeconds != 31622400 || len(p.PaymentSchemes) != 3 {
						t.Errorf("%s: policy parsed as %+v", x.name, p)
					}
					if got := rs.body(i); string(got) != "{}" || !bytes.Equal(got, x.req) {
						t.Errorf("%s: sent %q, reference sent %q", x.name, got, x.req)
					}
				case wire.MethodEscrow:
					replayEscrow(t, c, rs, i, x)
				case wire.MethodVerification:
					var req wire.VerificationRequest
					var want wire.VerificationResponse
					mustWireUnmarshal(t, x.req, &req)
					mustWireUnmarshal(t, x.resp, &want)
					key, _ := wire.DecodeKey(req.EscrowDataKey)
					got, err := c.Verify(ctx, req.EscrowDataID, key, req.Prefix, req.Language)
					if err != nil {
						t.Fatalf("%s: %v", x.name, err)
					}
					if got.Hint != want.Hint || got.Expires.Unix() != want.Expiration || got.ActionURL != "" {
						t.Errorf("%s: got %+v, captured %+v", x.name, got, want)
					}
					sameBytes(t, x.name, rs.body(i), x.req)
				case wire.MethodRecovery:
					var req wire.RecoveryRequest
					var want wire.RecoveryResponse
					mustWireUnmarshal(t, x.req, &req)
					mustWireUnmarshal(t, x.resp, &want)
					key, _ := wire.DecodeKey(req.EscrowDataKey)
					secret, err := c.Recover(ctx, req.EscrowDataID, key, req.Verification)
					if err != nil {
						t.Fatalf("%s: %v", x.name, err)
					}
					if secret != want.EscrowSecret {
						t.Errorf("%s: secret differs from the captured one", x.name)
					}
					sameBytes(t, x.name, rs.body(i), x.req)
				case wire.MethodDeletion:
					var req wire.DeletionRequest
					mustWireUnmarshal(t, x.req, &req)
					if err := c.Delete(ctx, req.EscrowDataID, nil); err != nil {
						t.Fatalf("%s: %v", x.name, err)
					}
					sameBytes(t, x.name, rs.body(i), x.req)
				default:
					t.Fatalf("%s: unknown method", x.name)
				}
			}
		})
	}
}

func replayEscrow(t *testing.T, c *Client, rs *replayServer, i int, x exchange) {
	t.Helper()
	var dec decryptedEscrow
	if err := json.Unmarshal(mustReadFile(t, filepath.Join(vectorsDir, x.dir, x.name+".decrypted.json")), &dec); err != nil {
		t.Fatal(err)
	}
	var params wire.EscrowParameters
	var data wire.EscrowData
	var capReq wire.EscrowRequest
	var capResp wire.EscrowResponse
	mustWireUnmarshal(t, []byte(dec.Params), &params)
	mustWireUnmarshal(t, []byte(dec.Data), &data)
	mustWireUnmarshal(t, x.req, &capReq)
	mustWireUnmarshal(t, x.resp, &capResp)

	// The same keys and nonces as the reference, in the order the client
	// draws them: escrow-data key and nonce, then parameters key and nonce.
	dkey, _ := wire.DecodeKey(dec.DataKey)
	pkey, _ := wire.DecodeKey(capReq.ParametersKey)
	dnonce, _ := hex.DecodeString(dec.DataNonce)
	pnonce, _ := hex.DecodeString(dec.ParamsNonce)
	c.Rand = bytes.NewReader(slices.Concat(dkey, dnonce, pkey, pnonce))
	// The clock of the recording: the hashcash stamp's time.
	_, cash, _ := hashcash.ParseToken(params.Payment)
	_, ts, err := hashcash.ParseCash(cash)
	if err != nil {
		t.Fatal(err)
	}
	c.Now = func() time.Time { return time.Unix(ts, 0) }
	// Work was done by the reference; its recorded stamp stands in for ours.
	c.solve = func(_ context.Context, _ []byte, schemeID string, bits int, _ hashcash.SolveOptions) (string, error) {
		if schemeID+":" != params.Payment[:len(schemeID)+1] || bits != 12 {
			t.Errorf("%s: asked to pay %s with %d bits, the reference paid %s", x.name, schemeID, bits, params.Payment)
		}
		return params.Payment, nil
	}
	res, err := c.Escrow(context.Background(), EscrowInput{
		Identity:    data.Verify,
		Secret:      data.Secret,
		Description: data.Description,
		Expires:     time.Unix(params.Expiration, 0),
		Timeout:     time.Duration(data.Timeout) * time.Second,
		Notify:      data.Notify,
		PreferID:    params.PreferID,
	})
	if err != nil {
		t.Fatalf("%s: %v", x.name, err)
	}
	if res.ID != capResp.EscrowDataID || res.Expires.Unix() != capResp.Expiration || res.Warning != nil || res.Scheme != "hashcash-12" {
		t.Errorf("%s: result %+v, captured %+v", x.name, res, capResp)
	}
	if !bytes.Equal(res.Key, dkey) {
		t.Errorf("%s: escrow key not the one drawn", x.name)
	}

	got := rs.body(i)
	var req wire.EscrowRequest
	mustWireUnmarshal(t, got, &req)
	if k, w := topKeys(t, got), topKeys(t, x.req); !slices.Equal(k, w) {
		t.Errorf("%s: key order %q, reference %q", x.name, k, w)
	}
	if len(req.EscrowData) != 1 || req.Version != wire.Version || req.ParametersKey != capReq.ParametersKey {
		t.Fatalf("%s: request %+v", x.name, req)
	}
	gotParams, err := wire.Open(pkey, req.Parameters)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, x.name+" parameters", gotParams, []byte(dec.Params))
	gotData, err := wire.Open(dkey, req.EscrowData[0])
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, x.name+" escrow data", gotData, []byte(dec.Data))
	// With the same keys and nonces, the whole request is the reference's.
	sameBytes(t, x.name, got, x.req)
}

func mustWireUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := wire.Unmarshal(b, v); err != nil {
		t.Fatalf("strict parse of %.60q: %v", b, err)
	}
}

func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s: sent\n%s\nreference sent\n%s", what, got, want)
	}
}
