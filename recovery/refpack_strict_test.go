package recovery

// A checker that reads a .passcrow pack as the reference client does
// (client.py RecoveryPack, EscrowRecord, EncryptedBlob; proto.py
// EscrowResponse; util.py _json_object): every object has a fixed key
// set and a key outside it raises KeyError while the pack loads; a
// missing key raises KeyError when it is read, and recovery reads all
// that the reference writes. Values must have the JSON types the
// reference writes (it would coerce "5" to 5; we do not accept that from
// ourselves). Then it recovers the secret the way client.py recover does,
// including its int-to-key conversion that drops leading zero bytes.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// refKeys is one object's key set: each key's JSON type, and whether
// the reference reads it (so that its absence is a KeyError).
type refKeys map[string]struct {
	typ      string // "string", "int", "bool", "list", "object"
	required bool
}

var (
	refPackKeys = refKeys{
		"name":         {"string", true},
		"secret":       {"string", true},
		"created-ts":   {"int", true},
		"is-ephemeral": {"bool", false},
		"ephemeral-id": {"string", false},
		"description":  {"string", true},
		"min-shares":   {"int", true},
		"shares":       {"list", true},
		"escrow":       {"list", true},
	}
	refEscrowRecordKeys = refKeys{
		"kind":         {"string", true},
		"server":       {"string", true},
		"response":     {"object", true},
		"recovery-key": {"string", true},
	}
	refEscrowResponseKeys = refKeys{
		"passcrow-escrow-response": {"string", true},
		"escrow-data-id":           {"string", true},
		"expiration":               {"int", true},
		"error":                    {"string", false},
	}
	refBlobKeys = refKeys{"data": {"string", true}}
)

// checkRefObject applies a key set to one decoded object.
func checkRefObject(where string, obj map[string]any, keys refKeys) error {
	for k, v := range obj {
		// util.py turns '_' into '-' before the check.
		spec, ok := keys[strings.ReplaceAll(k, "_", "-")]
		if !ok {
			return fmt.Errorf("%s: KeyError: Invalid key: %s", where, k)
		}
		if k != strings.ReplaceAll(k, "_", "-") {
			return fmt.Errorf("%s: key %q is spelt with '_', which the reference writes as '-'", where, k)
		}
		if err := checkRefType(v, spec.typ); err != nil {
			return fmt.Errorf("%s.%s: %w", where, k, err)
		}
	}
	for k, spec := range keys {
		if _, ok := obj[k]; spec.required && !ok {
			return fmt.Errorf("%s: KeyError: %s (missing)", where, k)
		}
	}
	return nil
}

func checkRefType(v any, typ string) error {
	ok := false
	switch typ {
	case "string":
		_, ok = v.(string)
	case "bool":
		_, ok = v.(bool)
	case "list":
		_, ok = v.([]any)
	case "object":
		_, ok = v.(map[string]any)
	case "int":
		n, isNum := v.(json.Number)
		if isNum {
			_, err := n.Int64()
			ok = err == nil
		}
	}
	if !ok {
		return fmt.Errorf("%T %v is not a JSON %s as the reference writes it", v, v, typ)
	}
	return nil
}

func decodeRefJSON(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	return obj, nil
}

// refPack is a pack that passed checkReferencePackStrict.
type refPack struct {
	obj       map[string]any
	minShares int
	shares    []string
	escrow    []map[string]any
	secret    string
}

