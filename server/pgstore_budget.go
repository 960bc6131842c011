package server

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// The guess budgets of escrows and the send counts of recipients, kept
// in PostgreSQL so every instance on the database counts against the
// same budget: a guesser spreading requests over instances, or a
// sender spreading messages, gains nothing.

func (s *PgStore) Guesses(ctx context.Context, id string, now time.Time) (Guesses, error) {
	var g Guesses
	err := s.pool.QueryRow(ctx, `SELECT expiration, wrong, lockouts, locked_until FROM guesses
		WHERE id = $1 AND expiration > $2`, id, now.Unix()).Scan(&g.Expiration, &g.Wrong, &g.Lockouts, &g.LockedUntil)
	if errors.Is(err, pgx.ErrNoRows) {
		return Guesses{}, nil
	}
	return g, pgErr("reading guesses", err)
}

// UpdateGuesses makes the row if there is none and locks it in one
// statement (an upsert that rewrites nothing but takes the row's lock
// and returns it as it is), so that the first updates of a new record
// from two instances also run one after the other; fn's error rolls the
// placeholder back with the rest.
func (s *PgStore) UpdateGuesses(ctx context.Context, id string, now time.Time, fn func(*Guesses) error) error {
	return s.updateGuesses(ctx, id, now, fn, false)
}

// UpdateGuessesLazily is UpdateGuesses committed without waiting for
// the disk (lazyGuesses).
func (s *PgStore) UpdateGuessesLazily(ctx context.Context, id string, now time.Time, fn func(*Guesses) error) error {
	return s.updateGuesses(ctx, id, now, fn, true)
}

func (s *PgStore) updateGuesses(ctx context.Context, id string, now time.Time, fn func(*Guesses) error, lazy bool) error {
	var g Guesses
	var fnErr error
	err := s.updateRow(ctx, rowUpdate{
		lazy: lazy,
		read: `INSERT INTO guesses (id, expiration, wrong, lockouts, locked_until)
			VALUES ($1, 0, 0, 0, 0) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id
			RETURNING expiration, wrong, lockouts, locked_until`,
		readArgs: []any{id},
		scan:     func(r pgx.Row) error { return r.Scan(&g.Expiration, &g.Wrong, &g.Lockouts, &g.LockedUntil) },
		write: func() (string, []any, error) {
			if !alive(g.Expiration, now) {
				g = Guesses{}
			}
			if fnErr = fn(&g); fnErr != nil {
				return "", nil, fnErr
			}
			return "UPDATE guesses SET expiration = $2, wrong = $3, lockouts = $4, locked_until = $5 WHERE id = $1",
				[]any{id, g.Expiration, g.Wrong, g.Lockouts, g.LockedUntil}, nil
		},
	})
	if fnErr != nil && errors.Is(err, fnErr) {
		return err
	}
	return pgErr("updating guesses", err)
}

// UpdateSends is UpdateGuesses for the sends table.
func (s *PgStore) UpdateSends(ctx context.Context, key string, now time.Time, fn func(*Sends) error) error {
	var c Sends
	var fnErr error
	err := s.updateRow(ctx, rowUpdate{
		read: `INSERT INTO sends (key, expiration, hour_start, hour, day_start, day)
			VALUES ($1, 0, 0, 0, 0, 0) ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
			RETURNING expiration, times, hour_start, hour, day_start, day`,
		readArgs: []any{key},
		scan: func(r pgx.Row) error {
			return r.Scan(&c.Expiration, &c.Times, &c.HourStart, &c.Hour, &c.DayStart, &c.Day)
		},
		write: func() (string, []any, error) {
			if !alive(c.Expiration, now) {
				c = Sends{}
			}
			if fnErr = fn(&c); fnErr != nil {
				return "", nil, fnErr
			}
			times := c.Times
			if times == nil {
				times = []int64{} // the column is NOT NULL
			}
			return "UPDATE sends SET expiration = $2, times = $3, hour_start = $4, hour = $5, day_start = $6, day = $7 WHERE key = $1",
				[]any{key, c.Expiration, times, c.HourStart, c.Hour, c.DayStart, c.Day}, nil
		},
	})
	if fnErr != nil && errors.Is(err, fnErr) {
		return err
	}
	return pgErr("updating send counts", err)
}

// ServerSecret stores fresh unless a secret is there, then reads what
// is. Two statements, not one: a statement's snapshot would not see
// the row another instance committed while this one's insert waited
// for it.
func (s *PgStore) ServerSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	if _, err := s.pool.Exec(ctx, "INSERT INTO server_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING", fresh); err != nil {
		return nil, pgErr("storing the server secret", err)
	}
	var secret []byte
	if err := s.pool.QueryRow(ctx, "SELECT secret FROM server_secret WHERE id = 1").Scan(&secret); err != nil {
		return nil, pgErr("reading the server secret", err)
	}
	return secret, nil
}
