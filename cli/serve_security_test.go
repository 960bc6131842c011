package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// startServe runs the real serve command with args on 127.0.0.1:0 and
// returns the address it listens on; it stops with the test.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: pw, stderr: &errb, getenv: func(string) string { return "" }, ctx: ctx}
	done := make(chan int, 1)
	go func() {
		done <- e.main(append([]string{"serve", "--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "data"),
			"--outbox", filepath.Join(dir, "outbox"), "--rate-limit", "0", "--json"}, args...))
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != ExitOK {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	})
	var addrs struct{ Listen string }
	if err := json.NewDecoder(pr).Decode(&addrs); err != nil {
		t.Fatalf("serve's first output: %v (stderr %s)", err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	return addrs.Listen
}

// A deletion request without the escrow key, as the reference client
// sends it, is refused by default and honoured with --allow-keyless-delete.
func TestServeKeylessDelete(t *testing.T) {
	for _, allow := range []bool{false, true} {
		var args []string
		if allow {
			args = []string{"--allow-keyless-delete", "--max-sends-per-hour", "0", "--max-sends-per-day", "3"}
		}
		addr := startServe(t, args...)
		resp, err := http.Post("http://"+addr+"/passcrow/deletionrequest", "application/json",
			strings.NewReader(`{"passcrow-deletion-request": "1.0", "escrow-data-id": "0123456789abcdef0123456789abcdef"}`))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || got["passcrow-deletion-response"] != "1.0" {
			t.Fatalf("allow %v: %v, %v", allow, got, err)
		}
		if refused := strings.Contains(got["error"], "escrow key"); refused == allow {
			t.Errorf("allow %v: answer %v", allow, got)
		}
	}
}
