package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PgStore is a Store in PostgreSQL, for operators who run several
// instances of the server behind a load balancer. Unlike BoltStore it
// keeps everything in the database, codes and spent tokens too: a code
// sent by one instance is checked by another, and a token spent on one
// is refused by all. Every read-modify-write is one statement or one
// transaction holding the row's lock, and the sweep takes rows with SKIP
// LOCKED, so any number of instances may sweep at once.
//
// Codes and spent tokens are in UNLOGGED tables: as in the other stores
// they need not survive a crash (see Store), and so cost no WAL fsync.
// Escrows and releases are committed durably before a write returns.
// pgDefaultConns is the pool size unless the DSN sets pool_max_conns:
// per instance; PostgreSQL's default max_connections (100) then allows
// several instances.
const pgDefaultConns = 16

type PgStore struct {
	pool *pgxpool.Pool
}

var _ Store = (*PgStore)(nil)

// ErrBadDSN is returned by OpenPgStore for a connection string that does
// not parse. Its text is not repeated: it may hold a password.
var ErrBadDSN = errors.New("server: the PostgreSQL connection string does not parse (expected postgres://user@host:5432/dbname)")

// OpenPgStore connects to the PostgreSQL database named by dsn (a URL
// such as postgres://passcrow@db.example:5432/passcrow, or key=value
// pairs) and brings its schema up to date. A password is best kept out
// of dsn, in PGPASSFILE or ~/.pgpass, which pgx reads. Errors never
// repeat a password.
func OpenPgStore(ctx context.Context, dsn string) (*PgStore, error) {
	s, err := connectPg(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := migratePg(ctx, s.pool); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// ProbePgStore connects as OpenPgStore does and checks that the
// database's schema is not newer than this program's, but changes
// nothing: for serve --check-config beside running instances. The
// store it returns is for describing, not for serving (its schema may
// be behind).
func ProbePgStore(ctx context.Context, dsn string) (*PgStore, error) {
	s, err := connectPg(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := checkPgSchema(ctx, s.pool); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

func connectPg(ctx context.Context, dsn string) (*PgStore, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, ErrBadDSN
	}
	// pgx's default, max(4, cores), makes concurrent requests queue for
	// a connection while others wait on a commit's fsync; PostgreSQL
	// flushes the WAL of commits that arrive together at once, so more
	// connections mean more commits per fsync. pool_max_conns in dsn
	// still wins.
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, pgDefaultConns)
	}
	cfg.AfterConnect = durableCommits
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("server: connecting to PostgreSQL: %w", err)
	}
	// The pool connects lazily; one connection now says at start, not at
	// the first request, that the database is unreachable.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("server: connecting to PostgreSQL: %w", pgPlainError(err))
	}
	return &PgStore{pool: pool}, nil
}

// Where names the database without user or password, for logs and
// messages: postgresql://host:port/dbname.
func (s *PgStore) Where() string {
	c := s.pool.Config().ConnConfig
	return fmt.Sprintf("postgresql://%s/%s", net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))), c.Database)
}

// durableCommits turns synchronous_commit back on for a connection
// that has it off (from the server's settings, the role's, or the
// DSN's): then a commit returns before its WAL is written, and an
// escrow acknowledged to a client is lost if PostgreSQL crashes (the
// crash test loses hundreds). Stronger settings (remote_apply, for a
// synchronous standby) are left as they are.
func durableCommits(ctx context.Context, c *pgx.Conn) error {
	var v string
	if err := c.QueryRow(ctx, "SHOW synchronous_commit").Scan(&v); err != nil {
		return err
	}
	if v == "off" {
		_, err := c.Exec(ctx, "SET synchronous_commit = on")
		return err
	}
	return nil
}

// pgPlainError keeps the cause of a failed connection (refused, bad
// password, no such database) and drops pgx's prefix, which names the
// user and database in backquotes. pgx tries each host twice under the
// default sslmode=prefer (with TLS, then without) and joins the errors:
// the same refusal is said once.
func pgPlainError(err error) error {
	ce, ok := errors.AsType[*pgconn.ConnectError](err)
	if !ok {
		return err
	}
	inner := errors.Unwrap(ce)
	if inner == nil {
		return err
	}
	joined, ok := inner.(interface{ Unwrap() []error })
	if !ok {
		return inner
	}
	var distinct []error
	seen := map[string]bool{}
	for _, e := range joined.Unwrap() {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			distinct = append(distinct, e)
		}
	}
	return errors.Join(distinct...)
}

// Close closes every connection; it waits for queries under way.
func (s *PgStore) Close() error {
	s.pool.Close()
	return nil
}

// upsertEscrow inserts an escrow, or replaces one of the same id that
// expired ($5 is now): it returns the id only when it wrote. Used in a
// CTE, so that dropping the old escrow's code happens in the same
// statement.
const upsertEscrow = `INSERT INTO escrows (id, kind, data, expiration) VALUES ($1, $2, $3, $4)
	ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, data = EXCLUDED.data, expiration = EXCLUDED.expiration
	WHERE escrows.expiration <= $5
	RETURNING id`

