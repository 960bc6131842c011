package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// The policy answer states our pace in headers, and only when extensions
// are on: a reference-shaped server (NoExtensions) says nothing.
func TestPolicyStatesPace(t *testing.T) {
	for _, tc := range []struct {
		name        string
		cfg         Config
		rate, burst string
	}{
		{"limited", Config{RateLimit: 2.5, RateBurst: 10}, "2.5", "10"},
		{"unlimited", Config{}, "50", "20"},
		{"reference-shaped", Config{RateLimit: 2, RateBurst: 10, NoExtensions: true}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Verifiers = map[string]verify.Verifier{"email": discardVerifierFake{}}
			cfg.SweepInterval, cfg.Logger = -1, testLogger(t)
			srv, err := New(cfg)
			mustBeNil(t, err)
			defer srv.Close()
			for range 2 { // the second answer reuses the formatted values
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/passcrow/policy", nil))
				if w.Code != http.StatusOK || w.Body.String() != string(srv.policyJSON) {
					t.Fatalf("HTTP %d %s", w.Code, w.Body)
				}
				if got := w.Header().Get(HeaderRate); got != tc.rate {
					t.Errorf("%s: %q, want %q", HeaderRate, got, tc.rate)
				}
				if got := w.Header().Get(HeaderBurst); got != tc.burst {
					t.Errorf("%s: %q, want %q", HeaderBurst, got, tc.burst)
				}
				if got := w.Header().Get("Content-Type"); got != "application/json" {
					t.Errorf("Content-Type %q", got)
				}
			}
		})
	}
}

// The policy is the cheapest request there is: its answer is encoded once
// and its header values are shared, so the handler allocates only what
// the metrics wrapper does (its status recorder) and the header map's
// growth. More is a regression in the policy path.
func TestPolicyAllocations(t *testing.T) {
	srv, err := New(Config{Verifiers: map[string]verify.Verifier{"email": discardVerifierFake{}},
		SweepInterval: -1, Logger: testLogger(t)}) // no rate limiter: its key is a string per request
	mustBeNil(t, err)
	defer srv.Close()
	req := httptest.NewRequest(http.MethodGet, "/passcrow/policy", nil)
	w := httptest.NewRecorder()
	n := testing.AllocsPerRun(100, func() {
		w.Body.Reset()
		clear(w.Header())
		srv.ServeHTTP(w, req)
	})
	if n > 2 {
		t.Errorf("%v allocations per policy request, want at most 2", n)
	}
}
