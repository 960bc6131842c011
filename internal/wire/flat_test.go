package wire

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// plainEscrowRequest is as the reference client writes one.
const plainEscrowRequest = "{\n  \"passcrow-escrow-request\": \"1.0\",\n  \"parameters\": \"U2M+/=\",\n  \"parameters-key\": \"N3=\",\n  \"escrow-data\": [\n    \"y3u+/=\"\n  ]\n}"

// flatCases are inputs for the short way of flat.go: plain ones it takes,
// and near misses it must leave to encoding/json.
var flatCases = []string{
	`{}`,
	` { } `,
	`{"passcrow-recovery-request": "1.0", "verification": "1123456", "escrow-data-id": "19a-00ff", "escrow-data-key": "ab+/cd=="}`,
	"{\n  \"passcrow-verification-response\": \"1.0\",\n  \"expiration\": 1700000000,\n  \"hint\": \"a***@e***.org\"\n}",
	`{"description":"bench","secret":"s","verify":"email:u1@example.org","timeout":1800}`,
	`{"description":"","secret":"s","verify":"x","timeout":-0}`,
	`{"timeout":-1800,"timeout":7}`,
	`{"verification":"1","verification":"2"}`,
	`{"timeout":1.5}`, `{"timeout":1e3}`, `{"timeout":01}`, `{"timeout":99999999999999999999}`,
	`{"timeout":"1800"}`, `{"timeout":null}`, `{"secret":null}`, `{"secret":1}`,
	`{"Secret":"s"}`, `{"SECRET":"s"}`, `{"secret ":"s"}`, `{"unknown":"s"}`, `{"":"s"}`,
	`{"secret":"a\"b"}`, `{"secret":"a\\b"}`, `{"secret":"a\u00e9"}`, "{\"secret\":\"\xc3\xa9\"}",
	"{\"secret\":\"\xff\"}", "{\"secret\":\"a\tb\"}", "{\"secret\":\"\x7f\"}",
	`{"secret":"s"}}`, `{"secret":"s"}]`, `{"secret":"s"} {}`, `{"secret":"s",}`, `{"secret" "s"}`,
	`{"secret":"s"`, `{"secret":`, `{`, ``, `null`, `[]`, `"s"`, `{"secret":"s"}x`,
	`{"error": "No such escrow"}`, `{"error": ""}`,
	`{"passcrow-deletion-response":"1.0"}`,
	// Lists of strings: escrow-data, and a policy's versions and kinds
	// (a policy itself is not flat: it has a list of objects).
	plainEscrowRequest,
	`{"escrow-data":[]}`, `{"escrow-data":[ ]}`, `{"escrow-data":["a","b" , "c"]}`, `{"escrow-data": [ "" ] }`,
	`{"escrow-data":["a","b"],"escrow-data":["c"]}`, `{"escrow-data":["a"],"escrow-data":[]}`,
	`{"escrow-data":["a"],"escrow-data":null}`, `{"escrow-data":null}`, `{"escrow-data":"a"}`,
	`{"escrow-data":[null]}`, `{"escrow-data":[1]}`, `{"escrow-data":[["a"]]}`, `{"escrow-data":[{}]}`,
	`{"escrow-data":["a",]}`, `{"escrow-data":[,"a"]}`, `{"escrow-data":[,]}`, `{"escrow-data":["a" "b"]}`,
	`{"escrow-data":["a"`, `{"escrow-data":["a`, `{"escrow-data":[`, `{"escrow-data":["a"]`, `{"escrow-data":["a"]]}`,
	`{"escrow-data":["a"}`, `{"escrow-data":["a","b"}`, `{"escrow-data":[}`,
	`{"escrow-data":["a\"b"]}`, `{"escrow-data":["\u0061"]}`, "{\"escrow-data\":[\"\xc3\xa9\"]}",
	"{\"escrow-data\":[\"a\nb\"]}", `{"Escrow-Data":["a"]}`, `{"escrow-data":{"a":"b"}}`,
	`{"passcrow-versions":["1.0"],"kinds":["email","sms"]}`,
}

