package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/passcrow/passcrow-desktop/server"
)

// startAdmin serves the operator's pages until ctx is done, on a listener
// of its own: Prometheus metrics at /metrics and a copy of the database at
// /backup. The public listener answers neither, so an operator exposes
// them only where they choose.
// /backup is served only on a loopback address: the copy holds every
// sealed escrow, which with a stolen pack's key is its secret, and an
// address like ":9108", common for Prometheus, listens on every
// interface. Metrics may go to a monitoring network; copies go by ssh.
// It returns the bound address (addr may ask for port 0).
func startAdmin(ctx context.Context, e *env, addr string, srv *server.Server) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: --admin-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	if adminBackups(ln.Addr()) {
		mux.Handle("GET /backup", srv.BackupHandler())
	} else {
		mux.HandleFunc("GET /backup", refuseBackup)
	}
	go func() {
		if err := server.Serve(ctx, ln, mux); err != nil && ctx.Err() == nil {
			fmt.Fprintf(e.stderr, "passcrow serve: the admin listener stopped: %v\n", err)
		}
	}()
	return ln.Addr(), nil
}

// adminBackups reports whether an admin listener bound to a serves
// /backup: only on a loopback IP.
func adminBackups(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

func refuseBackup(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	io.WriteString(w, `{"error": "/backup is served only when --admin-listen is a loopback address, such as 127.0.0.1:9108"}`+"\n")
}
