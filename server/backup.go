package server

import (
	"context"
	"io"
	"net/http"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Backuper is a store that can copy itself, consistently, while in use.
type Backuper interface {
	// Backup writes a copy that can replace the store's file as it is.
	// If w has a SetSize(int64) method, it is told the copy's size
	// before the first byte.
	Backup(w io.Writer) (int64, error)
}

// sizeTeller is a writer that wants to know the size before the bytes.
type sizeTeller interface{ SetSize(n int64) }

// Backup writes a consistent copy of the database to w in one read
// transaction: writers go on meanwhile, and the copy is the database as
// of the transaction's start, with every escrow acknowledged before the
// call. Pending codes are in memory and not in it
// (see Store); what matters for months, escrows, is.
func (b *BoltStore) Backup(w io.Writer) (int64, error) {
	// Escrows acknowledged so far may still be only in the journal
	// (commit.go); a write, even one that changes nothing, runs after
	// they are in bbolt.
	if err := b.write(context.Background(), func(*bolt.Tx) error { return nil }); err != nil {
		return 0, err
	}
	var n int64
	err := b.db.View(func(tx *bolt.Tx) error {
		if st, ok := w.(sizeTeller); ok {
			st.SetSize(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BacksUp reports whether BackupHandler can copy this server's store
// (the embedded one); PostgreSQL is backed up with its own tools.
func (s *Server) BacksUp() bool {
	_, ok := s.store.(Backuper)
	return ok
}

// BackupHandler answers GET with a copy of the store's database, for the
// operator's private listener only (`passcrow serve --admin-listen`): the
// copy holds every escrow, sealed as clients sent them, and the server's
// secret for hashing addresses. A store that cannot copy itself (the
// PostgreSQL one: use pg_dump) answers 501.
func (s *Server) BackupHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := s.store.(Backuper)
		if !ok {
			s.writeJSON(w, http.StatusNotImplemented, map[string]string{
				"error": "this store is not backed up through the server; use its own tools (pg_dump for PostgreSQL)"})
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="passcrow.db"`)
		if _, err := b.Backup(lengthFirst{w}); err != nil {
			// The status is out already; a short body tells curl and
			// the operator's script that the copy is not whole.
			s.log.Error("backup failed", "err", err)
			panic(http.ErrAbortHandler)
		}
	})
}

// lengthFirst sends Content-Length before the body, so a copy cut off
// midway is seen as cut off by curl and the operator's script.
type lengthFirst struct{ http.ResponseWriter }

func (l lengthFirst) SetSize(n int64) {
	l.Header().Set("Content-Length", strconv.FormatInt(n, 10))
}
