package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The flags for HTTPS, proxies and the log refuse what cannot work, at
// start and in --check-config alike.
func TestServeEdgeFlagMistakes(t *testing.T) {
	dir := t.TempDir()
	base := []string{"serve", "--check-config", "--data", filepath.Join(dir, "data"), "--outbox", filepath.Join(dir, "outbox")}
	noEnv := func(string) string { return "" }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--acme-domain", "passcrow.example.org"}, "--acme-domain needs --acme-cache DIR"},
		{[]string{"--acme-cache", dir}, "need --acme-domain"},
		{[]string{"--acme-ca-file", filepath.Join(dir, "ca.pem")}, "need --acme-domain"},
		{[]string{"--acme-domain", "passcrow.example.org", "--acme-cache", dir, "--acme-ca-file", filepath.Join(dir, "none.pem")}, "--acme-ca-file"},
		{[]string{"--acme-domain", "Passcrow.Example.org", "--acme-cache", dir}, "not a lowercase DNS name"},
		{[]string{"--acme-domain", "a.example.org", "--acme-cache", dir, "--tls-cert", "c", "--tls-key", "k"}, "not both"},
		{[]string{"--tls-cert", "c.pem"}, "go together"},
		{[]string{"--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", filepath.Join(dir, "none.key")}, "no such file"},
		{[]string{"--trusted-proxy", "10.0.0.0/33"}, "--trusted-proxy"},
		{[]string{"--trusted-proxy", "proxy.example.org"}, "--trusted-proxy"},
		{[]string{"--proxy-header", "Forwarded"}, "without --trusted-proxy"},
		{[]string{"--trusted-proxy", "10.0.0.1", "--proxy-header", "X-Real-IP"}, "neither X-Forwarded-For nor Forwarded"},
		{[]string{"--log-format", "xml"}, "--log-format"},
		{[]string{"--log-level", "loud"}, "--log-level"},
	} {
		code, out, errs := runCLI(context.Background(), noEnv, append(base, tc.args...)...)
		if code == ExitOK || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q stderr %q; want an error with %q", tc.args, code, out, errs, tc.want)
		}
	}
	good := append(base, "--acme-domain", "passcrow.example.org,www.passcrow.example.org", "--acme-cache", dir,
		"--trusted-proxy", "10.0.0.0/8,192.0.2.1", "--trusted-proxy", "2001:db8::/32", "--proxy-header", "Forwarded",
		"--log-format", "json", "--log-level", "debug")
	if code, out, errs := runCLI(context.Background(), noEnv, good...); code != ExitOK {
		t.Errorf("good settings refused: exit %d %s %s", code, out, errs)
	}
}

// TestServeTLS runs the real serve command with certificate files: it
// says https, answers over TLS with that certificate, logs JSON, and
// stops cleanly when its context ends (as on SIGTERM), saying so.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	pool := writeTestCert(t, certFile, keyFile)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: pw, stderr: &errb, getenv: func(string) string { return "" }, ctx: ctx}
	done := make(chan int, 1)
	go func() {
		done <- e.main([]string{"serve", "--listen", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile,
			"--data", filepath.Join(dir, "data"), "--outbox", filepath.Join(dir, "outbox"),
			"--log-format", "json", "--log-level", "debug", "--json"})
		pw.Close()
	}()
	var started struct{ Listen, Scheme string }
	if err := json.NewDecoder(pr).Decode(&started); err != nil {
		t.Fatalf("serve's first output: %v (stderr %s)", err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	if started.Scheme != "https" {
		t.Errorf("scheme %q", started.Scheme)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + started.Listen + "/passcrow//policy")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/json" || !json.Valid(body) {
		t.Errorf("HTTPS //policy: HTTP %d %q", resp.StatusCode, body)
	}
	// Plain HTTP on the HTTPS port is told so, in JSON; net/http logs it.
	resp, err = http.Get("http://" + started.Listen + "/passcrow/policy")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !json.Valid(body) {
		t.Errorf("plain HTTP to the TLS port: HTTP %d %q", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	for line := range strings.SplitSeq(strings.TrimSpace(errb.String()), "\n") {
		if line != "" && !json.Valid([]byte(line)) {
			t.Errorf("--log-format json wrote %q", line)
		}
	}
	// An operator's log says when the stop began and that it ended.
	if !strings.Contains(errb.String(), `"msg":"stopping: `) || !strings.HasSuffix(strings.TrimSpace(errb.String()), `"msg":"stopped"}`) {
		t.Errorf("the log does not say the server is stopping, then stopped:\n%s", errb.String())
	}
}

func writeTestCert(t *testing.T, certFile, keyFile string) *x509.CertPool {
	t.Helper()
	der, key, pool := selfSigned(t, &x509.Certificate{IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, time.Hour)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return pool
}

// selfSigned makes a throwaway certificate for the names in tmpl
// (DNSNames or IPAddresses), valid for life, and a pool that trusts it.
func selfSigned(t *testing.T, tmpl *x509.Certificate, life time.Duration) (der []byte, key *ecdsa.PrivateKey, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(1)
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(life)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	tmpl.BasicConstraintsValid, tmpl.IsCA = true, true
	if der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return der, key, pool
}
