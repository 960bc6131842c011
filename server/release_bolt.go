package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketRelease holds the waiting periods of escrows by bare id, as JSON.
// It is made by the first write that needs it, so files of older
// versions open unchanged. A release needs no expiry index: the sweep
// reads them all (they are few: only heirs' escrows have one) and drops
// those whose escrow is gone.
var bucketRelease = []byte("release")

var _ ReleaseStore = (*BoltStore)(nil)

func (s *BoltStore) CreateDelayedEscrow(ctx context.Context, e Escrow, r Release, now time.Time) error {
	payload, err := json.Marshal(escrowRecord{Kind: e.Kind, Data: e.Data})
	if err != nil {
		return err
	}
	rel, err := json.Marshal(r)
	if err != nil {
		return err
	}
	release, err := s.journal.reserve(e.ID, now) // against a journaled creation of the same id
	if err != nil {
		return err
	}
	defer release()
	id := []byte(e.ID)
	return s.write(ctx, func(tx *bolt.Tx) error {
		if exp, _, ok := get(tx, bucketEscrow, id); ok && alive(exp, now) {
			return ErrExists
		}
		b, err := tx.CreateBucketIfNotExists(bucketRelease)
		if err != nil {
			return err
		}
		s.codes.drop(e.ID) // as CreateEscrow
		if err := put(tx, bucketEscrow, id, e.Expiration, payload); err != nil {
			return err
		}
		return b.Put(id, rel)
	})
}

func (s *BoltStore) Release(_ context.Context, id string) (Release, error) {
	var r Release
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		r, err = readRelease(tx, []byte(id))
		return err
	})
	return r, err
}

func readRelease(tx *bolt.Tx, id []byte) (Release, error) {
	b := tx.Bucket(bucketRelease)
	if b == nil {
		return Release{}, ErrNotFound
	}
	v := b.Get(id)
	if v == nil {
		return Release{}, ErrNotFound
	}
	var r Release
	if err := json.Unmarshal(v, &r); err != nil {
		return Release{}, fmt.Errorf("server: release record: %w", err)
	}
	return r, nil
}

func (s *BoltStore) UpdateRelease(ctx context.Context, id string, fn func(*Release) error) error {
	key := []byte(id)
	return s.write(ctx, func(tx *bolt.Tx) error {
		r, err := readRelease(tx, key)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketRelease).Put(key, v)
	})
}

func (s *BoltStore) DeleteRelease(ctx context.Context, id string, expiration int64) error {
	key := []byte(id)
	return s.write(ctx, func(tx *bolt.Tx) error {
		r, err := readRelease(tx, key)
		if errors.Is(err, ErrNotFound) || err == nil && r.Expiration != expiration {
			return nil
		} else if err != nil {
			return err
		}
		return tx.Bucket(bucketRelease).Delete(key)
	})
}

func (s *BoltStore) ReleasesAfter(_ context.Context, after string, limit int) ([]IDRelease, error) {
	var out []IDRelease
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRelease)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, v := c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			var r Release
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("server: release record %q: %w", k, err)
			}
			out = append(out, IDRelease{ID: string(k), Release: r})
		}
		return nil
	})
	return out, err
}
