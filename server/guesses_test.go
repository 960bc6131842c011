package server

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

const lockedPrefix = "Too many wrong codes for this escrow"

// Whoever holds an escrow's key (a stolen pack, an heir's printed sheet)
// but not the mailbox its codes go to can ask for a new code every
// minute and guess each five times. The escrow's budget of wrong codes
// must hold across codes and across restarts of the server on the same
// file: ten wrong codes, then a lockout in which no code is taken or
// sent; then lockouts twice as long, after fewer wrong codes. The owner
// is told of each lockout, and gets in once it is over.
func TestGuessBudgetSurvivesNewCodesAndRestarts(t *testing.T) {
	env := newSecEnv(t, t.TempDir(), nil)
	f := env.escrow("email:alice@example.org", "email:owner@example.org", "Family photos", 30*24*time.Hour)
	judged := 0
	guessWrong := func(code string, n int) {
		t.Helper()
		for range n {
			if got, _ := env.recover(f, wrongFor(code)); got == wire.ErrIncorrectCode {
				judged++
			} else {
				t.Fatalf("wrong code %d: %q", judged+1, got)
			}
		}
	}
	askCode := func() string {
		t.Helper()
		code, e, _ := env.askCode(f)
		if e != "" {
			t.Fatalf("after %d wrong codes, no code: %q", judged, e)
		}
		return code
	}
	lockedFor := func(want time.Duration) {
		t.Helper()
		_, e, ra := env.askCode(f)
		if !strings.HasPrefix(e, lockedPrefix) || ra != strconv.Itoa(int(want/time.Second)+1) {
			t.Fatalf("after %d wrong codes, asking for a code: %q, Retry-After %q; want a lockout of %v", judged, e, ra, want)
		}
	}

	guessWrong(askCode(), maxFailures) // the code is void now
	env.clock.advance(time.Minute)
	guessWrong(askCode(), 4)
	// A restart loses the pending code, not the count.
	env.restart()
	env.clock.advance(time.Minute)
	code := askCode()
	guessWrong(code, 1) // the tenth
	if judged != firstBudget {
		t.Fatalf("%d wrong codes judged", judged)
	}
	// The eleventh guess is refused, even the right code, even after a
	// restart, and no new code goes out.
	for round := range 2 {
		if got, ra := env.recover(f, code); !strings.HasPrefix(got, lockedPrefix) || ra == "" {
			t.Fatalf("round %d: the right code after ten wrong ones: %q (Retry-After %q)", round, got, ra)
		}
		lockedFor(24 * time.Hour)
		env.restart()
	}
	codes := 0
	for _, m := range env.mails() {
		if m.code != "" {
			codes++
		}
	}
	if codes != 3 {
		t.Fatalf("%d codes mailed, want 3 (none during the lockout)", codes)
	}

	// Each later lockout is twice as long, after half as many wrong codes.
	env.clock.advance(24 * time.Hour)
	guessWrong(askCode(), 5)
	lockedFor(48 * time.Hour)
	env.clock.advance(24 * time.Hour)
	lockedFor(24 * time.Hour)
	env.clock.advance(24 * time.Hour)
	guessWrong(askCode(), 2)
	lockedFor(96 * time.Hour)
	env.clock.advance(96 * time.Hour)

	// The owner of the mailbox gets in.
	if got, _ := env.recover(f, askCode()); got != "released: s3cret" {
		t.Fatalf("the right code after the lockouts: %q", got)
	}
	var lockouts []string
	for _, ev := range env.notices("owner@example.org") {
		if ev == verify.NoticeLockedOut {
			lockouts = append(lockouts, ev)
		}
	}
	if len(lockouts) != 3 {
		t.Fatalf("the owner was told of %d lockouts, want 3: %v", len(lockouts), env.notices("owner@example.org"))
	}
}

