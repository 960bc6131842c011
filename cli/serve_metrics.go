package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/passcrow/passcrow-desktop/server"
)

// startMetrics serves srv's Prometheus metrics at http://addr/metrics
// until ctx is done, on a listener of its own: the public listener never
// answers /metrics, so an operator exposes them only where they choose.
// It returns the bound address (addr may ask for port 0).
func startMetrics(ctx context.Context, e *env, addr string, srv *server.Server) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: --metrics-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	go func() {
		if err := server.Serve(ctx, ln, mux); err != nil && ctx.Err() == nil {
			fmt.Fprintf(e.stderr, "passcrow serve: metrics listener stopped: %v\n", err)
		}
	}()
	return ln.Addr(), nil
}
