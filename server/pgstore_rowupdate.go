package server

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A read-modify-write of one row in two round trips instead of four.
//
// pgx.BeginFunc costs four: BEGIN, the locking read, the write, COMMIT.
// Each costs the server a socket write and a wake-up, and a recovery
// makes three such updates (take a guess, check the code, give the guess
// back): on PostgreSQL it cost more than the reference's whole request.
// Here BEGIN goes with the read and the write with COMMIT, each pair as
// one pipeline (a pgx batch): the same transaction, the same row lock.

// rowUpdate is one read-modify-write.
type rowUpdate struct {
	read     string // locks the row it reads
	readArgs []any
	scan     func(pgx.Row) error // the read's row; pgx.ErrNoRows if none
	// write returns the statement that saves what the caller decided
	// ("" commits without one); an error rolls back and is returned.
	write func() (sql string, args []any, err error)
	// lazy commits without waiting for the WAL to reach the disk: for a
	// write that a crash may lose without harm (see lazyGuesses).
	lazy bool
}

func (s *PgStore) updateRow(ctx context.Context, u rowUpdate) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection left inside a transaction (a failed rollback) is
	// closed by the pool, not handed out again.
	defer conn.Release()
	var first pgx.Batch
	first.Queue("BEGIN")
	if u.lazy {
		first.Queue("SET LOCAL synchronous_commit = off")
	}
	first.Queue(u.read, u.readArgs...)
	br := conn.SendBatch(ctx, &first)
	for range first.Len() - 1 {
		if _, err = br.Exec(); err != nil {
			break
		}
	}
	if err == nil {
		err = u.scan(br.QueryRow())
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	var sql string
	var args []any
	if err == nil {
		sql, args, err = u.write()
	}
	if err != nil {
		rollback(ctx, conn)
		return err
	}
	var second pgx.Batch
	if sql != "" {
		second.Queue(sql, args...)
	}
	second.Queue("COMMIT")
	br = conn.SendBatch(ctx, &second)
	for range second.Len() {
		if _, err = br.Exec(); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		rollback(ctx, conn)
	}
	return err
}

func rollback(ctx context.Context, conn *pgxpool.Conn) {
	if conn.Conn().PgConn().TxStatus() != 'I' {
		conn.Exec(ctx, "ROLLBACK") // on failure the pool drops the connection
	}
}
