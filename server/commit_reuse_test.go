package server

import (
	"bytes"
	"context"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// An id made again after its escrow expired leaves bbolt one expiry index
// entry, the new one's, whether the expired escrow had reached bbolt or
// was still journaled when it was replaced: applyEscrows skips the
// deletion only for an id that was new. A stale entry would make a sweep
// delete the new escrow at the old one's expiration.
func TestJournalReusedIDKeepsOneIndexEntry(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	first, second := now.Unix()+10, now.Unix()+7200
	later := now.Add(time.Minute) // the first has expired, the second not
	for _, inBolt := range []bool{true, false} {
		dir := t.TempDir()
		s, err := OpenBoltStore(dir)
		mustBeNil(t, err)
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "reused", Kind: "email", Data: "old", Expiration: first}, now))
		if inBolt {
			mustBeNil(t, s.Close()) // hands it to bbolt
			s, err = OpenBoltStore(dir)
			mustBeNil(t, err)
		}
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "reused", Kind: "email", Data: "new", Expiration: second}, later))
		mustBeNil(t, s.Close())

		var entries [][]byte
		mustBeNil(t, withBolt(dir, func(tx *bolt.Tx) error {
			return tx.Bucket(bucketExpiry).ForEach(func(k, _ []byte) error {
				if bytes.HasSuffix(k, []byte("reused")) {
					entries = append(entries, bytes.Clone(k))
				}
				return nil
			})
		}))
		if len(entries) != 1 || !bytes.Equal(entries[0], indexKey([]byte("reused"), second)) {
			t.Errorf("in bbolt before replacing: %v: expiry index entries %q, want only the new escrow's", inBolt, entries)
		}

		s, err = OpenBoltStore(dir)
		mustBeNil(t, err)
		_, err = s.Sweep(ctx, later)
		mustBeNil(t, err)
		if e, err := s.Escrow(ctx, "reused", later); err != nil || e.Data != "new" {
			t.Errorf("in bbolt before replacing: %v: after a sweep: %+v, %v", inBolt, e, err)
		}
		mustBeNil(t, s.Close())
	}
}
