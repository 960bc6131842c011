package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// After a failed hand-over held the applied mark back, the next one that
// brings its escrows in lifts the mark past every escrow bbolt got
// meanwhile: one of those deleted in that same write stays deleted after
// a crash (a mark left at the failed escrows' last seq replayed it).
func TestJournalMarkCatchesUpAfterFailedApply(t *testing.T) {
	dir := t.TempDir()
	s, err := openBoltStore(dir, 8<<10)
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	big := strings.Repeat("b", 2000)
	create := func(id, data string) {
		t.Helper()
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: data, Expiration: exp}, now))
	}
	// hold queues an op that runs fn in the writer's transaction and
	// keeps the writer there until the returned func is called.
	hold := func(fn func(tx *bolt.Tx)) (release func()) {
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
	// Room in the file for small writes later: grow it, then free it.
	for i := range 40 {
		create(fmt.Sprintf("room%02d", i), big)
	}
	for i := range 40 {
		mustBeNil(t, s.DeleteEscrow(ctx, fmt.Sprintf("room%02d", i)))
	}
	release := hold(func(tx *bolt.Tx) {
		if fi, err := os.Stat(filepath.Join(dir, DBName)); err == nil {
			tx.DB().MaxSize = int(fi.Size()) // bbolt may not grow the file
		}
	})
	for i := range 100 {
		create(fmt.Sprintf("big%03d", i), big)
	}
	s.journal.queueApply() // too large: its transaction fails

	releaseSecond := func() func() {
		in, out := make(chan struct{}), make(chan struct{})
		s.ops <- boltOp{fn: func(*bolt.Tx) error { close(in); <-out; return nil }, done: make(chan error, 1)}
		release()
		<-in // the big hand-over is in the transaction now held
		return func() { close(out) }
	}()
	create("small", "s")
	s.journal.queueApply() // fits, after the failed one: the mark stays below the big ones
	releaseSecond()

	// Room again; the deletion's write hands the big ones over first.
	hold(func(tx *bolt.Tx) { tx.DB().MaxSize = 0 })()
	mustBeNil(t, s.DeleteEscrow(ctx, "small"))

	crashed := t.TempDir()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	mustBeNil(t, err)
	for _, name := range names {
		b, err := os.ReadFile(name)
		mustBeNil(t, err)
		mustBeNil(t, os.WriteFile(filepath.Join(crashed, filepath.Base(name)), b, 0o600))
	}
	c, err := OpenBoltStore(crashed)
	mustBeNil(t, err)
	defer c.Close()
	if _, err := c.Escrow(ctx, "small", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("an escrow deleted after the failed hand-over came back: %v", err)
	}
	if _, err := c.Escrow(ctx, "big099", now); err != nil {
		t.Errorf("an escrow of the failed hand-over: %v", err)
	}
}
