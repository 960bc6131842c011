package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Two hand-overs that bbolt's writer commits in one transaction both
// reach bbolt, so the applied mark it writes is the later one's last
// seq: the earlier hand-over's escrows, still pending while the later
// one computes its mark, are not taken for escrows waiting (a lower mark
// replays applied records after a crash, and so brings back any of them
// deleted since).
func TestJournalHandOversInOneTransactionMarkAll(t *testing.T) {
	s, err := OpenBoltStore(t.TempDir())
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600

	in, out := make(chan struct{}), make(chan struct{})
	s.ops <- boltOp{fn: func(*bolt.Tx) error { // holds the writer
		close(in)
		<-out
		return nil
	}, done: make(chan error, 1)}
	<-in
	for _, group := range []string{"a", "b"} {
		for i := range 5 {
			mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: fmt.Sprintf("%s%d", group, i), Kind: "email", Data: "x", Expiration: exp}, now))
		}
		s.journal.queueApply() // a hand-over of its own, queued behind the held one
	}
	close(out)
	barrier := boltOp{fn: func(*bolt.Tx) error { return nil }, done: make(chan error, 1)}
	s.ops <- barrier
	<-barrier.done

	var applied uint64
	mustBeNil(t, s.db.View(func(tx *bolt.Tx) error { applied = readApplied(tx); return nil }))
	if applied != 10 {
		t.Errorf("applied mark in bbolt %d after 10 escrows were handed over, want 10", applied)
	}
}
