package server

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Whoever holds an escrow's key (a pack, an heir's printed sheet) but not
// the mailbox its codes go to can ask for a code every minute and guess
// each five times. Counted over days, the escrow must take only
// maxWrongPerDay wrong codes a day, and the mailbox's owner must still
// get in once the day is over.
func TestWrongCodesAreCountedAcrossCodes(t *testing.T) {
	env := newTestEnv(t, nil)
	pkey, dkey := make([]byte, 32), make([]byte, 32)
	rand.Read(pkey)
	rand.Read(dkey)
	data := seal(t, dkey, wire.EscrowData{Description: "test", Secret: "s3cret", Verify: "email:heir@example.org", Timeout: 1800})
	pay, err := hashcash.Solve(context.Background(), []byte(data), "hashcash-11", 11, hashcash.SolveOptions{Now: env.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	params := wire.EscrowParameters{Kind: "email", Expiration: env.clock.Now().Add(30 * 24 * time.Hour).Unix(), Payment: pay}
	var made wire.EscrowResponse
	env.call(t, wire.MethodEscrow, wire.EscrowRequest{
		Version: wire.Version, Parameters: seal(t, pkey, params), ParametersKey: wire.EncodeKey(pkey), EscrowData: []string{data},
	}, &made)
	if made.Error != "" {
		t.Fatal(made.Error)
	}
	f := escrowFixture{id: made.EscrowDataID, key: wire.EncodeKey(dkey)}
	recover := func(code string) string {
		var resp wire.RecoveryResponse
		env.call(t, wire.MethodRecovery, wire.RecoveryRequest{
			Version: wire.Version, Verification: code, EscrowDataID: f.id, EscrowDataKey: f.key,
		}, &resp)
		if resp.Error == "" {
			return "released: " + resp.EscrowSecret
		}
		return resp.Error
	}
	wrongFor := func(code string) string {
		if code[1:] == "000000" {
			return code[:1] + "000001"
		}
		return code[:1] + "000000"
	}
	for day := range 3 {
		judged := 0
		for range MaxCodesPerDay - 1 { // a code a minute (all a day allows but one), guessed five times
			code := env.verifyCode(t, f, "1")
			for range maxFailures {
				if strings.HasPrefix(recover(wrongFor(code)), wire.ErrIncorrectCode) {
					judged++
				}
			}
			env.clock.advance(time.Minute)
		}
		if judged > maxWrongPerDay {
			t.Fatalf("day %d: %d wrong codes judged, at most %d a day", day+1, judged, maxWrongPerDay)
		}
		// Today, even the right code is refused, and not used up.
		code := env.verifyCode(t, f, "1")
		if got := recover(code); got != "Too many wrong codes for this escrow; please try again tomorrow" {
			t.Fatalf("day %d: the right code after the limit: %q", day+1, got)
		}
		env.clock.advance(guessWindow)
		if day == 2 {
			// The next day, the owner of the mailbox gets in.
			if got := recover(env.verifyCode(t, f, "1")); got != "released: s3cret" {
				t.Fatalf("the right code the next day: %q", got)
			}
		}
	}
}
