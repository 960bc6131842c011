package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BoltStore keeps guess records and send counts on disk, beside the
// escrows and through the same batched, fsynced writer: a guess budget
// that a restart forgot would be no budget. Send counts are written
// behind the request (UpdateSends). Each value starts with its
// 8-byte big-endian expiration, as escrows do, and is indexed in the
// expiry bucket under its own tag, so Sweep finds it.
var (
	bucketGuesses = []byte("guesses")
	bucketSends   = []byte("sends")
	bucketSecrets = []byte("secrets")
	keySecret     = []byte("secret")
)

const (
	tagGuesses = 'g'
	tagSends   = 'r'
)

// limitBuckets are the buckets prepare creates for this file.
var limitBuckets = [][]byte{bucketGuesses, bucketSends, bucketSecrets}

func (s *BoltStore) Guesses(_ context.Context, id string, now time.Time) (Guesses, error) {
	var g Guesses
	err := s.db.View(func(tx *bolt.Tx) error {
		return getRecord(tx, bucketGuesses, []byte(id), now, &g)
	})
	return g, err
}

func (s *BoltStore) UpdateGuesses(ctx context.Context, id string, now time.Time, fn func(*Guesses) error) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		var g Guesses
		if err := getRecord(tx, bucketGuesses, []byte(id), now, &g); err != nil {
			return err
		}
		if err := fn(&g); err != nil {
			return err
		}
		return putRecord(tx, bucketGuesses, tagGuesses, []byte(id), g.Expiration, g)
	})
}

// UpdateSends answers from memory and writes the count to the file
// behind the request, in the next batched commit, without waiting for
// its fsync: a code costs no fsync for its count, and a restart still
// finds the counts (all but those of the last moments before a crash).
// The file is read for a key only the first time it is asked for.
func (s *BoltStore) UpdateSends(ctx context.Context, key string, now time.Time, fn func(*Sends) error) error {
	c := &s.sends
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]Sends)
	}
	v, ok := c.m[key]
	if !ok {
		err := s.db.View(func(tx *bolt.Tx) error {
			return getRecord(tx, bucketSends, []byte(key), now, &v)
		})
		if err != nil {
			return err
		}
	}
	if !alive(v.Expiration, now) {
		v = Sends{}
	}
	if err := fn(&v); err != nil {
		return err
	}
	// Queued under c.mu, so the file gets the counts of one key in the
	// order they were made.
	if err := s.writeBehind(func(tx *bolt.Tx) error {
		return putRecord(tx, bucketSends, tagSends, []byte(key), v.Expiration, v)
	}); err != nil {
		return err
	}
	c.m[key] = v
	return nil
}

// sendCache holds the send counts a BoltStore has read or written. Its
// zero value is ready.
type sendCache struct {
	mu sync.Mutex
	m  map[string]Sends
}

// sweep forgets expired counts (the file's go in sweepLimits).
func (c *sendCache) sweep(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.m {
		if !alive(v.Expiration, now) {
			delete(c.m, k)
		}
	}
}

// writeBehind queues fn for the writer and returns without waiting.
func (s *BoltStore) writeBehind(fn func(tx *bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	s.ops <- boltOp{fn: fn, done: make(chan error, 1)}
	return nil
}

// ServerSecret keeps the secret in the file, so a restart keeps the
// hashes of recipients (and their counts) meaningful.
func (s *BoltStore) ServerSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	var secret []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		secret = bytes.Clone(tx.Bucket(bucketSecrets).Get(keySecret))
		return nil
	})
	if err != nil || secret != nil {
		return secret, err
	}
	err = s.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSecrets)
		if v := b.Get(keySecret); v != nil {
			secret = bytes.Clone(v)
			return nil
		}
		secret = bytes.Clone(fresh)
		return b.Put(keySecret, secret)
	})
	return secret, err
}

// getRecord decodes the unexpired value under key into v, leaving v
// alone if there is none.
func getRecord(tx *bolt.Tx, bucket, key []byte, now time.Time, v any) error {
	exp, payload, ok := get(tx, bucket, key)
	if !ok || !alive(exp, now) {
		return nil
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return fmt.Errorf("server: %s record: %w", bucket, err)
	}
	return nil
}

// putRecord replaces the value under key with v, expiring at exp, and
// moves its index entry. fn-style callers run it last, so a refused
// update writes nothing.
func putRecord(tx *bolt.Tx, bucket []byte, tag byte, key []byte, exp int64, v any) error {
	payload, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b, idx := tx.Bucket(bucket), tx.Bucket(bucketExpiry)
	if old := b.Get(key); len(old) >= 8 {
		if err := idx.Delete(taggedIndexKey(tag, key, int64(binary.BigEndian.Uint64(old[:8])))); err != nil {
			return err
		}
	}
	val := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint64(val, uint64(exp))
	if err := b.Put(key, append(val, payload...)); err != nil {
		return err
	}
	return idx.Put(taggedIndexKey(tag, key, exp), nil)
}

func taggedIndexKey(tag byte, key []byte, exp int64) []byte {
	k := make([]byte, 9, 9+len(key))
	k[0] = tag
	binary.BigEndian.PutUint64(k[1:9], uint64(exp))
	return append(k, key...)
}

// sweepLimits deletes expired guess records and send counts, a chunk
// per transaction as Sweep does with escrows.
func (s *BoltStore) sweepLimits(ctx context.Context, now time.Time) (int, error) {
	const chunk = 1000
	total := 0
	s.sends.sweep(now)
	for _, t := range []struct {
		tag    byte
		bucket []byte
	}{{tagGuesses, bucketGuesses}, {tagSends, bucketSends}} {
		for {
			n := 0
			err := s.write(ctx, func(tx *bolt.Tx) error {
				idx, b := tx.Bucket(bucketExpiry), tx.Bucket(t.bucket)
				var doomed [][]byte
				c := idx.Cursor()
				for k, _ := c.Seek([]byte{t.tag}); k != nil && k[0] == t.tag && len(doomed) < chunk; k, _ = c.Next() {
					if len(k) < 9 || int64(binary.BigEndian.Uint64(k[1:9])) > now.Unix() {
						break
					}
					doomed = append(doomed, bytes.Clone(k))
				}
				for _, k := range doomed {
					// Only the value this entry indexes goes: one
					// rewritten since has another expiration.
					if v := b.Get(k[9:]); len(v) >= 8 && bytes.Equal(v[:8], k[1:9]) {
						if err := b.Delete(k[9:]); err != nil {
							return err
						}
					}
					if err := idx.Delete(k); err != nil {
						return err
					}
				}
				n = len(doomed)
				return nil
			})
			total += n
			if err != nil {
				return total, err
			}
			if n < chunk {
				break
			}
		}
	}
	return total, nil
}
