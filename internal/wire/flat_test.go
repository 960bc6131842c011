package wire

import (
	"reflect"
	"testing"
)

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
	struct {
		A int8 `json:"a"`
		B bool `json:"b,omitempty"`
		C bool `json:"c"`
	}{A: -3, C: true},
}

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
	}
	// The short way must be taken where it can be: else it saves nothing.
	var req RecoveryRequest
	if !unmarshalFlat([]byte(flatCases[2]), &req) || req.EscrowDataKey != "ab+/cd==" {
		t.Errorf("a plain request took the long way: %+v", req)
	}
	if _, ok := marshalFlat(flatValues[0]); !ok {
		t.Error("a plain response took the long way")
	}
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