// checkReferencePackStrict reads a pack as the reference's RecoveryPack
// would, and checks what its recovery relies on: escrow records it can
// ask a server about, shares in its "x-y" form, and (escrowed says which
// form) no "ephemeral-id" in the pack escrowed in ephemeral mode, since
// the reference would then take its last share record for the pack's
// own escrow and give the others the wrong code prefixes.
func checkReferencePackStrict(data []byte, escrowed bool) (*refPack, error) {
	obj, err := decodeRefJSON(data)
	if err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	if err := checkRefObject("pack", obj, refPackKeys); err != nil {
		return nil, err
	}
	rp := &refPack{obj: obj, secret: obj["secret"].(string)}
	n, _ := obj["min-shares"].(json.Number).Int64()
	rp.minShares = int(n)
	for i, s := range obj["shares"].([]any) {
		str, ok := s.(string)
		if !ok {
			return nil, fmt.Errorf("pack.shares[%d]: %T, not a string", i, s)
		}
		if _, err := parsePrimeShare(str); err != nil {
			return nil, fmt.Errorf("pack.shares[%d]: %w", i, err)
		}
		rp.shares = append(rp.shares, str)
	}
	for i, e := range obj["escrow"].([]any) {
		rec, ok := e.(map[string]any)
		where := fmt.Sprintf("pack.escrow[%d]", i)
		if !ok {
			return nil, fmt.Errorf("%s: %T, not an object", where, e)
		}
		if err := checkRefObject(where, rec, refEscrowRecordKeys); err != nil {
			return nil, err
		}
		resp := rec["response"].(map[string]any)
		if err := checkRefObject(where+".response", resp, refEscrowResponseKeys); err != nil {
			return nil, err
		}
		// EscrowResponse._check_self
		if v := resp["passcrow-escrow-response"]; v != wire.Version {
			return nil, fmt.Errorf("%s.response: ValueError: Unsupported response version %v", where, v)
		}
		if _, err := wire.DecodeKey(rec["recovery-key"].(string)); err != nil {
			return nil, fmt.Errorf("%s.recovery-key: %w", where, err)
		}
		if s := rec["server"].(string); strings.Contains(s, "://") || s == "" {
			return nil, fmt.Errorf("%s.server: %q is not a bare host name, which the reference reaches at https://<server>/passcrow/", where, s)
		}
		rp.escrow = append(rp.escrow, rec)
	}
	_, hasID := obj["ephemeral-id"]
	_, isEph := obj["is-ephemeral"]
	if escrowed && (hasID || isEph) {
		return nil, errors.New("the escrowed pack has \"ephemeral-id\" or \"is-ephemeral\"")
	}
	if escrowed && len(rp.escrow) < rp.minShares {
		return nil, fmt.Errorf("min-shares %d but %d escrow records", rp.minShares, len(rp.escrow))
	}
	if rp.minShares < 1 {
		return nil, fmt.Errorf("min-shares %d", rp.minShares)
	}
	return rp, nil
}

// shareRecords are the records that get code prefixes (the reference's
// prefixed_escrow_list): all but the last when the pack has an
// "ephemeral-id".
func (rp *refPack) shareRecords() []map[string]any {
	if _, ok := rp.obj["ephemeral-id"]; ok {
		return rp.escrow[:len(rp.escrow)-1]
	}
	return rp.escrow
}

