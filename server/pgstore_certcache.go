package server

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/acme/autocert"
)

// PgCertCache is an autocert.Cache in a PgStore's database, so that
// every instance behind a load balancer serves the certificate one of
// them obtained, and they do not each ask the CA for their own (Let's
// Encrypt limits how many a name may get a week). autocert.DirCache
// keeps one per machine.
//
// It holds the certificates' private keys and the ACME account key as
// autocert gives them, unencrypted, as DirCache does in its files: who
// can read the database can read them, so grant it as you would that
// directory. It is valid while its store is open.
type PgCertCache struct {
	s *PgStore
}

var _ autocert.Cache = (*PgCertCache)(nil)

// CertCache returns the autocert.Cache kept in s's database.
func (s *PgStore) CertCache() *PgCertCache { return &PgCertCache{s: s} }

// Get returns the data stored under name, or autocert.ErrCacheMiss.
func (c *PgCertCache) Get(ctx context.Context, name string) ([]byte, error) {
	var data []byte
	err := c.s.pool.QueryRow(ctx, "SELECT data FROM autocert_cache WHERE name = $1", name).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, autocert.ErrCacheMiss
	}
	return data, pgErr("reading certificate cache", err)
}

// Put stores data under name, replacing what was there.
func (c *PgCertCache) Put(ctx context.Context, name string, data []byte) error {
	_, err := c.s.pool.Exec(ctx, `INSERT INTO autocert_cache (name, data) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data, updated = now()`, name, data)
	return pgErr("writing certificate cache", err)
}

// Delete removes name; an absent name is not an error.
func (c *PgCertCache) Delete(ctx context.Context, name string) error {
	_, err := c.s.pool.Exec(ctx, "DELETE FROM autocert_cache WHERE name = $1", name)
	return pgErr("deleting from certificate cache", err)
}
