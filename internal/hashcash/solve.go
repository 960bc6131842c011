package hashcash

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// progressInterval keeps Progress calls to about ten a second.
const progressInterval = 100 * time.Millisecond

// SolveOptions tunes Solve; the zero value uses every core and the clock.
type SolveOptions struct {
	Workers int              // goroutines hashing; 0 = runtime.NumCPU()
	Now     func() time.Time // clock for each try's ts; nil = time.Now

	// Progress, if set, gets the number of tries so far, from one goroutine,
	// at most every 100 ms, and never after Solve returns. Expect about
	// 2^bits tries in all.
	Progress func(tries uint64)
}

// solveHooks lets tests see every goroutine Solve starts end before it
// returns; nil outside tests.
var solveHooks struct{ start, exit func() }

// Solve finds a token "<schemeID>:<counter hex>-<ts hex>" whose digest over
// data ends in bits zero bits. Counters start at 1 and are handed out to the
// workers without overlap; each try stamps ts with the clock at that moment,
// as the reference client does. It returns the first valid token, or
// ctx.Err() soon (one digest, well under a millisecond) after ctx ends.
func Solve(ctx context.Context, data []byte, schemeID string, bits int, opts SolveOptions) (string, error) {
	if err := checkBits(bits); err != nil {
		return "", err
	}
	workers := opts.Workers
	if workers < 0 {
		return "", fmt.Errorf("hashcash: %d workers", workers)
	}
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}

	search, stop := context.WithCancel(ctx)
	defer stop()
	var (
		next, tries atomic.Uint64
		found       = make(chan string, 1)
		wg          sync.WaitGroup
	)
	spawn := func(f func()) {
		wg.Add(1)
		if solveHooks.start != nil {
			solveHooks.start()
		}
		go func() {
			defer wg.Done()
			if solveHooks.exit != nil {
				defer solveHooks.exit()
			}
			f()
		}()
	}
	for range workers {
		spawn(func() {
			cash, ok := solveWorker(search, data, bits, now, &next, &tries)
			if ok {
				select {
				case found <- schemeID + ":" + cash:
				default: // another worker was first
				}
				stop()
			}
		})
	}
	if opts.Progress != nil {
		spawn(func() {
			tick := time.NewTicker(progressInterval)
			defer tick.Stop()
			for {
				select {
				case <-search.Done():
					return
				case <-tick.C:
					opts.Progress(tries.Load())
				}
			}
		})
	}

	<-search.Done()
	wg.Wait()
	select {
	case token := <-found:
		return token, nil
	default:
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return "", errors.New("hashcash: search stopped without a result") // unreachable
}

// solveWorker tries counters from next until one gives enough work or ctx
// ends.
func solveWorker(ctx context.Context, data []byte, bits int, now func() time.Time, next, tries *atomic.Uint64) (cash string, ok bool) {
	s := scrypters.Get().(*scrypter)
	defer scrypters.Put(s)
	buf := make([]byte, 0, 2*len(data)+32)
	for ctx.Err() == nil {
		counter := next.Add(1)
		ts := now().Unix()
		var d [keyLen]byte
		d, buf = s.digest(buf, data, counter, ts)
		tries.Add(1)
		if enoughWork(d, bits) {
			return formatCash(counter, ts), true
		}
	}
	return "", false
}