// referenceRecover is client.py recover after the servers answered:
// escrowed are the escrow-secrets fetched with codes.
func referenceRecover(rp *refPack, escrowed []string) ([]byte, error) {
	if len(escrowed) < rp.minShares {
		return nil, errors.New("KeyError: Recovery failed")
	}
	all := slices.Concat(escrowed, rp.shares)
	if len(all) < 3 {
		return nil, errors.New("ValueError: need at least three shares")
	}
	var ps []primeShare
	for _, s := range all {
		p, err := parsePrimeShare(s)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	n, err := primeCombine(ps)
	if err != nil {
		return nil, err
	}
	// aesgcm_key_from_int: minimal big-endian bytes, leading zeros dropped.
	key := n.Bytes()
	if len(key) != 16 && len(key) != 24 && len(key) != 32 {
		return nil, fmt.Errorf("ValueError: AESGCM key must be 128, 192, or 256 bits (got %d bytes)", len(key))
	}
	pt, err := wire.Open(key, rp.secret)
	if err != nil {
		return nil, fmt.Errorf("InvalidTag: %w", err)
	}
	blob, err := decodeRefJSON(pt)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	if err := checkRefObject("secret", blob, refBlobKeys); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(blob["data"].(string))
}

// The checker passes the reference's own packs and fails each way the
// reference would.
func TestReferencePackStrictChecker(t *testing.T) {
	var dec struct {
		Pack string `json:"pack_plaintext"`
	}
	readEphemeralVector(t, "04-protect-escrowrequest.decrypted.json", &dec)
	escrowedPack := []byte(dec.Pack)
	local := readEphemeralVector(t, "local-pack-ephemeral-both.passcrow", nil)
	if _, err := checkReferencePackStrict(escrowedPack, true); err != nil {
		t.Fatalf("the reference's escrowed pack: %v", err)
	}
	rp, err := checkReferencePackStrict(local, false)
	if err != nil {
		t.Fatalf("the reference's local pack: %v", err)
	}
	if n := len(rp.shareRecords()); n != 2 {
		t.Errorf("local pack: %d share records, want 2", n)
	}
	if _, err := checkReferencePackStrict(local, true); err == nil {
		t.Error("a pack with \"ephemeral-id\" passed as an escrowed pack")
	}
	rt := readVector(t, "roundtrip-2of3/recovery-pack.passcrow", nil)
	if _, err := checkReferencePackStrict(rt, false); err != nil {
		t.Errorf("the reference's 2-of-3 pack: %v", err)
	}

	// The recorded shares open the recorded secret, the reference's way.
	var d02 struct {
		Data string `json:"escrow_data_plaintext"`
	}
	readEphemeralVector(t, "02-protect-escrowrequest.decrypted.json", &d02)
	var data wire.EscrowData
	if err := wire.Unmarshal([]byte(d02.Data), &data); err != nil {
		t.Fatal(err)
	}
	secret, err := referenceRecover(rp, []string{data.Secret})
	if err != nil || string(secret) != recordedSecret {
		t.Errorf("reference recovery: %q, %v", secret, err)
	}
	if _, err := referenceRecover(rp, nil); err == nil {
		t.Error("recovered with no escrowed share")
	}

	for _, tc := range []struct{ name, from, to, want string }{
		{"unknown key", `"name": `, `"colour": "red",` + "\n  " + `"name": `, "Invalid key: colour"},
		{"missing key", `"min-shares": 1,`, ``, "KeyError: min-shares"},
		{"underscore", `"min-shares"`, `"min_shares"`, "spelt with '_'"},
		{"string for int", `"created-ts": 1795460852`, `"created-ts": "1795460852"`, "not a JSON int"},
		{"unknown record key", `"kind": "email",`, `"kind": "email", "notify": "x",`, "Invalid key: notify"},
		{"missing record key", `"server": "pc-test.local",`, ``, "KeyError: server"},
		{"unknown response key", `"expiration": 1826996857,`, `"expiration": 1826996857, "hint": "x",`, "Invalid key: hint"},
		{"response version", `"passcrow-escrow-response": "1.0"`, `"passcrow-escrow-response": "2.0"`, "Unsupported response version"},
		{"URL server", `"server": "pc-test.local"`, `"server": "http://127.0.0.1:1"`, "not a bare host name"},
		{"ephemeral-id escrowed", `"name": `, `"ephemeral-id": "a:b",` + "\n  " + `"name": `, "has \"ephemeral-id\""},
		{"bad share", `"3-1aeb`, `"3-xaeb`, "pack.shares[0]"},
	} {
		bad := strings.Replace(dec.Pack, tc.from, tc.to, 1)
		if bad == dec.Pack {
			t.Fatalf("%s: %q is not in the pack", tc.name, tc.from)
		}
		if _, err := checkReferencePackStrict([]byte(bad), true); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}

	// A key with a zero first byte: the reference's int-to-key drops it,
	// and recovery fails, which is why ProtectEphemeral never draws one.
	key := make([]byte, KeySize)
	key[1] = 7
	sealed, err := sealReferenceSecret(bytes.NewReader(make([]byte, wire.NonceSize)), key, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	shares, err := primeSplit(bytes.NewReader(bytes.Repeat([]byte{5}, 2*primeFieldBytes)), new(big.Int).SetBytes(key), 3, 3)
	if err != nil {
		t.Fatal(err)
	}
	zero := &refPack{minShares: 1, secret: sealed, shares: []string{string(shares[1]), string(shares[2])}}
	if _, err := referenceRecover(zero, []string{string(shares[0])}); err == nil || !strings.Contains(err.Error(), "31 bytes") {
		t.Errorf("a key with a leading zero byte: %v, want the reference's failure", err)
	}
}
