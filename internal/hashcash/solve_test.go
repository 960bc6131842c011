package hashcash

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countGoroutines installs solveHooks for the test and returns a check that
// every goroutine Solve started had ended by the time it returned.
func countGoroutines(t *testing.T) (check func(t *testing.T, want int)) {
	var started, exited atomic.Int64
	solveHooks.start = func() { started.Add(1) }
	solveHooks.exit = func() { exited.Add(1) }
	t.Cleanup(func() { solveHooks.start, solveHooks.exit = nil, nil })
	return func(t *testing.T, want int) {
		t.Helper()
		s, e := started.Load(), exited.Load()
		if s != int64(want) || e != s {
			t.Errorf("Solve started %d goroutines (want %d), %d ended before it returned", s, want, e)
		}
		started.Store(0)
		exited.Store(0)
	}
}

func TestSolveRoundTrip(t *testing.T) {
	check := countGoroutines(t)
	data := []byte("solve round trip")
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			clock := time.Unix(1700000000, 0)
			token, err := Solve(t.Context(), data, "hashcash-8", 8, SolveOptions{
				Workers: workers,
				Now:     func() time.Time { return clock },
			})
			if err != nil {
				t.Fatal(err)
			}
			check(t, workers)
			scheme, cash, err := ParseToken(token)
			if err != nil || scheme != "hashcash-8" {
				t.Fatalf("ParseToken(%q) = %q, %v", token, scheme, err)
			}
			counter, ts, err := ParseCash(cash)
			if err != nil {
				t.Fatal(err)
			}
			if ts != clock.Unix() || counter == 0 || formatCash(counter, ts) != cash {
				t.Errorf("token %q: counter %d, ts %d; want canonical hex, ts from Now", token, counter, ts)
			}
			if err := Verify(data, 8, cash, clock); err != nil {
				t.Errorf("Verify(%q): %v", token, err)
			}
			// With one worker the first valid counter is found, so every
			// smaller counter must fail.
			if workers == 1 {
				for c := uint64(1); c < counter; c++ {
					if enoughWork(Digest(data, c, ts), 8) {
						t.Fatalf("counter %d is valid but Solve returned %d", c, counter)
					}
				}
			}
		})
	}
}

// TestSolveCancel stops an endless search (64 bits) once Progress shows
// work under way, and checks that Solve returns the context's error with
// every goroutine ended, and that Progress kept to its rate.
func TestSolveCancel(t *testing.T) {
	check := countGoroutines(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var mu sync.Mutex
	var calls []uint64
	start := time.Now()
	token, err := Solve(ctx, []byte("never"), "hashcash-64", MaxBits, SolveOptions{
		Progress: func(tries uint64) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, tries)
			if len(calls) == 3 {
				cancel()
			}
		},
	})
	elapsed := time.Since(start)
	if !errors.Is(err, context.Canceled) || token != "" {
		t.Fatalf("Solve = %q, %v; want context.Canceled", token, err)
	}
	check(t, runtime.NumCPU()+1)
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 || !slices.IsSorted(calls) || calls[2] == 0 {
		t.Errorf("Progress calls %v, want 3 growing counts", calls)
	}
	if min := 3 * progressInterval; elapsed < min {
		t.Errorf("3 Progress calls in %v, faster than one per %v", elapsed, progressInterval)
	}
}

func TestSolveDeadline(t *testing.T) {
	check := countGoroutines(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	_, err := Solve(ctx, []byte("never"), "hashcash-64", MaxBits, SolveOptions{Workers: 2})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Solve: %v, want context.DeadlineExceeded", err)
	}
	check(t, 2)

	// An ended context starts nothing.
	if _, err := Solve(ctx, []byte("x"), "hashcash-8", 8, SolveOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Solve with an ended context: %v", err)
	}
	check(t, 0)
}

func TestSolveBadOptions(t *testing.T) {
	for _, bits := range []int{-1, 0, 65} {
		if _, err := Solve(t.Context(), nil, "x", bits, SolveOptions{}); !errors.Is(err, ErrBits) {
			t.Errorf("Solve with %d bits: %v, want ErrBits", bits, err)
		}
		if err := Verify(nil, bits, "1-1", time.Unix(1, 0)); !errors.Is(err, ErrBits) {
			t.Errorf("Verify with %d bits: %v, want ErrBits", bits, err)
		}
	}
	if _, err := Solve(t.Context(), nil, "x", 8, SolveOptions{Workers: -1}); err == nil {
		t.Error("Solve with -1 workers: no error")
	}
}

// TestSolveMedian measures how long Solve takes, as the median over many
// data strings; it runs only with PASSCROW_BENCH=1 (minutes of CPU).
// PASSCROW_BENCH_RUNS sets the number of runs per case (default 20).
func TestSolveMedian(t *testing.T) {
	if os.Getenv("PASSCROW_BENCH") != "1" {
		t.Skip("set PASSCROW_BENCH=1 to measure solve times")
	}
	runs := 20
	if s := os.Getenv("PASSCROW_BENCH_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("PASSCROW_BENCH_RUNS=%q", s)
		}
		runs = n
	}
	for _, bits := range []int{11, 12, 13} {
		for _, workers := range []int{1, runtime.NumCPU()} {
			times := make([]time.Duration, runs)
			var tries uint64
			var total time.Duration
			for i := range times {
				data := fmt.Appendf(nil, "median run %d bits %d workers %d", i, bits, workers)
				start := time.Now()
				token, err := Solve(t.Context(), data, "hashcash", bits, SolveOptions{Workers: workers})
				times[i] = time.Since(start)
				if err != nil {
					t.Fatal(err)
				}
				_, cash, _ := ParseToken(token)
				if err := Verify(data, bits, cash, time.Now()); err != nil {
					t.Fatalf("Verify(%q): %v", token, err)
				}
				counter, _, _ := ParseCash(cash)
				tries += counter // counters are handed out in order from 1
				total += times[i]
			}
			slices.Sort(times)
			med := (times[(runs-1)/2] + times[runs/2]) / 2
			// The number of tries is geometric, so a median of 20 runs
			// still wanders; the median expected from the measured rate,
			// ln 2 * 2^bits tries, is steadier.
			perTry := total / time.Duration(tries)
			expect := time.Duration(math.Ln2 * float64(uint64(1)<<bits) * float64(perTry))
			t.Logf("bits=%d workers=%d runs=%d median=%v min=%v max=%v; %v per try, expected median %v",
				bits, workers, runs, med.Round(time.Millisecond),
				times[0].Round(time.Millisecond), times[runs-1].Round(time.Millisecond),
				perTry.Round(time.Microsecond), expect.Round(time.Millisecond))
		}
	}
}