// flatValues are messages to marshal both ways.
var flatValues = []any{
	VerificationResponse{Version: Version, EscrowDataID: "19a-00ff", Expiration: 1700000000, Hint: "a***@e***.org"},
	VerificationResponse{Version: Version, Error: "No such escrow"},
	VerificationResponse{},
	&RecoveryResponse{Version: Version, EscrowSecret: "1-00ff"},
	RecoveryResponse{Version: Version, EscrowSecret: "quote \" here"},
	RecoveryResponse{Version: Version, EscrowSecret: "back\\slash"},
	RecoveryResponse{Version: Version, EscrowSecret: "n\u00e9on <&> \u2028 \U0001F600"},
	RecoveryResponse{Version: Version, EscrowSecret: "ctl \x01\n\t\b\f\x7f"},
	RecoveryResponse{Version: Version, EscrowSecret: "bad \xff utf-8"},
	EscrowData{Description: "d", Secret: "s", Verify: "email:a@b", Timeout: -5},
	EscrowResponse{Version: Version},
	ErrorResponse{},
	ErrorResponse{Error: "Bad request"},
	DeletionResponse{Version: Version},
	(*RecoveryResponse)(nil),
	Policy{Versions: []string{Version}},
	map[string]string{"about": "x"},
	EscrowRequest{Version: Version, Parameters: "U2M+/=", ParametersKey: "N3=", EscrowData: []string{"y3u+/="}},
	&EscrowRequest{EscrowData: []string{"a", "", "c"}},
	EscrowRequest{EscrowData: []string{}},
	EscrowRequest{},
	EscrowRequest{EscrowData: []string{"a", "quote \""}},
	EscrowRequest{EscrowData: []string{"n\u00e9on"}},
	EscrowRequest{EscrowData: []string{"a", "\x01"}},
	Extensions{Extensions: []string{ExtReleaseDelay}},
	struct {
		L []string `json:"l,omitempty"`
		M []string `json:"m,omitempty"`
		N []string `json:"n,omitempty"`
		K []kind   `json:"k"`
	}{M: []string{}, N: []string{"n"}, K: []kind{"email"}},
	struct {
		A []tagged `json:"a"`
	}{A: []tagged{"x"}},
	struct {
		A []byte `json:"a"`
	}{A: []byte("ab")},
	struct {
		A map[string]string `json:"a"`
	}{A: map[string]string{"k": "v"}},
	struct {
		A []int `json:"a"`
	}{A: []int{1}},
	struct {
		A [2]string `json:"a"`
	}{A: [2]string{"x"}},
	struct {
		A [][]string `json:"a"`
	}{A: [][]string{{"y"}}},
	struct {
		A int8 `json:"a"`
		B bool `json:"b,omitempty"`
		C bool `json:"c"`
	}{A: -3, C: true},
}

// kind is a string type of its own, as a list's element may be.
type kind string

// tagged is a string that encodes itself, which only encoding/json knows.
type tagged string

func (t tagged) MarshalText() ([]byte, error) { return []byte("<" + t + ">"), nil }

func TestFlatAsEncodingJSON(t *testing.T) {
	for _, v := range flatValues {
		want, werr := marshalJSON(v)
		got, gerr := Marshal(v)
		if string(got) != string(want) || (gerr == nil) != (werr == nil) {
			t.Errorf("Marshal(%#v) =\n%s, %v\nencoding/json:\n%s, %v", v, got, gerr, want, werr)
		}
	}
	for _, c := range flatCases {
		for _, m := range fuzzMessages {
			checkFlatUnmarshal(t, m.name, m.new, []byte(c))
		}
		checkFlatUnmarshal(t, "EscrowRequest over another", usedEscrowRequest, []byte(c))
	}
	// The short way must be taken where it can be: else it saves nothing.
	var req RecoveryRequest
	if !unmarshalFlat([]byte(flatCases[2]), &req) || req.EscrowDataKey != "ab+/cd==" {
		t.Errorf("a plain request took the long way: %+v", req)
	}
	if _, ok := marshalFlat(flatValues[0]); !ok {
		t.Error("a plain response took the long way")
	}
	var escrow EscrowRequest
	if !unmarshalFlat([]byte(plainEscrowRequest), &escrow) || len(escrow.EscrowData) != 1 {
		t.Errorf("a plain escrow request took the long way: %+v", escrow)
	}
	if _, ok := marshalFlat(escrow); !ok {
		t.Error("a plain escrow request took the long way out")
	}
}

