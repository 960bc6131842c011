package recovery

import (
	"context"
	"net"
)

// SetProxyDial makes p reach the proxy through dial, which tests wrap to
// see every address this process dials.
func SetProxyDial(p *Proxy, dial func(ctx context.Context, network, addr string) (net.Conn, error)) {
	p.dial = dial
}
