package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// copyAsCrashed copies the data dir of an open store, as a kill -9 would
// leave it, and returns the copy's path.
func copyAsCrashed(t *testing.T, dir string) string {
	t.Helper()
	crashed := t.TempDir()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	mustBeNil(t, err)
	for _, name := range names {
		b, err := os.ReadFile(name)
		mustBeNil(t, err)
		mustBeNil(t, os.WriteFile(filepath.Join(crashed, filepath.Base(name)), b, 0o600))
	}
	return crashed
}

// holdWriter queues an op that runs fn in the writer's transaction and
// keeps the writer there until the returned func is called.
func holdWriter(s *BoltStore, fn func(tx *bolt.Tx)) (release func()) {
	in, out := make(chan struct{}), make(chan struct{})
	s.ops <- boltOp{fn: func(tx *bolt.Tx) error {
		fn(tx)
		close(in)
		<-out
		return nil
	}, done: make(chan error, 1)}
	<-in
	return func() { close(out) }
}

// holdMarkBack makes a hand-over to bbolt fail (100 large escrows,
// big000..big099, while the file may not grow, as on a full disk) and a
// small one (escrow small) commit after it, so the applied mark stays
// below the large ones. s must have journal files of 8 KiB (openBoltStore)
// in dir. bbolt may still not grow when it returns.
func holdMarkBack(t *testing.T, s *BoltStore, dir string) (large []string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	big := strings.Repeat("b", 2000)
	create := func(id, data string) {
		t.Helper()
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: data, Expiration: exp}, now))
	}
	// Room in the file for small writes later: grow it, then free it.
	for i := range 40 {
		create(fmt.Sprintf("room%02d", i), big)
	}
	for i := range 40 {
		mustBeNil(t, s.DeleteEscrow(ctx, fmt.Sprintf("room%02d", i)))
	}
	release := holdWriter(s, func(tx *bolt.Tx) {
		if fi, err := os.Stat(filepath.Join(dir, DBName)); err == nil {
			tx.DB().MaxSize = int(fi.Size()) // bbolt may not grow the file
		}
	})
	for i := range 100 {
		id := fmt.Sprintf("big%03d", i)
		create(id, big)
		large = append(large, id)
	}
	s.journal.queueApply() // too large for the file: its transaction fails
	// Hold the writer again inside the transaction that takes the large
	// hand-over, so the small one queues before they come back.
	releaseSecond := holdWriterAfter(s, release)
	create("small", "s")
	s.journal.queueApply() // fits: its own transaction, after the failed one
	releaseSecond()
	barrier := boltOp{fn: func(*bolt.Tx) error { return nil }, done: make(chan error, 1)}
	s.ops <- barrier
	<-barrier.done
	return large
}

// holdWriterAfter queues a holding op, then calls release (of an earlier
// hold) and returns once the writer holds in the next transaction.
func holdWriterAfter(s *BoltStore, release func()) (releaseNext func()) {
	in, out := make(chan struct{}), make(chan struct{})
	s.ops <- boltOp{fn: func(*bolt.Tx) error {
		close(in)
		<-out
		return nil
	}, done: make(chan error, 1)}
	release()
	<-in
	return func() { close(out) }
}
