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

// A hand-over to bbolt that fails (here: the file may not grow, as on a
// full disk) leaves its escrows journaled, and a later, smaller
// hand-over that succeeds must not mark them applied: replay skips
// every record up to the mark, so a crash then lost acknowledged
// escrows. The data dir is copied while the store is open, as a kill -9
// would leave it.
func TestJournalFailedApplyKeepsItsRecords(t *testing.T) {
	dir := t.TempDir()
	s, err := openBoltStore(dir, 8<<10)
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	big := strings.Repeat("b", 2000)

	// Room in the file for small writes later: grow it, then free it.
	for i := range 40 {
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: fmt.Sprintf("room%02d", i), Kind: "email", Data: big, Expiration: exp}, now))
	}
	for i := range 40 {
		mustBeNil(t, s.DeleteEscrow(ctx, fmt.Sprintf("room%02d", i)))
	}

	// hold queues an op that blocks the writer inside its transaction
	// until the returned func is called.
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
	release := hold(func(tx *bolt.Tx) {
		fi, err := os.Stat(filepath.Join(dir, DBName))
		if err == nil {
			tx.DB().MaxSize = int(fi.Size()) // bbolt may not grow the file
		}
	})
	var lost []string
	for i := range 100 {
		id := fmt.Sprintf("big%03d", i)
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: big, Expiration: exp}, now))
		lost = append(lost, id)
	}
	s.journal.queueApply() // too large for the file: its transaction fails
	releaseSecond := func() func() {
		in, out := make(chan struct{}), make(chan struct{})
		s.ops <- boltOp{fn: func(*bolt.Tx) error {
			close(in)
			<-out
			return nil
		}, done: make(chan error, 1)}
		release()
		<-in // the big hand-over is in the transaction now held
		return func() { close(out) }
	}()
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "small", Kind: "email", Data: "s", Expiration: exp}, now))
	s.journal.queueApply() // fits: its own transaction, after the failed one
	releaseSecond()
	barrier := boltOp{fn: func(*bolt.Tx) error { return nil }, done: make(chan error, 1)}
	s.ops <- barrier
	<-barrier.done

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
	missing := 0
	for _, id := range append(lost, "small") {
		if _, err := c.Escrow(ctx, id, now); err != nil {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged escrows lost in a crash after a failed hand-over to bbolt", missing, len(lost)+1)
	}
	// The store itself still serves them, and has them once bbolt may grow.
	for _, id := range lost {
		if _, err := s.Escrow(ctx, id, now); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
}