// The yearly count behind docs/SERVER-SECURITY.md, played out: an
// attacker who guesses as fast as the server lets them, for a year,
// gets 23 wrong codes judged, so a chance under 1 in 10,000 of guessing
// one fragment's code on any one of 3 servers.
func TestGuessBudgetInAYear(t *testing.T) {
	env := newSecEnv(t, "", nil)
	f := env.escrow("email:alice@example.org", "", "test", 366*24*time.Hour)
	end := env.clock.Now().Add(365 * 24 * time.Hour)
	wait := func(ra string) {
		t.Helper()
		secs, err := strconv.Atoi(ra)
		if err != nil || secs < 1 {
			t.Fatalf("Retry-After %q", ra)
		}
		env.clock.advance(time.Duration(secs) * time.Second)
	}
	judged, lockouts := 0, 0
	for env.clock.Now().Before(end) {
		code, e, ra := env.askCode(f)
		if e != "" {
			wait(ra)
			continue
		}
		for range maxFailures {
			got, ra := env.recover(f, wrongFor(code))
			if got == wire.ErrIncorrectCode {
				judged++
				continue
			}
			if strings.HasPrefix(got, lockedPrefix) {
				lockouts++
				wait(ra)
			}
			break
		}
	}
	const servers = 3
	if judged != 23 {
		t.Errorf("%d wrong codes judged in a year, want the 23 of docs/SERVER-SECURITY.md", judged)
	}
	if p := float64(servers*judged) / 1e6; p >= 1e-4 {
		t.Errorf("chance of one right code on any of %d servers in a year: %g, not under 1 in 10,000", servers, p)
	}
	t.Logf("a year of guessing: %d wrong codes judged, %d lockouts", judged, lockouts)
}

// sharedStore hides that its Store is used by this process alone, so
// the server treats it as several instances share a PostgreSQL store:
// each guess is taken from the budget in the store before it is judged.
type sharedStore struct{ Store }

// Guesses sent at once, to one instance or many, cannot overrun the
// budget: one instance orders them per escrow, several take each guess
// from the budget in their shared store first.
func TestGuessBudgetHoldsUnderConcurrentGuesses(t *testing.T) {
	for _, shared := range []bool{false, true} {
		env := newSecEnv(t, "", func(c *Config) {
			if shared {
				c.Store = sharedStore{NewMemoryStore()}
			}
		})
		servers := []*secEnv{env}
		if shared {
			// A second instance on the same store.
			other := *env
			other.start()
			t.Cleanup(other.stop)
			servers = append(servers, &other)
		}
		f := env.escrow("email:alice@example.org", "", "test", 24*time.Hour)
		code, _, _ := env.askCode(f)
		for range maxFailures {
			env.recover(f, wrongFor(code))
		}
		env.clock.advance(time.Minute)
		code, _, _ = env.askCode(f)
		for range firstBudget - maxFailures - 1 {
			env.recover(f, wrongFor(code))
		}
		// One wrong code is left in the budget, and four in the code.
		var mu sync.Mutex
		answers := map[string]int{}
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				got, _ := servers[i%len(servers)].recover(f, wrongFor(code))
				if strings.HasPrefix(got, lockedPrefix) {
					got = lockedPrefix
				}
				mu.Lock()
				answers[got]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if answers[wire.ErrIncorrectCode] != 1 || answers[lockedPrefix] != 3 {
			t.Fatalf("shared store %v: 4 guesses at once with 1 left: %v", shared, answers)
		}
		// Every instance refuses now, and a right code given back by
		// one (none was pending) cost nothing.
		for _, srv := range servers {
			if got, _ := srv.recover(f, code); !strings.HasPrefix(got, lockedPrefix) {
				t.Fatalf("shared store %v: after the lockout: %q", shared, got)
			}
		}
	}
}

// On a shared store, a right code and a request without a pending code
// give their guess back: only wrong codes count.
func TestGuessBudgetSharedGivesBackRightCodes(t *testing.T) {
	env := newSecEnv(t, "", func(c *Config) { c.Store = sharedStore{NewMemoryStore()} })
	f := env.escrow("email:alice@example.org", "", "test", 24*time.Hour)
	for range 2 * firstBudget {
		if got, _ := env.recover(f, "1000000"); got != wire.ErrNoCode {
			t.Fatalf("no code pending: %q", got)
		}
	}
	code, _, _ := env.askCode(f)
	for range maxFailures {
		env.recover(f, wrongFor(code))
	}
	env.clock.advance(time.Minute)
	code, _, _ = env.askCode(f)
	for range firstBudget - 1 - maxFailures {
		env.recover(f, wrongFor(code))
	}
	if got, _ := env.recover(f, code); got != "released: s3cret" {
		t.Fatalf("the right code after 9 wrong ones: %q", got)
	}
	g, err := env.srv.store.Guesses(t.Context(), f.id[strings.IndexByte(f.id, '-')+1:], env.clock.Now())
	mustBeNil(t, err)
	if g.Wrong != firstBudget-1 || g.Lockouts != 0 {
		t.Fatalf("budget after 9 wrong codes and a right one: %+v", g)
	}
}