// A slice already in the message is filled as encoding/json fills it:
// in place as far as its capacity goes, then in a larger one, so a
// caller that reuses slices sees the same either way.
func TestFlatReusesSlicesAsEncodingJSON(t *testing.T) {
	for _, c := range []string{`{"escrow-data":[]}`, `{"escrow-data":["a"]}`, `{"escrow-data":["a","b"]}`,
		`{"escrow-data":["a","b","c","d"]}`, `{"escrow-data":["a","b"],"escrow-data":["c"]}`} {
		for capacity := range 4 {
			var bufs [2][]string
			var reqs [2]EscrowRequest
			for k, unmarshal := range []func([]byte, any) error{Unmarshal, unmarshalJSON} {
				bufs[k] = []string{"x", "y", "z"}[:min(capacity, 2):capacity]
				reqs[k].EscrowData = bufs[k]
				if err := unmarshal([]byte(c), &reqs[k]); err != nil {
					t.Fatal(err)
				}
			}
			got, want := reqs[0].EscrowData, reqs[1].EscrowData
			if !reflect.DeepEqual(got, want) || cap(got) != cap(want) ||
				!reflect.DeepEqual(bufs[0][:capacity], bufs[1][:capacity]) {
				t.Errorf("%s into cap %d: got %q (cap %d), old %q; encoding/json %q (cap %d), old %q",
					c, capacity, got, cap(got), bufs[0][:capacity], want, cap(want), bufs[1][:capacity])
			}
		}
	}
}

// usedEscrowRequest is a message read into a second time: what is there
// stays or is overwritten, and its list is reused.
func usedEscrowRequest() any {
	return &EscrowRequest{Version: "0.9", Parameters: "p", EscrowData: append(make([]string, 0, 2), "old")}
}

// checkFlatUnmarshal compares Unmarshal with encoding/json's alone on
// data, into a fresh message made by mk.
func checkFlatUnmarshal(t *testing.T, name string, mk func() any, data []byte) {
	t.Helper()
	got, want := mk(), mk()
	gerr, werr := Unmarshal(data, got), unmarshalJSON(data, want)
	if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) || !reflect.DeepEqual(got, want) {
		t.Errorf("%s %q: got %+v, %v; encoding/json %+v, %v", name, data, got, gerr, want, werr)
	}
}

// FuzzFlatAsEncodingJSON: for any input, Unmarshal into each message does
// what encoding/json does, and so does Marshal of what it read.
func FuzzFlatAsEncodingJSON(f *testing.F) {
	for _, c := range flatCases {
		f.Add([]byte(c))
	}
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFlatUnmarshal(t, "EscrowRequest over another", usedEscrowRequest, data)
		for _, m := range fuzzMessages {
			checkFlatUnmarshal(t, m.name, m.new, data)
			v := m.new()
			if unmarshalJSON(data, v) != nil {
				continue
			}
			got, gerr := Marshal(v)
			want, werr := marshalJSON(v)
			if string(got) != string(want) || (gerr == nil) != (werr == nil) {
				t.Fatalf("%s: Marshal gives\n%s\nencoding/json\n%s", m.name, got, want)
			}
		}
	})
}

// The escrow request as the reference client sends it: the []string
// field is what kept it off the short way.
func BenchmarkUnmarshalEscrowRequest(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(vectorDir, "ephemeral", "02-protect-escrowrequest.req.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var req EscrowRequest
		if err := Unmarshal(data, &req); err != nil || len(req.EscrowData) != 1 {
			b.Fatal(err, req)
		}
	}
}

func BenchmarkMarshalEscrowRequest(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(vectorDir, "ephemeral", "02-protect-escrowrequest.req.json"))
	if err != nil {
		b.Fatal(err)
	}
	var req EscrowRequest
	if err := Unmarshal(data, &req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if out, err := Marshal(req); err != nil || string(out) != string(data) {
			b.Fatalf("%s, %v", out, err)
		}
	}
}
