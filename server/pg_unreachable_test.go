//go:build linux

package server_test

import (
	"net"
	"strings"
	"testing"
)

// TestPgUnreachableSaidOnce: a database that refuses the connection is
// named with its refusal once, though pgx tries it twice (with TLS, then
// without) under the default sslmode.
func TestPgUnreachableSaidOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // now nothing listens there
	out, err := checkConfigChild(t, "postgres://passcrow@"+addr+"/passcrow")
	if err == nil {
		t.Fatalf("serve --check-config with no database there succeeded:\n%s", out)
	}
	if n := strings.Count(out, "connection refused"); n != 1 {
		t.Errorf("the refusal is said %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, addr) {
		t.Errorf("the message does not name %s:\n%s", addr, out)
	}
}
