package server

// The journal's writer (commit.go has the journal): batches of creations
// written and synced, acknowledged in order.

import (
	"fmt"
	"os"
	"time"
)

// defaultMaxInFlight is how many batches may be syncing at once. The
// writer can sync batches side by side (a batch that forms while another
// syncs is written and synced at once; it is acknowledged once it and
// every batch before it are on disk, as replay stops at the first gap),
// and this disk (virtio here) does sync them side by side. But each sync
// costs the kernel about 94 us of CPU here whatever it carries, so on
// two cores the fewer the syncs, the more escrows: with our own HTTP loop
// (httpconn.go) making the rest of a request cheap, one in flight gave
// 7,364-8,074 escrows/s at c=16 against 6,426-7,568 with two, six runs
// each alternated in one sitting, at about 8% less CPU an escrow; more
// than two was worse still (4,300 against 5,300 in an earlier sitting).
// A batch then holds every creation that queued during the sync before.
const defaultMaxInFlight = 1

// syncBatch is a batch of records written to the journal and syncing.
type syncBatch struct {
	ops   []createOp
	first uint64        // seq of the first record
	err   error         // set before done is closed
	done  chan struct{} // closed when the sync has returned
}

// run writes batches of records: whatever queued since the last batch
// was written goes in the next, synced beside the batches before it.
func (c *escrowCommitter) run() {
	defer close(c.stopped)
	tick := time.NewTicker(applyEvery)
	defer tick.Stop()
	for {
		c.wmu.Lock()
		var oldest chan struct{}
		if len(c.inflight) > 0 {
			oldest = c.inflight[0].done
		}
		c.wmu.Unlock()
		select {
		case op, ok := <-c.creates:
			c.wmu.Lock()
			if !ok {
				for len(c.inflight) > 0 {
					c.finishOldest()
				}
				c.queueApply()
				if c.f != nil {
					c.f.Close()
				}
				c.wmu.Unlock()
				return
			}
			c.writeQueued(op)
			c.wmu.Unlock()
		case <-oldest:
			c.wmu.Lock()
			c.finishOldest()
			c.wmu.Unlock()
		case <-tick.C:
			c.wmu.Lock()
			c.maybeApply(true)
			c.wmu.Unlock()
		}
	}
}

// writeQueued writes op and whatever else is queued as one batch, and
// syncs it beside the batches before it. Under wmu.
func (c *escrowCommitter) writeQueued(op createOp) {
	if len(c.inflight) >= c.maxInFlight {
		c.finishOldest() // more queue up meanwhile, for this batch
	}
	ops := append(make([]createOp, 0, 16), op)
fill:
	for len(ops) < maxCommitBatch {
		select {
		case op, ok := <-c.creates:
			if !ok {
				break fill // seen again by run's receive
			}
			ops = append(ops, op)
		default:
			break fill
		}
	}
	b := c.writeBatch(ops)
	if b == nil {
		return
	}
	if c.inlineSync && len(c.inflight) == 1 && len(c.creates) == 0 {
		// Nothing else syncing or waiting: sync here, sparing the two
		// goroutine hand-offs of a sync beside.
		c.syncWritten(b, c.f)
		c.finishOldest()
		return
	}
	go c.syncWritten(b, c.f)
}

// writeAlone journals a creation that finds the journal idle in the
// creating goroutine itself, syncs it and acknowledges it, reporting
// false (having done nothing) if the journal is busy. A lone client's
// escrow then costs no goroutine hand-off at all: handing it to the
// committer and back cost it two wake-ups of an idle thread (about 45
// us of CPU a creation at c=1, measured with wrk, against about 240 us
// for the sync itself).
func (c *escrowCommitter) writeAlone(op createOp) bool {
	if !c.inlineSync || !c.wmu.TryLock() {
		return false
	}
	defer c.wmu.Unlock()
	if len(c.inflight) > 0 || len(c.creates) > 0 {
		return false
	}
	if b := c.writeBatch([]createOp{op}); b != nil {
		c.syncWritten(b, c.f)
	}
	c.finishOldest()
	return true
}

// writeBatch writes ops to the journal as the next batch, in flight, and
// returns it for syncing; nil if it failed (it is in flight, done).
// Under wmu.
func (c *escrowCommitter) writeBatch(ops []createOp) *syncBatch {
	b := &syncBatch{ops: ops, done: make(chan struct{})}
	c.buf = c.buf[:0]
	for i, op := range ops {
		c.buf = appendRecord(c.buf, c.seq+uint64(i)+1, op.p.e)
	}
	if c.poisoned || c.size > 0 && c.size+int64(len(c.buf)) > c.fileBytes {
		// A new file: once every batch in this one is done, as the
		// file is closed (a batch larger than a file goes past a new
		// one's end).
		for len(c.inflight) > 0 {
			c.finishOldest()
		}
		if b.err = c.rotate(); b.err == nil {
			c.poisoned = false
		}
	}
	b.first = c.seq + 1
	c.seq += uint64(len(ops)) // spent even on failure: the records may be on disk
	c.inflight = append(c.inflight, b)
	if b.err != nil {
		close(b.done)
		return nil
	}
	if _, err := c.f.WriteAt(c.buf, c.size); err != nil {
		// A partial record ends the file on replay.
		b.err = fmt.Errorf("server: writing journal: %w", err)
		c.poisoned = true
		close(b.done)
		return nil
	}
	c.size += int64(len(c.buf))
	return b
}

// finishOldest waits for the oldest batch in flight to sync and
// acknowledges it; a batch after one that failed in the same file fails
// too (poisoned). Under wmu.
func (c *escrowCommitter) finishOldest() {
	b := c.inflight[0]
	<-b.done
	c.inflight = c.inflight[1:]
	err := b.err
	if err != nil {
		c.poisoned = true
	} else if c.poisoned {
		err = errJournalGap
	}
	c.finish(b, err)
}

// syncWritten makes b's records in f durable and says so by closing b.done.
func (c *escrowCommitter) syncWritten(b *syncBatch, f *os.File) {
	if err := c.sync(f); err != nil {
		b.err = fmt.Errorf("server: syncing journal: %w", err)
	}
	close(b.done)
}
