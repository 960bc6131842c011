//go:build linux

package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/passcrow/passcrow-desktop/internal/pgtest"
	"github.com/passcrow/passcrow-desktop/server"
)

// PostgreSQL joins the kill -9 harness (crash_test.go): TestServeKill
// runs `passcrow serve` with the database in PASSCROW_SERVE_DB, as an
// operator would keep it off the command line, kills it under load,
// restarts it on the same database (its migrations then a no-op) and
// counts acknowledged escrows missing from the database.
func init() {
	crashStores["postgres"] = func(t *testing.T) crashStore {
		dsn := pgtest.DB(t)
		return crashStore{
			serveEnv: []string{"PASSCROW_SERVE_DB=" + dsn},
			open: func(t *testing.T) server.Store {
				s, err := server.OpenPgStore(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
		}
	}
}

// checkConfigChild runs `passcrow serve --check-config` with dsn in the
// environment, as the crash harness's child.
func checkConfigChild(t *testing.T, dsn string) (string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "--",
		"serve", "--check-config", "--outbox", filepath.Join(t.TempDir(), "outbox"))
	cmd.Env = append(os.Environ(), crashChild+"=1", "PASSCROW_SERVE_DB="+dsn)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestPgServeCheckConfig: serve --check-config with a database names
// it, without its password, and changes nothing in it, so instances
// running on it go on with the schema they know; a bad connection
// string is refused without being repeated.
func TestPgServeCheckConfig(t *testing.T) {
	dsn := pgtest.DB(t)
	// pgtest's server trusts 127.0.0.1, so a password is accepted and
	// ignored: here only to be looked for in what serve says.
	const pw = "pw-Never-Said"
	withPW := strings.Replace(dsn, pgtest.User+"@", pgtest.User+":"+pw+"@", 1)
	out, err := checkConfigChild(t, withPW)
	if err != nil {
		t.Fatalf("serve --check-config: %v\n%s", err, out)
	}
	if !strings.Contains(out, "postgresql") {
		t.Errorf("the check does not say it would use PostgreSQL:\n%s", out)
	}
	if strings.Contains(out, pw) {
		t.Errorf("serve --check-config repeats the password:\n%s", out)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("the check made %d tables", tables)
	}

	out, err = checkConfigChild(t, "postgres://passcrow:hunter2-secret@[::1/x")
	if err == nil || !strings.Contains(out, "does not parse") || strings.Contains(out, "hunter2") {
		t.Errorf("bad connection string: %v\n%s", err, out)
	}
}
