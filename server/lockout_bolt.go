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

// UpdateSends answers from memory and writes the counts to the file
// behind the requests: the counts changed within sendFlushEvery go in
// one batched commit, whose fsync no request waits for. A code costs no
// fsync for its count, and a restart still finds the counts (all but
// those of the last second before a crash; Close writes them all). The
// file is read for a key only the first time it is asked for.
func (s *BoltStore) UpdateSends(ctx context.Context, key string, now time.Time, fn func(*Sends) error) error {
	c := &s.sends
	c.mu.Lock()
	defer c.mu.Unlock()
	// Checked under c.mu: Close takes the dirty counts under it after
	// marking the store closed, so none made before is left out.
	if s.isClosed() {
		return ErrClosed
	}
	if c.m == nil {
		c.m = make(map[string]Sends)
		c.dirty = make(map[string]struct{})
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
	c.m[key] = v
	c.dirty[key] = struct{}{}
	if c.timer == nil {
		c.timer = time.AfterFunc(sendFlushEvery, s.flushSends)
	}
	return nil
}

// sendFlushEvery is how long a changed send count may wait for the file.
const sendFlushEvery = time.Second

// sendCache holds the send counts a BoltStore has read or written, and
// which of them the file does not have yet. Its zero value is ready.
type sendCache struct {
	mu    sync.Mutex
	m     map[string]Sends
	dirty map[string]struct{}
	timer *time.Timer // the next flush, if one is due
}

// sweep forgets expired counts (the file's go in sweepLimits).
func (c *sendCache) sweep(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.m {
		if !alive(v.Expiration, now) {
			delete(c.m, k)
			delete(c.dirty, k)
		}
	}
}

// takeDirty returns a write of every count changed since the last one,
// or nil if none did. The caller holds c.mu and queues the write before
// releasing it, so the file gets one key's counts in the order made.
func (c *sendCache) takeDirty() func(tx *bolt.Tx) error {
	if len(c.dirty) == 0 {
		return nil
	}
	keys := make([]string, 0, len(c.dirty))
	vals := make([]Sends, 0, len(c.dirty))
	for k := range c.dirty {
		keys = append(keys, k)
		vals = append(vals, c.m[k])
	}
	clear(c.dirty)
	return func(tx *bolt.Tx) error {
		for i, k := range keys {
			if err := putRecord(tx, bucketSends, tagSends, []byte(k), vals[i].Expiration, vals[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// flushSends queues the changed counts for the writer without waiting:
// when their time is up, and before a sweep. Once the store is closed it
// leaves them to Close.
func (s *BoltStore) flushSends() {
	c := &s.sends
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop() // a no-op when the timer itself calls
		c.timer = nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return
	}
	if fn := c.takeDirty(); fn != nil {
		s.ops <- boltOp{fn: fn, done: make(chan error, 1)}
	}
}

// closeSends queues the last changed counts; Close calls it after
// marking the store closed and before the writer stops.
func (s *BoltStore) closeSends() {
	c := &s.sends
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if fn := c.takeDirty(); fn != nil {
		s.ops <- boltOp{fn: fn, done: make(chan error, 1)}
	}
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
	s.flushSends() // the file's sweep counts and removes them too
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
