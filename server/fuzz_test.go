package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzServeRequest sends arbitrary bodies to every endpoint: the server
// must never panic and must always answer with JSON.
func FuzzServeRequest(f *testing.F) {
	for _, dir := range []string{"roundtrip-2of3", "ephemeral"} {
		files, _ := filepath.Glob(filepath.Join(vectorsDir, dir, "*.req.json"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(0), b)
			f.Add(uint8(1), bytes.ReplaceAll(b, []byte("-"), []byte("_")))
		}
	}
	f.Add(uint8(2), []byte(`{"passcrow-recovery-request": "1.0", "verification": "1", "escrow-data-id": "abc", "escrow-data-key": ""}`))
	f.Add(uint8(3), []byte("\xff{"))

	env := newTestEnv(f, nil)
	paths := []string{"policy", "escrowrequest", "verificationrequest", "recoveryrequest", "deletionrequest",
		"protect", "verify", "recover", "delete", "stats"}
	f.Fuzz(func(t *testing.T, pick uint8, body []byte) {
		// Every endpoint sees every body; pick only varies the method.
		method := http.MethodPost
		if pick%7 == 6 {
			method = http.MethodGet
		}
		for _, p := range paths {
			req := httptest.NewRequest(method, "/passcrow/"+p, bytes.NewReader(body))
			rec := httptest.NewRecorder()
			env.srv.ServeHTTP(rec, req)
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("%s: Content-Type %q", p, ct)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s: not JSON: %q", p, rec.Body.Bytes())
			}
			if rec.Code == http.StatusInternalServerError || strings.Contains(rec.Body.String(), `"Internal Error"`) {
				t.Fatalf("%s: internal error for %q: %s", p, body, rec.Body.Bytes())
			}
		}
	})
}
