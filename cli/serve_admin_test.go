package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// /backup hands out every sealed escrow (with a stolen pack's key, its
// secret), so it is served only on a loopback admin address: an
// operator who writes --admin-listen :9108 for Prometheus, as exporters
// are usually run, must not publish the database with the metrics.
func TestAdminBackupOnlyOnLoopback(t *testing.T) {
	srv, err := server.New(server.Config{
		DataDir:       filepath.Join(t.TempDir(), "data"),
		Verifiers:     map[string]verify.Verifier{"email": &verify.Outbox{Dir: t.TempDir()}},
		SweepInterval: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }, ctx: ctx}
	get := func(listen, path string) (int, []byte) {
		t.Helper()
		addr, err := startAdmin(ctx, e, listen, srv)
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(addr.String())
		c := &http.Client{Timeout: time.Minute}
		r, err := c.Get("http://127.0.0.1:" + port + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, b
	}
	if code, b := get(":0", "/backup"); code != http.StatusForbidden || bytes.HasPrefix(b, []byte("bolt")) || !bytes.Contains(b, []byte("loopback")) {
		t.Fatalf("/backup on every interface: HTTP %d, %d bytes", code, len(b))
	}
	if code, _ := get(":0", "/metrics"); code != http.StatusOK {
		t.Fatalf("/metrics on every interface: HTTP %d", code)
	}
	if code, b := get("127.0.0.1:0", "/backup"); code != http.StatusOK || len(b) < 4096 {
		t.Fatalf("/backup on loopback: HTTP %d, %d bytes", code, len(b))
	}
}
