//go:build linux

package pgtest

import (
	"context"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestCrash: with connections open (so backends run), one of them
// stopped, a crash leaves none of the old processes behind, and
// postgres comes back on the same DSN with what was committed.
func TestCrash(t *testing.T) {
	srv := Start(t)
	dsn := srv.NewDB(t)
	ctx := context.Background()
	var conns []*pgx.Conn
	for range 4 {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	if _, err := conns[0].Exec(ctx, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	old := srv.cmd.Process.Pid
	kids, err := childrenOf(old)
	if err != nil || len(kids) < 4 {
		t.Fatalf("postgres has %d processes (%v), want its 4 backends at least", len(kids), err)
	}
	// A backend slow to notice its postmaster died, made certain: one
	// that is stopped holds the shared memory until it is killed.
	if err := syscall.Kill(kids[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(kids[0], syscall.SIGKILL) }) // should Crash fail
	srv.Crash(t)
	for _, k := range append(kids, old) {
		if _, state, ok := procStat(k); ok && state != 'Z' {
			t.Errorf("process %d of the crashed postgres is still running", k)
		}
	}
	for _, c := range conns {
		c.Close(ctx)
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("after the crash: %v", err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, "SELECT n FROM kept").Scan(&n); err != nil || n != 7 {
		t.Errorf("after the crash the committed row reads %d, %v", n, err)
	}
}
