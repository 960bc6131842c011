package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The connection caps are settings like any other: flags, environment
// and config file reach the server, --check-config says them, and a
// nonsense value is refused.
func TestServeConnCapSettings(t *testing.T) {
	dir := t.TempDir()
	conf := writeConfig(t, "data = "+filepath.Join(dir, "data")+"\noutbox = "+filepath.Join(dir, "outbox")+"\nmax-conns-per-client = 8\n", 0o600)
	env := func(k string) string { return map[string]string{"PASSCROW_SERVE_MAX_CONNS": "-1"}[k] }
	code, out, errs := runCLI(context.Background(), env, "serve", "--config", conf, "--check-config", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	var got struct {
		PerClient int `json:"max_conns_per_client"`
		Total     int `json:"max_conns"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.PerClient != 8 || got.Total != -1 {
		t.Errorf("check-config said %s (%v); want 8 per client and no total cap", out, err)
	}

	noEnv := func(string) string { return "" }
	code, out, _ = runCLI(context.Background(), noEnv, "serve", "--config", conf, "--check-config", "--max-conns-per-client", "0")
	if code != ExitOK || !strings.Contains(out, "at most 64 per client address") {
		t.Errorf("default per-client cap: exit %d, %q", code, out)
	}
	for _, flag := range []string{"--max-conns-per-client", "--max-conns"} {
		code, out, errs := runCLI(context.Background(), noEnv, "serve", "--config", conf, "--check-config", flag, "-2")
		if code == ExitOK || !strings.Contains(errs, flag+" must be") {
			t.Errorf("%s -2: exit %d, stdout %q stderr %q; want it refused", flag, code, out, errs)
		}
	}
}

// The real serve command caps connections per client address.
func TestServeConnCapPerClient(t *testing.T) {
	addr := startServe(t, "--max-conns-per-client", "1")
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(10 * time.Second))
		return c, bufio.NewReader(c)
	}
	first, r := dial()
	io.WriteString(first, "GET /passcrow/policy HTTP/1.1\r\nHost: passcrow.test\r\n\r\n")
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the first connection: %v %v", resp, err)
	}
	resp.Body.Close()
	_, r2 := dial()
	if n, err := r2.Read(make([]byte, 1)); n > 0 || !(errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		t.Errorf("the second connection from the same address: read %d bytes, %v; want it closed", n, err)
	}
}
