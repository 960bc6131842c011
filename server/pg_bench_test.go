//go:build linux

package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/pgtest"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// BenchmarkPg measures escrow creation and recovery through HTTP on
// loopback with the store in a local PostgreSQL (fsync on, as
// installed), at 1 and 16 clients, beside BenchmarkEscrow and
// BenchmarkRecovery for the embedded stores.
func BenchmarkPg(b *testing.B) {
	pg := pgtest.Start(b)
	for _, conc := range []int{1, 16} {
		b.Run(fmt.Sprintf("escrow/c%d", conc), func(b *testing.B) {
			env := newPgBenchEnv(b, pg.NewDB(b))
			body, _ := benchEscrowBody(b)
			run(b, conc, func(int) { env.post(b, wire.MethodEscrow, body) })
		})
		b.Run(fmt.Sprintf("recovery/c%d", conc), func(b *testing.B) {
			env := newPgBenchEnv(b, pg.NewDB(b))
			ids, key := preloadEscrows(b, env.srv.store, b.N)
			bodies := make([][]byte, len(ids))
			for i, id := range ids {
				bodies[i], _ = wire.Marshal(wire.RecoveryRequest{
					Version: wire.Version, Verification: "1123456", EscrowDataID: id, EscrowDataKey: key})
			}
			run(b, conc, func(i int) { env.post(b, wire.MethodRecovery, bodies[i]) })
		})
	}
}

func newPgBenchEnv(b *testing.B, dsn string) *benchEnv {
	st, err := OpenPgStore(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{
		Verifiers:     map[string]verify.Verifier{"email": discardVerifierFake{}},
		SweepInterval: -1,
		Logger:        testLogger(b),
		Store:         st,
	})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	b.Cleanup(func() {
		tr.CloseIdleConnections()
		hs.Close()
		srv.Close()
		st.Close()
	})
	return &benchEnv{srv: srv, url: hs.URL + "/passcrow/", client: &http.Client{Transport: tr}}
}
