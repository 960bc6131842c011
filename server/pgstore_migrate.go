package server

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The schema of PgStore, as numbered SQL files run in order, each once.
// A file is never changed once released: a change is a new file.
//
// A small migrator of our own rather than goose: goose v3.30.0 would
// upgrade golang.org/x/net, x/sys, x/text, x/tools and testify for the
// whole module (the GUI included), add three more modules and need
// database/sql beside pgx, to do what the ~60 lines below do. Every
// migration and the version it records run in one transaction (DDL is
// transactional in PostgreSQL), under an advisory lock, so instances
// that start at once apply each file exactly once and none sees half a
// schema.
//
//go:embed migrations/*.sql
var pgMigrations embed.FS

// pgMigrationLock is the pg_advisory_xact_lock key of migrations: any
// constant, the same in every version.
const pgMigrationLock = 0x70617373_63726f77 // "passcrow"

type pgMigration struct {
	version int
	name    string
	sql     string
}

// loadPgMigrations reads migrations/NNNN_name.sql in version order.
func loadPgMigrations() ([]pgMigration, error) {
	names, err := fs.Glob(pgMigrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []pgMigration
	for _, name := range names {
		num, _, ok := strings.Cut(path.Base(name), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("server: migration %q is not named NNNN_what.sql", name)
		}
		b, err := pgMigrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, pgMigration{version: v, name: path.Base(name), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b pgMigration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("server: migration %q: versions must run 1, 2, 3... without gaps", m.name)
		}
	}
	return ms, nil
}

// migratePg brings the database's schema up to this version's, and
// reports how many migrations it applied. A database whose schema is
// newer than this program knows is refused: an older passcrow must not
// write into tables it does not understand.
func migratePg(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	ms, err := loadPgMigrations()
	if err != nil {
		return 0, err
	}
	applied := 0
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(pgMigrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have); err != nil {
			return err
		}
		if have > len(ms) {
			return fmt.Errorf("the database's schema is version %d, newer than this passcrow's (%d): upgrade passcrow", have, len(ms))
		}
		for _, m := range ms[have:] {
			// No arguments: pgx sends it as a simple query, which may
			// hold several statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return err
			}
			applied++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("server: migrating the PostgreSQL schema: %w", err)
	}
	return applied, nil
}

// checkPgSchema refuses a schema newer than this program's, as
// migratePg does, without changing anything.
func checkPgSchema(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := loadPgMigrations()
	if err != nil {
		return err
	}
	// A fresh database has no schema_migrations yet, and a query naming
	// it would fail before running.
	var exists bool
	var have int
	err = pool.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists)
	if err == nil && exists {
		err = pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have)
	}
	if err != nil {
		return fmt.Errorf("server: reading the PostgreSQL schema version: %w", err)
	}
	if have > len(ms) {
		return fmt.Errorf("server: the database's schema is version %d, newer than this passcrow's (%d): upgrade passcrow", have, len(ms))
	}
	return nil
}
