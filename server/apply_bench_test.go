package server

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkApplyEscrows measures what putting journaled escrows into
// bbolt costs per escrow, in transactions of 3,000 (a hand-over at 6,000
// escrows a second), into a tree that grows as the server's does under
// load: the writer's work, taken from the request handlers' CPU.
// "applyEscrows" is the writer's way (id order, no look-up for new ids);
// "put" the baseline, put for each escrow in arrival order, as any other
// record is written.
func BenchmarkApplyEscrows(b *testing.B) {
	b.Run("put", func(b *testing.B) {
		benchApply(b, func(tx *bolt.Tx, todo []*pendingEscrow, last uint64) error {
			for _, p := range todo {
				if err := put(tx, bucketEscrow, []byte(p.e.ID), p.e.Expiration, encodeEscrowRecord(p.e)); err != nil {
					return err
				}
			}
			return writeApplied(tx, last)
		})
	})
	b.Run("applyEscrows", func(b *testing.B) { benchApply(b, applyEscrows) })
}

func benchApply(b *testing.B, apply func(*bolt.Tx, []*pendingEscrow, uint64) error) {
	s, err := OpenBoltStore(b.TempDir())
	mustBeNil(b, err)
	defer s.Close()
	data := strings.Repeat("x", 400) // about a sealed escrow-data element
	exp := time.Now().Unix() + 3600
	const batch = 3000
	todo := make([]*pendingEscrow, 0, batch)
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		b.StopTimer()
		todo = todo[:0]
		for range min(batch, b.N-done) {
			id := make([]byte, 16)
			rand.Read(id)
			todo = append(todo, &pendingEscrow{e: Escrow{ID: hex.EncodeToString(id), Kind: "email", Data: data, Expiration: exp}, isNew: true})
		}
		b.StartTimer()
		err := s.db.Update(func(tx *bolt.Tx) error { return apply(tx, todo, uint64(done+len(todo))) })
		mustBeNil(b, err)
	}
}
