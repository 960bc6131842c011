//go:build linux

package server

import (
	"strings"
	"testing"
	"time"
)

// testPgSharedLimits: two servers on one database, as behind a load
// balancer, count against one guess budget per escrow and one send
// limit per recipient. Spreading guesses or code requests over the
// instances gains nothing.
func testPgSharedLimits(t *testing.T, dsn string) {
	noWait := func(c *Config) { c.ResendInterval = -1 }
	a := newSecEnv(t, "", func(c *Config) { noWait(c); c.Store = openPg(t, dsn) })
	b := newSecEnv(t, "", func(c *Config) { noWait(c); c.Store = openPg(t, dsn); c.Now = a.clock.Now })
	envs := []*secEnv{a, b}

	t.Run("guess budget", func(t *testing.T) {
		f := a.escrow("email:alice@example.org", "", "Bank", freeExpiration)
		wrongFor := func(code string) string {
			if code == "1000000" {
				return "1000001"
			}
			return "1000000"
		}
		// firstBudget wrong codes, every other one on the other instance,
		// under codes asked for on either: the last locks the escrow out.
		var code string
		for i := range firstBudget {
			if i%maxFailures == 0 || i == firstBudget-1 {
				var e string
				if code, e, _ = envs[i%2].askCode(f); e != "" {
					t.Fatalf("code %d: %s", i, e)
				}
			}
			if res, _ := envs[(i+1)%2].recover(f, wrongFor(code)); strings.HasPrefix(res, "released") {
				t.Fatalf("wrong code %d released the escrow", i)
			}
		}
		for _, env := range envs {
			res, retry := env.recover(f, code)
			if !strings.HasPrefix(res, "Too many wrong codes for this escrow") || retry == "" {
				t.Errorf("the right code after %d wrong ones on two instances: %q (Retry-After %q)", firstBudget, res, retry)
			}
			if _, e, _ := env.askCode(f); !strings.HasPrefix(e, "Too many wrong codes for this escrow") {
				t.Errorf("a code asked for the locked escrow: %q", e)
			}
		}
	})

	t.Run("send limit", func(t *testing.T) {
		a.clock.advance(time.Hour) // a fresh hour for alice's address too
		sent := 0
		for i := range DefaultMaxSendsPerHour + 3 {
			env := envs[i%2]
			f := env.escrow("email:victim@example.org", "", "Bank", freeExpiration)
			switch _, e, _ := env.askCode(f); {
			case e == "":
				sent++
			case !strings.HasPrefix(e, "Too many codes sent to this address"):
				t.Fatalf("code %d refused with %q", i, e)
			}
		}
		if sent != DefaultMaxSendsPerHour {
			t.Errorf("two instances sent %d codes to one address in an hour, want %d", sent, DefaultMaxSendsPerHour)
		}
	})
}
