//go:build linux

package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/pgtest"
)

// testPgCrash kills PostgreSQL itself with SIGKILL (every process of
// it, as a power cut or the OOM killer would) while writers create
// escrows and count wrong guesses, restarts it, and looks for every
// write PgStore acknowledged: escrows and guess records must survive
// (they are committed before a call returns; codes and spent tokens,
// in UNLOGGED tables, need not and are not checked), even when the
// connection asks for synchronous_commit=off.
func testPgCrash(t *testing.T, pg *pgtest.Server) {
	ctx := context.Background()
	dsn := pg.NewDB(t)
	// Asked for commits that return before their WAL is written, the
	// store has them durable all the same.
	s, err := OpenPgStore(ctx, dsn+"&synchronous_commit=off")
	mustBeNil(t, err)
	defer s.Close()
	now := time.Unix(testStart, 0)

	const escrowWriters, guessWriters, crashAfter = 12, 4, 400
	var (
		mu      sync.Mutex
		escrows []string
		guesses = make([]int, guessWriters) // acknowledged count per record
		acked   atomic.Int32
		wg      sync.WaitGroup
	)
	reached := make(chan struct{})
	var once sync.Once
	ack := func() {
		if acked.Add(1) == crashAfter {
			once.Do(func() { close(reached) })
		}
	}
	for range escrowWriters {
		wg.Go(func() {
			for {
				id := rand.Text()
				if err := s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "sealed", Expiration: testStart + 3600}, now); err != nil {
					return // PostgreSQL is gone
				}
				mu.Lock()
				escrows = append(escrows, id)
				mu.Unlock()
				ack()
			}
		})
	}
	for w := range guessWriters {
		wg.Go(func() {
			for {
				err := s.UpdateGuesses(ctx, fmt.Sprintf("g%d", w), now, func(g *Guesses) error {
					g.Expiration = testStart + 3600
					g.Wrong++
					return nil
				})
				if err != nil {
					return
				}
				mu.Lock()
				guesses[w]++
				mu.Unlock()
				ack()
			}
		})
	}
	<-reached
	pg.Crash(t) // writes in flight
	wg.Wait()

	after := openPg(t, dsn)
	lost := 0
	for _, id := range escrows {
		if _, err := after.Escrow(ctx, id, now); err != nil {
			lost++
			if lost <= 10 {
				t.Errorf("acknowledged escrow %s: %v", id, err)
			}
		}
	}
	for w, n := range guesses {
		g, err := after.Guesses(ctx, fmt.Sprintf("g%d", w), now)
		mustBeNil(t, err)
		// The write in flight at the crash may have committed unacknowledged.
		if g.Wrong < n || g.Wrong > n+1 {
			t.Errorf("guess record %d: %d wrong after the crash, %d acknowledged", w, g.Wrong, n)
		}
	}
	t.Logf("PostgreSQL killed after %d acknowledged writes (%d escrows); %d escrows lost", acked.Load(), len(escrows), lost)
}
