//go:build !linux

package pgtest

import (
	"errors"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

// Server is a PostgreSQL started for tests; on this OS there is none:
// tests that need one skip (or, with CI=true, fail). The API matches the
// Linux one so the packages that use it build and vet everywhere.
type Server struct{}

var errNotHere = errors.New("pgtest starts PostgreSQL only on Linux")

// Start skips (fails with CI=true) the test: no PostgreSQL here.
func Start(t testing.TB) *Server {
	t.Helper()
	testreal.Require(t, "PostgreSQL", errNotHere)
	return &Server{}
}

// DB is Start(t).NewDB(t).
func DB(t testing.TB) string {
	t.Helper()
	return Start(t).NewDB(t)
}

func (s *Server) Addr() string              { return "" }
func (s *Server) DSN(db string) string      { return "" }
func (s *Server) NewDB(t testing.TB) string { return "" }
func (s *Server) Log() string               { return "" }
func (s *Server) Crash(t testing.TB)        {}
