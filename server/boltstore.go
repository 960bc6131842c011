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

// Buckets. Every escrow value starts with its 8-byte big-endian
// expiration; the expiry bucket indexes escrows by tag || expiration ||
// id, so a sweep reads only what has expired.
var (
	bucketEscrow = []byte("escrow")
	bucketExpiry = []byte("expiry")
)

// tagEscrow is the expiry index tag of escrows. Files written before codes
// and spent tokens moved to memory also hold buckets "code" and "spent",
// indexed under 'c' and 's'; OpenBoltStore drops them.
const tagEscrow = 'e'

var legacyBuckets = map[byte][]byte{'c': []byte("code"), 's': []byte("spent")}

// BoltStore is the default Store: escrows in one bbolt file, crash-safe
// (each write is an fsynced transaction) and readable by many requests at
// once without a lock or a sync. Writes that arrive while one commits are
// committed together, so under load many requests share one fsync without
// delaying a lone request. New escrows are acknowledged after one
// fdatasync of a journal and reach the file soon after (commit.go).
// Codes and spent tokens stay in memory (see Store), so asking for a code
// and recovering only read the file.
type BoltStore struct {
	db      *bolt.DB
	codes   *codeTable
	mu      sync.RWMutex // guards closed against sends on ops
	closed  bool
	ops     chan boltOp
	stopped chan struct{}
	journal *escrowCommitter
	sends   sendCache // send counts, written behind (lockout_bolt.go)
}

var _ Store = (*BoltStore)(nil)

type boltOp struct {
	// fn returns an error only before it has written anything, so a
	// refused op never leaves half its writes in a shared transaction.
	fn func(tx *bolt.Tx) error
	// after, if set, runs with the op's result once its transaction has
	// committed (or failed), before done is told.
	after func(error)
	done  chan error
}

// OpenBoltStore opens dir/passcrow.db, creating dir (0700) and the file
// (0600) on first run. Another process holding the file makes it fail
// after a second instead of hanging.
func OpenBoltStore(dir string) (*BoltStore, error) {
	return openBoltStore(dir, journalMaxBytes)
}

// openBoltStore is OpenBoltStore with journal files of fileBytes bytes.
func openBoltStore(dir string, fileBytes int64) (*BoltStore, error) {
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
	if err := db.Update(prepare); err != nil {
		db.Close()
		return nil, fmt.Errorf("server: preparing database: %w", err)
	}
	s := &BoltStore{db: db, codes: newCodeTable(), ops: make(chan boltOp, 64), stopped: make(chan struct{})}
	if s.journal, err = openCommitter(s, dir, fileBytes, time.Now()); err != nil {
		db.Close()
		return nil, err
	}
	go s.writer()
	return s, nil
}

// prepare creates the buckets and drops what older versions kept on disk.
func prepare(tx *bolt.Tx) error {
	for _, b := range append([][]byte{bucketEscrow, bucketExpiry}, limitBuckets...) {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	for tag, name := range legacyBuckets {
		if tx.Bucket(name) == nil {
			continue
		}
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
		c := tx.Bucket(bucketExpiry).Cursor()
		for k, _ := c.Seek([]byte{tag}); k != nil && k[0] == tag; k, _ = c.Seek([]byte{tag}) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
	}
	return nil
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
			res := err
			if err == nil {
				res = results[i]
			}
			if op.after != nil {
				op.after(res)
			}
			op.done <- res
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
	// Escrows acknowledged before this write are in its transaction.
	s.journal.flushPending()
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
	s.mu.Unlock()
	s.closeSends()
	s.journal.stop() // hands its last escrows to the writer
	close(s.ops)
	<-s.stopped
	s.journal.removeJournals()
	return s.db.Close()
}

type escrowRecord struct {
	Kind string `json:"k"`
	Data string `json:"d"`
}

// CreateEscrow journals e with one fdatasync shared by every creation
// waiting at the time (commit.go).
func (s *BoltStore) CreateEscrow(ctx context.Context, e Escrow, now time.Time) error {
	return s.journal.create(ctx, e, now)
}

func (s *BoltStore) Escrow(_ context.Context, id string, now time.Time) (Escrow, error) {
	if e, ok := s.journal.lookup(id); ok {
		if !alive(e.Expiration, now) {
			return Escrow{}, ErrNotFound
		}
		return e, nil
	}
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
	err := s.write(ctx, func(tx *bolt.Tx) error {
		return del(tx, bucketEscrow, []byte(id))
	})
	s.codes.drop(id) // without its escrow a code is useless, even if err != nil
	return err
}

func (s *BoltStore) PutCode(_ context.Context, id string, c Code) error {
	if s.isClosed() {
		return ErrClosed
	}
	s.codes.put(id, c)
	return nil
}

func (s *BoltStore) UpdateCode(_ context.Context, id string, now time.Time, fn func(*Code) bool) error {
	if s.isClosed() {
		return ErrClosed
	}
	return s.codes.update(id, now, fn)
}

func (s *BoltStore) SpendToken(_ context.Context, token string, until int64, now time.Time) error {
	if s.isClosed() {
		return ErrClosed
	}
	return s.codes.spend(token, until, now)
}

func (s *BoltStore) isClosed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}

// Sweep deletes expired escrows in chunks, so a large backlog never holds
// the write lock for long, and then expired codes and tokens.
func (s *BoltStore) Sweep(ctx context.Context, now time.Time) (int, error) {
	const chunk = 1000
	total := 0
	for {
		n := 0
		err := s.write(ctx, func(tx *bolt.Tx) error {
			idx := tx.Bucket(bucketExpiry)
			var doomed [][]byte
			c := idx.Cursor()
			for k, _ := c.Seek([]byte{tagEscrow}); k != nil && k[0] == tagEscrow && len(doomed) < chunk; k, _ = c.Next() {
				if len(k) >= 9 && int64(binary.BigEndian.Uint64(k[1:9])) > now.Unix() {
					break
				}
				doomed = append(doomed, bytes.Clone(k))
			}
			b := tx.Bucket(bucketEscrow)
			for _, k := range doomed {
				// The escrow may have been replaced since; then its
				// expiration differs and only the stale index goes.
				if key := k[min(len(k), 9):]; len(k) >= 9 {
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
		if err != nil {
			return total, err
		}
		if n < chunk {
			limits, err := s.sweepLimits(ctx, now)
			return total + limits + s.codes.sweep(now), err
		}
	}
}

// indexKey names an escrow in the expiry index.
func indexKey(key []byte, exp int64) []byte {
	k := make([]byte, 9, 9+len(key))
	k[0] = tagEscrow
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
	return tx.Bucket(bucketExpiry).Put(indexKey(key, exp), nil)
}

func del(tx *bolt.Tx, bucket, key []byte) error {
	exp, _, ok := get(tx, bucket, key)
	if !ok {
		return nil
	}
	if err := tx.Bucket(bucketExpiry).Delete(indexKey(key, exp)); err != nil {
		return err
	}
	return tx.Bucket(bucket).Delete(key)
}
