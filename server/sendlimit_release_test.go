package server

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// The notices of a waiting period (a claim started, a release soon, a
// release) go to the escrow's notify identity, which its maker chooses,
// like the owner notices of tellOwner: they must count against the
// recipient's send limit too. Before, an attacker made escrows with a
// waiting period naming the victim as owner and codes going to
// addresses of their own, claimed each, and every claim mailed the
// victim, uncounted: 10 mails in a minute here.
func TestSendLimitCountsReleaseNotices(t *testing.T) {
	env := newSecEnv(t, "", nil)
	const victim = "victim@example.org"
	delayed := func(verifyID string) escrowFixture {
		t.Helper()
		pkey, dkey, token := make([]byte, 32), make([]byte, 32), make([]byte, 32)
		rand.Read(pkey)
		rand.Read(dkey)
		rand.Read(token)
		data := seal(t, dkey, wire.EscrowData{Description: "Buy now", Secret: "s3cret", Verify: verifyID, Timeout: 1800, Notify: "email:" + victim})
		params := wire.EscrowParameters{Kind: "email", Expiration: env.clock.Now().Add(freeExpiration).Unix(), Payment: "free:0"}
		inner, err := wire.Marshal(wire.EscrowRequest{
			Version: wire.Version, Parameters: seal(t, pkey, params), ParametersKey: wire.EncodeKey(pkey), EscrowData: []string{data},
		})
		mustBeNil(t, err)
		var made wire.EscrowResponse
		env.call(wire.MethodDelayedEscrow, wire.DelayedEscrowRequest{
			Version: wire.ExtVersion, EscrowRequest: inner, DelayDays: 1, OwnerToken: wire.EncodeKey(token), OwnerLanguage: "en",
		}, &made)
		if made.Error != "" {
			t.Fatalf("delayed escrow: %s", made.Error)
		}
		return escrowFixture{id: made.EscrowDataID, key: wire.EncodeKey(dkey), secret: "s3cret", exp: made.Expiration}
	}
	for i := range 10 {
		f := delayed(fmt.Sprintf("email:attacker%d@example.net", i))
		code, e, _ := env.askCode(f)
		if e != "" {
			t.Fatalf("escrow %d: no code: %q", i, e)
		}
		env.recover(f, code) // starts the waiting period, or is refused
	}
	if n := len(env.notices(victim)); n > DefaultMaxSendsPerHour {
		t.Fatalf("%d notices to one address within a minute, want at most %d", n, DefaultMaxSendsPerHour)
	}
	env.clock.advance(time.Hour)
	f := delayed("email:attacker-late@example.net")
	code, e, _ := env.askCode(f)
	if e != "" {
		t.Fatalf("an hour later: no code: %q", e)
	}
	if got, _ := env.recover(f, code); got == "" || len(env.notices(victim)) != DefaultMaxSendsPerHour+1 {
		t.Fatalf("an hour later the claim is not told to the owner: %q, %d notices", got, len(env.notices(victim)))
	}
}
