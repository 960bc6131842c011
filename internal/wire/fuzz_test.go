package wire

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// fuzzMessages are the types of messages.go, each made afresh: whatever
// arrives from a server or a client is parsed as one of them.
var fuzzMessages = []struct {
	name string
	new  func() any
}{
	{"Policy", func() any { return new(Policy) }},
	{"PaymentScheme", func() any { return new(PaymentScheme) }},
	{"EscrowRequest", func() any { return new(EscrowRequest) }},
	{"EscrowParameters", func() any { return new(EscrowParameters) }},
	{"EscrowData", func() any { return new(EscrowData) }},
	{"EscrowResponse", func() any { return new(EscrowResponse) }},
	{"VerificationRequest", func() any { return new(VerificationRequest) }},
	{"VerificationResponse", func() any { return new(VerificationResponse) }},
	{"RecoveryRequest", func() any { return new(RecoveryRequest) }},
	{"RecoveryResponse", func() any { return new(RecoveryResponse) }},
	{"DeletionRequest", func() any { return new(DeletionRequest) }},
	{"DeletionResponse", func() any { return new(DeletionResponse) }},
	{"ErrorResponse", func() any { return new(ErrorResponse) }},
}

// fuzzSeeds are every captured request and response, the decrypted
// parameters and escrow data, each payment scheme of the policies, and an
// error answer.
func fuzzSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var seeds [][]byte
	for _, dir := range []string{"roundtrip-2of3", "ephemeral"} {
		files, err := filepath.Glob(filepath.Join(vectorDir, dir, "*.json"))
		if err != nil || len(files) == 0 {
			tb.Fatalf("no vectors in %s: %v", dir, err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			seeds = append(seeds, b)
			var dec struct {
				Params string `json:"parameters_plaintext"`
				Data   string `json:"escrow_data_plaintext"`
			}
			if json.Unmarshal(b, &dec) == nil && dec.Params != "" && dec.Data != "" {
				seeds = append(seeds, []byte(dec.Params), []byte(dec.Data))
			}
			var pol struct {
				Schemes []json.RawMessage `json:"payment-schemes"`
			}
			if json.Unmarshal(b, &pol) == nil {
				for _, s := range pol.Schemes {
					seeds = append(seeds, s)
				}
			}
		}
	}
	return append(seeds, []byte(`{"error": "No such escrow"}`))
}

// FuzzUnmarshalMarshal: any input that parses as a message marshals, and
// parses back to the same message, and marshals to the same bytes again.
func FuzzUnmarshalMarshal(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range fuzzMessages {
			a := m.new()
			if Unmarshal(data, a) != nil {
				continue
			}
			out, err := Marshal(a)
			if err != nil {
				t.Fatalf("%s %+v does not marshal: %v", m.name, a, err)
			}
			b := m.new()
			if err := Unmarshal(out, b); err != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: the round trip changed the message: %v\n%+v\n%+v", m.name, err, a, b)
			}
			again, err := Marshal(b)
			if err != nil || string(again) != string(out) {
				t.Fatalf("%s: marshals as\n%s\nthen as\n%s", m.name, out, again)
			}
		}
	})
}

// Every message type of messages.go is fuzzed, and some seed parses as
// each, so the fuzzer starts from a valid message of every kind.
func TestFuzzCoversEveryMessage(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				if _, ok := ts.Type.(*ast.StructType); ok && ts.Name.IsExported() {
					declared = append(declared, ts.Name.Name)
				}
			}
		}
	}
	var fuzzed []string
	for _, m := range fuzzMessages {
		fuzzed = append(fuzzed, m.name)
	}
	slices.Sort(declared)
	slices.Sort(fuzzed)
	if !slices.Equal(declared, fuzzed) {
		t.Errorf("messages.go declares %q; the fuzz test parses %q", declared, fuzzed)
	}

	seeds := fuzzSeeds(t)
	for _, m := range fuzzMessages {
		n := 0
		for _, s := range seeds {
			if Unmarshal(s, m.new()) == nil {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no seed parses as %s", m.name)
		}
	}
}
