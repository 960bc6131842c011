package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DBName is the file OpenBoltStore keeps its data in, inside the data dir.
const DBName = "passcrow.db"

// ErrClosed is returned by a BoltStore used after Close.
var ErrClosed = errors.New("server: store is closed")

// Buckets. Every value starts with its 8-byte big-endian expiration; the
// expiry bucket indexes all of them by tag || expiration || key, so a
// sweep reads only what has expired.
var (
	bucketEscrow = []byte("escrow")
	bucketCode   = []byte("code")
	bucketSpent  = []byte("spent")
	bucketExpiry = []byte("expiry")
)

// BoltStore is the default Store: one bbolt file, crash-safe (each write
// is an fsynced transaction), readable by many requests at once. Writes
// that arrive while one commits are committed together, so under load
// many requests share one fsync without delaying a lone request.
type BoltStore struct {
	db      *bolt.DB
	mu      sync.RWMutex // guards closed against sends on ops
	closed  bool
	ops     chan boltOp
	stopped chan struct{}
}

var _ Store = (*BoltStore)(nil)

type boltOp struct {
	// fn returns an error only before it has written anything, so a
	// refused op never leaves half its writes in a shared transaction.
	fn   func(tx *bolt.Tx) error
	done chan error
}

// OpenBoltStore opens dir/passcrow.db, creating dir (0700) and the file
// (0600) on first run. Another process holding the file makes it fail
// after a second instead of hanging.
func OpenBoltStore(dir string) (*BoltStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("server: creating data dir: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, DBName), 0o600, &bolt.Options{
		Timeout: time.Second,
		// The free list is rebuilt on open instead of written with every
		// commit: fewer pages per fsync, and still crash-safe.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if err != nil {
		return nil, fmt.Errorf("server: opening database: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketEscrow, bucketCode, bucketSpent, bucketExpiry} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("server: preparing database: %w", err)
	}
	s := &BoltStore{db: db, ops: make(chan boltOp, 64), stopped: make(chan struct{})}
	go s.writer()
	return s, nil
}

// writer commits queued ops; whatever queued up during one commit goes
// into the next transaction together.
func (s *BoltStore) writer() {
	defer close(s.stopped)
	const maxBatch = 256
	batch := make([]boltOp, 0, maxBatch)
	results := make([]error, 0, maxBatch)
	for op := range s.ops {
		batch = append(batch[:0], op)
	fill:
		for len(batch) < maxBatch {
			select {
			case op, ok := <-s.ops:
				if !ok {
					break fill
				}
				batch = append(batch, op)
			default:
				break fill
			}
		}
		results = results[:0]
		err := s.db.Update(func(tx *bolt.Tx) error {
			for _, op := range batch {
				results = append(results, op.fn(tx))
			}
			return nil
		})
		for i, op := range batch {
			if err != nil {
				op.done <- err
			} else {
				op.done <- results[i]
			}
		}
	}
}

func (s *BoltStore) write(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	op := boltOp{fn: fn, done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.ops <- op:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	// Once queued the op will run; wait for it even if ctx ends, so the
	// caller never reports failure for a write that happened.
	return <-op.done
}

// Close waits for queued writes and closes the file.
func (s *BoltStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.ops)
	s.mu.Unlock()
	<-s.stopped
	return s.db.Close()
}

type escrowRecord struct {
	Kind string `json:"k"`
	Data string `json:"d"`
}

type codeRecord struct {
	Code     string `json:"c"`
	Failures int    `json:"f"`
}

func (s *BoltStore) CreateEscrow(ctx context.Context, e Escrow, now time.Time) error {
	payload, err := json.Marshal(escrowRecord{Kind: e.Kind, Data: e.Data})
	if err != nil {
		return err
	}
	id := []byte(e.ID)
	return s.write(ctx, func(tx *bolt.Tx) error {
		if exp, _, ok := get(tx, bucketEscrow, id); ok && alive(exp, now) {
			return ErrExists
		}
		// A code left from an expired escrow of the same id must not
		// apply to the new one.
		if err := del(tx, bucketCode, id); err != nil {
			return err
		}
		return put(tx, bucketEscrow, id, e.Expiration, payload)
	})
}

func (s *BoltStore) Escrow(_ context.Context, id string, now time.Time) (Escrow, error) {
	var e Escrow
	err := s.db.View(func(tx *bolt.Tx) error {
		exp, payload, ok := get(tx, bucketEscrow, []byte(id))
		if !ok || !alive(exp, now) {
			return ErrNotFound
		}
		var r escrowRecord
		if err := json.Unmarshal(payload, &r); err != nil {
			return fmt.Errorf("server: escrow record: %w", err)
		}
		e = Escrow{ID: id, Kind: r.Kind, Data: r.Data, Expiration: exp}
		return nil
	})
	return e, err
}

func (s *BoltStore) DeleteEscrow(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		if err := del(tx, bucketEscrow, []byte(id)); err != nil {
			return err
		}
		return del(tx, bucketCode, []byte(id))
	})
}

