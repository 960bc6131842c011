//go:build linux

package pgtest

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestStart: a real server takes connections, each test database is
// its own, and the last test to let go stops the server by its PID and
// removes its directory.
func TestStart(t *testing.T) {
	var srv *Server
	t.Run("use", func(t *testing.T) {
		srv = Start(t)
		if Start(t) != srv {
			t.Fatal("a second Start in one test started another server")
		}
		ctx := context.Background()
		a, err := pgx.Connect(ctx, srv.NewDB(t))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close(ctx)
		b, err := pgx.Connect(ctx, DB(t))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close(ctx)
		if _, err := a.Exec(ctx, "CREATE TABLE x (n int)"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Exec(ctx, "SELECT n FROM x"); err == nil {
			t.Fatal("a table of one test database is seen in another")
		}
		var version string
		if err := a.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
			t.Fatal(err)
		}
		t.Logf("PostgreSQL %s on %s", version, srv.Addr())
	})
	if srv == nil {
		return // skipped
	}
	if err := syscall.Kill(srv.cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("postgres (pid %d) outlived its tests: %v", srv.cmd.Process.Pid, err)
	}
	if _, err := os.Stat(srv.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("its directory is still there: %v", err)
	}
}
