package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/passcrow/passcrow-desktop/server"
)

// startAdmin serves the operator's pages until ctx is done, on a listener
// of its own: Prometheus metrics at /metrics and a copy of the database at
// /backup. The public listener answers neither, so an operator exposes
// them only where they choose.
// It returns the bound address (addr may ask for port 0).
func startAdmin(ctx context.Context, e *env, addr string, srv *server.Server) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: --admin-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	mux.Handle("GET /backup", srv.BackupHandler())
	go func() {
		if err := server.Serve(ctx, ln, mux); err != nil && ctx.Err() == nil {
			fmt.Fprintf(e.stderr, "passcrow serve: the admin listener stopped: %v\n", err)
		}
	}()
	return ln.Addr(), nil
}
