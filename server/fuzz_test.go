package server

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// FuzzServeRequest sends arbitrary requests through the whole handler, in
// process: any method, any request target (paths, absolute URLs, "*"),
// any headers (forwarding headers included) and any body. net/http's
// parser reads the request as the server would; what it refuses never
// reaches a handler (TestJSONOnlyWire checks those answers). Whatever
// gets through must be answered with a JSON body, a sane status, and no
// redirect but the root's to the about page, without a panic.
//
// It is cheap per input (no network, the memory store, a verifier that
// discards, only the free payment tier useful), so it runs thousands of
// inputs a second.
func FuzzServeRequest(f *testing.F) {
	for _, dir := range []string{"roundtrip-2of3", "ephemeral"} {
		files, _ := filepath.Glob(filepath.Join(vectorsDir, dir, "*.req.json"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			// "02-protect-escrowrequest.req.json" was sent to /passcrow/escrowrequest.
			name := strings.TrimSuffix(filepath.Base(file), ".req.json")
			rpc := name[strings.LastIndexByte(name, '-')+1:]
			f.Add("POST", "/passcrow/"+rpc, "Content-Type: application/json", b)
		}
	}
	for _, seed := range []struct{ method, target, headers, body string }{
		{"GET", "/passcrow//policy", "", ""},
		{"GET", "/passcrow/../passcrow/policy?x=1", "", ""},
		{"GET", "http://elsewhere.example/passcrow/policy", "", ""},
		{"OPTIONS", "*", "", ""},
		{"GET", "/", "", ""},
		{"HEAD", "/passcrow/policy", "", ""},
		{"POST", "/passcrow/verify", "X-Forwarded-For: 198.51.100.1, [2001:db8::1]:80\nForwarded: for=\"_x\"", `{"passcrow_verification_request": "1.0"}`},
		{"POST", "/passcrow/x/delayed-escrow", "Transfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n"},
		{"DELETE", "/passcrow/deletionrequest", "Content-Length: 3", "{}"},
		{"POST", "/passcrow/recoveryrequest", "", "\xff{"},
	} {
		f.Add(seed.method, seed.target, seed.headers, []byte(seed.body))
	}

	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
	const about = "https://passcrow.example.org/"
	srv, err := New(Config{
		Verifiers:     map[string]verify.Verifier{"email": discardVerifierFake{}},
		AboutURL:      about,
		MaxExpiration: 24 * time.Hour, // the free tier: no proof of work worth doing
		SweepInterval: -1,
		// Every peer is a trusted proxy, so forwarding headers are parsed;
		// the limit is too high to refuse, but keys every client.
		RateLimit:      1e9,
		RateBurst:      1e9,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")},
		Logger:         quiet, // logged (so redaction is fuzzed too) and dropped
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })

	f.Fuzz(func(t *testing.T, method, target, headers string, body []byte) {
		var raw strings.Builder
		raw.WriteString(method + " " + target + " HTTP/1.1\r\nHost: passcrow.example.org\r\n")
		for line := range strings.SplitSeq(headers, "\n") {
			if line != "" {
				raw.WriteString(strings.TrimSuffix(line, "\r") + "\r\n")
			}
		}
		if !strings.Contains(strings.ToLower(headers), "content-length") && !strings.Contains(strings.ToLower(headers), "transfer-encoding") {
			raw.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
		}
		raw.WriteString("\r\n")
		raw.Write(body)
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
		if err != nil {
			return // refused by net/http before any handler
		}
		req.RemoteAddr = "192.0.2.1:4242"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)

		got := rec.Body.Bytes()
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s %q: Content-Type %q, body %q", method, target, ct, got)
		}
		if len(got) == 0 || !json.Valid(got) {
			t.Fatalf("%s %q: not JSON: %q", method, target, got)
		}
		switch code := rec.Code; {
		case code/100 == 3:
			if code != http.StatusFound || req.URL.Path != "/" || rec.Header().Get("Location") != about {
				t.Fatalf("%s %q: redirect %d to %q", method, target, code, rec.Header().Get("Location"))
			}
		case code >= 500 || code < 200:
			t.Fatalf("%s %q: HTTP %d %s", method, target, code, got)
		}
		if strings.Contains(string(got), `"Internal Error"`) {
			t.Fatalf("%s %q: internal error for %q: %s", method, target, body, got)
		}
	})
}
