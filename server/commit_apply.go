package server

// The hand-over of journaled escrows to bbolt (commit.go has the
// journal): in batches, off the request path, with the applied mark
// that tells replay which records bbolt already has.

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

func readApplied(tx *bolt.Tx) uint64 {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0
	}
	v := b.Get(keyApplied)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// writeApplied raises the applied mark to seq; it never lowers it, as a
// mark once committed says every record up to it is in bbolt.
func writeApplied(tx *bolt.Tx, seq uint64) error {
	if seq <= readApplied(tx) {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	return b.Put(keyApplied, binary.BigEndian.AppendUint64(nil, seq))
}

// maybeApply hands journaled escrows to the writer when enough wait or
// the last hand-over is old, and removes journal files bbolt has
// absorbed. (A full file is replaced by run, before its next write.)
func (c *escrowCommitter) maybeApply(tick bool) {
	c.mu.RLock()
	n, applied, last := len(c.unqueued), c.applied, c.lastApply
	c.mu.RUnlock()
	if n > 0 && (n >= applyBatch || tick || time.Since(last) >= applyEvery) {
		c.queueApply()
	}
	for len(c.old) > 0 && c.old[0].last <= applied {
		c.maker.absorbed(c.old[0].path)
		c.old = c.old[1:]
	}
}

// queueApply hands every journaled escrow not yet handed over to the
// writer, as one op. It does not wait for the commit.
func (c *escrowCommitter) queueApply() {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	c.mu.Lock()
	todo := c.unqueued
	c.unqueued = nil
	if len(todo) > 0 {
		c.lastApply = time.Now()
	}
	c.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	var mark uint64
	c.s.ops <- boltOp{
		fn: func(tx *bolt.Tx) error {
			mark = c.appliedMark(todo)
			return applyEscrows(tx, todo, mark)
		},
		after: func(err error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if err != nil {
				for _, p := range todo {
					p.applying = false
				}
				// Still journaled: served from memory, retried with the
				// next hand-over and replayed at the next start. In seq
				// order, as the next hand-over needs them.
				c.unqueued = append(todo, c.unqueued...)
				slices.SortFunc(c.unqueued, func(a, b *pendingEscrow) int { return cmp.Compare(a.seq, b.seq) })
				return
			}
			c.applied = max(c.applied, mark)
			c.committed = max(c.committed, todo[len(todo)-1].seq)
			for _, p := range todo {
				if c.pending[p.e.ID] == p {
					delete(c.pending, p.e.ID)
				}
			}
		},
		done: make(chan error, 1),
	}
}

// appliedMark marks todo (in seq order) as applying and returns the
// applied mark its hand-over may record: the highest seq bbolt has or is
// getting in this transaction, unless an escrow before that is still
// waiting for bbolt (an earlier hand-over failed, and its escrows go
// again in a later one, which then lifts the mark past the escrows
// applied meanwhile). Replay skips every record up to the mark, and the
// files holding them are recycled, so a mark past a waiting escrow lost
// it in a crash. Escrows of hand-overs earlier in the same transaction
// are applying too, so they do not hold the mark back (a mark too low
// replays applied records, and with them deleted escrows). The writer
// calls it, after the result of every hand-over queued before.
func (c *escrowCommitter) appliedMark(todo []*pendingEscrow) uint64 {
	mark := todo[len(todo)-1].seq
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range todo {
		p.applying = true
	}
	mark = max(mark, c.committed)
	for _, p := range c.pending {
		if p.applying {
			mark = max(mark, p.seq)
		}
	}
	for _, p := range c.pending {
		if p.seq != 0 && p.seq <= mark && !p.applying {
			mark = p.seq - 1
		}
	}
	return mark
}

// applyEscrows puts journaled escrows into bbolt and records the highest
// seq applied. They go in id order, so each one's path down the tree is
// mostly the one before (the stable sort keeps two escrows of one id, an
// expired one and its replacement, in seq order, the later last); an
// escrow whose id bbolt had no record of is put without the look-up and
// deletion an overwrite needs. BenchmarkApplyEscrows compares it with
// put in arrival order.
func applyEscrows(tx *bolt.Tx, todo []*pendingEscrow, last uint64) error {
	sorted := slices.Clone(todo)
	slices.SortStableFunc(sorted, func(a, b *pendingEscrow) int { return strings.Compare(a.e.ID, b.e.ID) })
	escrows, expiry := tx.Bucket(bucketEscrow), tx.Bucket(bucketExpiry)
	for _, p := range sorted {
		key := []byte(p.e.ID)
		if !p.isNew {
			if err := del(tx, bucketEscrow, key); err != nil {
				return err
			}
		}
		if err := escrows.Put(key, escrowValue(p.e)); err != nil {
			return err
		}
		if err := expiry.Put(indexKey(key, p.e.Expiration), nil); err != nil {
			return err
		}
	}
	return writeApplied(tx, last)
}

// flushPending hands every journaled escrow to the writer before the
// caller queues a write of its own, which then sees them.
//
// It goes through queueMu even when nothing waits: a hand-over of the
// committer's may have taken the escrows and not yet sent them, and the
// caller's write must queue behind it.
func (c *escrowCommitter) flushPending() {
	c.queueApply()
}
