package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

var _ ReleaseStore = (*PgStore)(nil)

// CreateDelayedEscrow stores the escrow, drops a code left from an
// expired escrow of its id, and stores the release, in one statement.
func (s *PgStore) CreateDelayedEscrow(ctx context.Context, e Escrow, r Release, now time.Time) error {
	rec, err := json.Marshal(r)
	if err != nil {
		return err
	}
	var n int
	err = s.pool.QueryRow(ctx, `WITH up AS (`+upsertEscrow+`),
		gone AS (DELETE FROM codes WHERE id IN (SELECT id FROM up)),
		rel AS (INSERT INTO releases (id, expiration, record) SELECT id, $6::bigint, $7::jsonb FROM up
			ON CONFLICT (id) DO UPDATE SET expiration = EXCLUDED.expiration, record = EXCLUDED.record)
		SELECT count(*) FROM up`,
		e.ID, e.Kind, e.Data, e.Expiration, now.Unix(), r.Expiration, rec).Scan(&n)
	if err != nil {
		return pgErr("storing delayed escrow", err)
	}
	if n == 0 {
		return ErrExists
	}
	return nil
}

func (s *PgStore) Release(ctx context.Context, id string) (Release, error) {
	var rec []byte
	err := s.pool.QueryRow(ctx, "SELECT record FROM releases WHERE id = $1", id).Scan(&rec)
	if errors.Is(err, pgx.ErrNoRows) {
		return Release{}, ErrNotFound
	} else if err != nil {
		return Release{}, pgErr("reading release", err)
	}
	return decodeRelease(id, rec)
}

func decodeRelease(id string, rec []byte) (Release, error) {
	var r Release
	if err := json.Unmarshal(rec, &r); err != nil {
		return Release{}, fmt.Errorf("server: release record %q: %w", id, err)
	}
	return r, nil
}

// UpdateRelease holds the release's row lock while fn decides, so two
// instances never both start, remind or release the same claim.
func (s *PgStore) UpdateRelease(ctx context.Context, id string, fn func(*Release) error) error {
	var fnErr error
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var rec []byte
		err := tx.QueryRow(ctx, "SELECT record FROM releases WHERE id = $1 FOR UPDATE", id).Scan(&rec)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		r, err := decodeRelease(id, rec)
		if err != nil {
			return err
		}
		if fnErr = fn(&r); fnErr != nil {
			return fnErr
		}
		if rec, err = json.Marshal(r); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE releases SET expiration = $2, record = $3 WHERE id = $1", id, r.Expiration, rec)
		return err
	})
	if errors.Is(err, ErrNotFound) || fnErr != nil && errors.Is(err, fnErr) {
		return err // as fn or the interface said it, unwrapped
	}
	return pgErr("updating release", err)
}

func (s *PgStore) DeleteRelease(ctx context.Context, id string, expiration int64) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM releases WHERE id = $1 AND expiration = $2", id, expiration)
	return pgErr("deleting release", err)
}

func (s *PgStore) ReleasesAfter(ctx context.Context, after string, limit int) ([]IDRelease, error) {
	// Keyset paging on the primary key: "id > after" and the order
	// both use the column's collation, so no id is skipped or repeated.
	rows, err := s.pool.Query(ctx, "SELECT id, record FROM releases WHERE id > $1 ORDER BY id LIMIT $2", after, limit)
	if err != nil {
		return nil, pgErr("listing releases", err)
	}
	var out []IDRelease
	var id string
	var rec []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &rec}, func() error {
		r, err := decodeRelease(id, rec)
		out = append(out, IDRelease{ID: id, Release: r})
		return err
	})
	if err != nil {
		return nil, pgErr("listing releases", err)
	}
	return out, nil
}
