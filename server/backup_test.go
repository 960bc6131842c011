package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A copy taken from a running server replaces the database as it is: a
// server started on the copy alone gives back what was escrowed.
func TestBackupRestoresOnAnotherServer(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.DataDir = t.TempDir() })
	kept := []escrowFixture{env.escrow(t, "first secret"), env.escrow(t, "second secret")}

	admin := httptest.NewServer(env.srv.BackupHandler())
	defer admin.Close()
	resp, err := admin.Client().Get(admin.URL)
	if err != nil {
		t.Fatal(err)
	}
	copyBytes, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !env.srv.BacksUp() {
		t.Error("the embedded store says it cannot be copied")
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Length") != strconv.Itoa(len(copyBytes)) {
		t.Fatalf("backup: HTTP %d, Content-Length %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Length"), len(copyBytes))
	}
	// Escrows made after the copy are not in it; the copy is still whole.
	env.escrow(t, "after the copy")

	restored := t.TempDir()
	if err := os.WriteFile(filepath.Join(restored, "passcrow.db"), copyBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	env2 := newTestEnv(t, func(c *Config) { c.DataDir = restored })
	for _, f := range kept {
		code := env2.verifyCode(t, f, "B")
		if got := env2.recover(t, f, code); got.Error != "" || got.EscrowSecret != f.secret {
			t.Errorf("restored escrow %s: %+v", f.secret, got)
		}
	}
}

func TestBackupOfAStoreWithoutOneSaysWhy(t *testing.T) {
	env := newTestEnv(t, nil) // memory store
	if env.srv.BacksUp() {
		t.Error("a store without a copy says it has one")
	}
	rec := httptest.NewRecorder()
	env.srv.BackupHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/backup", nil))
	if rec.Code != http.StatusNotImplemented || !strings.Contains(rec.Body.String(), "its own tools") {
		t.Fatalf("HTTP %d %s", rec.Code, rec.Body)
	}
}