func (s *BoltStore) PutCode(ctx context.Context, id string, c Code) error {
	payload, err := json.Marshal(codeRecord{Code: c.Code, Failures: c.Failures})
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *bolt.Tx) error {
		return put(tx, bucketCode, []byte(id), c.Expiration, payload)
	})
}

func (s *BoltStore) UpdateCode(ctx context.Context, id string, now time.Time, fn func(*Code) bool) error {
	key := []byte(id)
	return s.write(ctx, func(tx *bolt.Tx) error {
		exp, payload, ok := get(tx, bucketCode, key)
		if !ok || !alive(exp, now) {
			return ErrNotFound
		}
		var r codeRecord
		if err := json.Unmarshal(payload, &r); err != nil {
			return fmt.Errorf("server: code record: %w", err)
		}
		c := Code{Code: r.Code, Expiration: exp, Failures: r.Failures}
		if !fn(&c) {
			return del(tx, bucketCode, key)
		}
		payload, err := json.Marshal(codeRecord{Code: c.Code, Failures: c.Failures})
		if err != nil {
			return err
		}
		return put(tx, bucketCode, key, c.Expiration, payload)
	})
}

func (s *BoltStore) SpendToken(ctx context.Context, token string, until int64, now time.Time) error {
	key := []byte(token)
	return s.write(ctx, func(tx *bolt.Tx) error {
		if exp, _, ok := get(tx, bucketSpent, key); ok && alive(exp, now) {
			return ErrExists
		}
		return put(tx, bucketSpent, key, until, nil)
	})
}

// Sweep deletes in chunks, so a large backlog never holds the write lock
// for long.
func (s *BoltStore) Sweep(ctx context.Context, now time.Time) (int, error) {
	const chunk = 1000
	total := 0
	for {
		n := 0
		err := s.write(ctx, func(tx *bolt.Tx) error {
			idx := tx.Bucket(bucketExpiry)
			var doomed [][]byte
			c := idx.Cursor()
			for _, b := range [][]byte{bucketEscrow, bucketCode, bucketSpent} {
				tag := tagFor(b)
				for k, _ := c.Seek([]byte{tag}); k != nil && k[0] == tag && len(doomed) < chunk; k, _ = c.Next() {
					if len(k) >= 9 && int64(binary.BigEndian.Uint64(k[1:9])) > now.Unix() {
						break
					}
					doomed = append(doomed, bytes.Clone(k))
				}
			}
			for _, k := range doomed {
				if len(k) >= 9 {
					b := tx.Bucket(bucketForTag(k[0]))
					key := k[9:]
					// The entry may have been replaced since; then its
					// expiration differs and only the stale index goes.
					if v := b.Get(key); len(v) >= 8 && bytes.Equal(v[:8], k[1:9]) {
						if err := b.Delete(key); err != nil {
							return err
						}
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
		if err != nil || n < chunk {
			return total, err
		}
	}
}

func tagFor(bucket []byte) byte { return bucket[0] } // 'e', 'c', 's': distinct first letters

func bucketForTag(tag byte) []byte {
	switch tag {
	case 'e':
		return bucketEscrow
	case 'c':
		return bucketCode
	case 's':
		return bucketSpent
	}
	return nil
}

func indexKey(bucket, key []byte, exp int64) []byte {
	k := make([]byte, 9, 9+len(key))
	k[0] = tagFor(bucket)
	binary.BigEndian.PutUint64(k[1:9], uint64(exp))
	return append(k, key...)
}

func get(tx *bolt.Tx, bucket, key []byte) (exp int64, payload []byte, ok bool) {
	v := tx.Bucket(bucket).Get(key)
	if len(v) < 8 {
		return 0, nil, false
	}
	return int64(binary.BigEndian.Uint64(v[:8])), v[8:], true
}

func put(tx *bolt.Tx, bucket, key []byte, exp int64, payload []byte) error {
	if err := del(tx, bucket, key); err != nil {
		return err
	}
	v := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint64(v, uint64(exp))
	if err := tx.Bucket(bucket).Put(key, append(v, payload...)); err != nil {
		return err
	}
	return tx.Bucket(bucketExpiry).Put(indexKey(bucket, key, exp), nil)
}

func del(tx *bolt.Tx, bucket, key []byte) error {
	exp, _, ok := get(tx, bucket, key)
	if !ok {
		return nil
	}
	if err := tx.Bucket(bucketExpiry).Delete(indexKey(bucket, key, exp)); err != nil {
		return err
	}
	return tx.Bucket(bucket).Delete(key)
}