func (s *PgStore) CreateEscrow(ctx context.Context, e Escrow, now time.Time) error {
	// A code left from an expired escrow of the same id must not apply
	// to the new one; a code of the live escrow stays when we refuse.
	var n int
	err := s.pool.QueryRow(ctx, `WITH up AS (`+upsertEscrow+`),
		gone AS (DELETE FROM codes WHERE id IN (SELECT id FROM up))
		SELECT count(*) FROM up`,
		e.ID, e.Kind, e.Data, e.Expiration, now.Unix()).Scan(&n)
	if err != nil {
		return pgErr("storing escrow", err)
	}
	if n == 0 {
		return ErrExists
	}
	return nil
}

func (s *PgStore) Escrow(ctx context.Context, id string, now time.Time) (Escrow, error) {
	e := Escrow{ID: id}
	err := s.pool.QueryRow(ctx, "SELECT kind, data, expiration FROM escrows WHERE id = $1 AND expiration > $2",
		id, now.Unix()).Scan(&e.Kind, &e.Data, &e.Expiration)
	if errors.Is(err, pgx.ErrNoRows) {
		return Escrow{}, ErrNotFound
	} else if err != nil {
		return Escrow{}, pgErr("reading escrow", err)
	}
	return e, nil
}

func (s *PgStore) DeleteEscrow(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `WITH gone AS (DELETE FROM codes WHERE id = $1)
		DELETE FROM escrows WHERE id = $1`, id)
	return pgErr("deleting escrow", err)
}

func (s *PgStore) PutCode(ctx context.Context, id string, c Code) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO codes (id, code, expiration, failures, language) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, expiration = EXCLUDED.expiration,
			failures = EXCLUDED.failures, language = EXCLUDED.language`,
		id, c.Code, c.Expiration, c.Failures, c.Language)
	return pgErr("storing code", err)
}

// UpdateCode locks the code's row for the transaction, so concurrent
// updates from any instance run one after another and none is lost.
func (s *PgStore) UpdateCode(ctx context.Context, id string, now time.Time, fn func(*Code) bool) error {
	var c Code
	err := s.updateRow(ctx, rowUpdate{
		read:     "SELECT code, expiration, failures, language FROM codes WHERE id = $1 AND expiration > $2 FOR UPDATE",
		readArgs: []any{id, now.Unix()},
		scan:     func(r pgx.Row) error { return r.Scan(&c.Code, &c.Expiration, &c.Failures, &c.Language) },
		write: func() (string, []any, error) {
			if fn(&c) {
				return "UPDATE codes SET code = $2, expiration = $3, failures = $4, language = $5 WHERE id = $1",
					[]any{id, c.Code, c.Expiration, c.Failures, c.Language}, nil
			}
			return "DELETE FROM codes WHERE id = $1", []any{id}, nil
		},
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return pgErr("updating code", err)
}

// SpendToken inserts the token, or takes over its row if it expired; a
// concurrent spend of the same token waits for the row and then finds
// it live, so exactly one wins on any instance.
func (s *PgStore) SpendToken(ctx context.Context, token string, until int64, now time.Time) error {
	var n int
	err := s.pool.QueryRow(ctx, `WITH up AS (INSERT INTO spent_tokens (token, expiration) VALUES ($1, $2)
			ON CONFLICT (token) DO UPDATE SET expiration = EXCLUDED.expiration
			WHERE spent_tokens.expiration <= $3
			RETURNING 1)
		SELECT count(*) FROM up`, token, until, now.Unix()).Scan(&n)
	if err != nil {
		return pgErr("spending token", err)
	}
	if n == 0 {
		return ErrExists
	}
	return nil
}

// pgSweepChunk bounds the rows one sweep statement deletes, so a large
// backlog never holds many row locks for long.
const pgSweepChunk = 1000

// pgSweeps delete one chunk each of what expired at or before $1. SKIP
// LOCKED lets instances sweeping at once share the work instead of
// waiting for each other's rows (or deadlocking over them); a row a
// request is rewriting is skipped and left for the next sweep.
var pgSweeps = []string{
	`DELETE FROM escrows WHERE id IN (SELECT id FROM escrows WHERE expiration <= $1
		ORDER BY expiration LIMIT $2 FOR UPDATE SKIP LOCKED)`,
	`DELETE FROM codes WHERE id IN (SELECT id FROM codes WHERE expiration <= $1
		ORDER BY expiration LIMIT $2 FOR UPDATE SKIP LOCKED)`,
	`DELETE FROM spent_tokens WHERE token IN (SELECT token FROM spent_tokens WHERE expiration <= $1
		ORDER BY expiration LIMIT $2 FOR UPDATE SKIP LOCKED)`,
	`DELETE FROM guesses WHERE id IN (SELECT id FROM guesses WHERE expiration <= $1
		ORDER BY expiration LIMIT $2 FOR UPDATE SKIP LOCKED)`,
	`DELETE FROM sends WHERE key IN (SELECT key FROM sends WHERE expiration <= $1
		ORDER BY expiration LIMIT $2 FOR UPDATE SKIP LOCKED)`,
}

func (s *PgStore) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for _, q := range pgSweeps {
		for {
			tag, err := s.pool.Exec(ctx, q, now.Unix(), pgSweepChunk)
			if err != nil {
				return total, pgErr("sweeping", err)
			}
			total += int(tag.RowsAffected())
			if tag.RowsAffected() < pgSweepChunk {
				break
			}
		}
	}
	return total, nil
}

// pgErr says what failed; nil stays nil.
func pgErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("server: postgresql: %s: %w", what, err)
}

// StorageKind implements StorageKinder.
func (*PgStore) StorageKind() string { return "postgresql" }
